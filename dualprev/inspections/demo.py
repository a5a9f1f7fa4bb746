"""Demo inspections: two weeks of check history for the named demo enterprises, today's checks
due for the demo workers, 危化 operator rounds and 包保 tasks, special inspections, 停用/检修
records and daily commitments.

The history is made by the real code paths: tasks are back-dated, ``generate`` materialises
the past windows, ``submit_check`` records the checks the demo people "made" (a seeded random
choice of who skipped what), and ``close_missed`` closes the rest as 未排查. Idempotent: an
enterprise that already has check records is skipped.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from django.db.models import Q
from django.utils import timezone

from dualprev.accounts.models import Membership, User
from dualprev.inspections.actions import (
    CheckInput,
    add_special_items,
    close_missed,
    ensure_default_tasks,
    file_commitment,
    record_deactivation,
    submit_check,
    today_start,
)
from dualprev.inspections.choices import DeactivationKind, EntryMode, OccurrenceStatus
from dualprev.inspections.generation import generate, local_tz
from dualprev.inspections.models import (
    CheckOccurrence,
    CheckRecord,
    CheckTask,
    Deactivation,
    SafetyCommitment,
    SpecialInspection,
    SpecialInspectionItem,
)
from dualprev.orgs.models import Enterprise
from dualprev.reference.choices import (
    CheckCycleUnit,
    CheckStatus,
    DangerSrc,
    MeasureDataSrc,
    WorkType,
)
from dualprev.reference.models import MajorHazardCriterion
from dualprev.risks.models import ControlMeasure, RiskUnit

HISTORY_DAYS = 14
NAMED = ("whp", "dairy", "construction", "bus", "zy_machinery", "zy_commerce")
# Seeded so that every `dualprev demo` gives the same history.
SEED = 20261129

HAZARD_NOTES = [
    "压力表指针超出红线，已通知班长",
    "防护罩螺丝松动",
    "现场可燃气体检测报警器显示故障",
    "消防通道堆放杂物",
    "安全警示标志脱落",
]
OTHER_NOTES = ["设备停机待料，仅做外观检查", "雨天室外部分改为次日检查"]


def extend_demo(builder: Any) -> None:
    ensure_default_tasks()
    start = today_start() - dt.timedelta(days=HISTORY_DAYS)
    rng = random.Random(SEED)
    made = 0
    for key in NAMED:
        enterprise = builder.enterprises.get(key)
        if enterprise is None or CheckRecord.objects.filter(enterprise=enterprise).exists():
            continue
        _staff_for_unheld_posts(enterprise, key, rng)
        if key == "whp":
            _whp_extras(enterprise)
        CheckTask.objects.filter(enterprise=enterprise).update(task_start=start, created_at=start)
        generate(enterprise_ids=[enterprise.pk], start=start)
        made += _history(enterprise, rng)
        _special_inspections(enterprise, rng)
        _deactivations(enterprise, key)
        if key == "whp":
            _commitments(enterprise, rng)
    # Every other enterprise: today's and the next days' checks, no history.
    generate()
    closed = close_missed()
    builder.log(
        f"  inspections: {CheckTask.objects.count()} check tasks, "
        f"{CheckOccurrence.objects.count()} occurrences, {made} demo checks, "
        f"{closed} closed as 未排查"
    )


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超"]


def _staff_for_unheld_posts(enterprise: Enterprise, key: str, rng: random.Random) -> None:
    """The published demo logins are a few people; the rest of the workforce holds the other
    posts that have check tasks. They are members without a usable password (they exist so the
    check history and the reports are those of a whole enterprise)."""
    from dualprev.orgs.models import Post

    posts = Post.objects.filter(
        enterprise=enterprise, check_tasks__isnull=False, holders__isnull=True
    ).distinct()
    for post in posts.order_by("pk"):
        username = f"demo_{key}_staff_{post.pk}"
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        membership, _ = Membership.objects.get_or_create(
            user=user,
            defaults={"enterprise": enterprise, "role": "worker", "org_unit": post.org_unit},
        )
        membership.posts.add(post)


def _people_by_post(enterprise: Enterprise) -> dict[int, list[User]]:
    holders: dict[int, list[User]] = {}
    for membership in Membership.objects.filter(
        enterprise=enterprise, is_active=True
    ).prefetch_related("posts", "user"):
        for post in membership.posts.all():
            holders.setdefault(post.pk, []).append(membership.user)
    return holders


def _history(enterprise: Enterprise, rng: random.Random) -> int:
    """Check the past windows the way a mostly diligent workforce would: about 9 in 10 done
    (a few with a finding), the rest left to close as 未排查."""
    now = timezone.now()
    holders = _people_by_post(enterprise)
    made = 0
    past = (
        CheckOccurrence.objects.filter(
            enterprise=enterprise,
            status=OccurrenceStatus.OPEN,
            window_end__lte=now,
            task__isnull=False,
        )
        .select_related("task", "risk_object")
        .order_by("window_start")
    )
    for occurrence in past:
        people = holders.get(occurrence.post_id or 0, [])
        if occurrence.assignee_id:
            people = [occurrence.assignee]
        if not people or rng.random() < 0.1:
            continue
        roll = rng.random()
        status, note = CheckStatus.NORMAL, ""
        if roll < 0.03:
            status, note = CheckStatus.HAZARD_FOUND, rng.choice(HAZARD_NOTES)
        elif roll < 0.05:
            status, note = CheckStatus.OTHER, rng.choice(OTHER_NOTES)
        span = (occurrence.window_end - occurrence.window_start).total_seconds()
        check_time = min(
            occurrence.window_start + dt.timedelta(seconds=span * rng.uniform(0.05, 0.6)), now
        )
        offline = rng.random() < 0.05
        # Submitted when it was made, or — from a phone without signal — a few hours later.
        sent = min(check_time + dt.timedelta(hours=3), now) if offline else check_time
        submit_check(
            occurrence=occurrence,
            checked_by=rng.choice(people),
            data=CheckInput(
                client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                status=status,
                note=note,
                check_time=check_time,
                scanned=rng.random() < 0.7,
                entry_mode=EntryMode.OFFLINE if offline else EntryMode.ONLINE,
            ),
            now=sent,
        )
        made += 1
    return made


def _whp_extras(enterprise: Enterprise) -> None:
    """危化 operator rounds on the two tank farms (2 h; 1 h on the major hazard source) and the
    three 包保 persons' tasks, as a safety officer would set them up."""
    from dualprev.majorhazards.models import MajorHazardSource
    from dualprev.orgs.models import Post

    start = today_start()
    rounds = ControlMeasure.objects.filter(
        enterprise=enterprise,
        retired_at__isnull=True,
        data_src=MeasureDataSrc.INSPECTION,
        event__unit__risk_object__name__in=["液氨储罐区", "甲醇储罐区"],
    ).select_related("event__unit__risk_object")
    rounds_post = Post.objects.filter(enterprise=enterprise, name="罐区巡检工").first()
    seen: set[int] = set()
    for measure in rounds:
        obj = measure.event.unit.risk_object
        post_id = rounds_post.pk if rounds_post else measure.responsible_post_id
        if obj.pk in seen or post_id is None:
            continue
        seen.add(obj.pk)
        on_major = obj.major_hazard_sources.filter(is_major=True).exists()
        CheckTask.objects.create(
            enterprise=enterprise,
            measure=measure,
            content=f"{obj.name}巡回检查：液位、压力、温度、泄漏检测报警及现场异常",
            cycle=1 if on_major else 2,
            cycle_unit=CheckCycleUnit.HOUR,
            work_start=dt.time(8),
            work_end=dt.time(20),
            task_start=start,
            post_id=post_id,
            is_default=False,
        )
    source = MajorHazardSource.objects.filter(enterprise=enterprise).first()
    if source is None:
        return
    measure = (
        ControlMeasure.objects.filter(
            enterprise=enterprise,
            retired_at__isnull=True,
            data_src=MeasureDataSrc.INSPECTION,
            event__unit__risk_object__in=source.risk_objects.all(),
        )
        .order_by("pk")
        .first()
    )
    if measure is None:
        return
    plans = [
        (WorkType.MAIN_LEADER, 1, source.main_person, 1, CheckCycleUnit.MONTH,
         "组织开展重大危险源安全风险研判，督促落实包保责任"),
        (WorkType.TECHNICAL_LEADER, 3, source.technical_person, 3, CheckCycleUnit.MONTH,
         "检查重大危险源安全监测监控系统、安全仪表系统运行情况"),
        (WorkType.OPERATION_LEADER, 2, source.operational_person, 1, CheckCycleUnit.WEEK,
         "检查重大危险源现场安全设施、工艺指标及操作规程执行情况"),
    ]  # fmt: skip
    for work_type, number, person, cycle, unit, content in plans:
        if person is None:
            continue
        CheckTask.objects.create(
            enterprise=enterprise,
            measure=measure,
            content=content,
            cycle=cycle,
            cycle_unit=unit,
            task_start=start,
            work_type=work_type,
            task_num=number,
            assignee=person,
            is_default=False,
        )


