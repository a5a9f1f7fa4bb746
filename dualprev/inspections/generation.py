"""Materialising check occurrences from check tasks (domain.md "Spec for the build" E).

Two layers:

* ``windows(plan, start, until, ...)`` is pure: the due windows of one task that intersect
  [start, until), from the task's cycle and unit, work window, work-day type and shifts. Tests
  check it against hand-computed windows.
* ``generate(...)`` reads what the windows need for many tasks in a few queries, drops the
  windows of units that are stopped or under maintenance (停用/检修), skips the windows already
  stored and inserts the rest with ON CONFLICT DO NOTHING on the unique key (task,
  window_start): running it twice, or in two workers at once, never duplicates and never
  fails. It derives everything from the database, so it can run at any time. It works from
  the active tasks of active 隐患排查 measures whose event and unit are not retired.

Window rules (one per unit; the anchor is ``task_start``, in ``settings.TIME_ZONE``):

* 小时: each day that matches the work-day type, windows of ``cycle`` hours from the work start
  up to the work end (the last one is cut at the work end). A work end at or before the start
  means the work period runs into the next day (20:00–08:00) and belongs to the day it starts;
  equal times mean 24 hours.
* 班: the shifts (班次) of the post's org unit (its own, else its nearest ancestor's, else the
  enterprise default shifts), every ``cycle``-th shift counted from the first shift that starts
  at or after the task start; a shift crossing midnight belongs to the day it starts. No
  shifts at all: falls back to 天.
* 天 / 周: windows of ``cycle`` days or weeks from ``task_start``.
* 月 / 年: windows of ``cycle`` months or years from ``task_start``, each boundary computed from
  the anchor with the day clamped to the month's length (Jan 31 → Feb 28 → Mar 31).
* Work-day type (每天 / 法定工作日 / 非法定工作日, from ``reference.calendar``, 调休 included):
  windows of a day or less (小时, 班, 天 with cycle 1) are kept only when the day they belong
  to matches; longer windows (天 with cycle > 1, 周, 月, 年) when at least one of their days
  matches.
* Only windows that start at or after ``task_start`` are generated, and never one that ended
  before the task was created (nobody could have done it): a new hourly task does not start
  life with a morning of 未排查.
* 停用/检修 (``Deactivation`` of the measure's risk unit): a window of a day or less is
  suppressed when the unit is down at any moment of it; a longer window only when the unit is
  down for all of it (a two-day repair does not cancel the month's check). ``suppressed`` is
  the one rule; ``actions.record_deactivation`` cancels open occurrences by it too.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from dualprev.inspections.choices import OccurrenceStatus
from dualprev.inspections.models import CheckOccurrence, CheckTask, Deactivation
from dualprev.reference import calendar as workdays
from dualprev.reference.choices import CheckCycleUnit, MeasureDataSrc, WorkDayType

Window = tuple[dt.datetime, dt.datetime]
ShiftTimes = tuple[dt.time, dt.time]
DayTest = Callable[[dt.date], bool]
# A merged period during which a risk unit is down; the end is ``FOREVER`` while still down.
DownPeriod = tuple[dt.datetime, dt.datetime]

BATCH_SIZE = 20_000  # rows per INSERT statement
TASK_CHUNK = 10_000  # tasks read per query
_FULL_DAY = dt.timedelta(days=1)
FOREVER = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


def local_tz() -> dt.tzinfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Plan:
    """What the window rules need of one task (no database access)."""

    cycle: int
    unit: str
    task_start: dt.datetime
    work_start: dt.time | None = None
    work_end: dt.time | None = None
    work_day_type: int = WorkDayType.EVERY_DAY
    not_before: dt.datetime | None = None  # windows ending at or before this are skipped
    shifts: tuple[ShiftTimes, ...] = field(default=())

    @classmethod
    def of(cls, task: CheckTask, shifts: Iterable[ShiftTimes] = ()) -> Plan:
        return cls(
            cycle=task.cycle,
            unit=task.cycle_unit,
            task_start=task.task_start,
            work_start=task.work_start,
            work_end=task.work_end,
            work_day_type=task.work_day_type,
            not_before=task.created_at,
            shifts=tuple(shifts),
        )


def day_matcher(work_day_type: int) -> DayTest:
    if work_day_type == WorkDayType.STATUTORY_WORKDAY:
        return _cached_workday
    if work_day_type == WorkDayType.NON_WORKDAY:
        return lambda day: not _cached_workday(day)
    return lambda day: True


_WORKDAY_CACHE: dict[dt.date, bool] = {}


def _cached_workday(day: dt.date) -> bool:
    value = _WORKDAY_CACHE.get(day)
    if value is None:
        value = _WORKDAY_CACHE[day] = workdays.is_workday(day)
    return value


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """``moment`` moved by whole months, the day clamped to the target month's length."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, pycalendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def windows(
    plan: Plan,
    start: dt.datetime,
    until: dt.datetime,
    *,
    tz: dt.tzinfo | None = None,
    matches: DayTest | None = None,
) -> Iterator[Window]:
    """The windows of ``plan`` that intersect [start, until), in order (see module rules)."""
    tz = tz or local_tz()
    matches = matches or day_matcher(plan.work_day_type)
    task_start = plan.task_start.astimezone(tz)
    lower = max(start, task_start)
    lower_end = plan.not_before
    for window_start, window_end in _raw_windows(plan, task_start, lower, until, tz, matches):
        if window_end <= start or window_start >= until or window_start < task_start:
            continue
        if lower_end is not None and window_end <= lower_end:
            continue
        yield window_start, window_end


