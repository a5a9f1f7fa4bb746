"""Single-object access for the four-colour map (404 for missing or other tenants' rows, 403
when visible but the action is not allowed)."""

from __future__ import annotations

from typing import Any

from dualprev.core.tenancy import access_object
from dualprev.maps.models import MapZone, SitePlan


def access_site_plan(user: Any, public_id: Any, action: str = "view") -> SitePlan:
    return access_object(SitePlan, user, public_id, action)


def access_map_zone(user: Any, public_id: Any, action: str = "view") -> MapZone:
    return access_object(MapZone, user, public_id, action)
