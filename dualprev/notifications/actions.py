"""Notifications (interface; the full implementation comes with the notifications app)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def notify(
    *,
    enterprise_id: int,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> None:
    """Put a message in each recipient's inbox and queue its e-mail / group-robot deliveries
    (sent after the caller's transaction commits)."""
    return None
