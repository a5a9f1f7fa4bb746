from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from dualprev.core.navigation import NavItem, items_for
from dualprev.core.tenancy import actor_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    actor = actor_for(getattr(request, "user", None))
    entries: list[tuple[str, NavItem]] = []
    for item in items_for(actor):
        try:
            entries.append((reverse(item.url_name), item))
        except NoReverseMatch:
            continue
    # Highlight only the entry with the longest URL that prefixes the current path.
    current = request.path
    matching = [
        url for url, _ in entries if current == url or (url != "/" and current.startswith(url))
    ]
    active = max(matching, key=len) if matching else None
    nav = [
        {"label": item.label, "url": url, "active": url == active, "icon": item.icon}
        for url, item in entries
    ]
    return {"nav_items": nav, "actor": actor, "platform_name": settings.DUALPREV_SITE_NAME}
