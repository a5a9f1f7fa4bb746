"""全员参与: each person's reports, confirmed hazards and completed checks over a period, the
points they earn and the enterprise's leaderboards (people and departments).

Nothing is stored: the figures are computed from the hazards and check records themselves, so
there is no points ledger that could drift from what happened. Only what someone else
confirmed earns points, so reporting junk earns nothing:

- a **confirmed hazard** is one the person reported that a hazard manager confirmed (state
  past REPORTED and not CANCELLED), counted in the period it was confirmed (``registered_at``),
  worth the enterprise's points for its level (``HazardSettings.points_hazard_*``);
  unconfirmed reports and cancelled ones (not a hazard, duplicate) earn 0;
- a **completed check** is a check record that counted for its occurrence
  (``CheckOccurrence.record`` points at it): made in time by the person, result 正常, 存在隐患
  or 其他. Late checks never count and the system's 未排查 records have no person. Counted in
  the period of its ``check_time``, worth ``points_check``.

Every figure is a correlated subquery on the member row, so the whole board is one query
whatever the number of people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualprev.accounts.models import Membership
from dualprev.hazards.actions import hazard_settings
from dualprev.hazards.choices import HazardStatus
from dualprev.hazards.models import Hazard, HazardSettings
from dualprev.inspections.models import CheckOccurrence
from dualprev.orgs.models import OrgUnit
from dualprev.reference.choices import CheckStatus, HazardLevel

# Check results that count as a check done (2 未排查 is the system's placeholder).
COUNTED_CHECK_STATUSES = (CheckStatus.NORMAL, CheckStatus.HAZARD_FOUND, CheckStatus.OTHER)
UNCONFIRMED = (HazardStatus.REPORTED, HazardStatus.CANCELLED)

PERIODS: dict[str, Any] = {
    "month": gettext_lazy("本月"),
    "quarter": gettext_lazy("本季度"),
    "year": gettext_lazy("本年"),
}
PAGE_SIZE = 50
ROW_FIELDS = (
    "user_id",
    "user__name",
    "user__username",
    "org_unit_id",
    "reports",
    "confirmed",
    "confirmed_general",
    "confirmed_larger",
    "confirmed_major",
    "checks",
    "points",
)


# --------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year in local time: [start, end)."""

    key: str
    start: dt.datetime
    end: dt.datetime

    @property
    def label(self) -> str:
        first = timezone.localtime(self.start)
        if self.key == "year":
            return _("%(year)d年") % {"year": first.year}
        if self.key == "quarter":
            return _("%(year)d年第%(q)d季度") % {"year": first.year, "q": (first.month + 2) // 3}
        return _("%(year)d年%(month)d月") % {"year": first.year, "month": first.month}


def period_for(key: str | None, now: dt.datetime | None = None) -> Period:
    """The current month (default), quarter or year containing ``now``."""
    key = key if key in PERIODS else "month"
    today = timezone.localtime(now or timezone.now()).date()
    if key == "year":
        first, months = today.replace(month=1, day=1), 12
    elif key == "quarter":
        first, months = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), 3
    else:
        first, months = today.replace(day=1), 1
    year, month = divmod(first.month - 1 + months, 12)
    after = first.replace(year=first.year + year, month=month + 1)
    tz = timezone.get_current_timezone()
    return Period(
        key,
        dt.datetime.combine(first, dt.time(0), tzinfo=tz),
        dt.datetime.combine(after, dt.time(0), tzinfo=tz),
    )


# --------------------------------------------------------------------------------------------
# Points


@dataclass(frozen=True)
class PointRules:
    """What each counted thing is worth (the enterprise's ``HazardSettings``)."""

    check: int
    general: int
    larger: int
    major: int
    larger_enabled: bool = False

    @classmethod
    def of(cls, settings: HazardSettings) -> PointRules:
        return cls(
            check=settings.points_check,
            general=settings.points_hazard_general,
            larger=settings.points_hazard_larger,
            major=settings.points_hazard_major,
            larger_enabled=settings.larger_tier_enabled,
        )

    def for_level(self, level: int | None) -> int:
        if level == HazardLevel.MAJOR:
            return self.major
        if level == HazardLevel.LARGER:
            return self.larger
        return self.general


def rules_for(enterprise_id: int) -> PointRules:
    return PointRules.of(hazard_settings(enterprise_id))


