"""Hazard documents and reports: the printable PDFs of one hazard (整改通知书, 验收单, 重大
治理方案 and 报告), the 隐患治理台账 Excel, and the quarterly/annual statistics (page, Excel,
PDF).

Thin HTTP glue: documents come from ``hazards.pdf``, figures from ``hazards.stats``, files from
``hazards.exporters``. A hazard's documents are readable by whoever may see the hazard (the
register's visibility, ``queries.hazard_for_detail``); a document the hazard does not have
yet sends the reader back to the hazard's page with the reason. The ledger and statistics are
for those who manage hazards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from dualprev.accounts.roles import MANAGE_HAZARDS
from dualprev.core.access import route
from dualprev.documents.pdf import pdf_response, render_pdf
from dualprev.hazards import exporters, stats
from dualprev.hazards import pdf as documents
from dualprev.hazards.forms import RegisterFilterForm
from dualprev.hazards.models import Hazard
from dualprev.hazards.queries import filtered_hazards, hazard_for_detail
from dualprev.orgs.access import own_enterprise


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exporters.XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


def _document(
    request: HttpRequest,
    public_id: str,
    problem: Callable[[Hazard], str | None],
    render_document: Callable[[Hazard, HttpRequest], bytes],
    title: Callable[[Hazard], str],
) -> HttpResponse:
    hazard = hazard_for_detail(request.user, public_id)
    reason = problem(hazard)
    if reason is not None:
        messages.warning(request, reason)
        return redirect("hazards:detail", public_id=hazard.public_id)
    return pdf_response(render_document(hazard, request), f"{title(hazard)}-{hazard.number}.pdf")


@route("member", subject=Hazard)
def notice_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    """隐患整改通知书 (限期整改, once issued) or 隐患整改单 (即查即改, once confirmed)."""
    return _document(
        request,
        public_id,
        documents.notice_problem,
        documents.render_notice,
        lambda h: _("隐患整改单") if documents.is_immediate_sheet(h) else _("隐患整改通知书"),
    )


@route("member", subject=Hazard)
def acceptance_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    """隐患整改验收单, once accepted or once a rectification was rejected."""
    return _document(
        request,
        public_id,
        documents.acceptance_problem,
        documents.render_acceptance,
        lambda h: _("隐患整改验收单"),
    )


@route("member", subject=Hazard)
def major_plan_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    """重大事故隐患治理方案 (重大 hazards with a plan)."""
    return _document(
        request,
        public_id,
        documents.major_problem,
        documents.render_major_plan,
        lambda h: _("重大事故隐患治理方案"),
    )


@route("member", subject=Hazard)
def major_report_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    """重大事故隐患报告 to the district regulator (重大 hazards with a plan)."""
    return _document(
        request,
        public_id,
        documents.major_problem,
        documents.render_major_report,
        lambda h: _("重大事故隐患报告"),
    )


@route("enterprise", action=MANAGE_HAZARDS)
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    """隐患治理台账: every hazard of the enterprise the register's filters (same GET
    parameters as the register page) keep, one row each."""
    enterprise = own_enterprise(request.user)
    form = RegisterFilterForm(request.GET or None, enterprise_id=enterprise.pk)
    filters = form.filters() if form.is_bound else {}
    rows = exporters.ledger_queryset(filtered_hazards(request.user, filters))
    filtered = any(value not in (None, "", False) for value in filters.values())
    note = _("已按筛选条件导出") if filtered else ""
    data = exporters.export_ledger(enterprise, rows.iterator(chunk_size=1000), note=note)
    return _xlsx(data, f"{_('隐患治理台账')}-{timezone.localdate():%Y%m%d}.xlsx")


def _period(request: HttpRequest) -> stats.StatsPeriod:
    return stats.parse_period(request.GET.get("period"))


def _figures(request: HttpRequest, period: stats.StatsPeriod) -> dict[str, Any]:
    hazards = Hazard.objects.visible_to(request.user, MANAGE_HAZARDS)
    return stats.period_statistics(hazards, period)


def period_choices(current: stats.StatsPeriod, today: Any = None) -> list[stats.StatsPeriod]:
    """The periods offered in the picker: this and the last seven quarters, this and the last
    two years (and the chosen one, if older)."""
    this_quarter = stats.StatsPeriod.current_quarter(today)
    quarters = [this_quarter]
    while len(quarters) < 8:
        quarters.append(quarters[-1].previous())
    years = [stats.StatsPeriod(this_quarter.year - n) for n in range(3)]
    choices = quarters + years
    if current not in choices:
        choices.append(current)
    return choices


@route("enterprise", action=MANAGE_HAZARDS)
def stats_page(request: HttpRequest) -> HttpResponse:
    """隐患统计: the quarterly or annual figures (``?period=2026Q3`` or ``?period=2026``)."""
    enterprise = own_enterprise(request.user)
    try:
        period = _period(request)
    except stats.PeriodError as exc:
        fallback = stats.StatsPeriod.current_quarter()
        context = {
            "enterprise": enterprise,
            "error": str(exc),
            "period": fallback,
            "choices": period_choices(fallback),
        }
        return render(request, "hazards/reports/stats.html", context, status=400)
    figures = _figures(request, period)
    context = {
        "enterprise": enterprise,
        "period": period,
        "figures": figures,
        "choices": period_choices(period),
        "ledger_query": f"found_from={period.start:%Y-%m-%d}&found_to={period.end:%Y-%m-%d}",
    }
    return render(request, "hazards/reports/stats.html", context)


@route("enterprise", action=MANAGE_HAZARDS)
def stats_xlsx(request: HttpRequest) -> HttpResponse:
    try:
        period = _period(request)
    except stats.PeriodError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    enterprise = own_enterprise(request.user)
    data = exporters.export_statistics(enterprise, _figures(request, period))
    return _xlsx(data, f"{_('隐患统计')}-{period.key}.xlsx")


@route("enterprise", action=MANAGE_HAZARDS)
def stats_pdf(request: HttpRequest) -> HttpResponse:
    """The 16号令 statistics form of the period, to print, sign and submit."""
    try:
        period = _period(request)
    except stats.PeriodError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    enterprise = own_enterprise(request.user)
    context = {
        "enterprise": enterprise,
        "period": period,
        "figures": _figures(request, period),
        "regulator": documents.enterprise_regulator_name(enterprise),
        "printed_on": timezone.localdate(),
    }
    pdf = render_pdf("hazards/pdf/stats.html", context, request=request)
    return pdf_response(pdf, f"{_('事故隐患排查治理统计表')}-{period.key}.pdf")
