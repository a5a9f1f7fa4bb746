"""Audited writes of the risk register. Levels, control levels and roll-ups are written here
and nowhere else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from dualprev.orgs.choices import OrgLevel
from dualprev.orgs.models import Enterprise, OrgUnit
from dualprev.reference.choices import ControlLevel
from dualprev.reference.scoring import Classification, classify, evaluate
from dualprev.risks.choices import AssessmentKind, AssessmentReason, TodoStatus
from dualprev.risks.models import (
    Assessment,
    ControlMeasure,
    ReassessmentTodo,
    ReassessmentTrigger,
    RiskEvent,
    RiskObject,
    RiskSettings,
    RiskUnit,
)

# Control levels mapped onto the org-level vocabulary (岗位 is owned by the lowest unit).
_CONTROL_TO_ORG = {
    ControlLevel.COMPANY: OrgLevel.COMPANY,
    ControlLevel.DEPARTMENT: OrgLevel.DEPARTMENT,
    ControlLevel.WORKSHOP: OrgLevel.WORKSHOP,
    ControlLevel.TEAM: OrgLevel.TEAM,
    ControlLevel.POST: OrgLevel.TEAM,
}
_ORG_RANK = {value: rank for rank, value in enumerate(OrgLevel.values)}


def risk_settings(enterprise: Enterprise) -> RiskSettings:
    """The enterprise's grading settings (created with defaults on first use)."""
    settings_row, _ = RiskSettings.objects.get_or_create(enterprise=enterprise)
    return settings_row


def owner_unit_for(responsible_unit: OrgUnit, control_level: str) -> OrgUnit:
    """The unit that owns a risk controlled at ``control_level``: the nearest unit at or above
    that level on the path from the object's responsible unit to the root. If the responsible
    unit is already above the control level, it owns the risk itself."""
    target_rank = _ORG_RANK[_CONTROL_TO_ORG[ControlLevel(control_level)]]
    node: OrgUnit | None = responsible_unit
    while node is not None:
        if _ORG_RANK.get(node.level, 0) <= target_rank:
            return node
        node = node.parent
    return responsible_unit


def _apply_control_level(event: RiskEvent, settings_row: RiskSettings) -> None:
    if not event.control_level_fixed:
        event.control_level = settings_row.control_level_for(event.residual_level)
    responsible = event.unit.risk_object.responsible_unit
    event.owner_unit = (
        owner_unit_for(responsible, event.control_level) if event.control_level else None
    )


def roll_up(risk_object: RiskObject) -> None:
    """Recompute each unit's and the object's level: the most severe (lowest code) residual
    level of the active events below."""
    for unit in RiskUnit.objects.filter(risk_object=risk_object):
        level = RiskEvent.objects.filter(unit=unit, retired_at__isnull=True).aggregate(
            level=Min("residual_level")
        )["level"]
        if unit.level != level:
            RiskUnit.objects.filter(pk=unit.pk).update(level=level)
    level = RiskUnit.objects.filter(risk_object=risk_object, retired_at__isnull=True).aggregate(
        level=Min("level")
    )["level"]
    RiskObject.objects.filter(pk=risk_object.pk).update(level=level)
    risk_object.level = level


def _record(
    *,
    event: RiskEvent,
    kind: str,
    result: Classification,
    acting_user: Any,
    reason: str,
    note: str,
    at: dt.datetime,
) -> Assessment:
    return Assessment.objects.create(
        enterprise_id=event.enterprise_id,
        event=event,
        kind=kind,
        method=result.method,
        profile=result.profile,
        inputs={key: str(value) for key, value in result.inputs.items()},
        score=result.score,
        band=result.band,
        band_label=result.band_label,
        level_code=result.level_code,
        colour=result.colour,
        reason=reason,
        note=note,
        assessed_by=acting_user,
        assessed_at=at,
    )


