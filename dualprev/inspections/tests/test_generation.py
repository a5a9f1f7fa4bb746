"""The pure window rules of ``generation.windows`` against hand-computed windows.

Every expected window is written out literally, in Beijing time (settings.TIME_ZONE).
Work-day types use the real 2026 calendar: 国务院办公厅关于2026年部分节假日安排的通知 (published
on gov.cn in November 2025), as the ``holidays`` package carries it — 春节 2026-02-15 to 02-23
off with 调休 make-up Saturdays 02-14 and 02-28; 国庆节 2026-10-01 to 10-07 off with make-up
Sunday 09-20 and Saturday 10-10. ``test_the_2026_notice_is_what_the_calendar_says`` checks
those facts first, so a calendar change shows up there rather than as a puzzling window.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from dualprev.inspections.generation import (
    FOREVER,
    Plan,
    merge_down_periods,
    suppressed,
    windows,
)
from dualprev.reference import calendar
from dualprev.reference.choices import CheckCycleUnit, WorkDayType

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
HOUR, SHIFT, DAY, WEEK, MONTH, YEAR = (
    CheckCycleUnit.HOUR,
    CheckCycleUnit.SHIFT,
    CheckCycleUnit.DAY,
    CheckCycleUnit.WEEK,
    CheckCycleUnit.MONTH,
    CheckCycleUnit.YEAR,
)
DAY_SHIFT = (dt.time(8), dt.time(20))
NIGHT_SHIFT = (dt.time(20), dt.time(8))
THREE_SHIFTS = ((dt.time(0), dt.time(8)), (dt.time(8), dt.time(16)), (dt.time(16), dt.time(0)))


def at(text: str) -> dt.datetime:
    """'2026-03-01 08:00' in Beijing time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=BJ)


def spans(plan: Plan, start: str, until: str) -> list[tuple[str, str]]:
    """The windows as readable 'YYYY-MM-DD HH:MM' pairs."""
    return [
        (f"{a.astimezone(BJ):%Y-%m-%d %H:%M}", f"{b.astimezone(BJ):%Y-%m-%d %H:%M}")
        for a, b in windows(plan, at(start), at(until))
    ]


def plan(cycle: int, unit: str, task_start: str, **extra: object) -> Plan:
    return Plan(cycle=cycle, unit=unit, task_start=at(task_start), **extra)  # type: ignore[arg-type]


# --- 小时 ------------------------------------------------------------------------------------


def test_hourly_windows_step_through_the_daily_work_period() -> None:
    task = plan(2, HOUR, "2026-03-01 00:00", work_start=dt.time(8), work_end=dt.time(12))
    assert spans(task, "2026-03-02 00:00", "2026-03-03 00:00") == [
        ("2026-03-02 08:00", "2026-03-02 10:00"),
        ("2026-03-02 10:00", "2026-03-02 12:00"),
    ]


def test_the_last_hourly_window_is_cut_at_the_work_end() -> None:
    task = plan(4, HOUR, "2026-03-01 00:00", work_start=dt.time(8), work_end=dt.time(18))
    assert spans(task, "2026-03-02 00:00", "2026-03-03 00:00") == [
        ("2026-03-02 08:00", "2026-03-02 12:00"),
        ("2026-03-02 12:00", "2026-03-02 16:00"),
        ("2026-03-02 16:00", "2026-03-02 18:00"),
    ]


def test_a_work_period_from_20_00_to_08_00_runs_into_the_next_day() -> None:
    task = plan(4, HOUR, "2026-03-01 00:00", work_start=dt.time(20), work_end=dt.time(8))
    # Mar 2: the end of Mar 1's night (00–08) and the start of Mar 2's (20–24). Mar 2's night
    # goes on after midnight, but those windows start at or after ``until``.
    assert spans(task, "2026-03-02 00:00", "2026-03-03 00:00") == [
        ("2026-03-02 00:00", "2026-03-02 04:00"),
        ("2026-03-02 04:00", "2026-03-02 08:00"),
        ("2026-03-02 20:00", "2026-03-03 00:00"),
    ]
    # Over two nights the period of each day is whole: 20–24, 00–04, 04–08.
    assert spans(task, "2026-03-02 12:00", "2026-03-03 12:00") == [
        ("2026-03-02 20:00", "2026-03-03 00:00"),
        ("2026-03-03 00:00", "2026-03-03 04:00"),
        ("2026-03-03 04:00", "2026-03-03 08:00"),
    ]


