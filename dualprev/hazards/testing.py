"""Hazard test data for the persona cast: each enterprise has a hazard its worker reported
(state REPORTED); enterprise A also has one under rectification (liable: the team leader, with
a before photo), a confirmed 重大 hazard reported to the district regulator, and a public
report waiting for triage."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.utils import timezone

from dualprev.hazards.actions import (
    ReportInput,
    approve_major_plan,
    confirm_hazard,
    report_hazard,
    report_to_regulator,
    save_hazard_fields,
    save_major_plan,
)
from dualprev.hazards.choices import EventAction
from dualprev.hazards.models import Hazard, HazardPhoto, PublicReport, RegulatorReport
from dualprev.inspections.photos import process_photo
from dualprev.inspections.testing import sample_jpeg
from dualprev.reference.choices import DangerManageType, HazardDangerType, HazardLevel

MAJOR_PLAN = {
    "goals": "消除储罐区可燃气体检测报警缺失隐患",
    "methods": "增设可燃气体检测报警仪并接入DCS",
    "funds_materials": "安排资金12万元，采购报警仪8台",
    "organisation": "设备部牵头，仪表班实施",
    "timeline": "30日内完成安装调试",
    "safety_measures": "治理期间停止装卸作业，现场设专人监护，配备便携式检测仪",
    "current_state": "储罐区东侧未设可燃气体检测报警仪",
    "harm_analysis": "泄漏不能及时发现，可能引发火灾爆炸；整改需停产安装",
    "production_stopped": True,
}


def photo() -> Any:
    return process_photo(io.BytesIO(sample_jpeg()))


def graded(hazard: Hazard, user: Any, liable: Any, **extra: Any) -> Hazard:
    """Give a reported hazard a 一般 限期整改 grading and its 五落实 (not yet confirmed)."""
    world_unit = extra.pop("unit")
    changes = {
        "level": HazardLevel.GENERAL,
        "manage_type": DangerManageType.DEADLINE,
        "danger_type": HazardDangerType.EQUIPMENT,
        "rectification_measures": "更换破损保温层",
        "responsible_unit": world_unit,
        "liable_person": liable,
        "cost": Decimal("0.5"),
        "deadline": timezone.now() + dt.timedelta(days=7),
        "contingency_plan": "整改前每班加强巡检",
    } | extra
    save_hazard_fields(hazard=hazard, acting_user=user, changes=changes, action=EventAction.GRADE)
    return hazard


def extend_cast(cast: Any) -> None:
    for world in (cast.a, cast.b, cast.c):
        world.risks["hazard"] = report_hazard(
            enterprise_id=world.enterprise.pk,
            reporter=world.users["worker"],
            data=ReportInput(
                name="消防通道堆放杂物",
                description="二号库房消防通道堆放纸箱",
                photos=[photo()],
            ),
        )
    a = cast.a
    rectifying = report_hazard(
        enterprise_id=a.enterprise.pk,
        reporter=cast.worker,
        data=ReportInput(
            name="储罐保温层破损",
            description="1号罐保温层破损",
            measure=a.risks["measure"],
            photos=[photo()],
        ),
    )
    graded(rectifying, cast.safety_officer, cast.team_leader, unit=a.team)
    confirm_hazard(hazard=rectifying, acting_user=cast.safety_officer)
    a.risks["hazard_rectifying"] = rectifying

    major = report_hazard(
        enterprise_id=a.enterprise.pk,
        reporter=cast.safety_officer,
        data=ReportInput(name="储罐区未设可燃气体报警", description="东侧储罐区无报警仪"),
    )
    graded(
        major,
        cast.safety_officer,
        a.users["dept"],
        unit=a.department,
        level=HazardLevel.MAJOR,
        interim_measures="停止装卸作业，设专人监护",
    )
    save_major_plan(hazard=major, acting_user=cast.safety_officer, values=MAJOR_PLAN)
    approve_major_plan(hazard=major, acting_user=cast.owner)
    report_to_regulator(hazard=major, acting_user=cast.safety_officer)
    confirm_hazard(hazard=major, acting_user=cast.safety_officer)
    a.risks["hazard_major"] = major
    a.risks["regulator_report"] = RegulatorReport.objects.get(hazard=major)
    a.risks["hazard_photo"] = HazardPhoto.objects.filter(hazard=rectifying).first()
    a.risks["public_report"] = PublicReport.objects.create(
        enterprise=a.enterprise,
        risk_object=a.risks["object"],
        description="配电室门没有关",
        client_key="0" * 64,
    )


MATRIX_SUBJECTS = {
    Hazard: lambda cast: cast.a.risks["hazard"],
    HazardPhoto: lambda cast: cast.a.risks["hazard_photo"],
    PublicReport: lambda cast: cast.a.risks["public_report"],
    RegulatorReport: lambda cast: cast.a.risks["regulator_report"],
}
