"""The regulator's hazard pages (domain.md §9 hazard supervision): the jurisdiction overview
(grade × state, overdue hazards, 重大 hazards and their reports) and the inbox of reports
enterprises sent (重大 report, 复产申请, 销号), which district supervisors and street staff
acknowledge. Industry departments and the city read them only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualprev.accounts.roles import SUPERVISE
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.hazards.access import access_regulator_report
from dualprev.hazards.actions import acknowledge_report
from dualprev.hazards.models import Hazard, RegulatorReport
from dualprev.hazards.stats import StatsPeriod, period_statistics
from dualprev.hazards.workflow import TransitionError
from dualprev.supervision import hazard_queries as q
from dualprev.supervision.forms_hazards import AcknowledgeForm, HazardOverviewFilter, ReportFilter

PAGE_SIZE = 50


def _querystring(request: HttpRequest, *drop: str) -> str:
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return (query.urlencode() + "&") if query else ""


@route("regulator")
def hazard_overview(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = HazardOverviewFilter(request.GET or None, user=request.user)
    hazards = form.apply(Hazard.objects.visible_to(request.user))
    overdue_page = Paginator(q.overdue_hazards(hazards, now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for hazard in overdue_page:
        hazard.days_overdue = q.days_overdue(hazard, now)  # type: ignore[attr-defined]
    major_page = Paginator(q.major_hazards(hazards, request.user), PAGE_SIZE).get_page(
        request.GET.get("major_page")
    )
    context = {
        "form": form,
        "enterprise": form.chosen_enterprise,
        "table": q.grade_state_counts(hazards, now),
        "page_obj": overdue_page,
        "major_page": major_page,
        "quarter": _quarter_figures(hazards, now),
        "querystring_without_page": _querystring(request, "page"),
        "querystring_without_major_page": _querystring(request, "major_page"),
    }
    return render(request, "supervision/hazards/overview.html", context)


def _quarter_figures(hazards: QuerySet[Hazard], now: dt.datetime) -> dict[str, Any]:
    """This quarter's statistics of the same hazards (``hazards.stats``)."""
    period = StatsPeriod.current_quarter(timezone.localdate(now))
    return period_statistics(hazards, period, now=now)


@route("regulator")
def report_list(request: HttpRequest) -> HttpResponse:
    form = ReportFilter(request.GET or None)
    reports = q.report_inbox(form.apply(RegulatorReport.objects.visible_to(request.user)))
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "pending": RegulatorReport.objects.visible_to(request.user)
        .filter(acknowledged_at__isnull=True)
        .count(),
        "querystring_without_page": _querystring(request, "page"),
    }
    return render(request, "supervision/hazards/report_list.html", context)


@route("regulator", subject=RegulatorReport)
def report_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    report = access_regulator_report(request.user, public_id)
    context = {
        "report": report,
        "hazard": report.hazard,
        "sections": q.report_sections(report),
        "may_acknowledge": actor_for(request.user).can(SUPERVISE)
        and report.acknowledged_at is None,
        "form": AcknowledgeForm(),
    }
    return render(request, "supervision/hazards/report_detail.html", context)


@route("regulator", action=SUPERVISE, subject=RegulatorReport)
@require_POST
def report_acknowledge(request: HttpRequest, public_id: str) -> HttpResponse:
    report = access_regulator_report(request.user, public_id, SUPERVISE)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("note", []):
            messages.error(request, str(error))
        return redirect("supervision:hazard_report_detail", public_id=report.public_id)
    try:
        acknowledge_report(report=report, acting_user=request.user, note=form.cleaned_data["note"])
    except (TransitionError, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("已签收“%(kind)s”（%(number)s）。")
            % {"kind": report.get_kind_display(), "number": report.hazard.number},
        )
    return redirect("supervision:hazard_report_detail", public_id=report.public_id)