def _count(rows: QuerySet[Any], by: str) -> Coalesce:
    """COUNT(*) of ``rows`` (already correlated to the outer member row by ``by``) as a
    scalar subquery, 0 when there are none."""
    counted = rows.order_by().values(by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def figures(enterprise_id: int, period: Period, rules: PointRules) -> QuerySet[Membership]:
    """The enterprise's active members, each annotated with ``reports``, ``confirmed_general``
    / ``_larger`` / ``_major``, ``confirmed``, ``checks`` and ``points`` for ``period`` (one
    query; see the module docstring for what counts)."""
    mine = Hazard.objects.filter(enterprise_id=enterprise_id, reported_by=OuterRef("user_id"))
    confirmed = mine.filter(registered_at__gte=period.start, registered_at__lt=period.end).exclude(
        status__in=UNCONFIRMED
    )
    general = Q(level=HazardLevel.GENERAL) | Q(level__isnull=True)
    checks = CheckOccurrence.objects.filter(
        enterprise_id=enterprise_id,
        record__checked_by=OuterRef("user_id"),
        record__check_time__gte=period.start,
        record__check_time__lt=period.end,
        record__status__in=COUNTED_CHECK_STATUSES,
        record__is_late=False,
    )
    return (
        Membership.objects.filter(enterprise_id=enterprise_id, is_active=True)
        .annotate(
            reports=_count(
                mine.filter(created_at__gte=period.start, created_at__lt=period.end),
                "reported_by",
            ),
            confirmed_general=_count(confirmed.filter(general), "reported_by"),
            confirmed_larger=_count(confirmed.filter(level=HazardLevel.LARGER), "reported_by"),
            confirmed_major=_count(confirmed.filter(level=HazardLevel.MAJOR), "reported_by"),
            checks=_count(checks, "record__checked_by"),
        )
        .annotate(
            confirmed=F("confirmed_general") + F("confirmed_larger") + F("confirmed_major"),
            points=F("checks") * rules.check
            + F("confirmed_general") * rules.general
            + F("confirmed_larger") * rules.larger
            + F("confirmed_major") * rules.major,
        )
    )


# --------------------------------------------------------------------------------------------
# Leaderboards


@dataclass
class PersonRow:
    rank: int
    user_id: int
    name: str
    unit_id: int | None
    unit_path: str
    reports: int
    confirmed: int
    confirmed_general: int
    confirmed_larger: int
    confirmed_major: int
    checks: int
    points: int


@dataclass
class DepartmentRow:
    rank: int
    unit: OrgUnit | None
    label: str
    people: int = 0
    reports: int = 0
    confirmed: int = 0
    checks: int = 0
    points: int = 0

    @property
    def average(self) -> float:
        return self.points / self.people if self.people else 0.0


@dataclass
class Board:
    period: Period
    rules: PointRules
    people: list[PersonRow]
    departments: list[DepartmentRow]
    units: list[tuple[OrgUnit, str]] = field(default_factory=list)  # (unit, indented name)


def _tree(enterprise_id: int) -> tuple[list[tuple[OrgUnit, int]], dict[int, list[OrgUnit]]]:
    """The enterprise's units in tree order with their depth, and each unit's path from the
    root (one query)."""
    units = list(OrgUnit.objects.filter(enterprise_id=enterprise_id))
    children: dict[int | None, list[OrgUnit]] = {}
    known = {u.pk for u in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in known else None
        children.setdefault(parent, []).append(unit)
    ordered: list[tuple[OrgUnit, int]] = []
    paths: dict[int, list[OrgUnit]] = {}
    stack = [(u, 0, [u]) for u in reversed(children.get(None, []))]
    while stack:
        unit, depth, path = stack.pop()
        ordered.append((unit, depth))
        paths[unit.pk] = path
        stack.extend((c, depth + 1, [*path, c]) for c in reversed(children.get(unit.pk, [])))
    return ordered, paths


def subtree_ids(paths: dict[int, list[OrgUnit]], unit_id: int) -> set[int]:
    return {pk for pk, path in paths.items() if any(u.pk == unit_id for u in path)}


def _ranked(rows: Iterable[PersonRow]) -> list[PersonRow]:
    """Standard competition ranking (1, 2, 2, 4) on points; ties keep the DB order."""
    out = list(rows)
    for i, row in enumerate(out):
        row.rank = out[i - 1].rank if i and out[i - 1].points == row.points else i + 1
    return out


def person_rows(enterprise_id: int, period: Period, rules: PointRules) -> list[PersonRow]:
    """Every active member with their figures, best first (one query for the figures; the
    unit paths are filled in by the caller)."""
    values = (
        figures(enterprise_id, period, rules)
        .order_by("-points", "-checks", "-confirmed", "user__name", "user__username", "pk")
        .values(*ROW_FIELDS)
    )
    return _ranked(
        PersonRow(
            rank=0,
            user_id=v["user_id"],
            name=v["user__name"] or v["user__username"],
            unit_id=v["org_unit_id"],
            unit_path="",
            reports=v["reports"],
            confirmed=v["confirmed"],
            confirmed_general=v["confirmed_general"],
            confirmed_larger=v["confirmed_larger"],
            confirmed_major=v["confirmed_major"],
            checks=v["checks"],
            points=v["points"],
        )
        for v in values
    )


def _departments(rows: Sequence[PersonRow], paths: dict[int, list[OrgUnit]]) -> list[DepartmentRow]:
    """Sums and averages per department: the units directly below the company (people placed
    at the company itself form their own row), best average first."""
    by_key: dict[int | None, DepartmentRow] = {}
    for row in rows:
        path = paths.get(row.unit_id or 0, [])
        if len(path) >= 2:
            unit, label = path[1], path[1].name
        elif path:
            unit, label = path[0], _("%(name)s（本部）") % {"name": path[0].name}
        else:
            unit, label = None, _("未分配部门")
        dept = by_key.setdefault(
            unit.pk if unit else None, DepartmentRow(rank=0, unit=unit, label=label)
        )
        dept.people += 1
        dept.reports += row.reports
        dept.confirmed += row.confirmed
        dept.checks += row.checks
        dept.points += row.points
    out = sorted(by_key.values(), key=lambda d: (-d.average, -d.points, d.label))
    for i, dept in enumerate(out):
        same = i and (out[i - 1].average, out[i - 1].points) == (dept.average, dept.points)
        dept.rank = out[i - 1].rank if same else i + 1
    return out


def leaderboard(enterprise_id: int, period: Period, unit: OrgUnit | None = None) -> Board:
    """The enterprise's people ranking (only ``unit``'s subtree when given, ranked among
    themselves) and the department table (always the whole enterprise). Three queries: the
    settings, the units and the figures."""
    rules = rules_for(enterprise_id)
    ordered, paths = _tree(enterprise_id)
    rows = person_rows(enterprise_id, period, rules)
    for row in rows:
        path = paths.get(row.unit_id or 0, [])
        row.unit_path = " / ".join(u.name for u in path[1:]) or (path[0].name if path else "")
    departments = _departments(rows, paths)
    if unit is not None:
        inside = subtree_ids(paths, unit.pk)
        rows = _ranked(r for r in rows if r.unit_id in inside)
    choices = [(u, "\u3000" * depth + u.name) for u, depth in ordered]
    return Board(period, rules, rows, departments, choices)


# --------------------------------------------------------------------------------------------
# One person


@dataclass
class MyFigures:
    row: PersonRow | None
    of: int  # people ranked
    pending: int  # reports still waiting for confirmation (any time)
    rules: PointRules
    period: Period


def my_figures(user: Any, enterprise_id: int, period: Period) -> MyFigures:
    """The user's figures and rank in the whole enterprise for ``period``."""
    rules = rules_for(enterprise_id)
    rows = person_rows(enterprise_id, period, rules)
    mine = next((r for r in rows if r.user_id == user.pk), None)
    pending = Hazard.objects.filter(
        enterprise_id=enterprise_id, reported_by=user, status=HazardStatus.REPORTED
    ).count()
    return MyFigures(mine, len(rows), pending, rules, period)


def recent_confirmed(
    user: Any, enterprise_id: int, rules: PointRules, limit: int = 10
) -> list[Hazard]:
    """The user's most recently confirmed hazards, each with the ``points`` it earned."""
    hazards = list(
        Hazard.objects.filter(enterprise_id=enterprise_id, reported_by=user)
        .exclude(status__in=UNCONFIRMED)
        .filter(registered_at__isnull=False)
        .order_by("-registered_at", "-pk")[:limit]
    )
    for hazard in hazards:
        hazard.points = rules.for_level(hazard.level)
    return hazards
