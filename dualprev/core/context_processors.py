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
        nav.append({"label": item.label, "url": url, "active": False, "icon": item.icon})
    # Highlight the entry with the longest URL that prefixes the current path.
    matches = [
        e for e in nav if current == e["url"] or (e["url"] != "/" and current.startswith(e["url"]))
    ]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    return {"nav_items": nav, "actor": actor, "site_name": settings.DUALPREV_SITE_NAME}
