"""Hazard statistics (隐患统计): the quarterly and annual figures of 16号令 (an enterprise
reports them by the 15th of each quarter's first month and by 31 January), computed by the
database for any set of hazards — one enterprise's, or a regulator's jurisdiction.

``hazard_statistics(hazards_qs, start, end)`` is the one entry point; ``StatsPeriod`` and
``parse_period`` turn "2026Q3" / "2026" into the instants it takes.

Definitions (the same for every caller):

- *reported*: hazards whose ``found_at`` lies in [start, end), whatever happened to them since
  (including those still awaiting confirmation and those cancelled as not a hazard or a
  duplicate).
- *confirmed*: of those, the ones confirmed as hazards, i.e. not REPORTED (still awaiting
  confirmation) and not CANCELLED. The grade, type, source and 治理类型 tables, the
  rectification and on-time figures and the funds count confirmed hazards only.
- *by state*: the reported hazards by their state **now** (at the time of computing), so a
  report made after the period says how far its hazards have come.
- *rectified*: confirmed hazards now ACCEPTED (销号). *rectification rate* = rectified ÷
  confirmed (``None`` when nothing was confirmed).
- *on time*: a rectified hazard closed no later than its deadline (``accepted_at <=
  deadline``). A 即查即改 hazard has no deadline: it is due by the end of the period it was
  found in, so it is on time when accepted before ``end``. *on-time rate* = on time ÷
  rectified (of the hazards closed, the share closed on time; ``None`` when none was closed).
  Hazards still open past their deadline are counted by *overdue open*, not here.
- *overdue open*: hazards (found at any time) that at the cut-off — the period's end, or now
  for a period not over yet — had been confirmed, were past their deadline and not yet
  accepted; cancelled hazards never count. *open at cut-off* is the same without the
  deadline condition.
- *funds*: the sum of ``cost`` (整改资金, 万元) of the confirmed hazards.
- *majors*: every confirmed 重大 hazard found before ``end`` that was still open at some time
  in the period (found in it, or accepted on or after ``start``, or not accepted at all),
  with its state now.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualprev.hazards.choices import NATIONAL_STATE, HazardStatus
from dualprev.reference.choices import DangerManageType, DangerSrc, HazardDangerType, HazardLevel

S = HazardStatus

# --------------------------------------------------------------------------------------------
# Periods


class PeriodError(ValueError):
    """A period string that is not "YYYY" or "YYYYQn" (the message is for the user)."""


_PERIOD = re.compile(r"^(\d{4})(?:[Qq](\d+))?$")
MIN_YEAR, MAX_YEAR = 2000, 2100


def _local_tz() -> dt.tzinfo:
    return timezone.get_default_timezone()


@dataclass(frozen=True)
class StatsPeriod:
    """A calendar quarter (``quarter`` 1–4) or a whole year (``quarter`` None)."""

    year: int
    quarter: int | None = None

    @classmethod
    def current_quarter(cls, today: dt.date | None = None) -> StatsPeriod:
        today = today or timezone.localdate()
        return cls(today.year, (today.month - 1) // 3 + 1)

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * (self.quarter or 1) - 2, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        if self.quarter is None or self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    @property
    def lower(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(0), tzinfo=_local_tz())

    @property
    def upper(self) -> dt.datetime:
        """The instant the period ends (exclusive): midnight after its last day."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), tzinfo=_local_tz())

    @property
    def key(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def label(self) -> str:
        if self.quarter is None:
            return _("%(year)d年度") % {"year": self.year}
        return _("%(year)d年第%(quarter)d季度") % {"year": self.year, "quarter": self.quarter}

    @property
    def due_date(self) -> dt.date:
        """When the report is due at the regulator (16号令): a quarter's by the 15th of the
        next quarter's first month, a year's by 31 January of the next year."""
        if self.quarter is None:
            return dt.date(self.year + 1, 1, 31)
        following = self.end + dt.timedelta(days=1)
        return following.replace(day=15)

    def previous(self) -> StatsPeriod:
        if self.quarter is None:
            return StatsPeriod(self.year - 1)
        if self.quarter == 1:
            return StatsPeriod(self.year - 1, 4)
        return StatsPeriod(self.year, self.quarter - 1)

    def following(self) -> StatsPeriod:
        if self.quarter is None:
            return StatsPeriod(self.year + 1)
        if self.quarter == 4:
            return StatsPeriod(self.year + 1, 1)
        return StatsPeriod(self.year, self.quarter + 1)


def parse_period(value: str | None, today: dt.date | None = None) -> StatsPeriod:
    """``"2026Q3"`` (a quarter; ``q`` also accepted), ``"2026"`` (a year) or empty (the
    current quarter). Anything else raises ``PeriodError`` with a Chinese message."""
    text = (value or "").strip()
    if not text:
        return StatsPeriod.current_quarter(today)
    match = _PERIOD.match(text)
    if match is None:
        raise PeriodError(
            _("统计期间“%(value)s”格式不正确：季度请写成“2026Q3”，年度请写成“2026”。")
            % {"value": text[:20]}
        )
    year = int(match.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            _("统计年份须在 %(min)d 至 %(max)d 年之间。") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    if match.group(2) is None:
        return StatsPeriod(year)
    quarter = int(match.group(2))
    if not 1 <= quarter <= 4:
        raise PeriodError(_("季度须为 1 至 4（例如“%(year)dQ3”）。") % {"year": year})
    return StatsPeriod(year, quarter)


# --------------------------------------------------------------------------------------------
# Figures

# Grade labels for the statistics: the local 较大 tier is shown as such (it counts as 一般 in
# the national upload, see ``Hazard.national_level``).
LEVEL_ROWS: tuple[tuple[int, Any], ...] = (
    (HazardLevel.GENERAL, HazardLevel.GENERAL.label),
    (HazardLevel.LARGER, gettext_lazy("较大")),
    (HazardLevel.MAJOR, HazardLevel.MAJOR.label),
)
STATUS_ROWS = (S.REPORTED, S.RECTIFYING, S.PENDING_ACCEPT, S.ACCEPTED, S.CANCELLED)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def hazard_statistics(
    hazards_qs: QuerySet[Any],
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The statistics of the hazards in ``hazards_qs`` found in [``start``, ``end``)
    (timezone-aware instants; see the module docstring for every definition).

    ``hazards_qs`` is any ``Hazard`` queryset already limited to what the caller may see —
    ``Hazard.objects.visible_to(user)`` for an enterprise member or a regulator (whose
    jurisdiction it then covers), or a narrower filter. Three aggregate queries plus one for
    the 重大 list; no Python loop over the hazards. ``now`` (default: the current time) sets
    the cut-off for a period not over yet.

    Returns a dict::

        reported, confirmed, rectified, on_time, overdue_open, open_at_cutoff: int
        rectification_rate, on_time_rate: float | None   (fractions, 0..1)
        cost_total: Decimal                                (万元)
        majors_planned: int     (confirmed 重大 hazards whose plan is approved)
        by_level:       [{code, label, count, rectified, on_time, rate}]   一般 / 较大 / 重大
        by_manage_type: [{code, label, count, rectified, rate}]            即查即改 / 限期整改
        by_danger_type: [{code, label, count, rectified, rate}]            hazardDangerType 1–8
        by_source:      [{code, label, count, rectified, rate}]            dangerSrc 1–10
        by_status:      [{code, label, national, count}]                   state now
        majors:         [{public_id, number, name, enterprise, found_at, deadline, status,
                          status_label, accepted_at, cost, liable_person, plan_approved}]
        start, end, cutoff: datetime
    """
    now = now or timezone.now()
    cutoff = min(end, now)
    confirmed = ~Q(status__in=[S.REPORTED, S.CANCELLED])
    accepted = Q(status=S.ACCEPTED)
    on_time = accepted & (
        Q(deadline__isnull=False, accepted_at__lte=F("deadline"))
        | Q(deadline__isnull=True, accepted_at__lt=end)
    )

    def tally(prefix: str, condition: Q) -> dict[str, Any]:
        return {
            f"{prefix}_n": Count("pk", filter=confirmed & condition),
            f"{prefix}_done": Count("pk", filter=accepted & condition),
            f"{prefix}_ontime": Count("pk", filter=on_time & condition),
        }

    groups: dict[str, list[tuple[Any, Any]]] = {
        "level": [(code, label) for code, label in LEVEL_ROWS],
        "manage": [(c, c.label) for c in DangerManageType],
        "type": [(c, c.label) for c in HazardDangerType],
        "source": [(c, c.label) for c in DangerSrc],
    }
    fields = {"level": "level", "manage": "manage_type", "type": "danger_type", "source": "source"}
    aggregates: dict[str, Any] = {
        "reported": Count("pk"),
        "confirmed": Count("pk", filter=confirmed),
        "rectified": Count("pk", filter=accepted),
        "on_time": Count("pk", filter=on_time),
        "cost_total": Sum("cost", filter=confirmed),
        "majors_planned": Count(
            "pk",
            filter=confirmed & Q(level=HazardLevel.MAJOR, major_plan__approved_at__isnull=False),
        ),
    }
    for group, rows in groups.items():
        for code, _label in rows:
            aggregates.update(tally(f"{group}{int(code)}", Q(**{fields[group]: code})))
    for status in STATUS_ROWS:
        aggregates[f"status_{status}"] = Count("pk", filter=Q(status=status))

    # The period's hazards: one aggregate query for every count above. Ordering is dropped so
    # no database groups by the default ordering columns.
    found = hazards_qs.filter(found_at__gte=start, found_at__lt=end).order_by()
    figures = found.aggregate(**aggregates)

    # State at the cut-off, over every hazard found before it.
    open_then = (
        Q(registered_at__lt=cutoff)
        & ~Q(status=S.CANCELLED)
        & (Q(accepted_at__isnull=True) | Q(accepted_at__gte=cutoff))
    )
    backlog = hazards_qs.order_by().aggregate(
        open_at_cutoff=Count("pk", filter=open_then),
        overdue_open=Count("pk", filter=open_then & Q(deadline__lt=cutoff)),
    )

    def breakdown(group: str) -> list[dict[str, Any]]:
        out = []
        for code, label in groups[group]:
            key = f"{group}{int(code)}"
            count, done = figures[f"{key}_n"], figures[f"{key}_done"]
            out.append(
                {
                    "code": int(code),
                    "label": str(label),
                    "count": count,
                    "rectified": done,
                    "on_time": figures[f"{key}_ontime"],
                    "rate": _rate(done, count),
                }
            )
        return out

    return {
        "start": start,
        "end": end,
        "cutoff": cutoff,
        "reported": figures["reported"],
        "confirmed": figures["confirmed"],
        "rectified": figures["rectified"],
        "rectification_rate": _rate(figures["rectified"], figures["confirmed"]),
        "on_time": figures["on_time"],
        "on_time_rate": _rate(figures["on_time"], figures["rectified"]),
        "cost_total": figures["cost_total"] or Decimal("0"),
        "majors_planned": figures["majors_planned"],
        "open_at_cutoff": backlog["open_at_cutoff"],
        "overdue_open": backlog["overdue_open"],
        "by_level": breakdown("level"),
        "by_manage_type": breakdown("manage"),
        "by_danger_type": breakdown("type"),
        "by_source": breakdown("source"),
        "by_status": [
            {
                "code": str(status),
                "label": str(status.label),
                "national": NATIONAL_STATE[status],
                "count": figures[f"status_{status}"],
            }
            for status in STATUS_ROWS
        ],
        "majors": major_rows(hazards_qs, start, end),
    }


def major_rows(hazards_qs: QuerySet[Any], start: dt.datetime, end: dt.datetime) -> list[dict]:
    """The confirmed 重大 hazards open at some time in [start, end) (see the module
    docstring), oldest first, with their state now. 重大 hazards are few: one query."""
    majors = (
        hazards_qs.filter(level=HazardLevel.MAJOR, registered_at__isnull=False, found_at__lt=end)
        .exclude(status=S.CANCELLED)
        .filter(Q(accepted_at__isnull=True) | Q(accepted_at__gte=start) | Q(found_at__gte=start))
        .select_related("enterprise", "liable_person", "responsible_unit", "major_plan")
        .order_by("found_at", "pk")
    )
    rows = []
    for hazard in majors:
        plan = getattr(hazard, "major_plan", None)
        rows.append(
            {
                "public_id": hazard.public_id,
                "number": hazard.number,
                "name": hazard.name,
                "enterprise": hazard.enterprise.name,
                "found_at": hazard.found_at,
                "deadline": hazard.deadline,
                "status": hazard.status,
                "status_label": str(HazardStatus(hazard.status).label),
                "accepted_at": hazard.accepted_at,
                "cost": hazard.cost,
                "responsible_unit": hazard.responsible_unit.name if hazard.responsible_unit else "",
                "liable_person": hazard.liable_person.display_name if hazard.liable_person else "",
                "plan_approved": bool(plan and plan.approved_at),
            }
        )
    return rows


def period_statistics(
    hazards_qs: QuerySet[Any], period: StatsPeriod, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """``hazard_statistics`` over a ``StatsPeriod``, with the period itself under "period"."""
    figures = hazard_statistics(hazards_qs, period.lower, period.upper, now=now)
    figures["period"] = period
    return figures
