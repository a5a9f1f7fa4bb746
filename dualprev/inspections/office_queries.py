"""Read helpers of the inspection office pages (hub, tasks, 停用/检修, special inspections,
commitments). Every function starts from ``visible_to`` or from the caller's own enterprise;
none widens what the caller may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from dualprev.accounts.choices import EnterpriseRole
from dualprev.accounts.models import Membership
from dualprev.inspections.actions import (
    defaults_for,
    inspection_settings,
    missing_commitment_days,
    today_start,
)
from dualprev.inspections.choices import DeactivationKind, OccurrenceStatus
from dualprev.inspections.generation import local_tz
from dualprev.inspections.models import (
    CheckOccurrence,
    CheckTask,
    Deactivation,
    HazardDraft,
    InspectionSettings,
    SafetyCommitment,
    SpecialInspection,
    SpecialInspectionItem,
)
from dualprev.orgs.models import Enterprise, OrgUnit
from dualprev.reference.choices import CheckStatus
from dualprev.reference.models import Dataset, MajorHazardCriterion
from dualprev.risks.models import ControlMeasure, RiskUnit

PAGE_SIZE = 50
MEASURE_PICK_LIMIT = 200


def paginate(rows: QuerySet[Any], number: Any, size: int = PAGE_SIZE) -> Page:
    return Paginator(rows, size).get_page(number)


def querystring_without_page(query: Any) -> str:
    """The current filters, ready to prefix ``page=`` (see includes/pagination.html)."""
    query = query.copy()
    query.pop("page", None)
    return (query.urlencode() + "&") if query else ""


# --- Hub -------------------------------------------------------------------------------------


def today_figures(user: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """Today's checks of the user's enterprise: due (windows touching today, not cancelled),
    done, missed and still open."""
    start = today_start(now)
    qs = CheckOccurrence.objects.visible_to(user).filter(
        window_start__lt=start + dt.timedelta(days=1), window_end__gt=start
    )
    figures = qs.exclude(status=OccurrenceStatus.CANCELLED).aggregate(
        due=Count("id"),
        done=Count("id", filter=Q(status=OccurrenceStatus.DONE)),
        missed=Count("id", filter=Q(status=OccurrenceStatus.MISSED)),
        open=Count("id", filter=Q(status=OccurrenceStatus.OPEN)),
    )
    return {key: value or 0 for key, value in figures.items()}


def hub_counts(user: Any, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    today = timezone.localtime(now, local_tz()).date()
    return {
        "tasks": CheckTask.objects.visible_to(user).filter(is_active=True).count(),
        "deactivations": current_deactivations(Deactivation.objects.visible_to(user), now).count(),
        "special": SpecialInspection.objects.visible_to(user)
        .filter(start_date__lte=today, end_date__gte=today)
        .count(),
    }


# --- Tasks -----------------------------------------------------------------------------------


def subtree_ids(unit: OrgUnit) -> list[int]:
    """``unit`` and every unit below it (one query over the enterprise's units)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in OrgUnit.objects.filter(enterprise_id=unit.enterprise_id).values_list(
        "pk", "parent_id"
    ):
        children.setdefault(parent_id, []).append(pk)
    found, stack = [], [unit.pk]
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.append(pk)
        stack.extend(children.get(pk, []))
    return found


def task_rows(user: Any, filters: dict[str, Any]) -> QuerySet[CheckTask]:
    tasks = CheckTask.objects.visible_to(user).select_related(
        "measure__event__unit__risk_object", "post__org_unit", "assignee"
    )
    if q := (filters.get("q") or "").strip():
        tasks = tasks.filter(
            Q(content__icontains=q)
            | Q(measure__description__icontains=q)
            | Q(measure__event__name__icontains=q)
            | Q(measure__event__unit__risk_object__name__icontains=q)
        )
    if filters.get("department"):
        units = subtree_ids(filters["department"])
        tasks = tasks.filter(
            Q(post__org_unit_id__in=units) | Q(assignee__membership__org_unit_id__in=units)
        )
    if filters.get("post"):
        tasks = tasks.filter(post=filters["post"])
    if filters.get("risk_object"):
        tasks = tasks.filter(measure__event__unit__risk_object=filters["risk_object"])
    if filters.get("cycle_unit"):
        tasks = tasks.filter(cycle_unit=filters["cycle_unit"])
    if filters.get("work_type") not in (None, ""):
        tasks = tasks.filter(work_type=int(filters["work_type"]))
    if filters.get("active") in ("0", "1"):
        tasks = tasks.filter(is_active=filters["active"] == "1")
    return tasks.order_by(
        "-is_active",
        "measure__event__unit__risk_object__sort_order",
        "measure__event__unit__risk_object_id",
        "measure__event_id",
        "measure_id",
        "id",
    )


