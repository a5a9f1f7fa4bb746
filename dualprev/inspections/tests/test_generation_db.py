"""``generate()`` against the database: idempotent (also under two concurrent runs on
PostgreSQL), 停用/检修, shifts from the post's org unit; ``ensure_default_tasks`` and the tasks
of retired measures; the benchmark's data set-up at a small scale."""

from __future__ import annotations

import datetime as dt
import sys
import threading
import zoneinfo
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count

from dualprev.core.testing import Cast, EnterpriseWorld
from dualprev.inspections.actions import (
    end_deactivation,
    ensure_default_tasks,
    record_deactivation,
    stop_retired_tasks,
)
from dualprev.inspections.choices import OccurrenceStatus
from dualprev.inspections.generation import (
    GenerationResult,
    annotated_tasks,
    build_rows,
    generate,
    insert_rows,
    task_queryset,
)
from dualprev.inspections.models import CheckOccurrence, CheckTask, Deactivation, InspectionSettings
from dualprev.orgs.models import OrgUnit, Post, Shift
from dualprev.reference.choices import CheckCycleUnit, MeasureDataSrc
from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject, RiskUnit

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
HOUR, SHIFT, DAY, WEEK, MONTH = (
    CheckCycleUnit.HOUR,
    CheckCycleUnit.SHIFT,
    CheckCycleUnit.DAY,
    CheckCycleUnit.WEEK,
    CheckCycleUnit.MONTH,
)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BJ)


def make_task(world: EnterpriseWorld, measure: Any = None, **extra: Any) -> CheckTask:
    values: dict[str, Any] = {
        "cycle": 1,
        "cycle_unit": DAY,
        "task_start": at("2026-03-01 00:00"),
        "post": world.post,
        "is_default": False,
    }
    values.update(extra)
    return CheckTask.objects.create(
        enterprise=world.enterprise,
        measure=measure or world.risks["measure"],
        content="检查液位联锁是否投用",
        **values,
    )


def windows_of(task: CheckTask, **filters: Any) -> list[tuple[str, str]]:
    return [
        (f"{a.astimezone(BJ):%m-%d %H:%M}", f"{b.astimezone(BJ):%m-%d %H:%M}")
        for a, b in task.occurrences.filter(**filters)
        .order_by("window_start")
        .values_list("window_start", "window_end")
    ]


@pytest.fixture
def feb_28(cast: Cast, time_machine: Any) -> Cast:
    """The cast, with the clock at 2026-02-28 12:00 (tasks made now exist before March)."""
    time_machine.move_to(at("2026-02-28 12:00"), tick=False)
    return cast


# --- idempotency ---------------------------------------------------------------------------


def test_generating_twice_creates_nothing_the_second_time(feb_28: Cast) -> None:
    world = feb_28.a
    daily = make_task(world)
    shifts = make_task(world, cycle_unit=SHIFT)
    rounds = make_task(world, cycle=2, cycle_unit=HOUR, work_start=dt.time(0), work_end=dt.time(0))
    start, until = at("2026-03-01 00:00"), at("2026-03-04 00:00")

    first = generate(enterprise_ids=[world.enterprise.pk], start=start, until=until)
    before = CheckOccurrence.objects.count()
    second = generate(enterprise_ids=[world.enterprise.pk], start=start, until=until)

    # 3 days: 3 daily + 3 day shifts (the cast's 白班 08–20) + 36 two-hour rounds; the cast's
    # own default task starts on the real today, after this range.
    assert (daily.occurrences.count(), shifts.occurrences.count()) == (3, 3)
    assert rounds.occurrences.count() == 36
    assert first == GenerationResult(tasks=4, windows=42, suppressed=0, created=42)
    assert second == GenerationResult(tasks=4, windows=42, suppressed=0, created=0)
    assert CheckOccurrence.objects.count() == before


