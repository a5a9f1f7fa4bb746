"""Notification test data: channels made on demand (the persona cast itself has none, so other
apps' tests queue no robot messages), and the route matrix's subject."""

from __future__ import annotations

from typing import Any

from dualprev.notifications.choices import ChannelKind
from dualprev.notifications.models import NotificationChannel


def make_channel(
    enterprise: Any,
    kind: str = ChannelKind.WECOM,
    *,
    name: str = "",
    url: str = "",
    email: str = "",
    secret: str = "",
    event_kinds: list[str] | None = None,
    enabled: bool = True,
) -> NotificationChannel:
    if kind == ChannelKind.EMAIL:
        email = email or "safety-group@example.com"
    else:
        url = url or "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test-key-0001"
    return NotificationChannel.objects.create(
        enterprise=enterprise,
        name=name or f"{ChannelKind(kind).label}",
        kind=kind,
        webhook_url=url,
        email=email,
        secret=secret,
        event_kinds=event_kinds or [],
        enabled=enabled,
    )


def matrix_channel(cast: Any) -> NotificationChannel:
    """Enterprise A's group mailbox: its test message goes through the test e-mail backend, so
    the matrix's writes send nothing over the network."""
    return make_channel(cast.a.enterprise, ChannelKind.EMAIL, name="安全群邮箱")


MATRIX_SUBJECTS = {NotificationChannel: matrix_channel}
