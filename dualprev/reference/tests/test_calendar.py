"""The statutory working-day calendar, checked against real State Council arrangements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from dualprev.reference import calendar
from dualprev.reference.calendar import (
    YearStatus,
    is_rest_day,
    is_workday,
    year_calendar,
    year_status,
)


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    year_calendar.cache_clear()
    yield
    year_calendar.cache_clear()


def test_national_day_2026_is_a_rest_day() -> None:
    assert is_rest_day(dt.date(2026, 10, 1))
    assert is_rest_day(dt.date(2026, 10, 7))  # a Wednesday given off in exchange
    assert not is_workday(dt.date(2026, 10, 5))


def test_a_2026_makeup_saturday_is_a_workday() -> None:
    assert dt.date(2026, 10, 10).weekday() == 5
    assert is_workday(dt.date(2026, 10, 10))
    assert is_workday(dt.date(2026, 9, 20))  # a Sunday
    assert is_workday(dt.date(2026, 2, 14))


def test_a_normal_weekend_is_a_rest_day_and_a_normal_monday_a_workday() -> None:
    assert is_rest_day(dt.date(2026, 11, 28))
    assert is_rest_day(dt.date(2026, 11, 29))
    assert is_workday(dt.date(2026, 11, 30))


def test_2026_is_published_with_its_holiday_periods() -> None:
    assert year_status(2026) == YearStatus.PUBLISHED
    periods = {p.name: (p.start, p.end, p.days) for p in year_calendar(2026).periods()}
    assert periods["国庆节"] == (dt.date(2026, 10, 1), dt.date(2026, 10, 7), 7)
    assert periods["劳动节"] == (dt.date(2026, 5, 1), dt.date(2026, 5, 5), 5)
    makeup = {m.date: m.holiday for m in year_calendar(2026).makeup_list()}
    assert makeup[dt.date(2026, 10, 10)] == "国庆节"
    assert len(makeup) == 6


def test_2027_is_unpublished_and_falls_back_to_monday_to_friday() -> None:
    assert year_status(2027) == YearStatus.UNPUBLISHED
    assert year_calendar(2027).periods() == []
    assert is_workday(dt.date(2027, 2, 9))  # a Tuesday; the notice may later give it off
    assert is_rest_day(dt.date(2027, 2, 6))  # a Saturday


def test_a_makeup_day_in_december_for_next_new_year_is_a_workday() -> None:
    # The 2006 notice made Saturday 2005-12-31 a working day.
    assert is_workday(dt.date(2005, 12, 31))


def test_chinesecalendar_is_used_when_holidays_lacks_the_year(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(calendar, "_holidays_notice_years", lambda: frozenset())
    year = year_calendar(2026)
    assert year.is_published and year.source.startswith("chinesecalendar")
    assert year.is_workday(dt.date(2026, 10, 10))
    assert not year.is_workday(dt.date(2026, 10, 1))
    assert {m.date for m in year.makeup_list()} == {
        m.date for m in calendar._from_holidays(2026).makeup_list()
    }


def test_both_packages_agree_on_every_day_of_2026() -> None:
    primary, fallback = calendar._from_holidays(2026), calendar._from_chinesecalendar(2026)
    day = dt.date(2026, 1, 1)
    while day.year == 2026:
        assert primary.is_workday(day) == fallback.is_workday(day), day
        day += dt.timedelta(days=1)
