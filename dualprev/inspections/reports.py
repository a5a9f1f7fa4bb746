"""Read side of oversight (监督考核): completion rates, the 未排查 list, finding rates, the daily
task load, the 隐患排查清单 and the paper check sheet's content.

Who sees what (``scope_for``): company-level roles see the whole enterprise, a department head
the subtree of their org unit, a team leader their team, a worker only their own checks.
Regulators get nothing here (the routes are enterprise-only).

An occurrence belongs to the org unit of its post, else of its assignee, else of its risk
point's responsible unit (``unit_of``); it is a person's by the rule of ``queries.person_q``
(assigned to them, their post, their special inspection, or their unassigned risk point), so a
post's check counts for every holder of the post.

Every figure is computed by the database (``COUNT ... FILTER`` grouped by the dimension);
Python only adds up the few grouped rows (per person, per org-unit subtree), never loops over
occurrences.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualprev.accounts.choices import EnterpriseRole
from dualprev.accounts.models import Membership
from dualprev.core.tenancy import actor_for
from dualprev.inspections.choices import OccurrenceStatus
from dualprev.inspections.generation import local_tz
from dualprev.inspections.models import CheckOccurrence, CheckRecord, CheckTask
from dualprev.inspections.queries import overlapping, person_q
from dualprev.orgs.models import OrgUnit, Post
from dualprev.reference.choices import CheckStatus
from dualprev.risks.models import RiskObject

# --------------------------------------------------------------------------------------------
# Scope: what each role oversees

ENTERPRISE, UNIT, SELF = "enterprise", "unit", "self"

# Reporting scope per enterprise role (a policy table like accounts.roles: views never test
# roles). A department head or team leader without an org unit falls back to SELF.
REPORT_SCOPE: dict[str, str] = {
    EnterpriseRole.MAIN_LEADER: ENTERPRISE,
    EnterpriseRole.DEPUTY_LEADER: ENTERPRISE,
    EnterpriseRole.SAFETY_DIRECTOR: ENTERPRISE,
    EnterpriseRole.SAFETY_OFFICER: ENTERPRISE,
    EnterpriseRole.DEPT_HEAD: UNIT,
    EnterpriseRole.TEAM_LEADER: UNIT,
    EnterpriseRole.WORKER: SELF,
}


def unit_of(prefix: str = "") -> Coalesce:
    """The org unit an occurrence (reached by ``prefix``) belongs to: its post's, else its
    assignee's, else its risk point's responsible unit."""
    return Coalesce(
        F(f"{prefix}post__org_unit_id"),
        F(f"{prefix}assignee__membership__org_unit_id"),
        F(f"{prefix}risk_object__responsible_unit_id"),
    )


def task_unit_of() -> Coalesce:
    """``unit_of`` for a check task (its risk point is reached through the measure)."""
    return Coalesce(
        F("post__org_unit_id"),
        F("assignee__membership__org_unit_id"),
        F("measure__event__unit__risk_object__responsible_unit_id"),
    )


def subtree(units: Iterable[tuple[int, int | None]], root_id: int) -> set[int]:
    """Ids of ``root_id`` and every unit below it, from (id, parent id) pairs."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in units:
        children[parent_id].append(pk)
    found, todo = set(), [root_id]
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children[pk])
    return found


