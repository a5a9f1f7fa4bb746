"""The tenancy choke point: who the acting user is, and which rows they may see or change.

Every scoped read goes through ``ScopedQuerySet.visible_to`` (which calls ``scope_filter``) or an
``access_*`` helper built on ``access_object``. Nothing else decides visibility.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.http import Http404

from dualprev.accounts.roles import enterprise_role_can, regulator_role_can

Action = str
ActorKind = Literal["anonymous", "enterprise", "regulator", "none"]

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Actor:
    """What a user is in the product: an enterprise member, a regulator, or nobody."""

    kind: ActorKind
    user_id: int | None = None
    role: str = ""
    enterprise_id: int | None = None
    org_unit_id: int | None = None
    region_path: str = ""
    industry_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_enterprise(self) -> bool:
        return self.kind == "enterprise"

    @property
    def is_regulator(self) -> bool:
        return self.kind == "regulator"

    def can(self, action: Action) -> bool:
        if self.kind == "enterprise":
            return enterprise_role_can(self.role, action)
        if self.kind == "regulator":
            return regulator_role_can(self.role, action)
        return False


ANONYMOUS = Actor(kind="anonymous")
_CACHE_ATTR = "_dualprev_actor"


def actor_for(user: Any) -> Actor:
    """Resolve (once per request-bound user object) the actor behind ``user``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    actor = _resolve(user)
    setattr(user, _CACHE_ATTR, actor)
    return actor


def _resolve(user: Any) -> Actor:
    from dualprev.accounts.models import AgencyMembership, Membership

    if not user.is_active:
        return Actor(kind="none", user_id=user.pk)
    membership = Membership.objects.filter(user_id=user.pk, is_active=True).first()
    if membership is not None:
        return Actor(
            kind="enterprise",
            user_id=user.pk,
            role=membership.role,
            enterprise_id=membership.enterprise_id,
            org_unit_id=membership.org_unit_id,
        )
    staff = (
        AgencyMembership.objects.select_related("agency__region", "region")
        .filter(user_id=user.pk, is_active=True)
        .first()
    )
    if staff is not None:
        return Actor(
            kind="regulator",
            user_id=user.pk,
            role=staff.role,
            region_path=staff.jurisdiction.path,
            industry_ids=frozenset(staff.industries.values_list("id", flat=True)),
        )
    return Actor(kind="none", user_id=user.pk)


def forget_actor(user: Any) -> None:
    """Drop the cached actor (after a membership change in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_filter(actor: Actor, action: Action, tenant_path: str) -> Q:
    """A Q object limiting rows (whose enterprise is reached by ``tenant_path``) to the actor.

    Regulators are read-only: they pass only for actions their role grants (view, supervise).
    """
    prefix = f"{tenant_path}__" if tenant_path else ""
    if not actor.can(action):
        return Q(pk__in=[])
    if actor.kind == "enterprise":
        return Q(**{f"{prefix}id": actor.enterprise_id})
    if actor.kind == "regulator":
        q = Q(**{f"{prefix}region__path__startswith": actor.region_path})
        if actor.industry_ids:
            q &= Q(**{f"{prefix}industry_id__in": sorted(actor.industry_ids)})
        return q
    return Q(pk__in=[])


def parse_public_id(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Http404 from exc


def access_object(model: type[M], user: Any, public_id: Any, action: Action = "view") -> M:
    """Fetch one scoped object by public id.

    Missing and invisible objects both raise 404 (no existence leak); an object the user may
    see but not act on raises 403.
    """
    pid = parse_public_id(public_id)
    obj = model.objects.visible_to(user, "view").filter(public_id=pid).first()  # type: ignore[attr-defined]
    if obj is None:
        raise Http404
    if action != "view" and not actor_for(user).can(action):
        raise PermissionDenied
    return obj
