"""What the regulator sees of hazards (domain.md §9 "hazard supervision"): counts by grade and
state, overdue hazards with their reminders and escalation, the 重大 hazards with their
reports, the report inbox, and the small summaries on the jurisdiction home and an
enterprise's page. Every function takes an already scoped queryset
(``Hazard.objects.visible_to(user)``) or the user, never an unscoped one.

*Overdue* is the deadline job's definition (``hazards.deadlines``): confirmed and not
accepted (整改中 or 待验收) and past the deadline; cancelled and unconfirmed hazards never
count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from dualprev.hazards.choices import HazardStatus, RegulatorReportKind
from dualprev.hazards.deadlines import OVERDUE_STATUSES
from dualprev.hazards.models import Hazard, MajorHazardPlan, RegulatorReport
from dualprev.reference.choices import HazardLevel

S = HazardStatus
OPEN = (S.REPORTED, S.RECTIFYING, S.PENDING_ACCEPT)
# Columns of the grade × state table (confirmed hazards; 待确认 is shown on its own).
STATE_COLUMNS = (S.RECTIFYING, S.PENDING_ACCEPT, S.ACCEPTED)
LEVEL_ROWS = (HazardLevel.GENERAL, HazardLevel.LARGER, HazardLevel.MAJOR)


def overdue_q(now: dt.datetime) -> Q:
    return Q(status__in=OVERDUE_STATUSES, deadline__lt=now)


def grade_state_counts(hazards: QuerySet[Hazard], now: dt.datetime) -> dict[str, Any]:
    """One aggregate query: confirmed hazards by grade and state, the unconfirmed (待确认),
    the overdue and the open 重大 ones. Cancelled hazards count nowhere. The 较大 row shows
    only when an enterprise uses that tier."""
    aggregates: dict[str, Any] = {
        "reported": Count("pk", filter=Q(status=S.REPORTED)),
        "overdue": Count("pk", filter=overdue_q(now)),
        "major_open": Count("pk", filter=Q(level=HazardLevel.MAJOR, status__in=OPEN)),
    }
    for level in LEVEL_ROWS:
        for status in STATE_COLUMNS:
            aggregates[f"l{level}_{status}"] = Count("pk", filter=Q(level=level, status=status))
    figures = hazards.order_by().aggregate(**aggregates)
    rows = []
    totals = dict.fromkeys(STATE_COLUMNS, 0)
    for level in LEVEL_ROWS:
        cells = [figures[f"l{level}_{status}"] for status in STATE_COLUMNS]
        if level == HazardLevel.LARGER and not any(cells):
            continue
        for status, n in zip(STATE_COLUMNS, cells, strict=True):
            totals[status] += n
        rows.append(
            {"level": level, "label": _level_label(level), "cells": cells, "total": sum(cells)}
        )
    return {
        "columns": [S(status).label for status in STATE_COLUMNS],
        "rows": rows,
        "totals": [totals[status] for status in STATE_COLUMNS],
        "total": sum(totals.values()),
        "reported": figures["reported"],
        "overdue": figures["overdue"],
        "major_open": figures["major_open"],
        "open": sum(totals[s] for s in (S.RECTIFYING, S.PENDING_ACCEPT)) + figures["reported"],
    }


def _level_label(level: int) -> str:
    return _("较大") if level == HazardLevel.LARGER else str(HazardLevel(level).label)


def overdue_hazards(hazards: QuerySet[Hazard], now: dt.datetime) -> QuerySet[Hazard]:
    """Overdue hazards, the longest overdue first."""
    return (
        hazards.filter(overdue_q(now))
        .select_related("enterprise", "escalated_to", "liable_person", "responsible_unit")
        .order_by("deadline", "pk")
    )


def days_overdue(hazard: Hazard, now: dt.datetime) -> int:
    assert hazard.deadline is not None
    return max((now - hazard.deadline).days, 0)


def major_hazards(hazards: QuerySet[Hazard], user: Any) -> QuerySet[Hazard]:
    """The 重大 hazards (not cancelled), open ones first, each with its reports to the
    regulator (prefetched, newest first)."""
    reports = RegulatorReport.objects.visible_to(user).order_by("-submitted_at", "-pk")
    closed = ExpressionWrapper(Q(status=S.ACCEPTED), output_field=BooleanField())
    return (
        hazards.filter(level=HazardLevel.MAJOR)
        .exclude(status=S.CANCELLED)
        .select_related("enterprise", "major_plan")
        .prefetch_related(Prefetch("regulator_reports", queryset=reports))
        .order_by(closed.asc(), "-found_at", "-pk")
    )


def report_inbox(reports: QuerySet[RegulatorReport]) -> QuerySet[RegulatorReport]:
    """Reports not yet acknowledged first, then the newest."""
    pending = ExpressionWrapper(Q(acknowledged_at__isnull=True), output_field=BooleanField())
    return reports.select_related(
        "enterprise", "hazard", "submitted_by", "acknowledged_by"
    ).order_by(pending.desc(), "-submitted_at", "-pk")


def jurisdiction_line(user: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """For the regulator's home: overdue hazards and reports waiting to be acknowledged."""
    now = now or timezone.now()
    hazards = (
        Hazard.objects.visible_to(user)
        .order_by()
        .aggregate(
            overdue=Count("pk", filter=overdue_q(now)),
            major_open=Count("pk", filter=Q(level=HazardLevel.MAJOR, status__in=OPEN)),
        )
    )
    pending = RegulatorReport.objects.visible_to(user).filter(acknowledged_at__isnull=True).count()
    return {**hazards, "pending_reports": pending}


