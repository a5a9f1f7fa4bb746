"""Check-occurrence generation (``inspections.generation.generate``) against a plain
``bulk_create`` of the very same rows into the same empty table.

Scenario A: one large 危化 enterprise, 5,000 check tasks, 30 days ahead (a realistic mix: every
shift, daily, weekly, monthly, work-days-only daily, 2 h rounds around the clock and hourly
rounds in the day, two shift patterns, a few units under maintenance).
Scenario B: a district of 2,000 enterprises with 20 tasks each, one day.

Baseline: the rows ``build_rows`` computes (untimed), bulk-created into the empty table
(``batch_size=2000``: on PostgreSQL a little faster than one statement for all rows).
Ours: the full ``generate()`` (read the tasks, shifts and 停用/检修 records, compute every window,
skip the stored ones, insert ON CONFLICT DO NOTHING) into the empty table; then the second,
idempotent run, which finds everything stored. Target: baseline / generate ≥ 0.5 on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from common import report, test_database

LARGE_TASKS = 5000
LARGE_DAYS = 30
DISTRICT_ENTERPRISES = 2000
TASKS_PER_ENTERPRISE = 20
REPEAT = 3


def _task_mix(i: int) -> dict[str, Any]:
    """The frequency of task ``i`` of a 20-task cycle (percentages of the whole)."""
    from dualprev.reference.choices import CheckCycleUnit, WorkDayType

    slot = i % 20
    if slot < 6:  # 30 %: every shift (岗位)
        return {"cycle": 1, "cycle_unit": CheckCycleUnit.SHIFT}
    if slot < 11:  # 25 %: daily (班组)
        return {"cycle": 1, "cycle_unit": CheckCycleUnit.DAY}
    if slot < 12:  # 5 %: daily on statutory work days only
        return {
            "cycle": 1,
            "cycle_unit": CheckCycleUnit.DAY,
            "work_day_type": WorkDayType.STATUTORY_WORKDAY,
        }
    if slot < 14:  # 10 %: weekly (车间)
        return {"cycle": 1, "cycle_unit": CheckCycleUnit.WEEK}
    if slot < 15:  # 5 %: monthly (公司)
        return {"cycle": 1, "cycle_unit": CheckCycleUnit.MONTH}
    if slot < 19:  # 20 %: 危化 operator rounds every 2 h around the clock
        return {
            "cycle": 2,
            "cycle_unit": CheckCycleUnit.HOUR,
            "work_start": dt.time(0),
            "work_end": dt.time(0),
        }
    # 5 %: hourly rounds in the day shift (a major hazard source's points)
    return {
        "cycle": 1,
        "cycle_unit": CheckCycleUnit.HOUR,
        "work_start": dt.time(8),
        "work_end": dt.time(20),
    }


def build_enterprises(
    count: int, tasks_per: int, *, objects_per: int, units_per: int, start: dt.datetime
) -> list[int]:
    """``count`` 危化 enterprises, each with an org tree, posts, shifts and ``tasks_per`` check
    tasks on as many measures, in bulk. Returns the enterprise ids."""
    from dualprev.core.testing import make_credit_code
    from dualprev.inspections.models import CheckTask, Deactivation
    from dualprev.orgs.models import Enterprise, Industry, OrgUnit, Post, Region, Shift
    from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject, RiskUnit

    street = Region.objects.get(code="410103").children.order_by("code").first()
    industry = Industry.objects.get(code="whp_production")
    base = Enterprise.objects.count()
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            name=f"基准化工{base + i:05d}",
            credit_code=make_credit_code("410103", 20_000 + base + i),
            industry=industry,
            region=street,
        )
        for i in range(count)
    )
    roots = OrgUnit.objects.bulk_create(
        OrgUnit(enterprise=e, name=e.name, level="company") for e in enterprises
    )
    teams_per = max(1, min(20, tasks_per // 250))
    teams = OrgUnit.objects.bulk_create(
        OrgUnit(enterprise=r.enterprise, name=f"班组{j}", level="team", parent=r)
        for r in roots
        for j in range(teams_per)
    )
    posts = Post.objects.bulk_create(
        Post(enterprise=t.enterprise, name=f"操作岗{j}", org_unit=t)
        for t in teams
        for j in range(2)
    )
    shifts = []
    for e in enterprises:  # enterprise default: two 12 h shifts, the night one crosses midnight
        shifts.append(Shift(enterprise=e, name="白班", start=dt.time(8), end=dt.time(20)))
        shifts.append(Shift(enterprise=e, name="夜班", start=dt.time(20), end=dt.time(8)))
    for t in teams[::4]:  # every fourth team works three 8 h shifts instead
        for name, begin, end in (("早班", 0, 8), ("中班", 8, 16), ("晚班", 16, 0)):
            shifts.append(
                Shift(
                    enterprise=t.enterprise,
                    org_unit=t,
                    name=name,
                    start=dt.time(begin),
                    end=dt.time(end),
                )
            )
    Shift.objects.bulk_create(shifts)
    objects = RiskObject.objects.bulk_create(
        RiskObject(
            enterprise=r.enterprise, name=f"风险点{j}", object_type="equipment", responsible_unit=r
        )
        for r in roots
        for j in range(objects_per)
    )
    units = RiskUnit.objects.bulk_create(
        RiskUnit(enterprise=o.enterprise, risk_object=o, name=f"单元{j}")
        for o in objects
        for j in range(units_per)
    )
    by_enterprise: dict[int, list[RiskUnit]] = {}
    for u in units:
        by_enterprise.setdefault(u.enterprise_id, []).append(u)
    posts_by_enterprise: dict[int, list[Post]] = {}
    for p in posts:
        posts_by_enterprise.setdefault(p.enterprise_id, []).append(p)
    events = RiskEvent.objects.bulk_create(
        RiskEvent(
            enterprise=e,
            unit=by_enterprise[e.pk][j % len(by_enterprise[e.pk])],
            name=f"事件{j}",
            control_level="post",
        )
        for e in enterprises
        for j in range(tasks_per)
    )
    measures = ControlMeasure.objects.bulk_create(
        ControlMeasure(
            enterprise_id=ev.enterprise_id,
            event=ev,
            description="措施",
            category="management",
            data_src=2,
            check_content="检查措施落实情况",
            responsible_post=posts_by_enterprise[ev.enterprise_id][
                i % len(posts_by_enterprise[ev.enterprise_id])
            ],
        )
        for i, ev in enumerate(events)
    )
    CheckTask.objects.bulk_create(
        (
            CheckTask(
                enterprise_id=m.enterprise_id,
                measure=m,
                content="检查措施落实情况",
                task_start=start - dt.timedelta(days=40),
                post=m.responsible_post,
                is_default=False,
                **_task_mix(i),
            )
            for i, m in enumerate(measures)
        ),
        batch_size=2000,
    )
    ids = [e.pk for e in enterprises]
    CheckTask.objects.filter(enterprise_id__in=ids).update(created_at=start - dt.timedelta(days=40))
    # A few units under maintenance from 08:00 on the first day for three days, one stopped
    # for good.
    down = units[:: max(1, len(units) // 10)][:10]
    Deactivation.objects.bulk_create(
        Deactivation(
            enterprise_id=u.enterprise_id,
            risk_unit=u,
            kind="maintenance" if j else "stopped",
            start=start + dt.timedelta(hours=8),
            end=None if j == 0 else start + dt.timedelta(days=3, hours=8),
            reason="计划检修",
        )
        for j, u in enumerate(down)
    )
    return ids


def _analyze() -> None:
    """Table statistics after the bulk set-up, as autovacuum keeps them in a live database
    (without them PostgreSQL plans the task query for tables of a few rows)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _empty_table() -> None:
    from django.db import connection

    from dualprev.inspections.models import CheckOccurrence

    table = connection.ops.quote_name(CheckOccurrence._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table} CASCADE")
        else:
            cursor.execute(f"DELETE FROM {table}")


