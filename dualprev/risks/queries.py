"""Read helpers of the risk register pages: the querysets behind the register, the object tree
and the counts. Every one starts from ``visible_to`` (the tenancy choke point)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from dualprev.orgs.models import OrgUnit
from dualprev.reference.choices import RISK_LEVEL_COLOURS, RiskLevel
from dualprev.risks.choices import AssessmentReason
from dualprev.risks.models import Assessment, ControlMeasure, RiskEvent, RiskObject, RiskUnit

REGISTER_PAGE_SIZE = 50


def active_events(user: Any) -> QuerySet[RiskEvent]:
    return RiskEvent.objects.visible_to(user).filter(retired_at__isnull=True)


def colour_counts(events: QuerySet[RiskEvent]) -> dict[str, int]:
    """Events per residual colour plus 未评价 and the total, in one aggregate query."""
    spec = {
        str(RISK_LEVEL_COLOURS[level]): Count("id", filter=Q(residual_level=level))
        for level in RiskLevel.values
    }
    return events.order_by().aggregate(
        total=Count("id"), none=Count("id", filter=Q(residual_level__isnull=True)), **spec
    )


def register_rows(events: QuerySet[RiskEvent]) -> QuerySet[RiskEvent]:
    """The register's columns without N+1: one query for the rows, one for accident types
    (measure counts are added per page by ``paginate``)."""
    return (
        events.select_related(
            "unit__risk_object__responsible_unit", "residual_assessment", "owner_unit"
        )
        .prefetch_related("accident_types")
        .order_by(
            "unit__risk_object__sort_order",
            "unit__risk_object_id",
            "unit__sort_order",
            "unit_id",
            "sort_order",
            "id",
        )
    )


def paginate(
    rows: QuerySet[RiskEvent], number: Any, *, total: int, size: int = REGISTER_PAGE_SIZE
) -> Page:
    """A page of events whose total is already known (saves the paginator's COUNT query), each
    with ``measure_count``. The counts are one GROUP BY over the page's ids: annotating the
    whole queryset instead would aggregate every event before the LIMIT (4x slower at 5,000)."""
    paginator = Paginator(rows, size)
    paginator.__dict__["count"] = total  # Paginator.count is a cached_property
    page = paginator.get_page(number)
    events = list(page.object_list)
    counts = dict(
        ControlMeasure.objects.filter(event__in=events, retired_at__isnull=True)
        .values_list("event_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("event_id", "n")
    )
    for event in events:
        event.measure_count = counts.get(event.pk, 0)
    page.object_list = events
    return page


def object_rows(user: Any, *, show_retired: bool) -> QuerySet[RiskObject]:
    objects = RiskObject.objects.visible_to(user).select_related("responsible_unit")
    if not show_retired:
        objects = objects.filter(retired_at__isnull=True)
    return objects.annotate(
        unit_count=Count("units", filter=Q(units__retired_at__isnull=True), distinct=True),
        event_count=Count(
            "units__events", filter=Q(units__events__retired_at__isnull=True), distinct=True
        ),
        open_todos=Count("todos", filter=Q(todos__status="open"), distinct=True),
    )


def _measures(user: Any, show_retired: bool) -> QuerySet[ControlMeasure]:
    measures = ControlMeasure.objects.visible_to(user).select_related("responsible_post")
    return measures if show_retired else measures.filter(retired_at__isnull=True)


def _events(user: Any, show_retired: bool) -> QuerySet[RiskEvent]:
    events = RiskEvent.objects.visible_to(user).prefetch_related(
        "accident_types", Prefetch("measures", _measures(user, show_retired))
    )
    return events if show_retired else events.filter(retired_at__isnull=True)


def units_with_events(user: Any, risk_object: RiskObject, *, show_retired: bool) -> list[RiskUnit]:
    """The object's units → events → measures, for the object page's tree (four queries)."""
    units = RiskUnit.objects.visible_to(user).filter(risk_object=risk_object)
    if not show_retired:
        units = units.filter(retired_at__isnull=True)
    return list(units.prefetch_related(Prefetch("events", _events(user, show_retired))))


def unit_events(user: Any, unit: RiskUnit, *, show_retired: bool) -> list[RiskEvent]:
    return list(_events(user, show_retired).filter(unit=unit))


def event_measures(user: Any, event: RiskEvent, *, show_retired: bool) -> list[ControlMeasure]:
    return list(_measures(user, show_retired).filter(event=event))


def assessment_history(user: Any, event: RiskEvent) -> QuerySet[Assessment]:
    return (
        Assessment.objects.visible_to(user)
        .filter(event=event)
        .select_related("assessed_by")
        .order_by("-assessed_at", "-id")
    )


def rebanded_event_count(user: Any, since: dt.datetime) -> int:
    """How many events a settings change re-banded (new "profile_change" assessments)."""
    return (
        Assessment.objects.visible_to(user)
        .filter(reason=AssessmentReason.PROFILE_CHANGE, assessed_at__gte=since)
        .values("event_id")
        .distinct()
        .count()
    )


def events_owned_by(user: Any, unit: OrgUnit) -> QuerySet[RiskEvent]:
    """The active events ``unit`` owns under graded control (分级管控): those controlled at the
    unit itself or at any unit above it — a risk controlled at a level is also owned by every
    level below it."""
    return active_events(user).filter(owner_unit_id__in=owner_chain(unit))


def owner_chain(unit: OrgUnit) -> list[int]:
    """``unit`` and its ancestors: the units whose controlled risks ``unit`` also owns."""
    return [unit.pk, *(ancestor.pk for ancestor in unit.ancestors())]
