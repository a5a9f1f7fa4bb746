"""Reads of the notifications app. The inbox is the user's own messages in their current
enterprise; channels and the delivery log are scoped with ``visible_to``."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet

from dualprev.core.tenancy import actor_for
from dualprev.notifications.models import Delivery, Notification, NotificationChannel

PAGE_SIZE = 20


def paginate(rows: QuerySet[Any], number: Any, size: int = PAGE_SIZE) -> Page:
    return Paginator(rows, size).get_page(number)


def querystring_without_page(query: Any) -> str:
    """The current filters, ready to prefix ``page=`` (see includes/pagination.html)."""
    query = query.copy()
    query.pop("page", None)
    return (query.urlencode() + "&") if query else ""


def own_messages(user: Any) -> QuerySet[Notification]:
    """The user's messages from the enterprise they work for now (none for anyone else: a
    person who moved on does not keep reading the old enterprise's hazards)."""
    actor = actor_for(user)
    if not actor.is_enterprise or actor.enterprise_id is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk, enterprise_id=actor.enterprise_id)


def inbox_rows(user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """Unread first, newest first within each group."""
    rows = own_messages(user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")


def unread_count(user: Any) -> int:
    """The header badge: one COUNT on the (recipient, read_at) index."""
    return own_messages(user).filter(read_at__isnull=True).count()


def channel_rows(user: Any) -> QuerySet[NotificationChannel]:
    return NotificationChannel.objects.visible_to(user).order_by("-enabled", "name")


def delivery_rows(user: Any, filters: dict[str, Any]) -> QuerySet[Delivery]:
    """The delivery log, newest first, narrowed by the cleaned filter form's values (status,
    medium, channel, message kind, target text)."""
    rows = (
        Delivery.objects.visible_to(user).select_related("channel").order_by("-created_at", "-id")
    )
    for field in ("status", "medium", "event_kind"):
        if filters.get(field):
            rows = rows.filter(**{field: filters[field]})
    if filters.get("channel"):
        rows = rows.filter(channel=filters["channel"])
    if filters.get("q"):
        rows = rows.filter(target__icontains=filters["q"])
    return rows
