"""Writes of the four-colour map: storing a checked plan, adding and removing zones."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from dualprev.maps.images import CheckedImage
from dualprev.maps.models import MapZone, SitePlan
from dualprev.orgs.models import Enterprise
from dualprev.risks.models import RiskObject


@transaction.atomic
def store_plan(
    *,
    enterprise: Enterprise,
    acting_user: Any,
    name: str,
    image: CheckedImage,
    make_current: bool = True,
) -> SitePlan:
    """Save an already checked image as a new plan. With ``make_current`` it replaces the
    enterprise's current plan (the old one stays, not current). The file is removed again if
    the transaction rolls back, so no orphan file is left."""
    if make_current:
        SitePlan.objects.filter(enterprise=enterprise, is_current=True).update(is_current=False)
    plan = SitePlan(
        enterprise=enterprise,
        name=name,
        width=image.width,
        height=image.height,
        uploaded_by=acting_user,
        is_current=make_current,
    )
    plan.image.save(f"plan.{image.extension}", ContentFile(image.data), save=False)
    stored = plan.image.name
    storage = plan.image.storage
    try:
        plan.save()
    except Exception:
        storage.delete(stored)
        raise
    return plan


@transaction.atomic
def add_zone(
    *, plan: SitePlan, risk_object: RiskObject, shape: str, points: Any, acting_user: Any
) -> MapZone:
    """Draw ``risk_object`` on ``plan``. Raises ValidationError (Chinese) when the object is
    another enterprise's or retired, or the points are not a valid shape."""
    if risk_object.enterprise_id != plan.enterprise_id:
        raise ValidationError(_("风险点必须属于本企业。"))
    if not risk_object.is_active:
        raise ValidationError(_("风险点已停用，不能上图。"))
    zone = MapZone(
        enterprise_id=plan.enterprise_id,
        plan=plan,
        risk_object=risk_object,
        shape=shape,
        points=points,
    )
    zone.full_clean()
    zone.save()
    return zone


def delete_zone(*, zone: MapZone, acting_user: Any) -> None:
    zone.delete()


def delete_plan(*, plan: SitePlan, acting_user: Any) -> None:
    """Delete a plan with its zones, and its file once the deletion is committed."""
    storage, name = plan.image.storage, plan.image.name
    with transaction.atomic():
        plan.zones.all().delete()
        plan.delete()
        transaction.on_commit(lambda: storage.delete(name))
