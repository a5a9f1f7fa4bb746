from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from dualprev.core.navigation import items_for
from dualprev.core.tenancy import actor_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    actor = actor_for(getattr(request, "user", None))
    nav = []
    current = request.path
    for item in items_for(actor):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = current == url if url == "/" else current.startswith(url)
        nav.append({"label": item.label, "url": url, "active": active, "icon": item.icon})
    return {"nav_items": nav, "actor": actor, "site_name": settings.DUALPREV_SITE_NAME}