def test_a_00_00_to_00_00_work_period_is_24_hours_of_rounds() -> None:
    task = plan(6, HOUR, "2026-03-01 00:00", work_start=dt.time(0), work_end=dt.time(0))
    assert spans(task, "2026-03-02 00:00", "2026-03-03 00:00") == [
        ("2026-03-02 00:00", "2026-03-02 06:00"),
        ("2026-03-02 06:00", "2026-03-02 12:00"),
        ("2026-03-02 12:00", "2026-03-02 18:00"),
        ("2026-03-02 18:00", "2026-03-03 00:00"),
    ]


def test_a_cycle_that_does_not_divide_24_hours_restarts_each_day() -> None:
    task = plan(5, HOUR, "2026-03-01 00:00", work_start=dt.time(0), work_end=dt.time(0))
    assert spans(task, "2026-03-02 00:00", "2026-03-03 00:00") == [
        ("2026-03-02 00:00", "2026-03-02 05:00"),
        ("2026-03-02 05:00", "2026-03-02 10:00"),
        ("2026-03-02 10:00", "2026-03-02 15:00"),
        ("2026-03-02 15:00", "2026-03-02 20:00"),
        ("2026-03-02 20:00", "2026-03-03 00:00"),
    ]


# --- 班 --------------------------------------------------------------------------------------


def test_one_window_per_shift_including_the_night_shift_across_midnight() -> None:
    task = plan(1, SHIFT, "2026-03-01 00:00", shifts=(DAY_SHIFT, NIGHT_SHIFT))
    # Feb 28's night shift (20:00 → Mar 1 08:00) started before the task: not generated.
    assert spans(task, "2026-03-01 00:00", "2026-03-03 00:00") == [
        ("2026-03-01 08:00", "2026-03-01 20:00"),
        ("2026-03-01 20:00", "2026-03-02 08:00"),
        ("2026-03-02 08:00", "2026-03-02 20:00"),
        ("2026-03-02 20:00", "2026-03-03 08:00"),
    ]


def test_cycle_2_is_every_other_shift_counted_from_the_first_after_the_task_start() -> None:
    # Starting at noon, the first shift is the night shift: every other shift = the nights.
    task = plan(2, SHIFT, "2026-03-01 12:00", shifts=(DAY_SHIFT, NIGHT_SHIFT))
    assert spans(task, "2026-03-01 00:00", "2026-03-04 00:00") == [
        ("2026-03-01 20:00", "2026-03-02 08:00"),
        ("2026-03-02 20:00", "2026-03-03 08:00"),
        ("2026-03-03 20:00", "2026-03-04 08:00"),
    ]


def test_every_other_of_three_shifts_moves_through_the_day() -> None:
    task = plan(2, SHIFT, "2026-03-01 10:00", shifts=THREE_SHIFTS)
    # Shifts from 10:00: Mar 1 16–24 (#0), Mar 2 00–08 (#1), 08–16 (#2), 16–24 (#3), ...
    assert spans(task, "2026-03-01 00:00", "2026-03-03 00:00") == [
        ("2026-03-01 16:00", "2026-03-02 00:00"),
        ("2026-03-02 08:00", "2026-03-02 16:00"),
    ]


def test_a_shift_task_without_shifts_falls_back_to_days() -> None:
    task = plan(1, SHIFT, "2026-03-01 00:00")
    assert spans(task, "2026-03-01 00:00", "2026-03-03 00:00") == [
        ("2026-03-01 00:00", "2026-03-02 00:00"),
        ("2026-03-02 00:00", "2026-03-03 00:00"),
    ]


# --- 天 / 周 ----------------------------------------------------------------------------------


def test_daily_windows_run_from_the_task_start_time_of_day() -> None:
    task = plan(1, DAY, "2026-03-01 08:00")
    assert spans(task, "2026-03-02 00:00", "2026-03-04 00:00") == [
        ("2026-03-01 08:00", "2026-03-02 08:00"),
        ("2026-03-02 08:00", "2026-03-03 08:00"),
        ("2026-03-03 08:00", "2026-03-04 08:00"),
    ]