def _special_inspections(enterprise: Enterprise, rng: random.Random) -> None:
    officer = (
        Membership.objects.filter(enterprise=enterprise, is_active=True)
        .filter(Q(role="safety_officer") | Q(role="safety_director"))
        .select_related("user")
        .first()
    )
    if officer is None:
        return
    today = timezone.localdate()
    # A special inspection is a managers' exercise: leaders, department and team heads.
    members = [
        m.user
        for m in Membership.objects.filter(
            enterprise=enterprise,
            is_active=True,
            role__in=["deputy_leader", "safety_director", "dept_head", "team_leader"],
        ).select_related("user")
    ]
    seasonal = SpecialInspection.objects.create(
        enterprise=enterprise,
        name="冬季“四防”专项排查",
        inspection_type=DangerSrc.SEASONAL,
        start_date=today - dt.timedelta(days=3),
        end_date=today + dt.timedelta(days=4),
        leader=officer.user,
        description="防冻、防凝、防滑、防火；重点检查伴热、保温和消防设施。",
        created_by=officer.user,
    )
    seasonal.members.add(*members)
    measures = list(
        ControlMeasure.objects.filter(enterprise=enterprise, retired_at__isnull=True)
        .select_related("event__unit")
        .order_by("pk")[:6]
    )
    add_special_items(
        inspection=seasonal,
        items=[SpecialInspectionItem(content=m.check_content or m.description, measure=m)
               for m in measures],
        acting_user=officer.user,
    )  # fmt: skip
    done = CheckOccurrence.objects.filter(special_item__inspection=seasonal).order_by("pk")[:3]
    for index, occurrence in enumerate(done):
        submit_check(
            occurrence=occurrence,
            checked_by=officer.user,
            data=CheckInput(
                client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                status=CheckStatus.HAZARD_FOUND if index == 1 else CheckStatus.NORMAL,
                note="伴热线局部保温层破损" if index == 1 else "",
            ),
        )
    if enterprise.industry.group != "whp":
        return
    expert = SpecialInspection.objects.create(
        enterprise=enterprise,
        name="重大事故隐患专项排查（对照判定标准）",
        inspection_type=DangerSrc.SPECIALIST,
        start_date=today,
        end_date=today + dt.timedelta(days=13),
        leader=officer.user,
        description="对照《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准》逐条排查。",
        created_by=officer.user,
    )
    expert.members.add(*members)
    criteria = MajorHazardCriterion.objects.filter(dataset__code="whp-major-hazard-2017").order_by(
        "number"
    )[:20]
    add_special_items(
        inspection=expert,
        items=[SpecialInspectionItem(content=c.text, criterion=c) for c in criteria],
        acting_user=officer.user,
    )


