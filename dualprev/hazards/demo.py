"""Demo hazards: the closed loop in every state for the named demo enterprises, made by the real
actions with back-dated times (so the timelines, numbers, evidence chain and deadlines are the
product's own): hazards taken from the inspections demo's 存在隐患 drafts, employee reports,
a 即查即改 fixed on the spot, 限期整改 with its 五落实 (one overdue, one sent back once before
acceptance), a duplicate cancelled, a 重大 hazard with its six-part plan, approval and report to
the district, and public reports waiting for triage.

Idempotent: an enterprise that already has hazards is skipped.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.utils import timezone

from dualprev.accounts.models import User
from dualprev.hazards.actions import (
    ReportInput,
    accept_hazard,
    approve_major_plan,
    cancel_hazard,
    confirm_fixed,
    confirm_hazard,
    record_evaluation,
    reject_rectification,
    report_hazard,
    report_to_regulator,
    save_hazard_fields,
    save_major_plan,
    submit_rectification,
    take_draft,
)
from dualprev.hazards.choices import CancelReason, Channel, EventAction
from dualprev.hazards.models import Hazard, PublicReport
from dualprev.inspections.actions import PhotoInput
from dualprev.inspections.choices import DraftStatus
from dualprev.inspections.models import HazardDraft
from dualprev.reference.choices import (
    DangerManageType,
    DangerSrc,
    HazardDangerType,
    HazardLevel,
    ManagementClassification,
)
from dualprev.risks.models import ControlMeasure

# Per named enterprise: (main leader, safety officer, liable person, worker, second worker).
CAST = {
    "whp": ("huagong_zz", "huagong_aq", "huagong_bz", "huagong_cz1", "huagong_cz2"),
    "dairy": ("ruye_zz", "ruye_aq", "ruye_bz", "ruye_gy1", "ruye_zl1"),
    "construction": ("zhongjian_zz", "zhongjian_aq", "zhongjian_tc1", "zhongjian_tc1", None),
    "bus": ("gongjiao_zz", "gongjiao_aq", "gongjiao_sj1", "gongjiao_sj1", None),
}
COLOURS = ["#7f8c8d", "#95a5a6", "#a67c52", "#5d6d7e", "#b9770e", "#566573"]


def demo_photo(seed: int, fixed: bool = False) -> PhotoInput:
    """A generated photo (a grey scene with a red mark before the fix, a green one after), put
    through the same check and re-encoding as an uploaded photo."""
    from PIL import Image, ImageDraw

    from dualprev.inspections.photos import process_photo

    image = Image.new("RGB", (640, 480), COLOURS[seed % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    draw.rectangle((60 + seed * 7 % 80, 300, 580, 440), fill="#34495e")
    mark = "#1e8449" if fixed else "#c0392b"
    draw.ellipse((220 + seed * 13 % 120, 120, 360 + seed * 13 % 120, 260), outline=mark, width=14)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return process_photo(io.BytesIO(out.getvalue()))


def extend_demo(builder: Any) -> None:
    made = 0
    for key, usernames in CAST.items():
        enterprise = builder.enterprises.get(key)
        if enterprise is None or Hazard.objects.filter(enterprise=enterprise).exists():
            continue
        users = {
            name: User.objects.get(username=username) if username else None
            for name, username in zip(
                ("leader", "safety", "liable", "worker", "worker2"), usernames, strict=True
            )
        }
        made += _story(enterprise, users, full=key == "whp")
    if made:
        builder.log(f"hazards: {made} demo hazards")
    _follow_deadlines()


def _follow_deadlines() -> None:
    try:
        from dualprev.hazards.deadlines import follow_deadlines
    except ImportError:  # pragma: no cover - the deadline module ships with the app
        return
    follow_deadlines()


def _story(enterprise: Any, users: dict[str, Any], *, full: bool) -> int:
    now = timezone.now()
    leader, safety, liable, worker = (
        users["leader"],
        users["safety"],
        users["liable"],
        users["worker"],
    )
    worker2 = users["worker2"] or worker
    unit = _unit_of(liable) or _unit_of(safety)
    measures = list(
        ControlMeasure.objects.filter(enterprise=enterprise, retired_at__isnull=True)
        .select_related("event__unit__risk_object")
        .order_by("id")[:6]
    )
    measure = measures[0] if measures else None
    count = 0

    def at(days: float) -> dt.datetime:
        return now - dt.timedelta(days=days)

    def report(name: str, text: str, when: float, by: Any, seed: int, **extra: Any) -> Hazard:
        nonlocal count
        count += 1
        return report_hazard(
            enterprise_id=enterprise.pk,
            reporter=by,
            data=ReportInput(
                name=name,
                description=text,
                photos=[demo_photo(seed)],
                found_at=at(when),
                **extra,
            ),
            now=at(when),
        )

    def grade(hazard: Hazard, when: float, **changes: Any) -> None:
        base = {
            "level": HazardLevel.GENERAL,
            "manage_type": DangerManageType.DEADLINE,
            "danger_type": HazardDangerType.EQUIPMENT,
            "management_class": ManagementClassification.UNSAFE_CONDITION,
            "rectification_measures": "按规范修复并恢复原状，修复后由班组复查",
            "responsible_unit": unit,
            "liable_person": liable,
            "cost": Decimal("0.2"),
            "deadline": at(when) + dt.timedelta(days=5),
            "contingency_plan": "整改完成前设置警示标识，每班加强巡查",
        }
        save_hazard_fields(
            hazard=hazard,
            acting_user=safety,
            changes=base | changes,
            action=EventAction.GRADE,
            now=at(when),
        )

    # 1. Reported today by a worker, waiting for the safety officer (REPORTED).
    report("消防通道堆放杂物", "成品库东侧消防通道堆放纸箱，宽度不足1米", 0.1, worker, 1)

    # 2. Taken from a 存在隐患 check's draft, graded and under rectification (RECTIFYING).
    draft = (
        HazardDraft.objects.filter(enterprise=enterprise, status=DraftStatus.DRAFT)
        .select_related("record", "occurrence__special_item__inspection")
        .order_by("-id")
        .first()
    )
    if draft is not None:
        count += 1
        from_check = take_draft(
            draft=draft,
            acting_user=safety,
            data=ReportInput(name=draft.description[:40], description=draft.description),
            now=at(1.5),
        )
        grade(from_check, 1.4, deadline=now + dt.timedelta(days=4))
        confirm_hazard(hazard=from_check, acting_user=safety, now=at(1.4))

    # 3. 限期整改, deadline passed: overdue (the deadline job escalates it).
    overdue = report(
        "配电箱门锁损坏",
        "二号配电箱门锁损坏，箱门无法关闭",
        9,
        worker2,
        2,
        measure=measure,
    )
    grade(overdue, 8.8, danger_type=HazardDangerType.ELECTRICAL)
    confirm_hazard(hazard=overdue, acting_user=safety, now=at(8.8))

    # 4. Fixed and waiting for acceptance (PENDING_ACCEPT).
    pending = report("安全警示标志脱落", "危险品库房门口“禁止烟火”标志脱落", 3, worker, 3)
    grade(pending, 2.9, danger_type=HazardDangerType.SAFETY)
    confirm_hazard(hazard=pending, acting_user=safety, now=at(2.9))
    submit_rectification(
        hazard=pending,
        acting_user=liable,
        note="已重新张贴警示标志并加固",
        photos=[demo_photo(3, fixed=True)],
        now=at(1),
    )

    # 5. 即查即改: fixed on the spot by the reporter, accepted (ACCEPTED).
    spot = report(
        "防护罩螺丝松动",
        "输送机防护罩两颗螺丝松动",
        6,
        worker,
        4,
        fixed_on_spot=True,
        fix_note="当场紧固螺丝",
        after_photos=[demo_photo(4, fixed=True)],
        measure=measure,
    )
    save_hazard_fields(
        hazard=spot,
        acting_user=safety,
        changes={
            "level": HazardLevel.GENERAL,
            "manage_type": DangerManageType.IMMEDIATE,
            "danger_type": HazardDangerType.EQUIPMENT,
        },
        action=EventAction.GRADE,
        now=at(5.9),
    )
    confirm_fixed(hazard=spot, acting_user=safety, now=at(5.9))
    accept_hazard(hazard=spot, acting_user=leader, comment="复查已紧固，同意销号", now=at(5.8))

    # 6. 限期整改 sent back once, then accepted: the full timeline (ACCEPTED).
    closed = report("压力表超期未检", "反应釜压力表检定标签已过期", 12, worker2, 5)
    grade(closed, 11.9, danger_type=HazardDangerType.INSTRUMENT, cost=Decimal("0.05"))
    confirm_hazard(hazard=closed, acting_user=safety, now=at(11.9))
    submit_rectification(
        hazard=closed,
        acting_user=liable,
        note="已联系计量单位",
        photos=[demo_photo(5, fixed=True)],
        now=at(10),
    )
    reject_rectification(
        hazard=closed, acting_user=safety, reason="尚未更换检定合格的压力表", now=at(9.5)
    )
    submit_rectification(
        hazard=closed,
        acting_user=liable,
        note="已更换检定合格的压力表，检定证书存档",
        photos=[demo_photo(6, fixed=True)],
        now=at(8),
    )
    accept_hazard(hazard=closed, acting_user=safety, comment="整改到位，同意销号", now=at(7.5))

    # 7. A duplicate report, cancelled (CANCELLED).
    duplicate = report("消防通道堵塞", "成品库消防通道有纸箱", 0.05, worker2, 7)
    first = Hazard.objects.filter(enterprise=enterprise, name="消防通道堆放杂物").first()
    cancel_hazard(
        hazard=duplicate,
        acting_user=safety,
        reason=CancelReason.DUPLICATE,
        duplicate_of=first,
        note="与同日上报的隐患重复",
        now=now,
    )

    # 8. Repeated hazards on one risk event since its last assessment (flagged for
    # reassessment: the registers were graded when the demo was built, just before now).
    if measure is not None:
        report("同一部位再次发现问题", "该部位防护措施再次失效", 0, worker, 8, measure=measure)
        report("该部位防护再次缺失", "防护措施第三次发现失效", 0, worker2, 10, measure=measure)

    if full:
        _major(enterprise, users, unit, at)
        count += 1
    _public_reports(enterprise, measures)
    return count


def _major(enterprise: Any, users: dict[str, Any], unit: Any, at: Any) -> None:
    """A 重大 hazard (化工 重大隐患判定标准 item 12: no gas detection where gas can leak) with
    its plan approved by the main leader, reported to the district, under rectification with
    the evaluation done."""
    from dualprev.accounts.models import User as U

    safety, leader = users["safety"], users["leader"]
    head = U.objects.filter(username="huagong_cj").first() or users["liable"]
    hazard = report_hazard(
        enterprise_id=enterprise.pk,
        reporter=safety,
        data=ReportInput(
            name="罐区未设可燃气体检测报警仪",
            description="甲类罐区东侧泵房可能泄漏可燃气体处未设置可燃气体检测报警仪（化工重大隐患判定标准第12项）",
            location="甲类罐区东侧泵房",
            photos=[demo_photo(9)],
            found_at=at(20),
        ),
        channel=Channel.OFFICE,
        source=DangerSrc.SPECIALIST,
        now=at(20),
    )
    save_hazard_fields(
        hazard=hazard,
        acting_user=safety,
        changes={
            "level": HazardLevel.MAJOR,
            "manage_type": DangerManageType.DEADLINE,
            "danger_type": HazardDangerType.INSTRUMENT,
            "management_class": ManagementClassification.UNSAFE_CONDITION,
            "rectification_measures": "增设可燃气体检测报警仪8台并接入DCS，设置声光报警",
            "responsible_unit": _unit_of(head) or unit,
            "liable_person": head,
            "cost": Decimal("12"),
            "deadline": at(20) + dt.timedelta(days=30),
            "contingency_plan": "启动罐区泄漏专项应急预案，配备便携式检测仪",
            "interim_measures": "治理期间停止泵房倒罐作业，每2小时便携式检测一次，设专人监护",
        },
        action=EventAction.GRADE,
        now=at(19.9),
    )
    save_major_plan(
        hazard=hazard,
        acting_user=safety,
        values={
            "goals": "30日内消除罐区可燃气体检测报警缺失的重大事故隐患",
            "methods": "按GB/T 50493设计布点，增设报警仪8台，接入DCS并与通风联锁",
            "funds_materials": "安排专项资金12万元，报警仪及线缆由设备部采购",
            "organisation": "主要负责人任组长，设备部负责实施，安全环保部监督",
            "timeline": "第1周设计，第2-3周安装，第4周调试验收",
            "safety_measures": "施工期间办理动火作业票，停止倒罐；发生泄漏按专项预案处置",
            "current_state": "泵房为可燃气体可能泄漏场所，建厂时未设计检测报警",
            "harm_analysis": "泄漏不能及时发现，可能引发火灾爆炸；需局部停产安装，整改难度中等",
            "production_stopped": True,
        },
        now=at(19.8),
    )
    approve_major_plan(hazard=hazard, acting_user=leader, now=at(19.5))
    report_to_regulator(hazard=hazard, acting_user=safety, now=at(19.4))
    confirm_hazard(hazard=hazard, acting_user=safety, now=at(19.3))
    record_evaluation(
        hazard=hazard,
        acting_user=safety,
        by="own_experts",
        org="本单位仪表、工艺专家组",
        conclusion="已安装的6台报警仪调试合格，剩余2台待到货",
        now=at(2),
    )


def _public_reports(enterprise: Any, measures: list[Any]) -> None:
    point = measures[0].event.unit.risk_object if measures else None
    for text, name in (
        ("厂区南门外排水沟有刺鼻气味", ""),
        ("看到员工在装卸区抽烟", "路过群众"),
    ):
        PublicReport.objects.create(
            enterprise=enterprise,
            risk_object=point,
            description=text,
            reporter_name=name,
            client_key="demo",
        )


def _unit_of(user: Any) -> Any:
    membership = getattr(user, "membership", None)
    return membership.org_unit if membership is not None else None