def enterprise_card(user: Any, enterprise: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """An enterprise's hazards as its regulator sees them: open (and of them unconfirmed,
    rectifying, waiting for acceptance), overdue, open 重大, reports waiting to be
    acknowledged, and the overdue and open 重大 hazards themselves (up to ten)."""
    now = now or timezone.now()
    hazards = Hazard.objects.visible_to(user).filter(enterprise=enterprise)
    counts = hazards.order_by().aggregate(
        open=Count("pk", filter=Q(status__in=OPEN)),
        reported=Count("pk", filter=Q(status=S.REPORTED)),
        rectifying=Count("pk", filter=Q(status=S.RECTIFYING)),
        pending_accept=Count("pk", filter=Q(status=S.PENDING_ACCEPT)),
        overdue=Count("pk", filter=overdue_q(now)),
        major_open=Count("pk", filter=Q(level=HazardLevel.MAJOR, status__in=OPEN)),
        accepted=Count("pk", filter=Q(status=S.ACCEPTED)),
    )
    watch = list(
        hazards.filter(overdue_q(now) | Q(level=HazardLevel.MAJOR, status__in=OPEN))
        .select_related("escalated_to")
        .order_by("deadline", "pk")[:10]
    )
    for hazard in watch:
        hazard.days_overdue = (
            days_overdue(hazard, now)
            if hazard.status in OVERDUE_STATUSES and hazard.deadline and hazard.deadline < now
            else None
        )
    pending = (
        RegulatorReport.objects.visible_to(user)
        .filter(enterprise=enterprise, acknowledged_at__isnull=True)
        .count()
    )
    return {"counts": counts, "watch": watch, "pending_reports": pending, "enterprise": enterprise}


# --- A report's snapshot, readable -------------------------------------------------------------

_HAZARD_KEYS = ("number", "name", "description", "location", "status", "deadline")


def report_sections(report: RegulatorReport) -> list[tuple[str, list[tuple[str, str]]]]:
    """The report's snapshot (``content``, as submitted) as titled lists of (label, text):
    the hazard, its interim measures, the treatment plan and report analysis, the evaluation
    and the resumption application. Keys this page does not know are shown as they are."""
    content = dict(report.content or {})
    hazard_rows = [
        (_("报告时状态") if key == "status" else _field_label(Hazard, key), _text(key, value))
        for key, value in ((key, content.pop(key, None)) for key in _HAZARD_KEYS)
    ]
    sections: list[tuple[str, list[tuple[str, str]]]] = [(_("隐患基本情况"), hazard_rows)]
    interim = content.pop("interim_measures", "")
    if interim:
        sections.append((_("临时管控措施"), [(_field_label(Hazard, "interim_measures"), interim)]))
    plan = content.pop("plan", None) or {}
    if plan:
        rows = [
            (_field_label(MajorHazardPlan, key), _text(key, value)) for key, value in plan.items()
        ]
        sections.append((_("治理方案及报告分析"), rows))
    later = []
    evaluation = content.pop("evaluation_conclusion", "")
    if evaluation:
        later.append((_field_label(MajorHazardPlan, "evaluation_conclusion"), evaluation))
    resumption = content.pop("resumption_text", "")
    if resumption or report.kind == RegulatorReportKind.RESUMPTION:
        later.append((_field_label(MajorHazardPlan, "resumption_text"), resumption or "—"))
    if later:
        sections.append((_("评估与复产"), later))
    if content:
        sections.append((_("其他"), [(key, _text(key, value)) for key, value in content.items()]))
    return sections


def _field_label(model: Any, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _text(key: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if key == "status":
        try:
            return str(HazardStatus(value).label)
        except ValueError:
            return str(value)
    if key == "deadline" and isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is not None:
            return f"{timezone.localtime(parsed):%Y-%m-%d %H:%M}"
    if value in (True, "True"):
        return _("是")
    if value in (False, "False"):
        return _("否")
    return str(value)
