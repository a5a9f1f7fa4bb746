"""Shared builders for the register import/export tests (no tests here; the name keeps it among
the io test files)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from dualprev.core.testing import Cast
from dualprev.reference.models import AccidentType
from dualprev.risks import actions
from dualprev.risks.models import (
    Assessment,
    ControlMeasure,
    ReassessmentTodo,
    RiskEvent,
    RiskObject,
    RiskUnit,
)

RISK_TABLES = (RiskObject, RiskUnit, RiskEvent, ControlMeasure, Assessment)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in RISK_TABLES}


def accident(name: str) -> AccidentType:
    found = AccidentType.objects.filter(name=name).order_by("-dataset__edition").first()
    assert found is not None, name
    return found


def build_register(cast: Cast) -> None:
    """Enterprise A's register: the cast chain plus a second point with LS and MES events, an
    event without measures, several categories, a person and a fixed control level."""
    a = cast.a
    user = cast.safety_officer
    chain = a.risks
    actions.assess_event(event=chain["event"], acting_user=user, method="LEC",
                         inputs={"L": 6, "E": 6, "C": 15})  # fmt: skip  # 540 → 重大
    RiskObject.objects.filter(pk=chain["object"].pk).update(code="FX-001")
    ControlMeasure.objects.create(
        enterprise=a.enterprise, event=chain["event"], description="A操作人员持证上岗",
        category="training", data_src=2, check_content="检查操作证", responsible_post=a.post,
    )  # fmt: skip
    ControlMeasure.objects.create(
        enterprise=a.enterprise, event=chain["event"], description="A可燃气体报警在线监测",
        category="engineering", data_src=1,
    )  # fmt: skip
    obj = RiskObject.objects.create(
        enterprise=a.enterprise, name="A装卸作业", object_type="routine_work",
        responsible_unit=a.team, responsible_person=cast.team_leader, code="FX-002",
    )  # fmt: skip
    unit = RiskUnit.objects.create(enterprise=a.enterprise, risk_object=obj, name="A槽车装卸")
    e1 = RiskEvent.objects.create(
        enterprise=a.enterprise, unit=unit, name="A装卸软管破裂泄漏中毒",
        hazard_description="软管老化破裂，介质泄漏", emergency_measures="关闭紧急切断阀，撤离",
    )  # fmt: skip
    e1.accident_types.add(accident("中毒"), accident("火灾"))
    actions.assess_event(event=e1, acting_user=user, method="LS", inputs={"L": 3, "S": 4})
    ControlMeasure.objects.create(
        enterprise=a.enterprise, event=e1, description="A佩戴防毒面具", category="ppe",
        data_src=2, check_content="检查防毒面具佩戴", responsible_post=a.post,
    )  # fmt: skip
    ControlMeasure.objects.create(
        enterprise=a.enterprise, event=e1, description="A配备应急器材柜", category="emergency",
        data_src=2, check_content="检查器材柜", responsible_post=a.post,
    )  # fmt: skip
    e2 = RiskEvent.objects.create(
        enterprise=a.enterprise, unit=unit, name="A车辆溜车伤人",
        control_level_fixed=True, control_level="workshop",
    )  # fmt: skip
    e2.accident_types.add(accident("物体打击"))
    actions.assess_event(event=e2, acting_user=user, method="MES",
                         inputs={"M": 3, "E": 6, "S": 2})  # fmt: skip
    actions.assess_event(event=e2, acting_user=user, method="MES", kind="inherent",
                         inputs={"M": 3, "E": 6, "S": 2})  # fmt: skip


def wipe_register(enterprise: Any) -> None:
    """Empty an enterprise's register (tests only: real code retires), hazard and inspection
    rows first."""
    from dualprev.hazards import models as hazards
    from dualprev.inspections import models as inspections

    for hazard_model in (
        hazards.PublicReport,
        hazards.RegulatorReport,
        hazards.MajorHazardPlan,
        hazards.HazardPhoto,
        hazards.HazardEvent,
        hazards.Hazard,
    ):
        hazard_model.objects.filter(enterprise=enterprise).delete()

    inspections.CheckOccurrence.objects.filter(enterprise=enterprise).update(record=None)
    for inspection_model in (
        inspections.HazardDraft,
        inspections.CheckPhoto,
        inspections.CheckRecord,
        inspections.CheckOccurrence,
        inspections.SpecialInspection,
        inspections.CheckTask,
        inspections.Deactivation,
    ):
        inspection_model.objects.filter(enterprise=enterprise).delete()
    RiskEvent.objects.filter(enterprise=enterprise).update(residual_assessment=None)
    ReassessmentTodo.objects.filter(enterprise=enterprise).delete()
    for model in (Assessment, ControlMeasure):
        model.objects.filter(enterprise=enterprise).delete()
    for event in RiskEvent.objects.filter(enterprise=enterprise):
        event.accident_types.clear()
        event.delete()
    RiskUnit.objects.filter(enterprise=enterprise).delete()
    RiskObject.objects.filter(enterprise=enterprise).delete()


def workbook_bytes(
    rows: Sequence[Sequence[Any]],
    merges: Sequence[str] = (),
    fills: dict[str, str] | None = None,
) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    for coord, colour in (fills or {}).items():
        ws[coord].fill = PatternFill("solid", fgColor=colour)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
