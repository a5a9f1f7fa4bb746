"""Access helpers of the orgs app: the only way views fetch one org object (see core.tenancy).

Each returns the object or raises 404 (missing, or outside what the user may see) or 403 (visible
but the action is not granted)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from dualprev.core.tenancy import Action, access_object, actor_for
from dualprev.orgs.models import Enterprise, OrgUnit, Post, Shift


def access_org_unit(user: Any, public_id: Any, action: Action = "view") -> OrgUnit:
    return access_object(OrgUnit, user, public_id, action)


def access_post(user: Any, public_id: Any, action: Action = "view") -> Post:
    return access_object(Post, user, public_id, action)


def access_shift(user: Any, public_id: Any, action: Action = "view") -> Shift:
    return access_object(Shift, user, public_id, action)


def own_enterprise(user: Any, action: Action = "view") -> Enterprise:
    """The enterprise the (enterprise-member) user works for; 403 for anyone else."""
    actor = actor_for(user)
    enterprise = (
        Enterprise.objects.visible_to(user, action)
        .select_related("industry", "region__parent__parent__parent")
        .filter(pk=actor.enterprise_id)
        .first()
        if actor.is_enterprise
        else None
    )
    if enterprise is None:
        raise PermissionDenied
    return enterprise
