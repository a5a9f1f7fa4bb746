"""Template filters for links to the hazards worker pages from other apps' pages."""

from __future__ import annotations

from typing import Any

from django import template

from dualprev.accounts.roles import MANAGE_HAZARDS
from dualprev.core.tenancy import actor_for
from dualprev.inspections.choices import DraftStatus

register = template.Library()


@register.filter
def may_take_draft(draft: Any, user: Any) -> bool:
    """Whether ``user`` may complete and report the check's hazard draft (the rule of
    ``hazards.access.access_draft``): it is still a draft, and the user reported it or manages
    the enterprise's hazards."""
    if draft is None or draft.status != DraftStatus.DRAFT:
        return False
    actor = actor_for(user)
    if not actor.is_enterprise or actor.enterprise_id != draft.enterprise_id:
        return False
    return draft.reported_by_id == user.pk or actor.can(MANAGE_HAZARDS)
