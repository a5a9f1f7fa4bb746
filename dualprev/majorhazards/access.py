"""Single-object access of the major-hazard-source app (404 for missing or other tenants'
rows, 403 when visible but the action is not allowed), built on ``core.tenancy.access_object``."""

from __future__ import annotations

from typing import Any

from dualprev.core.tenancy import Action, access_object
from dualprev.majorhazards.models import HazardSourceChemical, MajorHazardSource


def access_source(user: Any, public_id: Any, action: Action = "view") -> MajorHazardSource:
    return access_object(MajorHazardSource, user, public_id, action)


def access_chemical(user: Any, public_id: Any, action: Action = "view") -> HazardSourceChemical:
    return access_object(HazardSourceChemical, user, public_id, action)