def test_every_third_day() -> None:
    task = plan(3, DAY, "2026-03-01 00:00")
    assert spans(task, "2026-03-05 00:00", "2026-03-11 00:00") == [
        ("2026-03-04 00:00", "2026-03-07 00:00"),
        ("2026-03-07 00:00", "2026-03-10 00:00"),
        ("2026-03-10 00:00", "2026-03-13 00:00"),
    ]


def test_weekly_and_fortnightly_windows() -> None:
    monday = "2026-03-02 00:00"
    assert spans(plan(1, WEEK, monday), "2026-03-10 00:00", "2026-03-24 00:00") == [
        ("2026-03-09 00:00", "2026-03-16 00:00"),
        ("2026-03-16 00:00", "2026-03-23 00:00"),
        ("2026-03-23 00:00", "2026-03-30 00:00"),
    ]
    assert spans(plan(2, WEEK, monday), "2026-03-10 00:00", "2026-04-01 00:00") == [
        ("2026-03-02 00:00", "2026-03-16 00:00"),
        ("2026-03-16 00:00", "2026-03-30 00:00"),
        ("2026-03-30 00:00", "2026-04-13 00:00"),
    ]


# --- 月 / 年 ----------------------------------------------------------------------------------


def test_monthly_windows_clamp_the_31st_to_the_end_of_shorter_months() -> None:
    task = plan(1, MONTH, "2026-01-31 09:00")
    # Each boundary is counted from Jan 31, so March is back on the 31st after February's 28.
    assert spans(task, "2026-01-01 00:00", "2026-05-01 00:00") == [
        ("2026-01-31 09:00", "2026-02-28 09:00"),
        ("2026-02-28 09:00", "2026-03-31 09:00"),
        ("2026-03-31 09:00", "2026-04-30 09:00"),
        ("2026-04-30 09:00", "2026-05-31 09:00"),
    ]


def test_every_two_months() -> None:
    task = plan(2, MONTH, "2026-01-31 00:00")
    assert spans(task, "2026-02-01 00:00", "2026-08-01 00:00") == [
        ("2026-01-31 00:00", "2026-03-31 00:00"),
        ("2026-03-31 00:00", "2026-05-31 00:00"),
        ("2026-05-31 00:00", "2026-07-31 00:00"),
        ("2026-07-31 00:00", "2026-09-30 00:00"),
    ]


def test_yearly_windows_from_a_leap_day() -> None:
    task = plan(1, YEAR, "2024-02-29 00:00")
    assert spans(task, "2025-06-01 00:00", "2028-03-01 00:00") == [
        ("2025-02-28 00:00", "2026-02-28 00:00"),
        ("2026-02-28 00:00", "2027-02-28 00:00"),
        ("2027-02-28 00:00", "2028-02-29 00:00"),
        ("2028-02-29 00:00", "2029-02-28 00:00"),
    ]
    assert spans(plan(2, YEAR, "2024-02-29 00:00"), "2024-01-01 00:00", "2029-01-01 00:00") == [
        ("2024-02-29 00:00", "2026-02-28 00:00"),
        ("2026-02-28 00:00", "2028-02-29 00:00"),
        ("2028-02-29 00:00", "2030-02-28 00:00"),
    ]


# --- work-day types on the 2026 calendar ------------------------------------------------------


def test_the_2026_notice_is_what_the_calendar_says() -> None:
    assert calendar.year_status(2026) == calendar.YearStatus.PUBLISHED
    off = [dt.date(2026, 10, d) for d in range(1, 8)] + [dt.date(2026, 2, d) for d in range(15, 24)]
    assert not any(calendar.is_workday(day) for day in off)
    for makeup in (dt.date(2026, 9, 20), dt.date(2026, 10, 10), dt.date(2026, 2, 14)):
        assert makeup.weekday() >= 5 and calendar.is_workday(makeup)
    assert calendar.is_workday(dt.date(2026, 2, 28))
    assert not calendar.is_workday(dt.date(2026, 10, 11))  # an ordinary Sunday


def _days(task: Plan, start: str, until: str) -> list[str]:
    return [a[:10] for a, _b in spans(task, start, until)]


