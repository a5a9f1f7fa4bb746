"""China's statutory working-day calendar (国务院办公厅节假日安排, including 调休).

Task generation needs it for ``workDayType`` 1 (法定工作日) and 2 (非法定工作日). Dates are never
typed in here: they come from maintained packages, both project dependencies.

What each package covers (checked 2026-11-29 with holidays 0.109 and chinesecalendar 1.11.0,
the newest releases on the package index that day):

* ``holidays`` (vacanza/holidays, released about monthly): the State Council notices for
  2001-2026, holidays *and* 调休 make-up workdays (``ChinaStaticHolidays.
  special_public_holidays``, exposed as ``weekend_workdays``), including make-up days that fall
  in the previous December (e.g. Saturday 2005-12-31 for New Year 2006). For later years it
  only *computes* festival dates with a generic weekend-to-Monday rule: no notice, no 调休.
* ``chinesecalendar`` (1.11.0): the notices for 2004-2026 as explicit holiday and workday
  tables; it refuses later years. Over 2004-2026 it agrees with ``holidays`` on every day except
  2005-12-31, where it misses the make-up workday of the 2006 notice.
* Neither carries a 2027 notice, with or without 调休 make-up workdays: 2027 is unpublished.

So ``holidays`` is the primary source (longer coverage, correct cross-year make-up days,
Chinese names, frequent releases); ``chinesecalendar`` is used for a year only when ``holidays``
lacks that year's notice but ``chinesecalendar`` has it (whichever ships a new notice first is
used). A year that no package covers from a notice is "unpublished": working days fall back to
Monday-Friday and the UI shows a warning. Upgrading either package is all it takes to publish
a year.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from importlib import metadata

from django.db import models
from django.utils.translation import gettext_lazy as _


class YearStatus(models.TextChoices):
    PUBLISHED = "published", _("已公布")
    UNPUBLISHED = "unpublished", _("未公布")


@dataclass(frozen=True)
class HolidayPeriod:
    """A run of consecutive rest days around one or more statutory holidays."""

    name: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class MakeupWorkday:
    """A Saturday or Sunday that is a working day (调休上班), and the holiday it pays for."""

    date: dt.date
    holiday: str


@dataclass(frozen=True)
class YearCalendar:
    """The working-day calendar of one year.

    ``days_off`` are the Monday-Friday dates (and holiday weekend dates) a notice gives off;
    ``makeup_workdays`` the weekend dates it turns into workdays. Both are empty for an
    unpublished year, which therefore behaves as a plain Monday-Friday week.
    """

    year: int
    status: str
    source: str = ""
    days_off: dict[dt.date, str] = field(default_factory=dict)
    makeup_workdays: dict[dt.date, str] = field(default_factory=dict)

    @property
    def is_published(self) -> bool:
        return self.status == YearStatus.PUBLISHED

    def is_workday(self, day: dt.date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5

    def _is_workday_any_year(self, day: dt.date) -> bool:
        return self.is_workday(day) if day.year == self.year else is_workday(day)

    def periods(self) -> list[HolidayPeriod]:
        """Holiday runs: every day off extended over adjacent weekend days, named after the
        holidays it contains (e.g. 国庆节 2026-10-01 to 2026-10-07, 7 days)."""
        result: list[HolidayPeriod] = []
        seen: set[dt.date] = set()
        one = dt.timedelta(days=1)
        for day in sorted(self.days_off):
            if day in seen:
                continue
            start = end = day
            while not self._is_workday_any_year(start - one):
                start -= one
            while not self._is_workday_any_year(end + one):
                end += one
            names: list[str] = []
            cursor = start
            while cursor <= end:
                seen.add(cursor)
                for name in _festival_names(self.days_off.get(cursor, "")):
                    if name not in names:
                        names.append(name)
                cursor += one
            result.append(HolidayPeriod("、".join(names), start, end))
        return result

    def makeup_list(self) -> list[MakeupWorkday]:
        return [MakeupWorkday(day, name) for day, name in sorted(self.makeup_workdays.items())]


def _festival_names(label: str) -> list[str]:
    """ "中秋节; 国庆节（补假）" → ["中秋节", "国庆节"]; a substituted day off
    ("休息日（由 … 调休）") names no festival."""
    names = []
    for part in label.split(";"):
        part = part.strip()
        if part and not part.startswith("休息日"):
            names.append(part.split("（", 1)[0])
    return names


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover - both are dependencies
        return "?"


# --- Source: holidays --------------------------------------------------------------------------


def _holidays_notice_years() -> frozenset[int]:
    try:
        from holidays.countries.china import ChinaStaticHolidays
    except ImportError:  # pragma: no cover - a package reorganisation
        return frozenset()
    return frozenset(ChinaStaticHolidays.special_public_holidays)


def _from_holidays(year: int) -> YearCalendar:
    import holidays

    # The next year is populated too: its New Year make-up workday may fall in this December.
    table = holidays.country_holidays("CN", years=[year, year + 1], language="zh_CN")
    days_off = {day: str(name) for day, name in table.items() if day.year == year}
    makeup: dict[dt.date, str] = {}
    for workday in sorted(d for d in table.weekend_workdays if d.year == year):
        holiday_name = ""
        for day_off, label in table.items():
            if workday.isoformat() in str(label):
                holiday_name = _period_name_for(table, day_off)
                break
        makeup[workday] = holiday_name
    return YearCalendar(
        year,
        YearStatus.PUBLISHED,
        f"holidays {_package_version('holidays')}",
        days_off,
        makeup,
    )


def _period_name_for(table: dict[dt.date, str], day: dt.date) -> str:
    """The festival a substituted day off belongs to: the nearest named holiday within a week."""
    for distance in range(8):
        for candidate in (day - dt.timedelta(days=distance), day + dt.timedelta(days=distance)):
            names = _festival_names(str(table.get(candidate, "")))
            if names:
                return names[0]
    return ""


# --- Source: chinesecalendar -------------------------------------------------------------------


def _chinesecalendar_notice_years() -> frozenset[int]:
    try:
        from chinese_calendar import constants
    except ImportError:  # pragma: no cover
        return frozenset()
    return frozenset(day.year for day in constants.holidays)


def _from_chinesecalendar(year: int) -> YearCalendar:
    from chinese_calendar import Holiday, constants

    chinese = {holiday.value: holiday.chinese for holiday in Holiday}
    days_off = {
        day: chinese.get(name, str(name))
        for day, name in constants.holidays.items()
        if day.year == year
    }
    makeup = {
        day: chinese.get(name, str(name))
        for day, name in constants.workdays.items()
        if day.year == year and day.weekday() >= 5
    }
    return YearCalendar(
        year,
        YearStatus.PUBLISHED,
        f"chinesecalendar {_package_version('chinesecalendar')}",
        days_off,
        makeup,
    )


# --- Public API ----------------------------------------------------------------------------


@functools.cache
def year_calendar(year: int) -> YearCalendar:
    """The calendar of ``year`` from the first package that carries its notice."""
    if year in _holidays_notice_years():
        return _from_holidays(year)
    if year in _chinesecalendar_notice_years():
        return _from_chinesecalendar(year)
    return YearCalendar(year, YearStatus.UNPUBLISHED)


def year_status(year: int) -> str:
    """``YearStatus.PUBLISHED`` when a package carries the year's notice, else UNPUBLISHED."""
    return year_calendar(year).status


def is_workday(day: dt.date) -> bool:
    """A statutory working day (法定工作日): Monday-Friday unless given off, plus 调休 weekend
    workdays. In an unpublished year: Monday-Friday."""
    return year_calendar(day.year).is_workday(day)


def is_rest_day(day: dt.date) -> bool:
    """A statutory rest day (非法定工作日): the complement of ``is_workday``."""
    return not is_workday(day)


def published_years() -> list[int]:
    return sorted(_holidays_notice_years() | _chinesecalendar_notice_years())