def _raw_windows(
    plan: Plan,
    task_start: dt.datetime,
    lower: dt.datetime,
    until: dt.datetime,
    tz: dt.tzinfo,
    matches: DayTest,
) -> Iterator[Window]:
    unit = plan.unit
    if unit == CheckCycleUnit.SHIFT and not plan.shifts:
        unit = CheckCycleUnit.DAY
    if unit == CheckCycleUnit.HOUR:
        yield from _hourly(plan, lower, until, tz, matches)
    elif unit == CheckCycleUnit.SHIFT:
        yield from _shifts(plan, task_start, lower, until, tz, matches)
    elif unit in (CheckCycleUnit.DAY, CheckCycleUnit.WEEK):
        days = plan.cycle * (7 if unit == CheckCycleUnit.WEEK else 1)
        step = dt.timedelta(days=days)
        # Jump close to ``lower`` instead of walking from a task start years ago.
        k = max(0, (lower - task_start) // step - 1)
        while True:
            window_start = task_start + k * step
            if window_start >= until:
                return
            window_end = window_start + step
            if _period_matches(window_start, window_end, matches, days > 1):
                yield window_start, window_end
            k += 1
    else:
        months = plan.cycle * (12 if unit == CheckCycleUnit.YEAR else 1)
        elapsed = (lower.year - task_start.year) * 12 + lower.month - task_start.month
        k = max(0, elapsed // months - 1)
        while True:
            window_start = add_months(task_start, k * months)
            if window_start >= until:
                return
            window_end = add_months(task_start, (k + 1) * months)
            if _period_matches(window_start, window_end, matches, True):
                yield window_start, window_end
            k += 1


def _period_matches(
    start: dt.datetime, end: dt.datetime, matches: DayTest, whole_period: bool
) -> bool:
    if not whole_period:
        return matches(start.date())
    day = start.date()
    last = (end - dt.timedelta(microseconds=1)).date()
    while day <= last:
        if matches(day):
            return True
        day += _FULL_DAY
    return False


def _days(lower: dt.datetime, until: dt.datetime, tz: dt.tzinfo) -> Iterator[dt.date]:
    # Start one day early: yesterday's work period or night shift may run into ``lower``.
    day = lower.astimezone(tz).date() - _FULL_DAY
    last = until.astimezone(tz).date()
    while day <= last:
        yield day
        day += _FULL_DAY


def _hourly(
    plan: Plan, lower: dt.datetime, until: dt.datetime, tz: dt.tzinfo, matches: DayTest
) -> Iterator[Window]:
    step = dt.timedelta(hours=plan.cycle)
    work_start = plan.work_start or dt.time(0)
    work_end = plan.work_end or dt.time(0)
    for day in _days(lower, until, tz):
        if not matches(day):
            continue
        begin = dt.datetime.combine(day, work_start, tzinfo=tz)
        end = dt.datetime.combine(day, work_end, tzinfo=tz)
        if end <= begin:
            end += _FULL_DAY
        moment = begin
        while moment < end:
            window_end = min(moment + step, end)
            yield moment, window_end
            moment = window_end


def _shifts(
    plan: Plan,
    task_start: dt.datetime,
    lower: dt.datetime,
    until: dt.datetime,
    tz: dt.tzinfo,
    matches: DayTest,
) -> Iterator[Window]:
    shifts = sorted(plan.shifts)
    per_day = len(shifts)
    first_day = task_start.date()
    # The ordinal of the first shift that starts at or after the task start anchors the count.
    anchor = None
    for index, (begin, _end) in enumerate(shifts):
        if dt.datetime.combine(first_day, begin, tzinfo=tz) >= task_start:
            anchor = index
            break
    base = 0 if anchor is not None else per_day  # none left that day: count from tomorrow
    anchor = anchor or 0
    for day in _days(lower, until, tz):
        if day < first_day:
            continue
        for index, (begin, end) in enumerate(shifts):
            ordinal = (day - first_day).days * per_day + index - anchor - base
            if ordinal < 0 or ordinal % plan.cycle:
                continue
            if not matches(day):
                continue
            window_start = dt.datetime.combine(day, begin, tzinfo=tz)
            window_end = dt.datetime.combine(day, end, tzinfo=tz)
            if window_end <= window_start:
                window_end += _FULL_DAY
            yield window_start, window_end


# --------------------------------------------------------------------------------------------
# 停用/检修


def merge_down_periods(
    periods: Iterable[tuple[dt.datetime, dt.datetime | None]],
) -> list[DownPeriod]:
    """Sorted, merged periods (touching ones joined); an open end becomes ``FOREVER``."""
    merged: list[DownPeriod] = []
    for begin, end in sorted((b, e or FOREVER) for b, e in periods):
        if merged and begin <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((begin, end))
    return merged


def suppressed(down: Sequence[DownPeriod], start: dt.datetime, end: dt.datetime) -> bool:
    """Whether a unit down during ``down`` (from ``merge_down_periods``) skips the window
    [start, end): a window of a day or less when the unit is down at any moment of it, a
    longer one only when the unit is down for all of it."""
    short = end - start <= _FULL_DAY
    for begin, finish in down:
        if begin >= end:
            return False
        if finish <= start:
            continue
        # Merged periods are disjoint: this one is the only one that can cover the window.
        return short or (begin <= start and finish >= end)
    return False


def down_periods(
    enterprise_ids: Iterable[int] | None, start: dt.datetime, until: dt.datetime
) -> dict[int, list[DownPeriod]]:
    """Risk unit id → its merged down periods that touch [start, until)."""
    rows = Deactivation.objects.filter(start__lt=until).filter(
        models.Q(end__isnull=True) | models.Q(end__gt=start)
    )
    if enterprise_ids is not None:
        rows = rows.filter(enterprise_id__in=list(enterprise_ids))
    found: dict[int, list[tuple[dt.datetime, dt.datetime | None]]] = defaultdict(list)
    for unit_id, begin, end in rows.values_list("risk_unit_id", "start", "end"):
        found[unit_id].append((begin, end))
    return {unit_id: merge_down_periods(periods) for unit_id, periods in found.items()}


# --------------------------------------------------------------------------------------------
# Database layer


@dataclass
class GenerationResult:
    tasks: int = 0
    windows: int = 0
    suppressed: int = 0  # windows dropped because the unit was stopped or under maintenance
    created: int = 0


def default_range(now: dt.datetime | None = None, days_ahead: int = 2) -> Window:
    """What the scheduled job generates: from the start of today through ``days_ahead`` days."""
    now = timezone.localtime(now or timezone.now(), local_tz())
    today = dt.datetime.combine(now.date(), dt.time(0), tzinfo=local_tz())
    return today, today + dt.timedelta(days=days_ahead + 1)


def task_queryset(enterprise_ids: Iterable[int] | None = None) -> models.QuerySet[CheckTask]:
    """Active tasks of active 隐患排查 measures of active events and units (what generation
    works from)."""
    qs = CheckTask.objects.filter(
        is_active=True,
        measure__retired_at__isnull=True,
        measure__data_src=MeasureDataSrc.INSPECTION,
        measure__event__retired_at__isnull=True,
        measure__event__unit__retired_at__isnull=True,
    )
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    return qs


# The task's own columns generation reads …
_TASK_MODEL_FIELDS = (
    "enterprise_id",
    "measure_id",
    "post_id",
    "assignee_id",
    "cycle",
    "cycle_unit",
    "task_start",
    "work_start",
    "work_end",
    "work_day_type",
    "work_type",
    "inspection_type",
    "created_at",
)
# … and everything, with the related ids ``annotated_tasks`` adds, in this order (``_TaskRow``).
_TASK_FIELDS = ("pk", *_TASK_MODEL_FIELDS, "risk_unit_id", "risk_object_id", "post_unit_id")
_TaskRow = tuple[Any, ...]
# One occurrence to insert, in the column order of ``_ROW_COLUMNS``.
_ROW_COLUMNS = (
    "enterprise",
    "task",
    "measure",
    "risk_object",
    "post",
    "assignee",
    "window_start",
    "window_end",
    "source_code",
    "is_defend",
)
# The same as CheckOccurrence attributes.
_ROW_ATTRS = tuple(
    f"{name}_id" if CheckOccurrence._meta.get_field(name).is_relation else name
    for name in _ROW_COLUMNS
)
Row = tuple[int, int, int, int | None, int | None, int | None, dt.datetime, dt.datetime, int, bool]


def annotated_tasks(qs: models.QuerySet[CheckTask]) -> models.QuerySet[CheckTask]:
    """Tasks with the few related ids generation needs, in the same query."""
    return qs.annotate(
        risk_unit_id=models.F("measure__event__unit_id"),
        risk_object_id=models.F("measure__event__unit__risk_object_id"),
        post_unit_id=models.F("post__org_unit_id"),
    ).only("id", *_TASK_MODEL_FIELDS)


def _task_row(task: CheckTask) -> _TaskRow:
    return tuple(getattr(task, name) for name in _TASK_FIELDS)


def build_rows(
    tasks: Iterable[CheckTask],
    start: dt.datetime,
    until: dt.datetime,
    result: GenerationResult | None = None,
) -> list[CheckOccurrence]:
    """The occurrences of ``tasks`` in [start, until) as unsaved rows, suppressed windows left
    out (what ``generate`` inserts into an empty table; the benchmark's baseline inserts these).
    ``tasks`` need the annotations of ``annotated_tasks``."""
    rows = _rows([_task_row(task) for task in tasks], start, until, result or GenerationResult())
    return [
        CheckOccurrence(**dict(zip(_ROW_ATTRS, row, strict=True)))
        for batch in rows
        for row in batch
    ]


def _rows(
    tasks: list[_TaskRow],
    start: dt.datetime,
    until: dt.datetime,
    result: GenerationResult,
    batch_size: int = BATCH_SIZE,
) -> Iterator[list[Row]]:
    """The rows of ``tasks`` (``_TASK_FIELDS`` tuples) in batches of about ``batch_size``."""
    tz = local_tz()
    enterprise_ids = {task[1] for task in tasks}
    shifts = _shift_table(enterprise_ids)
    down = down_periods(enterprise_ids, start, until) if enterprise_ids else {}
    matchers = {value: day_matcher(value) for value in WorkDayType.values}
    batch: list[Row] = []
    append = batch.append
    for (
        pk,
        enterprise_id,
        measure_id,
        post_id,
        assignee_id,
        cycle,
        unit,
        task_start,
        work_start,
        work_end,
        work_day_type,
        work_type,
        inspection_type,
        created_at,
        risk_unit_id,
        risk_object_id,
        post_unit_id,
    ) in tasks:
        result.tasks += 1
        plan = Plan(
            cycle,
            unit,
            task_start,
            work_start,
            work_end,
            work_day_type,
            created_at,
            shifts.get((enterprise_id, post_unit_id), ()) if unit == CheckCycleUnit.SHIFT else (),
        )
        stops = down.get(risk_unit_id)
        is_defend = work_type != 0
        found = 0
        for window_start, window_end in windows(
            plan, start, until, tz=tz, matches=matchers.get(work_day_type)
        ):
            found += 1
            if stops and suppressed(stops, window_start, window_end):
                result.suppressed += 1
                continue
            append(
                (
                    enterprise_id,
                    pk,
                    measure_id,
                    risk_object_id,
                    post_id,
                    assignee_id,
                    window_start,
                    window_end,
                    inspection_type,
                    is_defend,
                )
            )
        result.windows += found
        if len(batch) >= batch_size:
            yield batch
            batch = []
            append = batch.append
    if batch:
        yield batch


def generate(
    *,
    enterprise_ids: Iterable[int] | None = None,
    start: dt.datetime | None = None,
    until: dt.datetime | None = None,
    chunk: int = TASK_CHUNK,
) -> GenerationResult:
    """Insert the missing occurrences of every active task in [start, until) (default:
    ``default_range()``). Idempotent and safe to run concurrently."""
    if start is None or until is None:
        default_start, default_until = default_range()
        start = start or default_start
        until = until or default_until
    result = GenerationResult()
    if until <= start:
        return result
    qs = annotated_tasks(task_queryset(enterprise_ids)).order_by("pk").values_list(*_TASK_FIELDS)
    last_pk = 0
    while True:
        tasks = list(qs.filter(pk__gt=last_pk)[:chunk])
        if not tasks:
            break
        last_pk = tasks[-1][0]
        for batch in _rows(tasks, start, until, result):
            result.created += _insert(_missing(batch, start, until))
    return result


def insert_rows(rows: list[CheckOccurrence]) -> int:
    """Insert unsaved occurrences with ON CONFLICT DO NOTHING; return how many were new."""
    return _insert([cast(Row, tuple(getattr(row, name) for name in _ROW_ATTRS)) for row in rows])


def _missing(rows: list[Row], start: dt.datetime, until: dt.datetime) -> list[Row]:
    """``rows`` less those already stored, read back in one indexed range query.

    Only windows starting in [start, until) are looked up (an index range on the unique key);
    the few that started earlier (tonight's shift begun yesterday, this month's window) are
    left to ON CONFLICT DO NOTHING."""
    if not rows:
        return rows
    first_task = min(row[1] for row in rows)
    last_task = max(row[1] for row in rows)
    stored = set(
        CheckOccurrence.objects.filter(
            task_id__gte=first_task,
            task_id__lte=last_task,
            window_start__gte=start,
            window_start__lt=until,
        ).values_list("task_id", "window_start")
    )
    if not stored:
        return rows
    return [row for row in rows if (row[1], row[6]) not in stored]


def _insert(rows: Sequence[Row]) -> int:
    """INSERT … ON CONFLICT DO NOTHING (any unique key: the occurrence's, or a public id that
    collided); the database's row count says how many were new.

    PostgreSQL gets one statement per batch with a column array per field (``unnest``): no
    per-row SQL to build or parse, public ids made by the server. SQLite gets one prepared
    statement run per row (``executemany``), values adapted as Django stores them."""
    if not rows:
        return 0
    meta = CheckOccurrence._meta
    fields = [_concrete(name) for name in _ROW_COLUMNS]
    columns = [
        _concrete(name).column for name in ("public_id", "created_at", "updated_at", "status")
    ] + [f.column for f in fields]
    table = connection.ops.quote_name(meta.db_table)
    column_sql = ", ".join(connection.ops.quote_name(c) for c in columns)
    now = timezone.now()
    inserted = 0
    # One transaction: SQLite would otherwise commit every row of ``executemany``.
    with transaction.atomic(), connection.cursor() as cursor:
        for offset in range(0, len(rows), BATCH_SIZE):
            batch = rows[offset : offset + BATCH_SIZE]
            if connection.vendor == "postgresql":
                arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
                cursor.execute(
                    f"INSERT INTO {table} ({column_sql}) "
                    f"SELECT gen_random_uuid(), %s, %s, %s, * FROM unnest({arrays}) "
                    "ON CONFLICT DO NOTHING",
                    [now, now, OPEN, *(list(column) for column in zip(*batch, strict=True))],
                )
                inserted += cursor.rowcount
            else:
                adapt = connection.ops.adapt_datetimefield_value
                stamp = adapt(now)
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({column_sql}) VALUES ({placeholders}) "
                    "ON CONFLICT DO NOTHING",
                    [
                        (
                            uuid.uuid4().hex,
                            stamp,
                            stamp,
                            OPEN,
                            *row[:6],
                            adapt(row[6]),
                            adapt(row[7]),
                            row[8],
                            row[9],
                        )
                        for row in batch
                    ],
                )
                inserted += cursor.rowcount
    return inserted


OPEN = OccurrenceStatus.OPEN.value


def _concrete(name: str) -> models.Field[Any, Any]:
    field = CheckOccurrence._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _shift_table(
    enterprise_ids: set[int],
) -> dict[tuple[int, int | None], tuple[ShiftTimes, ...]]:
    """(enterprise, org unit) → that unit's shift times (own, nearest ancestor's, or the
    enterprise default), for every unit of the enterprises, in two queries."""
    from dualprev.orgs.models import OrgUnit, Shift

    if not enterprise_ids:
        return {}
    parents: dict[int, int | None] = {}
    unit_enterprise: dict[int, int] = {}
    for pk, parent_id, enterprise_id in OrgUnit.objects.filter(
        enterprise_id__in=enterprise_ids
    ).values_list("pk", "parent_id", "enterprise_id"):
        parents[pk] = parent_id
        unit_enterprise[pk] = enterprise_id
    own: dict[tuple[int, int | None], list[ShiftTimes]] = defaultdict(list)
    for enterprise_id, unit_id, begin, end in Shift.objects.filter(
        enterprise_id__in=enterprise_ids
    ).values_list("enterprise_id", "org_unit_id", "start", "end"):
        own[(enterprise_id, unit_id)].append((begin, end))
    table: dict[tuple[int, int | None], tuple[ShiftTimes, ...]] = {}
    for enterprise_id in enterprise_ids:
        table[(enterprise_id, None)] = tuple(sorted(own.get((enterprise_id, None), [])))
    for unit_id, enterprise_id in unit_enterprise.items():
        node: int | None = unit_id
        seen: set[int] = set()
        found: list[ShiftTimes] | None = None
        while node is not None and node not in seen:
            seen.add(node)
            if own.get((enterprise_id, node)):
                found = own[(enterprise_id, node)]
                break
            node = parents.get(node)
        table[(enterprise_id, unit_id)] = tuple(sorted(found or own.get((enterprise_id, None), [])))
    return table


def open_occurrences(**filters: Any) -> models.QuerySet[CheckOccurrence]:
    return CheckOccurrence.objects.filter(status=OccurrenceStatus.OPEN, **filters)