def test_statutory_work_days_skip_national_day_and_include_the_make_up_saturday() -> None:
    task = plan(1, DAY, "2026-09-01 00:00", work_day_type=WorkDayType.STATUTORY_WORKDAY)
    assert _days(task, "2026-09-30 00:00", "2026-10-12 00:00") == [
        "2026-09-30",
        "2026-10-08",
        "2026-10-09",
        "2026-10-10",  # Saturday, 调休 working day of the 国庆 notice
    ]
    assert _days(task, "2026-09-19 00:00", "2026-09-22 00:00") == [
        "2026-09-20",  # Sunday, 调休 working day before 国庆
        "2026-09-21",
    ]


def test_statutory_work_days_around_the_2026_spring_festival() -> None:
    task = plan(1, DAY, "2026-02-01 00:00", work_day_type=WorkDayType.STATUTORY_WORKDAY)
    assert _days(task, "2026-02-13 00:00", "2026-03-02 00:00") == [
        "2026-02-13",
        "2026-02-14",  # Saturday, 调休 working day
        "2026-02-24",
        "2026-02-25",
        "2026-02-26",
        "2026-02-27",
        "2026-02-28",  # Saturday, 调休 working day
    ]


def test_rest_days_are_the_holiday_and_the_ordinary_weekend_but_not_the_make_up_day() -> None:
    task = plan(1, DAY, "2026-09-01 00:00", work_day_type=WorkDayType.NON_WORKDAY)
    assert _days(task, "2026-09-30 00:00", "2026-10-12 00:00") == [
        "2026-10-01",
        "2026-10-02",
        "2026-10-03",
        "2026-10-04",
        "2026-10-05",
        "2026-10-06",
        "2026-10-07",
        "2026-10-11",
    ]


def test_hourly_rounds_on_work_days_only_run_on_the_make_up_saturday() -> None:
    task = plan(
        2,
        HOUR,
        "2026-09-01 00:00",
        work_start=dt.time(8),
        work_end=dt.time(12),
        work_day_type=WorkDayType.STATUTORY_WORKDAY,
    )
    assert spans(task, "2026-10-07 00:00", "2026-10-12 00:00") == [
        ("2026-10-08 08:00", "2026-10-08 10:00"),
        ("2026-10-08 10:00", "2026-10-08 12:00"),
        ("2026-10-09 08:00", "2026-10-09 10:00"),
        ("2026-10-09 10:00", "2026-10-09 12:00"),
        ("2026-10-10 08:00", "2026-10-10 10:00"),
        ("2026-10-10 10:00", "2026-10-10 12:00"),
    ]


def test_a_night_shift_belongs_to_the_day_it_starts() -> None:
    task = plan(
        1,
        SHIFT,
        "2026-09-01 00:00",
        shifts=(DAY_SHIFT, NIGHT_SHIFT),
        work_day_type=WorkDayType.STATUTORY_WORKDAY,
    )
    # Sep 30 is a working day: its night shift runs into the holiday and is kept; Oct 7's
    # night shift runs into working Oct 8 but starts on a holiday and is dropped.
    assert spans(task, "2026-09-30 00:00", "2026-10-09 00:00") == [
        ("2026-09-29 20:00", "2026-09-30 08:00"),  # still running at the range start
        ("2026-09-30 08:00", "2026-09-30 20:00"),
        ("2026-09-30 20:00", "2026-10-01 08:00"),
        ("2026-10-08 08:00", "2026-10-08 20:00"),
        ("2026-10-08 20:00", "2026-10-09 08:00"),
    ]


def test_a_week_of_holiday_has_no_work_day_window() -> None:
    task = plan(1, WEEK, "2026-09-24 00:00", work_day_type=WorkDayType.STATUTORY_WORKDAY)
    # Oct 1–8 holds only the seven days off: no check that week.
    assert spans(task, "2026-09-24 00:00", "2026-10-15 00:00") == [
        ("2026-09-24 00:00", "2026-10-01 00:00"),
        ("2026-10-08 00:00", "2026-10-15 00:00"),
    ]


def test_a_multi_day_window_is_kept_when_any_of_its_days_is_a_work_day() -> None:
    task = plan(2, DAY, "2026-10-01 00:00", work_day_type=WorkDayType.STATUTORY_WORKDAY)
    assert spans(task, "2026-10-01 00:00", "2026-10-11 00:00") == [
        ("2026-10-07 00:00", "2026-10-09 00:00"),  # Oct 8 is a work day
        ("2026-10-09 00:00", "2026-10-11 00:00"),
    ]


