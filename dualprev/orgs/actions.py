"""Writes of the orgs app: org units, posts, shifts and the enterprise's settings.

Every function is keyword-only, validates with the models' ``full_clean`` (so a caller that
skipped the form still cannot write a bad row), runs in one transaction and raises
``ValidationError`` with a message for the user when it refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dualprev.orgs.models import Enterprise, OrgUnit, Post, Shift


@contextmanager
def _still_referenced(message: str) -> Iterator[None]:
    """Turn a refused delete (rows of other apps still point here) into a user message."""
    try:
        with transaction.atomic():
            yield
    except (ProtectedError, RestrictedError, IntegrityError) as exc:
        raise ValidationError(message) from exc


# --- Org units --------------------------------------------------------------------------------


@transaction.atomic
def create_org_unit(
    *,
    enterprise: Enterprise,
    name: str,
    level: str,
    parent: OrgUnit | None = None,
    sort_order: int = 0,
) -> OrgUnit:
    """Add a unit to the enterprise's tree.

    Invariant (OrgUnit.clean and constraints): same enterprise as the parent, a level of the
    enterprise's level set strictly below the parent's, one root, unique names under a parent."""
    unit = OrgUnit(
        enterprise=enterprise, name=name.strip(), level=level, parent=parent, sort_order=sort_order
    )
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def update_org_unit(
    *, unit: OrgUnit, name: str, level: str, parent: OrgUnit | None, sort_order: int
) -> OrgUnit:
    """Rename, re-level or move a unit. Same invariant as ``create_org_unit``, and the unit's
    children stay below it; a unit cannot move under its own subtree."""
    unit.name = name.strip()
    unit.level = level
    unit.parent = parent
    unit.sort_order = sort_order
    unit.full_clean()
    unit.save()
    return unit


def org_unit_usage(unit: OrgUnit) -> list[str]:
    """Why ``unit`` cannot be deleted (empty when it is unused)."""
    reasons = []
    children = OrgUnit.objects.filter(parent=unit).count()
    if children:
        reasons.append(
            ngettext("下级单元 %(n)d 个", "下级单元 %(n)d 个", children) % {"n": children}
        )
    posts = Post.objects.filter(org_unit=unit).count()
    if posts:
        reasons.append(ngettext("岗位 %(n)d 个", "岗位 %(n)d 个", posts) % {"n": posts})
    members = unit.members.count()
    if members:
        reasons.append(ngettext("人员 %(n)d 人", "人员 %(n)d 人", members) % {"n": members})
    shifts = Shift.objects.filter(org_unit=unit).count()
    if shifts:
        reasons.append(ngettext("专属班次 %(n)d 个", "专属班次 %(n)d 个", shifts) % {"n": shifts})
    return reasons


def delete_org_unit(*, unit: OrgUnit) -> None:
    """Delete an unused unit.

    Invariant: a unit with child units, posts, members (active or not), its own shifts or any
    other row referring to it is never deleted; the refusal names what still uses it."""
    with _still_referenced(_("“%(name)s”仍被其他数据引用，不能删除。") % {"name": unit.name}):
        # Lock the row so that a concurrent "add a member here" waits for our decision.
        OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
        reasons = org_unit_usage(unit)
        if reasons:
            raise ValidationError(
                _("“%(name)s”仍有%(reasons)s，不能删除。请先移走或删除这些内容。")
                % {"name": unit.name, "reasons": _("、").join(reasons)}
            )
        unit.delete()


# --- Posts ------------------------------------------------------------------------------------


@transaction.atomic
def create_post(
    *, enterprise: Enterprise, org_unit: OrgUnit, name: str, description: str = ""
) -> Post:
    """Add a 岗位 to a unit. Invariant: same enterprise as the unit; unique name in the unit."""
    post = Post(
        enterprise=enterprise, org_unit=org_unit, name=name.strip(), description=description
    )
    post.full_clean()
    post.save()
    return post


@transaction.atomic
def update_post(*, post: Post, org_unit: OrgUnit, name: str, description: str) -> Post:
    """Rename, describe or move a post. Same invariant as ``create_post``."""
    post.org_unit = org_unit
    post.name = name.strip()
    post.description = description
    post.full_clean()
    post.save()
    return post


@transaction.atomic
def set_post_active(*, post: Post, is_active: bool) -> Post:
    """Deactivate (or reactivate) a post. Holders keep it; a deactivated post is hidden from
    workers and from new assignments but keeps its history."""
    post.is_active = is_active
    post.save(update_fields=["is_active", "updated_at"])
    return post


def delete_post(*, post: Post) -> None:
    """Delete a post nobody holds (nor ever held in a kept membership); otherwise refuse."""
    with _still_referenced(
        _("岗位“%(name)s”仍被其他数据引用，不能删除，可改为停用。") % {"name": post.name}
    ):
        Post.objects.select_for_update().filter(pk=post.pk).first()
        holders = post.holders.count()
        if holders:
            raise ValidationError(
                ngettext(
                    "岗位“%(name)s”仍有 %(n)d 名人员，不能删除，可改为停用。",
                    "岗位“%(name)s”仍有 %(n)d 名人员，不能删除，可改为停用。",
                    holders,
                )
                % {"name": post.name, "n": holders}
            )
        post.delete()


# --- Enterprise settings and shifts -----------------------------------------------------------


@transaction.atomic
def update_enterprise_settings(
    *, enterprise: Enterprise, org_levels: list[str], emergency_phone: str
) -> Enterprise:
    """Change the level set and the emergency phone.

    Invariant (Enterprise.clean): every existing unit still fits the level set (its level kept,
    the root on top, children below parents)."""
    # Lock so that a unit created concurrently cannot slip in with a level being dropped.
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
    enterprise.org_levels = list(org_levels)
    enterprise.emergency_phone = emergency_phone.strip()
    enterprise.full_clean()
    enterprise.save(update_fields=["org_levels", "emergency_phone", "updated_at"])
    return enterprise


@transaction.atomic
def create_shift(
    *,
    enterprise: Enterprise,
    name: str,
    start: dt.time,
    end: dt.time,
    org_unit: OrgUnit | None = None,
) -> Shift:
    """Add a 班次. Invariant: start ≠ end (end < start crosses midnight); names unique within
    the same scope (enterprise default, or one unit)."""
    shift = Shift(enterprise=enterprise, name=name.strip(), start=start, end=end, org_unit=org_unit)
    shift.full_clean()
    shift.save()
    return shift


@transaction.atomic
def update_shift(
    *, shift: Shift, name: str, start: dt.time, end: dt.time, org_unit: OrgUnit | None
) -> Shift:
    """Edit a 班次. Same invariant as ``create_shift``."""
    shift.name = name.strip()
    shift.start = start
    shift.end = end
    shift.org_unit = org_unit
    shift.full_clean()
    shift.save()
    return shift


def delete_shift(*, shift: Shift) -> None:
    """Delete a 班次 unless other rows (later: task windows) still refer to it."""
    with _still_referenced(_("班次“%(name)s”仍被其他数据引用，不能删除。") % {"name": shift.name}):
        shift.delete()