def test_generation_fills_in_only_the_missing_windows(feb_28: Cast) -> None:
    world = feb_28.a
    task = make_task(world)
    start, until = at("2026-03-01 00:00"), at("2026-03-06 00:00")
    generate(enterprise_ids=[world.enterprise.pk], start=start, until=until)
    task.occurrences.filter(
        window_start__in=[at("2026-03-02 00:00"), at("2026-03-04 00:00")]
    ).delete()

    result = generate(enterprise_ids=[world.enterprise.pk], start=start, until=until)

    assert result.created == 2
    assert len(windows_of(task)) == 5


def test_occurrences_copy_the_task_and_its_risk_point(feb_28: Cast) -> None:
    world = feb_28.a
    task = make_task(world, work_type=2, task_num=3, inspection_type=1)
    generate(
        enterprise_ids=[world.enterprise.pk],
        start=at("2026-03-01 00:00"),
        until=at("2026-03-02 00:00"),
    )
    occurrence = task.occurrences.get()
    assert occurrence.enterprise_id == world.enterprise.pk
    assert occurrence.measure_id == world.risks["measure"].pk
    assert occurrence.risk_object_id == world.risks["object"].pk
    assert occurrence.post_id == world.post.pk and occurrence.assignee_id is None
    assert occurrence.is_defend is True and occurrence.source_code == 1
    assert occurrence.status == OccurrenceStatus.OPEN and occurrence.public_id


def test_build_rows_gives_the_rows_generate_inserts(feb_28: Cast) -> None:
    world = feb_28.a
    make_task(world, cycle_unit=SHIFT)
    make_task(world, cycle=4, cycle_unit=HOUR, work_start=dt.time(20), work_end=dt.time(8))
    start, until = at("2026-03-01 00:00"), at("2026-03-03 00:00")
    qs = annotated_tasks(task_queryset([world.enterprise.pk])).order_by("pk")
    rows = build_rows(qs, start, until)
    generate(enterprise_ids=[world.enterprise.pk], start=start, until=until)
    stored = set(
        CheckOccurrence.objects.filter(task__in=qs, window_start__lt=until).values_list(
            "task_id", "window_start", "window_end", "post_id", "risk_object_id"
        )
    )
    assert {
        (r.task_id, r.window_start, r.window_end, r.post_id, r.risk_object_id) for r in rows
    } == stored
    assert len(rows) == len(stored)


def test_insert_rows_reports_only_the_new_rows(feb_28: Cast) -> None:
    world = feb_28.a
    make_task(world, cycle_unit=SHIFT)
    qs = annotated_tasks(task_queryset([world.enterprise.pk])).order_by("pk")
    start, until = at("2026-03-01 00:00"), at("2026-03-04 00:00")
    assert insert_rows(build_rows(qs, start, at("2026-03-02 00:00"))) == 1
    assert insert_rows(build_rows(qs, start, until)) == 2
    assert insert_rows(build_rows(qs, start, until)) == 0
    assert CheckOccurrence.objects.filter(task__in=qs, window_start__lt=until).count() == 3