def new_task_initial(measure: ControlMeasure) -> dict[str, Any]:
    """A new task's starting values: the measure's check content and post, and the default
    frequency of its control level (the same rule as the tasks made automatically)."""
    from dualprev.orgs.choices import IndustryGroup

    risk_object = measure.event.unit.risk_object
    wanted = defaults_for(
        measure,
        inspection_settings(measure.enterprise_id),
        is_whp=measure.enterprise.industry.group == IndustryGroup.WHP,
        on_major_hazard=bool(risk_object.hazard_code)
        or risk_object.major_hazard_sources.filter(is_major=True).exists(),
    )
    post_id = measure.responsible_post_id
    return {
        "content": (measure.check_content or "").strip() or measure.description,
        "cycle": wanted.cycle,
        "cycle_unit": wanted.cycle_unit,
        "work_start": wanted.work_start,
        "work_end": wanted.work_end,
        "post": post_id,
        "assignee": None if post_id else risk_object.responsible_person_id,
    }


def upcoming_occurrences(user: Any, task: CheckTask, limit: int = 6) -> list[CheckOccurrence]:
    """The task's next checks (the one running now first)."""
    return list(
        CheckOccurrence.objects.visible_to(user)
        .filter(task=task, window_end__gt=timezone.now())
        .exclude(status=OccurrenceStatus.CANCELLED)
        .select_related("post", "assignee")
        .order_by("window_start")[:limit]
    )


def measure_tasks(user: Any, measure: ControlMeasure) -> list[CheckTask]:
    return list(
        CheckTask.objects.visible_to(user)
        .filter(measure=measure)
        .select_related("post", "assignee")
    )


# --- 停用/检修 ---------------------------------------------------------------------------------


def current_deactivations(
    qs: QuerySet[Deactivation], now: dt.datetime | None = None
) -> QuerySet[Deactivation]:
    now = now or timezone.now()
    return qs.filter(start__lte=now).filter(Q(end__isnull=True) | Q(end__gt=now))