def test_a_month_with_a_work_day_is_kept_on_work_days_only() -> None:
    task = plan(1, MONTH, "2026-10-01 00:00", work_day_type=WorkDayType.STATUTORY_WORKDAY)
    assert spans(task, "2026-10-01 00:00", "2026-11-01 00:00") == [
        ("2026-10-01 00:00", "2026-11-01 00:00"),
    ]


# --- task start and creation -------------------------------------------------------------------


def test_windows_starting_before_the_task_start_are_not_generated() -> None:
    task = plan(2, HOUR, "2026-03-02 09:00", work_start=dt.time(8), work_end=dt.time(14))
    assert spans(task, "2026-03-02 00:00", "2026-03-03 00:00") == [
        ("2026-03-02 10:00", "2026-03-02 12:00"),
        ("2026-03-02 12:00", "2026-03-02 14:00"),
    ]


def test_no_window_that_ended_before_the_task_was_created() -> None:
    task = plan(
        2,
        HOUR,
        "2026-03-02 00:00",
        work_start=dt.time(0),
        work_end=dt.time(0),
        not_before=at("2026-03-02 09:30"),
    )
    # 00–02 … 06–08 ended before 09:30; 08–10 is still running and is due.
    assert spans(task, "2026-03-02 00:00", "2026-03-02 14:00") == [
        ("2026-03-02 08:00", "2026-03-02 10:00"),
        ("2026-03-02 10:00", "2026-03-02 12:00"),
        ("2026-03-02 12:00", "2026-03-02 14:00"),
    ]


def test_a_window_that_ends_exactly_at_creation_is_not_generated() -> None:
    task = plan(1, DAY, "2026-03-01 00:00", not_before=at("2026-03-02 00:00"))
    assert spans(task, "2026-03-01 00:00", "2026-03-04 00:00") == [
        ("2026-03-02 00:00", "2026-03-03 00:00"),
        ("2026-03-03 00:00", "2026-03-04 00:00"),
    ]


def test_a_task_starting_after_the_range_has_no_windows() -> None:
    assert spans(plan(1, DAY, "2026-04-01 00:00"), "2026-03-01 00:00", "2026-03-05 00:00") == []


# --- 停用/检修 ---------------------------------------------------------------------------------


def test_down_periods_merge_when_they_touch_and_an_open_end_lasts_forever() -> None:
    assert merge_down_periods(
        [
            (at("2026-03-05 00:00"), None),
            (at("2026-03-01 00:00"), at("2026-03-02 00:00")),
            (at("2026-03-02 00:00"), at("2026-03-03 00:00")),
        ]
    ) == [
        (at("2026-03-01 00:00"), at("2026-03-03 00:00")),
        (at("2026-03-05 00:00"), FOREVER),
    ]


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (("2026-03-01 20:00", "2026-03-02 08:00"), False),  # ends as the repair starts
        (("2026-03-02 08:00", "2026-03-02 20:00"), True),  # a shift inside it
        (("2026-03-03 20:00", "2026-03-04 08:00"), True),  # a shift it touches (to 04:00)
        (("2026-03-04 04:00", "2026-03-04 06:00"), False),  # a round after it
        (("2026-03-02 00:00", "2026-03-09 00:00"), False),  # a week it only partly covers
        (("2026-03-02 08:00", "2026-03-04 04:00"), True),  # a longer window it covers
    ],
)
def test_short_windows_stop_when_touched_longer_ones_only_when_covered(
    window: tuple[str, str], expected: bool
) -> None:
    down = merge_down_periods([(at("2026-03-02 08:00"), at("2026-03-04 04:00"))])
    assert suppressed(down, at(window[0]), at(window[1])) is expected


def test_two_touching_records_together_cover_a_week() -> None:
    down = merge_down_periods(
        [
            (at("2026-03-01 00:00"), at("2026-03-05 00:00")),  # 停用
            (at("2026-03-05 00:00"), None),  # then 检修, not finished
        ]
    )
    assert suppressed(down, at("2026-03-02 00:00"), at("2026-03-09 00:00"))