@transaction.atomic
def assess_event(
    *,
    event: RiskEvent,
    acting_user: Any,
    method: str,
    inputs: Mapping[str, Any],
    kind: str = AssessmentKind.RESIDUAL,
    profile: str | None = None,
    note: str = "",
    reason: str = AssessmentReason.ASSESSED,
    at: dt.datetime | None = None,
) -> Assessment:
    """Grade ``event`` and keep the assessment as history.

    Uses the enterprise's profile for ``method`` unless one is given; updates the event's
    inherent or residual level, its control level and owner, rolls the level up to the unit and
    object, and closes the object's open re-assessment to-dos. Raises
    ``reference.scoring.ScoringError`` (a ValueError with a Chinese message) on bad input, and
    then writes nothing."""
    settings_row = risk_settings(event.unit.risk_object.enterprise)
    result = evaluate(method, profile or settings_row.profile_for(method), inputs)
    when = at or timezone.now()
    assessment = _record(
        event=event,
        kind=kind,
        result=result,
        acting_user=acting_user,
        reason=reason,
        note=note,
        at=when,
    )
    if kind == AssessmentKind.INHERENT:
        event.inherent_level = result.level_code
        event.save(update_fields=["inherent_level", "updated_at"])
        return assessment
    event.residual_level = result.level_code
    event.residual_assessment = assessment
    _apply_control_level(event, settings_row)
    event.save(
        update_fields=[
            "residual_level",
            "residual_assessment",
            "control_level",
            "owner_unit",
            "updated_at",
        ]
    )
    risk_object = event.unit.risk_object
    roll_up(risk_object)
    ReassessmentTodo.objects.filter(risk_object=risk_object, status=TodoStatus.OPEN).update(
        status=TodoStatus.DONE, closed_by=assessment, closed_at=when
    )
    sync_check_tasks(measures=list(event.measures.all()))
    return assessment


def sync_check_tasks(
    *, measures: list[ControlMeasure] | None = None, enterprise_ids: list[int] | None = None
) -> None:
    """Keep the inspection module's invariant: every active 隐患排查 measure has a check task,
    and default tasks follow their event's control level (and retired ones stop)."""
    from dualprev.inspections.actions import ensure_default_tasks, stop_retired_tasks

    if measures is not None and not measures:
        return
    ensure_default_tasks(measures=measures, enterprise_ids=enterprise_ids)
    stop_retired_tasks(measures=measures, enterprise_ids=enterprise_ids)


@transaction.atomic
def change_risk_settings(
    *, enterprise: Enterprise, acting_user: Any, changes: Mapping[str, Any]
) -> RiskSettings:
    """Change the default method, profiles or control-level mapping, and recompute.

    A changed profile re-bands the latest assessment of every active event graded with that
    method (a new Assessment row with reason "profile_change": history is never rewritten)."""
    settings_row = risk_settings(enterprise)
    before = {m: settings_row.profile_for(m) for m in ("LEC", "LS", "MES")}
    for field, value in changes.items():
        setattr(settings_row, field, value)
    settings_row.full_clean()
    settings_row.save()
    changed = {m for m in before if settings_row.profile_for(m) != before[m]}
    now = timezone.now()
    events = RiskEvent.objects.filter(
        enterprise=enterprise, retired_at__isnull=True
    ).select_related("unit__risk_object__responsible_unit")
    touched_objects: dict[int, RiskObject] = {}
    for event in events:
        for kind in (AssessmentKind.INHERENT, AssessmentKind.RESIDUAL):
            latest = (
                Assessment.objects.filter(event=event, kind=kind)
                .order_by("-assessed_at", "-id")
                .first()
            )
            if latest is None or latest.method not in changed:
                continue
            result = classify(settings_row.profile_for(latest.method), latest.score)
            rebanded = Classification(
                method=latest.method,
                profile=result.profile,
                score=latest.score,
                band=result.band,
                band_label=result.band_label,
                level=result.level,
                level_code=result.level_code,
                colour=result.colour,
                inputs=latest.inputs,
            )
            assessment = _record(
                event=event,
                kind=kind,
                result=rebanded,
                acting_user=acting_user,
                reason=AssessmentReason.PROFILE_CHANGE,
                note="",
                at=now,
            )
            if kind == AssessmentKind.INHERENT:
                event.inherent_level = result.level_code
            else:
                event.residual_level = result.level_code
                event.residual_assessment = assessment
        _apply_control_level(event, settings_row)
        event.save()
        touched_objects[event.unit.risk_object_id] = event.unit.risk_object
    for risk_object in touched_objects.values():
        roll_up(risk_object)
    return settings_row