def _deactivations(enterprise: Enterprise, key: str) -> None:
    units = list(RiskUnit.objects.filter(enterprise=enterprise, retired_at__isnull=True)[:2])
    if not units or Deactivation.objects.filter(enterprise=enterprise).exists():
        return
    now = today_start()
    record_deactivation(
        deactivation=Deactivation(
            enterprise=enterprise,
            risk_unit=units[0],
            kind=DeactivationKind.MAINTENANCE,
            start=now - dt.timedelta(days=9),
            end=now - dt.timedelta(days=7),
            reason="年度计划检修",
        ),
        acting_user=None,
    )
    if key == "dairy" and len(units) > 1:
        record_deactivation(
            deactivation=Deactivation(
                enterprise=enterprise,
                risk_unit=units[1],
                kind=DeactivationKind.STOPPED,
                start=now - dt.timedelta(days=1),
                reason="生产线改造，暂停使用",
            ),
            acting_user=None,
        )


def _commitments(enterprise: Enterprise, rng: random.Random) -> None:
    """Daily commitments for the past two weeks, two days forgotten; today's not yet filed
    (the hub shows it as due, and as overdue after the deadline)."""
    leader = (
        Membership.objects.filter(enterprise=enterprise, role="main_leader", is_active=True)
        .select_related("user")
        .first()
    )
    if leader is None:
        return
    tz = local_tz()
    for back in range(HISTORY_DAYS, 0, -1):
        if back in (4, 9):
            continue
        day = timezone.localdate() - dt.timedelta(days=back)
        moment = dt.datetime.combine(day, dt.time(8, rng.randint(0, 50)), tzinfo=tz)
        file_commitment(
            commitment=SafetyCommitment(
                enterprise=enterprise,
                date=day,
                units_running=3,
                units_stopped=0,
                units_maintenance=1 if back in (7, 8) else 0,
                hot_work=rng.randint(0, 2),
                confined_space=rng.randint(0, 1),
                work_at_height=rng.randint(0, 3),
                temporary_power=rng.randint(0, 1),
                contractors_on_site=rng.choice([0, 0, 6, 12]),
                commitment=(
                    "今天我公司已进行安全风险研判，各项安全风险防控措施已落实到位，"
                    "我承诺所有生产装置处于安全运行状态，罐区、仓库等重大危险源安全风险得到有效管控。"
                ),
                leader_name=leader.user.name,
            ),
            acting_user=leader.user,
            now=moment,
        )
