"""Writes of the notifications app: ``notify`` (inbox + queued e-mails and robot messages),
reading messages, and the enterprise's channels."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dualprev.notifications.choices import (
    SIGNED_KINDS,
    TEST_KIND,
    ChannelKind,
    NotificationKind,
)
from dualprev.notifications.formats import Message, plain_text, robot_body
from dualprev.notifications.models import Delivery, Notification, NotificationChannel
from dualprev.notifications.sending import Outcome, attempt, claim

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """A link for e-mail and group messages: ``DUALPREV_BASE_URL`` + path, or "" without one."""
    if not path:
        return ""
    if path.startswith(("http://", "https://")):
        return path
    base = settings.DUALPREV_BASE_URL
    return f"{base}{path}" if base else ""


def _recipient_ids(recipients: Iterable[Any]) -> list[int]:
    ids: list[int] = []
    for person in recipients:
        pk = person if isinstance(person, int) else getattr(person, "pk", None)
        if pk is not None and pk not in ids:
            ids.append(pk)
    return ids


def _members(enterprise_id: int, ids: list[int]) -> list[Any]:
    """The recipients who are active members of the enterprise (anyone else gets nothing)."""
    from dualprev.accounts.models import User

    if not ids:
        return []
    found = User.objects.filter(
        pk__in=ids,
        is_active=True,
        membership__enterprise_id=enterprise_id,
        membership__is_active=True,
    ).only("pk", "email")
    by_id = {user.pk: user for user in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def _enqueue(delivery_ids: list[int]) -> None:
    """After commit: hand the new deliveries to the background worker. If even that fails the
    periodic ``retry_deliveries`` job sends them (they are due now)."""
    from dualprev.notifications.tasks import send_deliveries

    try:
        send_deliveries.enqueue(delivery_ids)
    except Exception:
        logger.exception(
            "Could not enqueue deliveries %s; the retry job will send them", delivery_ids
        )


def notify(
    *,
    enterprise_id: int,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """Put a message in each recipient's inbox and queue its deliveries: an e-mail to each
    recipient with an address (when e-mail is configured), and one message per enabled channel
    of the enterprise that carries ``kind`` (group robots and mailboxes get the event once, not
    once per recipient). Sending happens in the background after the caller's transaction
    commits; nothing is sent if it rolls back.

    Recipients (users or user ids) who are not active members of the enterprise are skipped;
    duplicates get one message. Returns the inbox rows written."""
    kind = NotificationKind(kind)  # ValueError for an unknown kind
    title = title.strip()[:200]
    people = _members(enterprise_id, _recipient_ids(recipients))
    now = timezone.now()
    notes = Notification.objects.bulk_create(
        [
            Notification(
                enterprise_id=enterprise_id,
                recipient_id=person.pk,
                kind=kind,
                title=title,
                body=body,
                url=url,
            )
            for person in people
        ]
    )
    deliveries: list[Delivery] = []
    link = absolute_url(url)
    if settings.DUALPREV_EMAIL_ENABLED:
        email_text = plain_text(Message(str(kind.label), title, body, link))
        for person, note in zip(people, notes, strict=True):
            if person.email:
                deliveries.append(
                    Delivery(
                        enterprise_id=enterprise_id,
                        notification=note,
                        medium=ChannelKind.EMAIL,
                        event_kind=kind,
                        title=title,
                        target=person.email,
                        next_attempt_at=now,
                        payload={"subject": _email_subject(title), "body": email_text},
                    )
                )
    channels = [
        channel
        for channel in NotificationChannel.objects.filter(enterprise_id=enterprise_id, enabled=True)
        if channel.carries(kind)
    ]
    if channels:
        from dualprev.orgs.models import Enterprise

        name = Enterprise.objects.filter(pk=enterprise_id).values_list("name", flat=True).first()
        message = Message(str(kind.label), title, body, link, name or "")
        deliveries += [_channel_delivery(channel, message, kind, now) for channel in channels]
    created = Delivery.objects.bulk_create(deliveries)
    ids = [d.pk for d in created]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return notes


def _email_subject(title: str) -> str:
    return f"[{settings.DUALPREV_SITE_NAME}] {title}"


def _channel_delivery(
    channel: NotificationChannel, message: Message, kind: str, now: Any, max_attempts: int = 0
) -> Delivery:
    link_text = _("查看详情")
    if channel.kind == ChannelKind.EMAIL:
        payload = {"subject": _email_subject(message.title), "body": plain_text(message)}
        target = channel.email
    else:
        payload = robot_body(channel.kind, message, link_text)
        target = channel.name
    delivery = Delivery(
        enterprise_id=channel.enterprise_id,
        channel=channel,
        medium=channel.kind,
        event_kind=kind,
        title=message.title,
        target=target,
        next_attempt_at=now,
        payload=payload,
    )
    if max_attempts:
        delivery.max_attempts = max_attempts
    return delivery


# --- Reading ---------------------------------------------------------------------------------


def mark_read(*, notification: Notification, now: Any = None) -> bool:
    """Mark one message read (once: a second open keeps the first time). True if it changed."""
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
    return bool(changed)


def mark_all_read(*, user: Any, enterprise_id: int | None, now: Any = None) -> int:
    """Mark every unread message of the user's inbox read. Returns how many."""
    if enterprise_id is None:
        return 0
    changed = Notification.objects.filter(
        recipient_id=user.pk, enterprise_id=enterprise_id, read_at__isnull=True
    ).update(read_at=now or timezone.now())
    return changed


