"""The inbox badge in the page header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from dualprev.core.tenancy import actor_for


def inbox(request: HttpRequest) -> dict[str, Any]:
    """``inbox_unread`` for enterprise members: evaluated only when a template shows it (every
    full page does; fragments and files do not), and then one COUNT on an index."""
    user = getattr(request, "user", None)
    if user is None or not actor_for(user).is_enterprise:
        return {}
    from dualprev.notifications.queries import unread_count

    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(user))}