@transaction.atomic
def record_trigger(
    *,
    enterprise: Enterprise,
    acting_user: Any,
    kind: str,
    description: str,
    occurred_on: dt.date,
    risk_objects: Iterable[RiskObject],
) -> ReassessmentTrigger:
    """Record a change that requires re-identification and open one to-do per affected object
    (only a new residual assessment of an event of that object closes it)."""
    trigger = ReassessmentTrigger.objects.create(
        enterprise=enterprise,
        kind=kind,
        description=description,
        occurred_on=occurred_on,
        recorded_by=acting_user,
    )
    for risk_object in {o.pk: o for o in risk_objects}.values():
        if risk_object.enterprise_id != enterprise.pk:
            raise ValueError("risk object of another enterprise")
        ReassessmentTodo.objects.create(
            enterprise=enterprise, trigger=trigger, risk_object=risk_object
        )
    return trigger


def is_used(obj: RiskObject | RiskUnit | RiskEvent | ControlMeasure) -> bool:
    """Whether deleting ``obj`` would lose history: it has children, assessments or
    inspection rows that refer to it."""
    from dualprev.inspections.actions import measure_has_history, point_has_history

    if isinstance(obj, RiskObject):
        return obj.units.exists() or obj.todos.exists() or point_has_history(risk_object=obj)
    if isinstance(obj, RiskUnit):
        return obj.events.exists() or point_has_history(risk_unit=obj)
    if isinstance(obj, RiskEvent):
        return obj.measures.exists() or obj.assessments.exists()
    return measure_has_history(obj)


@transaction.atomic
def retire(*, obj: RiskObject | RiskUnit | RiskEvent | ControlMeasure, acting_user: Any) -> str:
    """Delete ``obj`` if nothing refers to it, else retire it (and everything below it).
    Returns "deleted" or "retired"."""
    if not is_used(obj):
        risk_object = _object_of(obj)
        if isinstance(obj, ControlMeasure):
            from dualprev.inspections.actions import delete_plans_of

            delete_plans_of(measure=obj)
        obj.delete()
        if risk_object is not None and not isinstance(obj, RiskObject):
            roll_up(risk_object)
        return "deleted"
    now = timezone.now()
    if isinstance(obj, RiskObject):
        RiskUnit.objects.filter(risk_object=obj, retired_at__isnull=True).update(retired_at=now)
        RiskEvent.objects.filter(unit__risk_object=obj, retired_at__isnull=True).update(
            retired_at=now
        )
        ControlMeasure.objects.filter(event__unit__risk_object=obj, retired_at__isnull=True).update(
            retired_at=now
        )
    elif isinstance(obj, RiskUnit):
        RiskEvent.objects.filter(unit=obj, retired_at__isnull=True).update(retired_at=now)
        ControlMeasure.objects.filter(event__unit=obj, retired_at__isnull=True).update(
            retired_at=now
        )
    elif isinstance(obj, RiskEvent):
        ControlMeasure.objects.filter(event=obj, retired_at__isnull=True).update(retired_at=now)
    type(obj).objects.filter(pk=obj.pk).update(retired_at=now)
    obj.retired_at = now
    risk_object = _object_of(obj)
    if risk_object is not None:
        roll_up(risk_object)
    sync_check_tasks(enterprise_ids=[obj.enterprise_id])
    return "retired"


def _object_of(obj: Any) -> RiskObject | None:
    if isinstance(obj, RiskObject):
        return obj
    if isinstance(obj, RiskUnit):
        return obj.risk_object
    if isinstance(obj, RiskEvent):
        return obj.unit.risk_object
    if isinstance(obj, ControlMeasure):
        return obj.event.unit.risk_object
    return None


@transaction.atomic
def save_register_form(*, form: Any) -> Any:
    """Save a valid edit form of the hierarchy and keep the derived state true: an event's
    control level and owning unit follow its (possibly fixed) control level, and a risk
    object's events follow a change of its responsible department."""
    obj = form.save()
    if isinstance(obj, ControlMeasure):
        sync_check_tasks(measures=[obj])
    if isinstance(obj, RiskEvent):
        settings_row = risk_settings(obj.enterprise)
        _apply_control_level(obj, settings_row)
        obj.save(update_fields=["control_level", "owner_unit", "updated_at"])
        sync_check_tasks(measures=list(obj.measures.all()))
    elif isinstance(obj, RiskObject) and "responsible_unit" in form.changed_data:
        settings_row = risk_settings(obj.enterprise)
        for event in RiskEvent.objects.filter(unit__risk_object=obj).select_related(
            "unit__risk_object__responsible_unit"
        ):
            _apply_control_level(event, settings_row)
            event.save(update_fields=["control_level", "owner_unit", "updated_at"])
    return obj