# --- Channels --------------------------------------------------------------------------------


def save_channel(
    *,
    enterprise: Any,
    acting_user: Any,
    values: dict[str, Any],
    channel: NotificationChannel | None = None,
) -> NotificationChannel:
    """Create or update a channel from cleaned form values. A blank ``webhook_url`` or
    ``secret`` on an existing channel keeps the stored one (the page never shows them);
    ``clear_secret`` removes the secret. Raises ValidationError (nothing written) when the
    result is not a valid channel."""
    if channel is None:
        channel = NotificationChannel(enterprise=enterprise, created_by=acting_user)
    channel.name = values["name"].strip()
    channel.kind = values["kind"]
    channel.event_kinds = list(values.get("event_kinds") or [])
    channel.enabled = bool(values.get("enabled", True))
    if channel.kind == ChannelKind.EMAIL:
        channel.email = values.get("email") or ""
        channel.webhook_url = ""
        channel.secret = ""
    else:
        channel.email = ""
        if values.get("webhook_url"):
            channel.webhook_url = values["webhook_url"].strip()
        if channel.kind not in SIGNED_KINDS or values.get("clear_secret"):
            channel.secret = ""
        elif values.get("secret"):
            channel.secret = values["secret"].strip()
    channel.full_clean()
    with transaction.atomic():
        channel.save()
    return channel


def set_channel_enabled(*, channel: NotificationChannel, enabled: bool) -> None:
    NotificationChannel.objects.filter(pk=channel.pk).update(
        enabled=enabled, updated_at=timezone.now()
    )
    channel.enabled = enabled


def send_test(*, channel: NotificationChannel, acting_user: Any) -> tuple[Delivery, Outcome]:
    """Send a test message through the channel now (one try, no retries) and log it."""
    if not channel.enabled:
        raise ValidationError(_("渠道已停用，请先启用再发送测试消息。"))
    message = Message(
        _("测试消息"),
        _("通知渠道“%(name)s”测试") % {"name": channel.name},
        _("这是一条测试消息，由 %(user)s 发送。收到即表示渠道配置正确。")
        % {"user": acting_user.display_name},
        absolute_url("/"),
        str(channel.enterprise.name),
    )
    now = timezone.now()
    delivery = _channel_delivery(channel, message, TEST_KIND, now, max_attempts=1)
    delivery.save()
    claimed = claim(delivery.pk, now)
    if claimed is None:  # cannot happen: nobody else knows this row yet
        raise ValidationError(_("测试消息未能发送，请重试。"))
    outcome = attempt(claimed)
    delivery.refresh_from_db()
    return delivery, outcome
