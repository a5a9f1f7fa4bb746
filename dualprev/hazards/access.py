"""Access helpers of the hazards app: one object by public id, 404 for missing and forbidden
alike (see ``core.tenancy.access_object``)."""

from __future__ import annotations

from typing import Any

from dualprev.core.tenancy import access_object
from dualprev.hazards.models import Hazard, HazardPhoto, PublicReport, RegulatorReport


def access_hazard(user: Any, public_id: Any, action: str = "view") -> Hazard:
    return access_object(Hazard, user, public_id, action)


def access_hazard_photo(user: Any, public_id: Any) -> HazardPhoto:
    return access_object(HazardPhoto, user, public_id)


def access_public_report(user: Any, public_id: Any, action: str = "view") -> PublicReport:
    return access_object(PublicReport, user, public_id, action)


def access_regulator_report(user: Any, public_id: Any, action: str = "view") -> RegulatorReport:
    return access_object(RegulatorReport, user, public_id, action)


def access_draft(user: Any, public_id: Any) -> Any:
    """A 存在隐患 check's hazard draft (``inspections.HazardDraft``) for completing it as a
    hazard: only its reporter or a hazard manager of its enterprise; anyone else gets 404
    like for a draft that does not exist."""
    from django.http import Http404

    from dualprev.accounts.roles import MANAGE_HAZARDS
    from dualprev.core.tenancy import actor_for
    from dualprev.inspections.models import HazardDraft

    draft = access_object(HazardDraft, user, public_id)
    actor = actor_for(user)
    if draft.reported_by_id != user.pk and not (actor.is_enterprise and actor.can(MANAGE_HAZARDS)):
        raise Http404
    return draft