@dataclass(frozen=True)
class Scope:
    """What one user oversees in the reports: the whole enterprise, a set of org units (a
    subtree), or only their own checks."""

    user: Any
    enterprise_id: int
    kind: str
    unit_ids: frozenset[int] = frozenset()

    @property
    def is_enterprise(self) -> bool:
        return self.kind == ENTERPRISE

    @property
    def is_self(self) -> bool:
        return self.kind == SELF

    def occurrences(self, qs: QuerySet[CheckOccurrence]) -> QuerySet[CheckOccurrence]:
        """``qs`` (already tenant-scoped) limited to this scope."""
        if self.kind == ENTERPRISE:
            return qs
        if self.kind == UNIT:
            return qs.alias(scope_unit=unit_of()).filter(scope_unit__in=sorted(self.unit_ids))
        # A subquery rather than the OR of person_q directly: its many-valued joins (special
        # inspection members) would repeat rows and inflate every count.
        mine = CheckOccurrence.objects.filter(enterprise_id=self.enterprise_id).filter(
            person_q(self.user)
        )
        return qs.filter(pk__in=mine.values("pk"))

    def records(self, qs: QuerySet[CheckRecord]) -> QuerySet[CheckRecord]:
        if self.kind == ENTERPRISE:
            return qs
        occurrences = self.occurrences(
            CheckOccurrence.objects.filter(enterprise_id=self.enterprise_id)
        )
        return qs.filter(occurrence__in=occurrences.values("pk"))

    def people(self, qs: QuerySet[Membership]) -> QuerySet[Membership]:
        if self.kind == ENTERPRISE:
            return qs
        if self.kind == UNIT:
            return qs.filter(org_unit_id__in=sorted(self.unit_ids))
        return qs.filter(user_id=self.user.pk)

    def units(self, qs: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
        if self.kind == ENTERPRISE:
            return qs
        if self.kind == UNIT:
            return qs.filter(pk__in=sorted(self.unit_ids))
        return qs.none()

    def posts(self, qs: QuerySet[Post]) -> QuerySet[Post]:
        if self.kind == ENTERPRISE:
            return qs
        if self.kind == UNIT:
            return qs.filter(org_unit_id__in=sorted(self.unit_ids))
        return qs.filter(holders__user_id=self.user.pk)


def scope_for(user: Any) -> Scope:
    """The reporting scope of ``user`` (one query for a department head or team leader)."""
    actor = actor_for(user)
    kind = REPORT_SCOPE.get(actor.role, SELF) if actor.is_enterprise else SELF
    if kind == UNIT and actor.org_unit_id is None:
        kind = SELF
    if kind != UNIT:
        return Scope(user=user, enterprise_id=actor.enterprise_id or 0, kind=kind)
    pairs = OrgUnit.objects.visible_to(user).values_list("pk", "parent_id")
    assert actor.org_unit_id is not None
    return Scope(
        user=user,
        enterprise_id=actor.enterprise_id or 0,
        kind=UNIT,
        unit_ids=frozenset(subtree(pairs, actor.org_unit_id)),
    )


# --------------------------------------------------------------------------------------------
# Periods


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Period:
    """A range of whole local days [start, end]; ``lower``/``upper`` are its instants."""

    start: dt.date
    end: dt.date

    @classmethod
    def this_month(cls, today: dt.date | None = None) -> Period:
        today = today or timezone.localdate()
        first = today.replace(day=1)
        next_first = (first + dt.timedelta(days=32)).replace(day=1)
        return cls(first, next_first - dt.timedelta(days=1))

    @property
    def lower(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(0), tzinfo=local_tz())

    @property
    def upper(self) -> dt.datetime:
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), tzinfo=local_tz())

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%d} ~ {self.end:%Y-%m-%d}"


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=local_tz())
    return start, start + dt.timedelta(days=1)


# --------------------------------------------------------------------------------------------
# Completion rates