def deactivation_rows(user: Any, now: dt.datetime | None = None) -> QuerySet[Deactivation]:
    """Current periods first (then planned ones, then finished), newest first in each."""
    now = now or timezone.now()
    return (
        Deactivation.objects.visible_to(user)
        .select_related("risk_unit__risk_object", "recorded_by")
        .annotate(
            phase=Case(
                When(Q(start__lte=now) & (Q(end__isnull=True) | Q(end__gt=now)), then=Value(0)),
                When(start__gt=now, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("phase", "-start", "-id")
    )


# --- Special inspections ---------------------------------------------------------------------


def special_rows(user: Any) -> QuerySet[SpecialInspection]:
    return (
        SpecialInspection.objects.visible_to(user)
        .select_related("leader")
        .annotate(
            n_items=Count("items", distinct=True),
            n_done=Count(
                "items__occurrences",
                filter=Q(items__occurrences__status=OccurrenceStatus.DONE),
                distinct=True,
            ),
            n_hazards=Count(
                "items__occurrences__records",
                filter=Q(items__occurrences__records__status=CheckStatus.HAZARD_FOUND),
                distinct=True,
            ),
        )
        .order_by("-start_date", "-id")
    )


@dataclass
class ItemRow:
    item: SpecialInspectionItem
    occurrence: CheckOccurrence | None

    @property
    def record(self) -> Any:
        return self.occurrence.record if self.occurrence is not None else None


def special_items(user: Any, inspection: SpecialInspection) -> list[ItemRow]:
    items = list(
        SpecialInspectionItem.objects.visible_to(user)
        .filter(inspection=inspection)
        .select_related("measure", "criterion__dataset", "risk_object")
    )
    occurrences = {
        o.special_item_id: o
        for o in CheckOccurrence.objects.visible_to(user)
        .filter(special_item__in=items)
        .select_related("record__checked_by")
    }
    return [ItemRow(item, occurrences.get(item.pk)) for item in items]


def special_progress(rows: list[ItemRow]) -> dict[str, int]:
    statuses = [row.occurrence.status for row in rows if row.occurrence is not None]
    total = len(rows)
    done = statuses.count(OccurrenceStatus.DONE)
    return {
        "total": total,
        "done": done,
        "missed": statuses.count(OccurrenceStatus.MISSED),
        "open": statuses.count(OccurrenceStatus.OPEN),
        "percent": round(done * 100 / total) if total else 0,
    }


def special_hazards(user: Any, inspection: SpecialInspection) -> QuerySet[HazardDraft]:
    return (
        HazardDraft.objects.visible_to(user)
        .filter(occurrence__special_item__inspection=inspection)
        .select_related("reported_by", "risk_object", "record")
    )


def pickable_measures(
    user: Any, filters: dict[str, Any], limit: int = MEASURE_PICK_LIMIT
) -> tuple[list[ControlMeasure], bool]:
    """Active measures to pick checklist items from; ``True`` when more than ``limit`` match."""
    qs = (
        ControlMeasure.objects.visible_to(user)
        .filter(
            retired_at__isnull=True,
            event__retired_at__isnull=True,
            event__unit__retired_at__isnull=True,
            event__unit__risk_object__retired_at__isnull=True,
        )
        .select_related("event__unit__risk_object")
        .order_by(
            "event__unit__risk_object__sort_order",
            "event__unit__risk_object_id",
            "event__unit_id",
            "event_id",
            "sort_order",
            "id",
        )
    )
    if filters.get("risk_object"):
        qs = qs.filter(event__unit__risk_object=filters["risk_object"])
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(
            Q(description__icontains=q)
            | Q(check_content__icontains=q)
            | Q(event__name__icontains=q)
            | Q(event__unit__name__icontains=q)
            | Q(event__unit__risk_object__name__icontains=q)
        )
    rows = list(qs[: limit + 1])
    return rows[:limit], len(rows) > limit


def used_measure_ids(inspection: SpecialInspection) -> set[int]:
    return set(inspection.items.filter(measure__isnull=False).values_list("measure_id", flat=True))


def used_criterion_ids(inspection: SpecialInspection) -> set[int]:
    return set(
        inspection.items.filter(criterion__isnull=False).values_list("criterion_id", flat=True)
    )


def criteria_of(dataset: Dataset | None) -> list[MajorHazardCriterion]:
    if dataset is None:
        return []
    return list(dataset.criteria.select_related("group").order_by("number"))


# --- Commitments -----------------------------------------------------------------------------


def main_leader_name(enterprise: Enterprise) -> str:
    membership = (
        Membership.objects.filter(
            enterprise=enterprise, role=EnterpriseRole.MAIN_LEADER, is_active=True
        )
        .select_related("user")
        .order_by("id")
        .first()
    )
    return membership.user.display_name if membership is not None else ""


def commitment_unit_counts(
    enterprise: Enterprise, now: dt.datetime | None = None
) -> dict[str, int]:
    """A suggestion for today's unit figures from the 停用/检修 records: units down now by
    kind, and the other active analysis units as running."""
    now = now or timezone.now()
    down = dict(
        current_deactivations(Deactivation.objects.filter(enterprise=enterprise), now)
        .values_list("kind")
        .annotate(n=Count("risk_unit", distinct=True))
        .order_by()
        .values_list("kind", "n")
    )
    total = RiskUnit.objects.filter(
        enterprise=enterprise, retired_at__isnull=True, risk_object__retired_at__isnull=True
    ).count()
    stopped = down.get(DeactivationKind.STOPPED, 0)
    maintenance = down.get(DeactivationKind.MAINTENANCE, 0)
    return {
        "units_running": max(0, total - stopped - maintenance),
        "units_stopped": stopped,
        "units_maintenance": maintenance,
    }


@dataclass
class CommitmentDay:
    date: dt.date
    commitment: SafetyCommitment | None
    missing: bool  # required, past the deadline and not filed
    late: bool  # filed after that day's deadline


def commitment_days(
    user: Any,
    enterprise: Enterprise,
    settings_row: InspectionSettings,
    *,
    required: bool,
    end: dt.date,
    days: int = 30,
    now: dt.datetime | None = None,
) -> tuple[list[CommitmentDay], dt.date]:
    """The ``days`` days up to ``end`` (newest first), each with its commitment and whether it
    is missing. Days before the enterprise was registered are left out. Returns the rows and
    the first day shown."""
    now = now or timezone.now()
    first_day = timezone.localtime(enterprise.created_at, local_tz()).date()
    start = max(end - dt.timedelta(days=days - 1), first_day)
    rows = {
        c.date: c
        for c in SafetyCommitment.objects.visible_to(user)
        .filter(date__gte=start, date__lte=end)
        .select_related("committed_by")
    }
    missing = set(missing_commitment_days(enterprise, start, end, now=now)) if required else set()
    deadline = settings_row.commitment_deadline
    out = []
    day = end
    while day >= start:
        row = rows.get(day)
        late = bool(
            row is not None
            and timezone.localtime(row.committed_at, local_tz())
            > dt.datetime.combine(day, deadline, tzinfo=local_tz())
        )
        out.append(CommitmentDay(day, row, day in missing, late))
        day -= dt.timedelta(days=1)
    return out, start
