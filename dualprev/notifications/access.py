"""Single-object access of the notifications app (404 for missing and forbidden alike)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from dualprev.core.tenancy import Action, access_object, parse_public_id
from dualprev.notifications.models import Notification, NotificationChannel
from dualprev.notifications.queries import own_messages


def access_channel(user: Any, public_id: Any, action: Action = "view") -> NotificationChannel:
    return access_object(NotificationChannel, user, public_id, action)


def access_own_message(user: Any, public_id: Any) -> Notification:
    """One message of the user's own inbox; anyone else's message is 404, like a missing one."""
    message = own_messages(user).filter(public_id=parse_public_id(public_id)).first()
    if message is None:
        raise Http404
    return message
