"""Read-only summaries of an enterprise, shared by the enterprise and regulator pages."""

from __future__ import annotations

from dualprev.accounts.models import Membership
from dualprev.orgs.models import Enterprise, OrgUnit, Post, Shift


def enterprise_counts(enterprise: Enterprise) -> dict[str, int]:
    """Counts of the enterprise's org units, active posts, active people and shifts."""
    return {
        "units": OrgUnit.objects.filter(enterprise=enterprise).count(),
        "posts": Post.objects.filter(enterprise=enterprise, is_active=True).count(),
        "people": Membership.objects.filter(enterprise=enterprise, is_active=True).count(),
        "shifts": Shift.objects.filter(enterprise=enterprise).count(),
    }