def test_inactive_tasks_and_other_enterprises_are_left_alone(feb_28: Cast) -> None:
    idle = make_task(feb_28.a, is_active=False)
    other = make_task(feb_28.b)
    generate(
        enterprise_ids=[feb_28.a.enterprise.pk],
        start=at("2026-03-01 00:00"),
        until=at("2026-03-03 00:00"),
    )
    assert not idle.occurrences.exists() and not other.occurrences.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_on_postgresql_create_no_duplicates_and_no_errors(
    cast: Cast,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers (one write lock per file): no concurrent inserts")
    world = cast.a
    for _ in range(40):
        make_task(
            world, cycle=1, cycle_unit=HOUR, work_start=dt.time(0), work_end=dt.time(0)
        )  # 24 windows a day each
    CheckTask.objects.filter(is_default=False).update(created_at=at("2026-02-01 00:00"))
    start, until = at("2026-03-01 00:00"), at("2026-03-08 00:00")
    barrier = threading.Barrier(2)
    results: list[GenerationResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            # Small chunks and batches: many statements that interleave with the other run's.
            results.append(
                generate(enterprise_ids=[world.enterprise.pk], start=start, until=until, chunk=3)
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    task_ids = list(
        CheckTask.objects.filter(enterprise=world.enterprise, is_default=False).values_list(
            "pk", flat=True
        )
    )
    stored = CheckOccurrence.objects.filter(task_id__in=task_ids)
    assert stored.count() == 40 * 24 * 7
    assert sum(r.created for r in results) == 40 * 24 * 7  # each window created exactly once
    duplicates = stored.values("task_id", "window_start").annotate(n=Count("id")).filter(n__gt=1)
    assert not duplicates.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_count_each_created_row_once(cast: Cast) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: no concurrent inserts")
    world = cast.a
    for _ in range(20):
        make_task(world, cycle=2, cycle_unit=HOUR, work_start=dt.time(0), work_end=dt.time(0))
    CheckTask.objects.filter(is_default=False).update(created_at=at("2026-02-01 00:00"))
    start, until = at("2026-03-01 00:00"), at("2026-03-11 00:00")
    barrier = threading.Barrier(3)
    created: list[int] = []

    def run() -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            created.append(
                generate(enterprise_ids=[world.enterprise.pk], start=start, until=until).created
            )
        finally:
            own.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (
        sum(created)
        == 20 * 12 * 10
        == CheckOccurrence.objects.filter(
            enterprise=world.enterprise, task__is_default=False
        ).count()
    )


# --- 停用/检修 ---------------------------------------------------------------------------------


def test_a_unit_under_maintenance_generates_nothing_in_its_period(feb_28: Cast) -> None:
    world = feb_28.a
    daily = make_task(world)
    weekly = make_task(world, cycle_unit=WEEK, task_start=at("2026-03-02 00:00"))
    Deactivation.objects.create(
        enterprise=world.enterprise,
        risk_unit=world.risks["unit"],
        kind="maintenance",
        start=at("2026-03-03 08:00"),
        end=at("2026-03-05 08:00"),
        reason="换热器检修",
    )

    result = generate(
        enterprise_ids=[world.enterprise.pk],
        start=at("2026-03-01 00:00"),
        until=at("2026-03-08 00:00"),
    )

    # Days touched by the repair (Mar 3, 4 and 5 until 08:00) are skipped; the week that it
    # only partly covers is still due.
    assert windows_of(daily) == [
        ("03-01 00:00", "03-02 00:00"),
        ("03-02 00:00", "03-03 00:00"),
        ("03-06 00:00", "03-07 00:00"),
        ("03-07 00:00", "03-08 00:00"),
    ]
    assert windows_of(weekly) == [("03-02 00:00", "03-09 00:00")]
    assert result.suppressed == 3


def test_a_unit_stopped_with_no_end_yet_generates_nothing_from_its_start(feb_28: Cast) -> None:
    world = feb_28.a
    daily = make_task(world)
    other_unit = RiskUnit.objects.create(
        enterprise=world.enterprise, risk_object=world.risks["object"], name="2号储罐"
    )
    event = RiskEvent.objects.create(enterprise=world.enterprise, unit=other_unit, name="泄漏")
    elsewhere = make_task(world, measure=_measure(world, event))
    Deactivation.objects.create(
        enterprise=world.enterprise,
        risk_unit=world.risks["unit"],
        kind="stopped",
        start=at("2026-03-03 00:00"),
        reason="停产",
    )
    generate(
        enterprise_ids=[world.enterprise.pk],
        start=at("2026-03-01 00:00"),
        until=at("2026-03-06 00:00"),
    )
    assert [a for a, _b in windows_of(daily)] == ["03-01 00:00", "03-02 00:00"]
    assert len(windows_of(elsewhere)) == 5  # another unit of the same point runs on


def _measure(world: EnterpriseWorld, event: RiskEvent, **extra: Any) -> ControlMeasure:
    values: dict[str, Any] = {
        "description": "巡检",
        "category": "management",
        "data_src": MeasureDataSrc.INSPECTION,
        "check_content": "检查现场",
        "responsible_post": world.post,
    }
    values.update(extra)
    return ControlMeasure.objects.create(enterprise=world.enterprise, event=event, **values)


def test_recording_a_stop_cancels_open_occurrences_and_ending_it_brings_them_back(
    feb_28: Cast, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = feb_28.a
    daily = make_task(world)
    monthly = make_task(world, cycle_unit=MONTH)
    start, until = at("2026-03-01 00:00"), at("2026-03-08 00:00")
    generate(enterprise_ids=[world.enterprise.pk], start=start, until=until)
    time_machine.move_to(at("2026-03-02 09:00"), tick=False)

    stop = Deactivation(
        enterprise=world.enterprise,
        risk_unit=world.risks["unit"],
        kind="stopped",
        start=at("2026-03-03 12:00"),
        reason="原料短缺停车",
    )
    # The cast's default task on the same unit has open windows on the real today: a stop
    # with no end reaches them too.
    cast_task = world.risks["check_task"]
    later = cast_task.occurrences.filter(status=OccurrenceStatus.OPEN).count()
    assert later > 0

    cancelled = record_deactivation(deactivation=stop, acting_user=feb_28.safety_officer)

    # Mar 3 … Mar 7 of the daily task; the month is not covered by a stop from Mar 3.
    assert cancelled == 5 + later
    assert not cast_task.occurrences.filter(status=OccurrenceStatus.OPEN).exists()
    assert windows_of(daily, status=OccurrenceStatus.CANCELLED) == [
        (f"03-0{d} 00:00", f"03-0{d + 1} 00:00") for d in range(3, 8)
    ]
    assert monthly.occurrences.get().status == OccurrenceStatus.OPEN

    with django_capture_on_commit_callbacks(execute=True):
        end_deactivation(
            deactivation=stop, end=at("2026-03-05 10:00"), acting_user=feb_28.safety_officer
        )
    generate(enterprise_ids=[world.enterprise.pk], start=start, until=until)

    # Mar 3–5 stay cancelled (the stop touches them); Mar 6 and 7 are due again.
    assert windows_of(daily, status=OccurrenceStatus.CANCELLED) == [
        ("03-03 00:00", "03-04 00:00"),
        ("03-04 00:00", "03-05 00:00"),
        ("03-05 00:00", "03-06 00:00"),
    ]
    assert windows_of(daily, status=OccurrenceStatus.OPEN) == [
        ("03-01 00:00", "03-02 00:00"),
        ("03-02 00:00", "03-03 00:00"),
        ("03-06 00:00", "03-07 00:00"),
        ("03-07 00:00", "03-08 00:00"),
    ]
    assert daily.occurrences.count() == 7


def test_a_stop_covering_a_whole_month_cancels_the_month(feb_28: Cast, time_machine: Any) -> None:
    world = feb_28.a
    monthly = make_task(world, cycle_unit=MONTH)
    generate(
        enterprise_ids=[world.enterprise.pk],
        start=at("2026-03-01 00:00"),
        until=at("2026-03-02 00:00"),
    )
    record_deactivation(
        deactivation=Deactivation(
            enterprise=world.enterprise,
            risk_unit=world.risks["unit"],
            kind="maintenance",
            start=at("2026-02-28 18:00"),
            end=at("2026-04-02 00:00"),
            reason="大修",
        ),
        acting_user=feb_28.safety_officer,
    )
    assert monthly.occurrences.get().status == OccurrenceStatus.CANCELLED


# --- shifts --------------------------------------------------------------------------------


def test_shift_tasks_use_the_shifts_of_the_posts_org_unit_or_the_enterprise_default(
    feb_28: Cast,
) -> None:
    world = feb_28.a
    # The department (the team's parent) works three 8 h shifts; the company unit does not.
    for name, begin, end in (("早班", 0, 8), ("中班", 8, 16), ("夜班", 16, 0)):
        Shift.objects.create(
            enterprise=world.enterprise,
            org_unit=world.department,
            name=name,
            start=dt.time(begin),
            end=dt.time(end),
        )
    office_post = Post.objects.create(
        enterprise=world.enterprise, name="安全员岗", org_unit=world.company
    )
    in_team = make_task(world, cycle_unit=SHIFT)  # world.post sits in the team
    in_company = make_task(world, cycle_unit=SHIFT, post=office_post)

    generate(
        enterprise_ids=[world.enterprise.pk],
        start=at("2026-03-01 00:00"),
        until=at("2026-03-02 00:00"),
    )

    assert windows_of(in_team) == [
        ("03-01 00:00", "03-01 08:00"),
        ("03-01 08:00", "03-01 16:00"),
        ("03-01 16:00", "03-02 00:00"),
    ]
    assert windows_of(in_company) == [("03-01 08:00", "03-01 20:00")]  # the cast's 白班


def test_a_teams_own_shifts_override_its_departments(feb_28: Cast) -> None:
    world = feb_28.a
    Shift.objects.create(
        enterprise=world.enterprise,
        org_unit=world.department,
        name="长白班",
        start=dt.time(8),
        end=dt.time(17),
    )
    Shift.objects.create(
        enterprise=world.enterprise,
        org_unit=world.team,
        name="夜班",
        start=dt.time(20),
        end=dt.time(8),
    )
    task = make_task(world, cycle_unit=SHIFT)
    generate(
        enterprise_ids=[world.enterprise.pk],
        start=at("2026-03-01 00:00"),
        until=at("2026-03-02 00:00"),
    )
    assert windows_of(task) == [("03-01 20:00", "03-02 08:00")]


# --- default tasks -----------------------------------------------------------------------------


def _chain(world: EnterpriseWorld, level: str, name: str, **object_extra: Any) -> ControlMeasure:
    risk_object = RiskObject.objects.create(
        enterprise=world.enterprise,
        name=name,
        object_type="equipment",
        responsible_unit=world.department,
        **object_extra,
    )
    unit = RiskUnit.objects.create(
        enterprise=world.enterprise, risk_object=risk_object, name=f"{name}单元"
    )
    event = RiskEvent.objects.create(
        enterprise=world.enterprise, unit=unit, name=f"{name}事件", control_level=level
    )
    return _measure(world, event)


def _frequency(measure: ControlMeasure) -> tuple[int, str, dt.time | None, dt.time | None]:
    task = CheckTask.objects.get(measure=measure)
    assert task.is_default and task.is_active
    return task.cycle, task.cycle_unit, task.work_start, task.work_end


def test_default_frequencies_follow_the_control_level(cast: Cast) -> None:
    world = cast.b  # 乳业: not 危化
    measures = {
        level: _chain(world, level, f"B{level}")
        for level in ("post", "team", "workshop", "department", "company")
    }
    created = ensure_default_tasks(enterprise_ids=[world.enterprise.pk])
    assert created == 5
    assert _frequency(measures["post"]) == (1, SHIFT, None, None)
    assert _frequency(measures["team"]) == (1, DAY, None, None)
    assert _frequency(measures["workshop"]) == (1, WEEK, None, None)
    assert _frequency(measures["department"]) == (1, WEEK, None, None)
    assert _frequency(measures["company"]) == (1, MONTH, None, None)
    task = CheckTask.objects.get(measure=measures["post"])
    assert task.content == "检查现场" and task.post_id == world.post.pk
    assert ensure_default_tasks(enterprise_ids=[world.enterprise.pk]) == 0  # idempotent


def test_a_whp_post_gets_two_hour_rounds_and_a_major_hazard_point_hourly_ones(cast: Cast) -> None:
    world = cast.a  # 危化生产
    plain = _chain(world, "post", "A泵房")
    coded = _chain(world, "post", "A罐区", hazard_code="41010300001")
    linked = _chain(world, "post", "A液氨罐")
    from dualprev.majorhazards.models import MajorHazardSource

    source = MajorHazardSource.objects.create(
        enterprise=world.enterprise, name="液氨罐区", unit_kind="storage", is_major=True
    )
    source.risk_objects.add(linked.event.unit.risk_object)
    team_level = _chain(world, "team", "A控制室")

    ensure_default_tasks(enterprise_ids=[world.enterprise.pk])

    midnight = dt.time(0)
    assert _frequency(plain) == (2, HOUR, midnight, midnight)
    assert _frequency(coded) == (1, HOUR, midnight, midnight)
    assert _frequency(linked) == (1, HOUR, midnight, midnight)
    assert _frequency(team_level) == (1, DAY, None, None)


def test_an_enterprise_can_override_the_default_frequencies(cast: Cast) -> None:
    InspectionSettings.objects.create(
        enterprise=cast.b.enterprise, default_cycles={"team": [2, "天"], "company": [3, "月"]}
    )
    InspectionSettings.objects.create(enterprise=cast.a.enterprise, whp_round_hours=4)
    team = _chain(cast.b, "team", "B班组点")
    company = _chain(cast.b, "company", "B公司点")
    workshop = _chain(cast.b, "workshop", "B车间点")
    rounds = _chain(cast.a, "post", "A巡检点")

    ensure_default_tasks()

    assert _frequency(team) == (2, DAY, None, None)
    assert _frequency(company) == (3, MONTH, None, None)
    assert _frequency(workshop) == (1, WEEK, None, None)  # not overridden
    assert _frequency(rounds) == (4, HOUR, dt.time(0), dt.time(0))


def test_default_tasks_follow_a_control_level_change_and_rebuild_future_windows(
    feb_28: Cast, time_machine: Any
) -> None:
    world = feb_28.b
    measure = _chain(world, "team", "B灌装线")
    ensure_default_tasks(enterprise_ids=[world.enterprise.pk])
    task = CheckTask.objects.get(measure=measure)
    generate(
        enterprise_ids=[world.enterprise.pk],
        start=at("2026-02-28 00:00"),
        until=at("2026-03-04 00:00"),
    )
    assert windows_of(task) == [
        ("02-28 00:00", "03-01 00:00"),
        ("03-01 00:00", "03-02 00:00"),
        ("03-02 00:00", "03-03 00:00"),
        ("03-03 00:00", "03-04 00:00"),
    ]

    RiskEvent.objects.filter(pk=measure.event_id).update(control_level="workshop")
    assert ensure_default_tasks(measures=[measure]) == 1
    generate(
        enterprise_ids=[world.enterprise.pk],
        start=at("2026-02-28 00:00"),
        until=at("2026-03-04 00:00"),
    )

    task.refresh_from_db()
    assert (task.cycle, task.cycle_unit) == (1, WEEK)
    # Today's daily window (running) stays; the weekly frequency takes over when it ends.
    assert task.task_start == at("2026-03-01 00:00")
    assert windows_of(task) == [
        ("02-28 00:00", "03-01 00:00"),
        ("03-01 00:00", "03-08 00:00"),
    ]


def test_a_default_task_switched_to_rounds_starts_at_the_next_round(
    feb_28: Cast, time_machine: Any
) -> None:
    world = feb_28.a  # 危化
    measure = _chain(world, "team", "A装卸台")
    ensure_default_tasks(measures=[measure])
    task = CheckTask.objects.get(measure=measure)
    time_machine.move_to(at("2026-03-01 09:30"), tick=False)
    generate(
        enterprise_ids=[world.enterprise.pk],
        start=at("2026-03-01 00:00"),
        until=at("2026-03-02 00:00"),
    )

    RiskEvent.objects.filter(pk=measure.event_id).update(control_level="post")
    ensure_default_tasks(measures=[measure])
    generate(
        enterprise_ids=[world.enterprise.pk],
        start=at("2026-03-01 00:00"),
        until=at("2026-03-01 16:00"),
    )

    # The day's window is still running, so the 2 h rounds begin when it ends: no rounds
    # today that nobody was asked to walk.
    task.refresh_from_db()
    assert (task.cycle, task.cycle_unit, task.task_start) == (2, HOUR, at("2026-03-02 00:00"))
    assert windows_of(task) == [("03-01 00:00", "03-02 00:00")]


def test_an_edited_task_keeps_its_frequency_when_the_control_level_changes(cast: Cast) -> None:
    world = cast.b
    measure = _chain(world, "team", "B锅炉房")
    ensure_default_tasks(enterprise_ids=[world.enterprise.pk])
    CheckTask.objects.filter(measure=measure).update(cycle=3, cycle_unit=DAY, is_default=False)
    RiskEvent.objects.filter(pk=measure.event_id).update(control_level="company")

    assert ensure_default_tasks(enterprise_ids=[world.enterprise.pk]) == 0

    task = CheckTask.objects.get(measure=measure)
    assert (task.cycle, task.cycle_unit, task.is_default) == (3, DAY, False)


def test_a_retired_measure_stops_generating_and_loses_its_future_occurrences(
    feb_28: Cast, time_machine: Any
) -> None:
    world = feb_28.a
    task = make_task(world)
    generate(
        enterprise_ids=[world.enterprise.pk],
        start=at("2026-03-01 00:00"),
        until=at("2026-03-05 00:00"),
    )
    time_machine.move_to(at("2026-03-02 10:00"), tick=False)
    ControlMeasure.objects.filter(pk=world.risks["measure"].pk).update(
        retired_at=at("2026-03-02 10:00")
    )

    stopped = stop_retired_tasks(enterprise_ids=[world.enterprise.pk])
    generate(
        enterprise_ids=[world.enterprise.pk],
        start=at("2026-03-01 00:00"),
        until=at("2026-03-08 00:00"),
    )

    task.refresh_from_db()
    assert stopped == 2 and not task.is_active  # this task and the cast's default one
    # Past and running windows stay as history; the ones not started yet are gone.
    assert windows_of(task) == [("03-01 00:00", "03-02 00:00"), ("03-02 00:00", "03-03 00:00")]


def test_a_measure_switched_to_monitoring_stops_and_switched_back_resumes(cast: Cast) -> None:
    world = cast.b
    measure = _chain(world, "team", "B冷库")
    ensure_default_tasks(enterprise_ids=[world.enterprise.pk])
    ControlMeasure.objects.filter(pk=measure.pk).update(
        data_src=MeasureDataSrc.AUTOMATIC_MONITORING
    )

    assert stop_retired_tasks(measures=[measure]) == 1
    assert not CheckTask.objects.get(measure=measure).is_active

    ControlMeasure.objects.filter(pk=measure.pk).update(data_src=MeasureDataSrc.INSPECTION)
    assert ensure_default_tasks(measures=[measure]) == 1
    task = CheckTask.objects.get(measure=measure)
    assert task.is_active and task.is_default


def test_default_tasks_follow_the_measures_post(cast: Cast) -> None:
    world = cast.b
    measure = _chain(world, "team", "B配电室")
    ensure_default_tasks(enterprise_ids=[world.enterprise.pk])
    other = Post.objects.create(enterprise=world.enterprise, name="电工岗", org_unit=world.team)
    ControlMeasure.objects.filter(pk=measure.pk).update(responsible_post=other)

    assert ensure_default_tasks(measures=[measure]) == 1
    assert CheckTask.objects.get(measure=measure).post_id == other.pk


# --- the benchmark's set-up -----------------------------------------------------------------


def test_the_benchmark_builds_valid_data_at_a_small_scale(cast: Cast) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
    try:
        import bench_inspections
    finally:
        sys.path.pop(0)
    start = at("2026-03-02 00:00")
    ids = bench_inspections.build_enterprises(3, 40, objects_per=2, units_per=2, start=start)
    tasks = CheckTask.objects.filter(enterprise_id__in=ids)
    assert tasks.count() == 120
    units = Counter(tasks.values_list("cycle_unit", flat=True))
    assert set(units) == {HOUR, SHIFT, DAY, WEEK, MONTH}
    for task in tasks:
        task.full_clean()
    result = generate(enterprise_ids=ids, start=start, until=start + dt.timedelta(days=3))
    assert result.created > 0 and result.suppressed > 0
    assert result.created == CheckOccurrence.objects.filter(enterprise_id__in=ids).count()
    assert OrgUnit.objects.filter(enterprise_id__in=ids, parent__isnull=True).count() == 3