def _timed(func: Callable[[], object]) -> float:
    gc.collect()
    begin = time.perf_counter()
    func()
    return time.perf_counter() - begin


def measure(label: str, enterprise_ids: list[int], start: dt.datetime, until: dt.datetime) -> None:
    from dualprev.inspections.generation import (
        GenerationResult,
        annotated_tasks,
        build_rows,
        generate,
        task_queryset,
    )
    from dualprev.inspections.models import CheckOccurrence

    def rows() -> list[CheckOccurrence]:
        return build_rows(
            annotated_tasks(task_queryset(enterprise_ids)).order_by("pk"), start, until
        )

    def run() -> None:
        results.append(generate(enterprise_ids=enterprise_ids, start=start, until=until))

    baseline, first, second = [], [], []
    results: list[GenerationResult] = []
    for _ in range(REPEAT):
        _empty_table()
        prepared = rows()
        count = len(prepared)
        baseline.append(
            _timed(partial(CheckOccurrence.objects.bulk_create, prepared, batch_size=2000))
        )
        del prepared
        assert CheckOccurrence.objects.count() == count
        _empty_table()
        first.append(_timed(run))
        second.append(_timed(run))
        assert results[-2].created == count == CheckOccurrence.objects.count(), results[-2:]
        assert results[-1].created == 0, results[-1]
    result = results[0]
    print(
        f"{label}: {result.tasks:,} tasks, {result.windows:,} windows, "
        f"{result.suppressed:,} suppressed, {count:,} rows"
    )
    report("  generate() into the empty table vs bulk_create", min(first), min(baseline), count)
    report("  second generate() (nothing new) vs bulk_create", min(second), min(baseline), count)


def main(scale: float = 1.0) -> None:
    """``scale`` shrinks both scenarios (``--scale 0.1`` for a quick look)."""
    large_tasks = max(20, int(LARGE_TASKS * scale))
    district = max(2, int(DISTRICT_ENTERPRISES * scale))
    with test_database():
        from django.db import connection

        from dualprev.core.testing import ensure_seed_data
        from dualprev.inspections.generation import default_range

        ensure_seed_data()
        start, _until = default_range()
        print(f"database: {connection.vendor}; best of {REPEAT}")
        begin = time.perf_counter()
        large = build_enterprises(
            1, large_tasks, objects_per=max(1, large_tasks // 20), units_per=4, start=start
        )
        _analyze()
        print(f"setup A: {time.perf_counter() - begin:.1f} s")
        measure(
            f"A: one enterprise with {large_tasks:,} tasks, {LARGE_DAYS} days",
            large,
            start,
            start + dt.timedelta(days=LARGE_DAYS),
        )
        begin = time.perf_counter()
        district_ids = build_enterprises(
            district, TASKS_PER_ENTERPRISE, objects_per=2, units_per=2, start=start
        )
        _analyze()
        print(f"setup B: {time.perf_counter() - begin:.1f} s")
        measure(
            f"B: {district:,} enterprises, one day",
            district_ids,
            start,
            start + dt.timedelta(days=1),
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main(float(sys.argv[sys.argv.index("--scale") + 1]) if "--scale" in sys.argv else 1.0)