@dataclass
class Tally:
    """Counts of due checks: ``done`` (on time) and ``missed`` (未排查) make up what was due;
    ``open`` ones are still 进行中 and not counted in the rate."""

    done: int = 0
    missed: int = 0
    open: int = 0

    @property
    def due(self) -> int:
        return self.done + self.missed

    @property
    def rate(self) -> float | None:
        """done / (done + missed); None when nothing was due (shown as "—", never 0 %)."""
        return self.done / self.due if self.due else None

    @property
    def rate_label(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"

    @property
    def colour(self) -> str:
        rate = self.rate
        if rate is None:
            return "none"
        return "ok" if rate >= 0.95 else ("warn" if rate >= 0.8 else "bad")

    def add(self, other: Tally | dict[str, Any]) -> None:
        if isinstance(other, Tally):
            other = {"done": other.done, "missed": other.missed, "open": other.open}
        self.done += other.get("done") or 0
        self.missed += other.get("missed") or 0
        self.open += other.get("open") or 0


COUNTS = {
    "done": Count("pk", filter=Q(status=OccurrenceStatus.DONE)),
    "missed": Count("pk", filter=Q(status=OccurrenceStatus.MISSED)),
    "open": Count("pk", filter=Q(status=OccurrenceStatus.OPEN)),
}


def period_occurrences(user: Any, scope: Scope, period: Period) -> QuerySet[CheckOccurrence]:
    """The user's in-scope occurrences whose window ended in the period (its last day's
    windows end at midnight after it, so the upper bound is inclusive), cancelled ones left
    out."""
    qs = CheckOccurrence.objects.visible_to(user).filter(
        window_end__gt=period.lower,
        window_end__lte=period.upper,
        status__in=[OccurrenceStatus.DONE, OccurrenceStatus.MISSED, OccurrenceStatus.OPEN],
    )
    return scope.occurrences(qs)


def totals(qs: QuerySet[CheckOccurrence]) -> Tally:
    row = qs.aggregate(**COUNTS)
    return Tally(row["done"], row["missed"], row["open"])


@dataclass
class RateRow:
    """One line of a completion-rate table: ``cells`` are the label columns of its dimension."""

    cells: tuple[str, ...]
    tally: Tally
    depth: int = 0
    note: str = ""


@dataclass(frozen=True)
class Dimension:
    key: str
    label: Any
    headers: tuple[Any, ...]


DIMENSIONS: dict[str, Dimension] = {
    "department": Dimension("department", gettext_lazy("按部门"), (gettext_lazy("部门/班组"),)),
    "post": Dimension(
        "post", gettext_lazy("按岗位"), (gettext_lazy("岗位"), gettext_lazy("所属单位"))
    ),
    "person": Dimension(
        "person",
        gettext_lazy("按人员"),
        (gettext_lazy("人员"), gettext_lazy("所属单位"), gettext_lazy("角色")),
    ),
    "measure": Dimension(
        "measure",
        gettext_lazy("按管控措施"),
        (gettext_lazy("风险点"), gettext_lazy("风险事件"), gettext_lazy("管控措施")),
    ),
}


def dimension(key: str | None) -> Dimension:
    return DIMENSIONS.get(key or "", DIMENSIONS["department"])


def rates_by_department(user: Any, scope: Scope, qs: QuerySet[CheckOccurrence]) -> list[RateRow]:
    """Each org unit with the totals of its whole subtree, in tree order (indented). A
    department head sees their subtree; a worker the units their own checks belong to."""
    counts = {
        row["unit"]: row
        for row in qs.annotate(unit=unit_of()).values("unit").annotate(**COUNTS).order_by()
    }
    units = list(OrgUnit.objects.visible_to(user).only("pk", "parent_id", "name", "sort_order"))
    children: dict[int | None, list[OrgUnit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit)
    ordered: list[tuple[OrgUnit, int, Tally]] = []

    def walk(unit: OrgUnit, depth: int) -> Tally:
        tally = _tally(counts[unit.pk]) if unit.pk in counts else Tally()
        ordered.append((unit, depth, tally))
        for child in sorted(children[unit.pk], key=lambda u: (u.sort_order, u.name)):
            tally.add(walk(child, depth + 1))
        return tally

    for root in sorted(children[None], key=lambda u: (u.sort_order, u.name)):
        walk(root, 0)
    if scope.kind == UNIT:
        ordered = [row for row in ordered if row[0].pk in scope.unit_ids]
    elif scope.is_self:
        ordered = [row for row in ordered if row[2].due or row[2].open]
    top = min((depth for _unit, depth, _tally in ordered), default=0)
    rows = [RateRow((unit.name,), tally, depth - top) for unit, depth, tally in ordered]
    if None in counts:
        rows.append(RateRow((_("（未归属部门）"),), _tally(counts[None])))
    return rows


def _tally(row: dict[str, Any]) -> Tally:
    return Tally(row["done"] or 0, row["missed"] or 0, row["open"] or 0)


def unit_order(user: Any) -> dict[int, int]:
    """Each org unit's position in the tree read top to bottom (siblings by sort order and
    name), for listing posts and people department by department."""
    children: dict[int | None, list[tuple[int, str, int]]] = defaultdict(list)
    for pk, parent_id, sort_order, name in OrgUnit.objects.visible_to(user).values_list(
        "pk", "parent_id", "sort_order", "name"
    ):
        children[parent_id].append((sort_order, name, pk))
    order: dict[int, int] = {}
    stack = sorted(children[None], reverse=True)
    while stack:
        _sort, _name, pk = stack.pop()
        order[pk] = len(order)
        stack.extend(sorted(children[pk], reverse=True))
    return order


def rates_by_post(user: Any, scope: Scope, qs: QuerySet[CheckOccurrence]) -> list[RateRow]:
    """Each post in tree order of its org unit; the checks without a post last."""
    order = unit_order(user)
    rows = sorted(
        qs.values("post", "post__name", "post__org_unit_id", "post__org_unit__name")
        .annotate(**COUNTS)
        .order_by(),
        key=lambda r: (
            r["post"] is None,
            order.get(r["post__org_unit_id"], len(order)),
            r["post__name"] or "",
        ),
    )
    out = []
    for row in rows:
        if row["post"] is None:
            out.append(RateRow((_("（未指定岗位）"), ""), _tally(row)))
        else:
            out.append(RateRow((row["post__name"], row["post__org_unit__name"]), _tally(row)))
    return out


def responsibility(qs: QuerySet[CheckOccurrence], *group: str) -> QuerySet[Any]:
    """Counts per person (and per ``group`` fields) of the occurrences in ``qs`` that are
    theirs by the rule of ``queries.person_q``, as one UNION ALL of grouped queries. Someone
    reached twice for one occurrence (its assignee also holds its post; a special inspection's
    leader also listed as a member) is counted once."""

    def grouped(part: QuerySet[CheckOccurrence]) -> QuerySet[Any]:
        return part.values("person", *group).annotate(**COUNTS).order_by()

    # Filter on a many-valued path first, then annotate from it: the annotation reuses the
    # filter's join (the other way round would join the relation twice).
    assigned = qs.filter(assignee__isnull=False).annotate(person=F("assignee_id"))
    holders = (
        qs.filter(post__holders__is_active=True)
        .annotate(person=F("post__holders__user_id"))
        .filter(
            Q(assignee__isnull=True)
            | Q(assignee_id__lt=F("person"))
            | Q(person__lt=F("assignee_id"))
        )
    )
    leaders = qs.filter(special_item__isnull=False).annotate(
        person=F("special_item__inspection__leader_id")
    )
    members = (
        qs.filter(special_item__inspection__members__isnull=False)
        .annotate(person=F("special_item__inspection__members"))
        .filter(
            Q(person__lt=F("special_item__inspection__leader_id"))
            | Q(person__gt=F("special_item__inspection__leader_id"))
        )
    )
    responsible = qs.filter(
        assignee__isnull=True,
        post__isnull=True,
        special_item__isnull=True,
        risk_object__responsible_person__isnull=False,
    ).annotate(person=F("risk_object__responsible_person_id"))
    parts = [grouped(p) for p in (assigned, holders, leaders, members, responsible)]
    return parts[0].union(*parts[1:], all=True)


def people_in_scope(user: Any, scope: Scope) -> QuerySet[Membership]:
    return scope.people(
        Membership.objects.visible_to(user)
        .filter(is_active=True)
        .select_related("user", "org_unit")
    ).order_by("org_unit__sort_order", "org_unit__name", "user__name", "user__username")


def people_in_tree_order(user: Any, scope: Scope) -> list[Membership]:
    """The active people in scope, department by department (tree order), then by name."""
    people = list(people_in_scope(user, scope))
    if len(people) < 2:
        return people
    order = unit_order(user)
    return sorted(
        people,
        key=lambda m: (order.get(m.org_unit_id or 0, len(order)), m.user.name, m.user.username),
    )


def rates_by_person(user: Any, scope: Scope, qs: QuerySet[CheckOccurrence]) -> list[RateRow]:
    """Each person in scope with the occurrences that are theirs (a post's check counts for
    every holder of the post)."""
    tallies: dict[int, Tally] = defaultdict(Tally)
    for row in responsibility(qs):
        tallies[row["person"]].add(row)
    return [
        RateRow(
            (
                m.user.display_name,
                m.org_unit.name if m.org_unit else "",
                str(m.get_role_display()),
            ),
            tallies.get(m.user_id, Tally()),
        )
        for m in people_in_tree_order(user, scope)
    ]


def rates_by_measure(user: Any, scope: Scope, qs: QuerySet[CheckOccurrence]) -> list[RateRow]:
    rows = (
        qs.values(
            "measure",
            "measure__description",
            "measure__event__name",
            "measure__event__unit__risk_object__name",
        )
        .annotate(**COUNTS)
        .order_by(
            F("measure__event__unit__risk_object__sort_order").asc(nulls_last=True),
            "measure__event__unit__risk_object__name",
            "measure__event__sort_order",
            "measure__event__name",
            "measure__sort_order",
            "measure",
        )
    )
    out = []
    for row in rows:
        if row["measure"] is None:
            out.append(RateRow(("", "", _("（专项排查自定条目）")), _tally(row)))
            continue
        out.append(
            RateRow(
                (
                    row["measure__event__unit__risk_object__name"],
                    row["measure__event__name"],
                    row["measure__description"],
                ),
                _tally(row),
            )
        )
    return out


RATE_FUNCTIONS = {
    "department": rates_by_department,
    "post": rates_by_post,
    "person": rates_by_person,
    "measure": rates_by_measure,
}


def rate_rows(key: str, user: Any, scope: Scope, qs: QuerySet[CheckOccurrence]) -> list[RateRow]:
    return RATE_FUNCTIONS[key](user, scope, qs)


# --------------------------------------------------------------------------------------------
# The 未排查 list


def missed_occurrences(
    user: Any,
    scope: Scope,
    period: Period,
    *,
    unit: OrgUnit | None = None,
    post: Post | None = None,
) -> QuerySet[CheckOccurrence]:
    """Occurrences closed as 未排查 whose window ended in the period, newest first;
    ``unit`` keeps that org unit's subtree, ``post`` that post."""
    qs = period_occurrences(user, scope, period).filter(status=OccurrenceStatus.MISSED)
    if unit is not None:
        pairs = OrgUnit.objects.visible_to(user).values_list("pk", "parent_id")
        qs = qs.alias(filter_unit=unit_of()).filter(filter_unit__in=sorted(subtree(pairs, unit.pk)))
    if post is not None:
        qs = qs.filter(post=post)
    return qs.select_related(
        "risk_object",
        "measure__event",
        "task",
        "special_item__inspection",
        "post__org_unit",
        "assignee",
    ).order_by("-window_end", "risk_object__name", "id")


def occurrence_content(occurrence: CheckOccurrence) -> str:
    return occurrence.content


def occurrence_people(occurrence: CheckOccurrence) -> str:
    """Who the occurrence was for: post and/or person, or the special inspection."""
    parts = []
    if occurrence.post is not None:
        parts.append(occurrence.post.name)
    if occurrence.assignee is not None:
        parts.append(occurrence.assignee.display_name)
    if not parts and occurrence.special_item is not None:
        parts.append(occurrence.special_item.inspection.name)
    return " / ".join(parts)


def backfill_query(occurrence: CheckOccurrence) -> str:
    """The 补录 page's query for the paper sheet an occurrence is on (its post, else its
    person, and the day it starts); empty when it has neither."""
    day = timezone.localtime(occurrence.window_start, local_tz()).date().isoformat()
    if occurrence.post is not None:
        return f"post={occurrence.post.public_id}&date={day}"
    if occurrence.assignee is not None:
        return f"person={occurrence.assignee.public_id}&date={day}"
    return ""


def window_label(start: dt.datetime, end: dt.datetime) -> str:
    """ "2026-03-02 08:00–20:00", "2026-03-02 20:00–03-03 08:00", or whole days
    "2026-03-02 ~ 2026-03-08"."""
    tz = local_tz()
    start, end = timezone.localtime(start, tz), timezone.localtime(end, tz)
    if start.time() == dt.time(0) and end.time() == dt.time(0):
        last = end.date() - dt.timedelta(days=1)
        if last == start.date():
            return f"{start:%Y-%m-%d}"
        return f"{start:%Y-%m-%d} ~ {last:%Y-%m-%d}"
    if end.date() == start.date():
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    if end.date() == start.date() + dt.timedelta(days=1) and end.time() <= start.time():
        return f"{start:%Y-%m-%d %H:%M}–{_('次日')}{end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M} ~ {end:%Y-%m-%d %H:%M}"


def window_on_day(start: dt.datetime, end: dt.datetime, day: dt.date) -> str:
    """A window as printed on the sheet of ``day``: "08:00–10:00", "20:00–次日08:00", "全天",
    or whole days "03-02 ~ 03-08"."""
    tz = local_tz()
    start, end = timezone.localtime(start, tz), timezone.localtime(end, tz)
    if start.time() == dt.time(0) and end.time() == dt.time(0):
        last = end.date() - dt.timedelta(days=1)
        return _("全天") if start.date() == last == day else f"{start:%m-%d} ~ {last:%m-%d}"
    first = f"{start:%H:%M}" if start.date() == day else f"{start:%m-%d %H:%M}"
    if end.date() == day or (end.date() == day + dt.timedelta(days=1) and end.time() == dt.time(0)):
        last_text = f"{end:%H:%M}" if end.time() != dt.time(0) else "24:00"
    elif end.date() == day + dt.timedelta(days=1):
        last_text = f"{_('次日')}{end:%H:%M}"
    else:
        last_text = f"{end:%m-%d %H:%M}"
    return f"{first}–{last_text}"


# --------------------------------------------------------------------------------------------
# Finding rates per measure


@dataclass
class FindingRow:
    cells: tuple[str, str, str]
    total: int
    hazards: int
    normal: int
    other: int

    @property
    def rate(self) -> float | None:
        return self.hazards / self.total if self.total else None

    @property
    def rate_label(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


REAL_RESULTS = (CheckStatus.NORMAL, CheckStatus.HAZARD_FOUND, CheckStatus.OTHER)


def finding_rates(user: Any, scope: Scope, period: Period) -> list[FindingRow]:
    """Per measure: real records (正常 / 存在隐患 / 其他, late ones included; 未排查 left out)
    made in the period, and how many found a hazard. Most findings first."""
    records = scope.records(
        CheckRecord.objects.visible_to(user).filter(
            status__in=REAL_RESULTS,
            check_time__gte=period.lower,
            check_time__lt=period.upper,
        )
    )
    rows = (
        records.values(
            "occurrence__measure",
            "occurrence__measure__description",
            "occurrence__measure__event__name",
            "occurrence__measure__event__unit__risk_object__name",
        )
        .annotate(
            total=Count("pk"),
            # Not "hazards": that name is CheckRecord's reverse relation to hazards.Hazard.
            found=Count("pk", filter=Q(status=CheckStatus.HAZARD_FOUND)),
            normal=Count("pk", filter=Q(status=CheckStatus.NORMAL)),
            other=Count("pk", filter=Q(status=CheckStatus.OTHER)),
        )
        .order_by(
            "-found",
            "-total",
            "occurrence__measure__event__unit__risk_object__name",
            "occurrence__measure",
        )
    )
    out = []
    for row in rows:
        if row["occurrence__measure"] is None:
            cells = ("", "", _("（专项排查自定条目）"))
        else:
            cells = (
                row["occurrence__measure__event__unit__risk_object__name"],
                row["occurrence__measure__event__name"],
                row["occurrence__measure__description"],
            )
        out.append(FindingRow(cells, row["total"], row["found"], row["normal"], row["other"]))
    return out


# --------------------------------------------------------------------------------------------
# Daily load (the task-load governor)


@dataclass
class LoadRow:
    """One person's load on one day: ``walks`` merges the items at one risk point in one
    window (the rule of ``queries.walks``)."""

    membership: Membership
    walks: int = 0
    items: int = 0
    tally: Tally = field(default_factory=Tally)


def daily_load(user: Any, scope: Scope, day: dt.date) -> list[LoadRow]:
    """Each person in scope with the walks and items whose window overlaps ``day``
    (cancelled ones left out). The database groups by (person, risk point, window): one row
    per walk."""
    start, end = day_bounds(day)
    qs = scope.occurrences(
        overlapping(CheckOccurrence.objects.visible_to(user), start, end).exclude(
            status=OccurrenceStatus.CANCELLED
        )
    )
    rows = {m.user_id: LoadRow(m) for m in people_in_tree_order(user, scope)}
    for walk in responsibility(qs, "risk_object", "window_start", "window_end"):
        row = rows.get(walk["person"])
        if row is None:
            continue
        row.walks += 1
        row.tally.add(walk)
        row.items += walk["done"] + walk["missed"] + walk["open"]
    return list(rows.values())


# --------------------------------------------------------------------------------------------
# 隐患排查清单 (SCL): active tasks × their measure chain


def checklist_tasks(user: Any, unit: OrgUnit | None = None) -> QuerySet[CheckTask]:
    """The enterprise's active tasks of active measures, in register order; ``unit`` keeps the
    tasks of that org unit's subtree (by post, else assignee, else the risk point's unit)."""
    qs = CheckTask.objects.visible_to(user).filter(
        is_active=True,
        measure__retired_at__isnull=True,
        measure__event__retired_at__isnull=True,
        measure__event__unit__retired_at__isnull=True,
        measure__event__unit__risk_object__retired_at__isnull=True,
    )
    if unit is not None:
        pairs = OrgUnit.objects.visible_to(user).values_list("pk", "parent_id")
        qs = qs.alias(task_unit=task_unit_of()).filter(
            task_unit__in=sorted(subtree(pairs, unit.pk))
        )
    return qs.select_related(
        "measure__event__unit__risk_object__responsible_unit", "post", "assignee"
    ).order_by(
        "measure__event__unit__risk_object__sort_order",
        "measure__event__unit__risk_object_id",
        "measure__event__unit__sort_order",
        "measure__event__unit_id",
        "measure__event__sort_order",
        "measure__event_id",
        "measure__sort_order",
        "measure_id",
        "id",
    )


# --------------------------------------------------------------------------------------------
# The paper check sheet of a post


@dataclass
class SheetLine:
    """One line of the sheet: a task (blank sheet) or that day's occurrence of it."""

    number: int
    task: CheckTask | None
    content: str
    measure: str
    event: str
    frequency: str
    window: str = ""


@dataclass
class SheetGroup:
    risk_object: RiskObject | None
    qr_url: str = ""
    lines: list[SheetLine] = field(default_factory=list)


def sheet_groups(user: Any, post: Post, day: dt.date | None, absolute_url: Any) -> list[SheetGroup]:
    """The post's active tasks grouped by risk point (register order); with ``day``, one line
    per occurrence of the post whose window overlaps that day instead. ``absolute_url`` turns
    a risk point's QR path into a full URL."""
    groups: dict[int | None, SheetGroup] = {}

    def group_for(obj: RiskObject | None) -> SheetGroup:
        key = obj.pk if obj is not None else None
        if key not in groups:
            url = absolute_url(reverse("risk_point_qr", args=[obj.public_id])) if obj else ""
            groups[key] = SheetGroup(obj, url)
        return groups[key]

    number = 0
    if day is None:
        tasks = checklist_tasks(user).filter(post=post).select_related("measure__event__unit")
        for task in tasks:
            number += 1
            event = task.measure.event
            group_for(event.unit.risk_object).lines.append(
                SheetLine(
                    number,
                    task,
                    task.content,
                    task.measure.description,
                    f"{event.unit.name} · {event.name}",
                    task.frequency_label,
                )
            )
        return list(groups.values())
    start, end = day_bounds(day)
    occurrences = (
        overlapping(CheckOccurrence.objects.visible_to(user).filter(post=post), start, end)
        .exclude(status=OccurrenceStatus.CANCELLED)
        .select_related("risk_object", "task", "special_item", "measure__event__unit")
        .order_by("risk_object__sort_order", "risk_object_id", "window_start", "measure_id", "id")
    )
    for occurrence in occurrences:
        number += 1
        measure = occurrence.measure
        chain = measure.event if measure is not None else None
        group_for(occurrence.risk_object).lines.append(
            SheetLine(
                number,
                occurrence.task,
                occurrence.content,
                measure.description if measure is not None else "",
                f"{chain.unit.name} · {chain.name}" if chain is not None else "",
                occurrence.task.frequency_label if occurrence.task is not None else "",
                window_on_day(occurrence.window_start, occurrence.window_end, day),
            )
        )
    return list(groups.values())


def sheet_posts(user: Any) -> QuerySet[Post]:
    """Active posts with their count of active tasks (for choosing a sheet)."""
    active = Q(
        check_tasks__is_active=True,
        check_tasks__measure__retired_at__isnull=True,
        check_tasks__measure__event__retired_at__isnull=True,
    )
    return (
        Post.objects.visible_to(user)
        .filter(is_active=True)
        .select_related("org_unit")
        .annotate(task_count=Count("check_tasks", filter=active))
        .order_by("org_unit__sort_order", "org_unit__name", "name")
    )


# --------------------------------------------------------------------------------------------
# 补录: the occurrences a paper sheet of one day covers


def backfill_occurrences(
    user: Any,
    scope: Scope,
    day: dt.date,
    *,
    post: Post | None = None,
    person: Any | None = None,
    statuses: Sequence[str] = (OccurrenceStatus.OPEN, OccurrenceStatus.MISSED),
) -> QuerySet[CheckOccurrence]:
    """The occurrences of ``post`` (or that are ``person``'s) whose window overlaps ``day``, in
    the given statuses, in window order."""
    start, end = day_bounds(day)
    qs = overlapping(CheckOccurrence.objects.visible_to(user, "manage_inspections"), start, end)
    qs = scope.occurrences(qs.filter(status__in=list(statuses)))
    if post is not None:
        qs = qs.filter(post=post)
    elif person is not None:
        mine = CheckOccurrence.objects.filter(enterprise_id=scope.enterprise_id).filter(
            person_q(person)
        )
        qs = qs.filter(pk__in=mine.values("pk"))
    else:
        qs = qs.none()
    return qs.select_related(
        "risk_object",
        "measure",
        "task",
        "special_item__inspection",
        "post",
        "assignee",
        "record__checked_by",
        "record__entered_by",
    ).order_by("window_start", "risk_object__sort_order", "risk_object_id", "id")


def occurrences_by_ids(user: Any, scope: Scope, ids: Sequence[str]) -> list[CheckOccurrence]:
    """The in-scope occurrences with these public ids, for 补录 (404 if any is missing or
    out of reach: a forged or stale id never writes a record)."""
    try:
        wanted = {uuid.UUID(str(value)) for value in ids}
    except ValueError as exc:
        raise Http404 from exc
    qs = scope.occurrences(
        CheckOccurrence.objects.visible_to(user, "manage_inspections").filter(public_id__in=wanted)
    )
    found = list(
        qs.select_related(
            "risk_object", "measure", "task", "special_item__inspection", "post", "assignee"
        ).order_by("window_start", "risk_object__sort_order", "risk_object_id", "id")
    )
    if len(found) != len(wanted):
        raise Http404
    return found


def enterprise_people(user: Any) -> list[Any]:
    """The enterprise's active members (who may have done a paper check), by name."""
    return [
        m.user
        for m in Membership.objects.visible_to(user)
        .filter(is_active=True)
        .select_related("user")
        .order_by("user__name", "user__username")
    ]


def first_holder(post: Post) -> Any | None:
    membership = (
        Membership.objects.filter(enterprise_id=post.enterprise_id, posts=post, is_active=True)
        .select_related("user")
        .order_by("user__name", "pk")
        .first()
    )
    return membership.user if membership is not None else None
