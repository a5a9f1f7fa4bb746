"""A month of checks in enterprise A with hand-computed figures, for the oversight tests.

March 2026 (Asia/Shanghai). Org: the cast's company → A生产部 → A甲班组 (post P1 "A操作工岗",
held by the worker), plus a second department A储运部 with post P2 "A装卸工岗" held by worker2.
Risk points: R1 "A储罐区" (the cast's, responsible unit A生产部) and R2 "A装卸站" (A储运部).

Tasks and occurrences (daily windows are [d 00:00, d+1 00:00)):

=====  =======  =====  ========================  =====================================
task   measure  point  post / person             occurrences → status
=====  =======  =====  ========================  =====================================
T1     M1       R1     P1                        Feb 28 missed (ends Mar 1 00:00: outside)
                                                 Mar 2 done (正常), Mar 3 done (存在隐患),
                                                 Mar 4 missed (+ a late 正常 record Mar 5),
                                                 Mar 5 missed, Mar 6 cancelled,
                                                 Mar 31 done (正常; ends Apr 1 00:00: inside),
                                                 Apr 1 open (outside)
T2     M2       R1     P1                        Mar 2 done (其他), Mar 3 missed, Mar 30 open
T5     M2       R1     P1                        Mar 2 08:00–10:00 done (正常)
T3     M3       R2     P2                        Mar 2 done (正常), Mar 3 missed
T4     M4       R1     team leader (no post)     Mar 2 missed
=====  =======  =====  ========================  =====================================

Expected in March: P1 done 5 / missed 3 / open 1; P2 1 / 1 / 0; no post 0 / 1 / 0.
A甲班组 (P1 + the team leader's T4) 5 / 4 / 1; A储运部 1 / 1 / 0; company 6 / 5 / 1.
Per measure: M1 3/2/0, M2 2/1/1, M3 1/1/0, M4 0/1/0. Findings (real records by check time):
M1 4 records, 1 hazard; M2 2 records (其他, 正常), 0 hazards; M3 1, 0.
Load on Mar 2: worker 2 walks (R1 all day: T1+T2; R1 08–10: T5) of 3 items, all done; team
leader 1 walk, 1 item missed; worker2 1 walk, 1 item done.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from dualprev.accounts.choices import EnterpriseRole
from dualprev.accounts.models import Membership, User
from dualprev.core.testing import Cast, make_user
from dualprev.inspections.actions import CheckInput, close_missed, submit_check
from dualprev.inspections.choices import OccurrenceStatus
from dualprev.inspections.models import CheckOccurrence, CheckRecord, CheckTask
from dualprev.orgs.models import OrgUnit, Post
from dualprev.reference.choices import CheckCycleUnit, CheckStatus
from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject, RiskUnit

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def day_window(day: int, month: int = 3) -> tuple[dt.datetime, dt.datetime]:
    start = at(day, month=month)
    return start, start + dt.timedelta(days=1)


@dataclass
class ReportWorld:
    cast: Cast
    worker2: User
    dept2: OrgUnit
    post2: Post
    objects: dict[str, RiskObject] = field(default_factory=dict)
    measures: dict[str, ControlMeasure] = field(default_factory=dict)
    tasks: dict[str, CheckTask] = field(default_factory=dict)
    occ: dict[str, CheckOccurrence] = field(default_factory=dict)
    late_record: CheckRecord | None = None


def make_task(
    measure: ControlMeasure, *, post: Post | None = None, assignee: Any = None
) -> CheckTask:
    return CheckTask.objects.create(
        enterprise_id=measure.enterprise_id,
        measure=measure,
        content=f"检查：{measure.description}",
        cycle=1,
        cycle_unit=CheckCycleUnit.DAY,
        task_start=at(1),
        post=post,
        assignee=assignee,
        is_default=False,
    )


def make_occurrence(
    task: CheckTask, start: dt.datetime, end: dt.datetime, **extra: Any
) -> CheckOccurrence:
    fields: dict[str, Any] = {
        "enterprise_id": task.enterprise_id,
        "task": task,
        "measure": task.measure,
        "risk_object": task.measure.event.unit.risk_object,
        "post": task.post,
        "assignee": task.assignee,
        "window_start": start,
        "window_end": end,
        "is_defend": task.is_defend,
    }
    return CheckOccurrence.objects.create(**{**fields, **extra})


def check(
    occurrence: CheckOccurrence,
    user: Any,
    status: int = CheckStatus.NORMAL,
    when: dt.datetime | None = None,
    note: str = "",
) -> CheckRecord:
    when = when or occurrence.window_start + dt.timedelta(hours=1)
    if status != CheckStatus.NORMAL and not note:
        note = "见现场记录"
    outcome = submit_check(
        occurrence=occurrence,
        checked_by=user,
        data=CheckInput(client_id=uuid.uuid4(), status=status, note=note, check_time=when),
        now=when + dt.timedelta(minutes=30),
    )
    return outcome.record


def build_report_world(cast: Cast) -> ReportWorld:
    a = cast.a
    e = a.enterprise
    dept2 = OrgUnit.objects.create(
        enterprise=e, name="A储运部", level="department", parent=a.company
    )
    post2 = Post.objects.create(enterprise=e, name="A装卸工岗", org_unit=dept2)
    worker2 = make_user("a_worker2", "A装卸工")
    membership = Membership.objects.create(
        enterprise=e, user=worker2, role=EnterpriseRole.WORKER, org_unit=dept2
    )
    membership.posts.add(post2)
    world = ReportWorld(cast, worker2, dept2, post2)

    r1 = a.risks["object"]
    event1 = a.risks["event"]
    r2 = RiskObject.objects.create(
        enterprise=e, name="A装卸站", object_type="place", responsible_unit=dept2, sort_order=5
    )
    unit2 = RiskUnit.objects.create(enterprise=e, risk_object=r2, name="A1号鹤位")
    event2 = RiskEvent.objects.create(enterprise=e, unit=unit2, name="A装卸时静电引燃")

    def measure(event: RiskEvent, text: str, order: int) -> ControlMeasure:
        return ControlMeasure.objects.create(
            enterprise=e,
            event=event,
            description=text,
            category="engineering",
            data_src=2,
            check_content=f"检查{text}",
            sort_order=order,
        )

    m1 = a.risks["measure"]
    m2 = measure(event1, "A可燃气体报警仪完好", 2)
    m3 = measure(event2, "A静电接地夹完好", 1)
    m4 = measure(event1, "A防火堤无破损", 3)
    world.objects = {"R1": r1, "R2": r2}
    world.measures = {"M1": m1, "M2": m2, "M3": m3, "M4": m4}
    t1 = make_task(m1, post=a.post)
    t2 = make_task(m2, post=a.post)
    t5 = make_task(m2, post=a.post)
    t3 = make_task(m3, post=post2)
    t4 = make_task(m4, assignee=cast.team_leader)
    world.tasks = {"T1": t1, "T2": t2, "T3": t3, "T4": t4, "T5": t5}

    occ = world.occ
    occ["T1-feb28"] = make_occurrence(t1, *day_window(28, month=2))
    for day in (2, 3, 4, 5, 6, 31):
        occ[f"T1-{day}"] = make_occurrence(t1, *day_window(day))
    occ["T1-apr1"] = make_occurrence(t1, *day_window(1, month=4))
    for day in (2, 3, 30):
        occ[f"T2-{day}"] = make_occurrence(t2, *day_window(day))
    occ["T5-2"] = make_occurrence(t5, at(2, 8), at(2, 10))
    for day in (2, 3):
        occ[f"T3-{day}"] = make_occurrence(t3, *day_window(day))
    occ["T4-2"] = make_occurrence(t4, *day_window(2))

    worker = cast.worker
    check(occ["T1-2"], worker)
    check(occ["T1-3"], worker, CheckStatus.HAZARD_FOUND, note="罐根阀渗漏")
    check(occ["T1-31"], worker, when=at(31, 9))
    check(occ["T2-2"], worker, CheckStatus.OTHER, note="报警仪送检，已用便携式检测仪替代")
    check(occ["T5-2"], worker, when=at(2, 9))
    check(occ["T3-2"], worker2)
    # A check of Mar 4 made the next morning: kept as evidence (late), does not count.
    world.late_record = check(occ["T1-4"], worker, when=at(5, 9))
    CheckOccurrence.objects.filter(pk=occ["T1-6"].pk).update(status=OccurrenceStatus.CANCELLED)
    close_missed(now=at(30, 12))
    for key, row in occ.items():
        row.refresh_from_db()
        occ[key] = row
    return world
