"""Oversight pages (``/inspections/reports/``, ``/inspections/load/``), the 隐患排查清单 Excel,
the paper check sheet per post (PDF) and 补录 (back-entry of paper results).

Thin HTTP glue: figures come from ``reports``, files from ``exporters``, the paper sheet from
``documents.pdf``, writes from ``actions.submit_check`` (through ``forms_reports``). Each
manager sees what they manage (``reports.scope_for``); regulators get nothing here."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _

from dualprev.accounts.roles import MANAGE_INSPECTIONS
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.documents.pdf import pdf_response, qr_data_uri, render_pdf
from dualprev.inspections import exporters, reports
from dualprev.inspections.forms_reports import (
    BackfillSelectForm,
    DayForm,
    MissedFilterForm,
    PeriodForm,
    backfill_rows,
    save_backfill,
)
from dualprev.orgs.access import access_org_unit, access_post, own_enterprise
from dualprev.orgs.models import OrgUnit, Post
from dualprev.risks.views_post import unit_path

MISSED_PER_PAGE = 50


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exporters.XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render an oversight page; the sub-navigation offers 补录 to those who may use it."""
    context["can_backfill"] = actor_for(request.user).can(MANAGE_INSPECTIONS)
    return render(request, f"inspections/reports/{template}", context)


def _query(request: HttpRequest, *keys: str, **extra: str) -> str:
    """The request's values of ``keys`` (plus ``extra``) as a query string."""
    values = {key: request.GET[key] for key in keys if request.GET.get(key)}
    values.update({k: v for k, v in extra.items() if v})
    return urlencode(values)


ROWS_PER_PAGE = 100


def _paged(request: HttpRequest, rows: Any, *keys: str) -> dict[str, Any]:
    """A page of already-computed report rows (the Excel export keeps them all)."""
    query = _query(request, *keys)
    return {
        "page_obj": Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page")),
        "querystring_without_page": query + "&" if query else "",
    }


@route("enterprise")
def rates(request: HttpRequest) -> HttpResponse:
    """Completion rates over a period by department, post, person or measure."""
    form = PeriodForm(request.GET or None)
    scope = reports.scope_for(request.user)
    dimension = reports.dimension(request.GET.get("by"))
    period = form.period()
    occurrences = reports.period_occurrences(request.user, scope, period)
    context = {
        "form": form,
        "period": period,
        "dimension": dimension,
        "dimensions": reports.DIMENSIONS.values(),
        **_paged(
            request,
            reports.rate_rows(dimension.key, request.user, scope, occurrences),
            "start",
            "end",
            "by",
        ),
        "totals": reports.totals(occurrences),
        "scope": scope,
        "period_query": _query(request, "start", "end"),
        "export_query": _query(request, "start", "end", by=dimension.key),
        "hidden": [("by", dimension.key)],
    }
    return _render(request, "rates.html", context)


@route("enterprise")
def rates_export(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('inspections:reports')}?{request.GET.urlencode()}")
    scope = reports.scope_for(request.user)
    dimension = reports.dimension(request.GET.get("by"))
    period = form.period()
    occurrences = reports.period_occurrences(request.user, scope, period)
    rows = reports.rate_rows(dimension.key, request.user, scope, occurrences)
    data = exporters.export_rates(own_enterprise(request.user), dimension, period, rows)
    return _xlsx(
        data, f"隐患排查完成率-{dimension.key}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    )


def _missed(request: HttpRequest) -> tuple[MissedFilterForm, reports.Period, Any]:
    scope = reports.scope_for(request.user)
    form = MissedFilterForm(request.GET or None, user=request.user, scope=scope)
    period = form.period()
    qs = reports.missed_occurrences(request.user, scope, period, **form.filters())
    return form, period, qs


@route("enterprise")
def missed(request: HttpRequest) -> HttpResponse:
    """The 未排查 list: occurrences whose window closed without a check."""
    form, period, qs = _missed(request)
    page = Paginator(qs, MISSED_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "period": period,
        "page_obj": page,
        "rows": [
            (
                o,
                reports.occurrence_people(o),
                reports.window_label(o.window_start, o.window_end),
                reports.backfill_query(o),
            )
            for o in page
        ],
        "export_query": _query(request, "start", "end", "unit", "post"),
        "querystring_without_page": (q + "&")
        if (q := _query(request, "start", "end", "unit", "post"))
        else "",
    }
    return _render(request, "missed.html", context)


@route("enterprise")
def missed_export(request: HttpRequest) -> HttpResponse:
    form, period, qs = _missed(request)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('inspections:reports_missed')}?{request.GET.urlencode()}")
    data = exporters.export_missed(
        own_enterprise(request.user), period, qs.iterator(chunk_size=1000)
    )
    return _xlsx(data, f"未排查清单-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx")


@route("enterprise")
def findings(request: HttpRequest) -> HttpResponse:
    """Each measure's finding rate: records with 存在隐患 among all real records."""
    form = PeriodForm(request.GET or None)
    period = form.period()
    rows = reports.finding_rates(request.user, reports.scope_for(request.user), period)
    context = {
        "form": form,
        "period": period,
        **_paged(request, rows, "start", "end"),
        "total": sum(r.total for r in rows),
        "hazards": sum(r.hazards for r in rows),
        "export_query": _query(request, "start", "end"),
    }
    return _render(request, "findings.html", context)


@route("enterprise")
def findings_export(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('inspections:reports_findings')}?{request.GET.urlencode()}")
    period = form.period()
    rows = reports.finding_rates(request.user, reports.scope_for(request.user), period)
    data = exporters.export_findings(own_enterprise(request.user), period, rows)
    return _xlsx(data, f"隐患发现率-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx")


@route("enterprise")
def load(request: HttpRequest) -> HttpResponse:
    """Each person's checks on one day: walks (one per risk point and window) and items."""
    form = DayForm(request.GET or None)
    day = form.day()
    scope = reports.scope_for(request.user)
    rows = reports.daily_load(request.user, scope, day)
    context = {"form": form, "day": day, "scope": scope, **_paged(request, rows, "date")}
    return _render(request, "load.html", context)


@route("enterprise")
def checklist(request: HttpRequest) -> HttpResponse:
    """The 隐患排查清单: every active task with its measure chain; ``?unit=`` keeps one
    department's (its subtree's) tasks."""
    enterprise = own_enterprise(request.user)
    unit = access_org_unit(request.user, request.GET["unit"]) if request.GET.get("unit") else None
    tasks = reports.checklist_tasks(request.user, unit)
    data = exporters.export_checklist(
        enterprise, tasks.iterator(chunk_size=1000), unit.name if unit else ""
    )
    suffix = f"-{unit.name}" if unit else ""
    return _xlsx(data, f"隐患排查清单{suffix}-{timezone.localdate():%Y%m%d}.xlsx")


@route("enterprise")
def sheets(request: HttpRequest) -> HttpResponse:
    """Choose a post to print its paper check sheet (blank, or one day's checks)."""
    posts_by_unit: dict[int, list[Post]] = defaultdict(list)
    for post in reports.sheet_posts(request.user):
        posts_by_unit[post.org_unit_id].append(post)
    units = list(OrgUnit.objects.visible_to(request.user).order_by("sort_order", "name"))
    groups = [(unit, posts_by_unit[unit.pk]) for unit in units if posts_by_unit.get(unit.pk)]
    context = {"groups": groups, "units": units, "today": timezone.localdate()}
    return _render(request, "sheets.html", context)


@route("enterprise", subject=Post)
def sheet(request: HttpRequest, public_id: str) -> HttpResponse:
    """A post's paper check sheet (A4): its checks grouped by risk point with each point's QR
    code; ``?date=`` prints that day's occurrences, one line each."""
    post = access_post(request.user, public_id)
    form = DayForm(request.GET)
    if request.GET.get("date") and not form.is_valid():
        return HttpResponseBadRequest(_("日期格式不正确。"))
    day = form.cleaned_data.get("date") if request.GET.get("date") else None
    groups = reports.sheet_groups(request.user, post, day, request.build_absolute_uri)
    context = {
        "post": post,
        "enterprise": post.enterprise,
        "unit_path": unit_path(post.org_unit),
        "day": day,
        "groups": [
            (g, qr_data_uri(g.qr_url, scale=3, border=0) if g.qr_url else "") for g in groups
        ],
        "printed_on": timezone.localdate(),
    }
    pdf = render_pdf("inspections/print/check_sheet.html", context, request=request)
    stamp = f"-{day:%Y%m%d}" if day else ""
    return pdf_response(pdf, _("隐患排查记录表-%(post)s") % {"post": post.name} + f"{stamp}.pdf")


@route("enterprise", action=MANAGE_INSPECTIONS)
def backfill(request: HttpRequest) -> HttpResponse:
    """补录: type in the results of a paper check sheet (one post or person, one day) with the
    real check time; each record gets the 补录 flag (entry mode backfill, entered_by)."""
    scope = reports.scope_for(request.user)
    select = BackfillSelectForm(request.GET or None, user=request.user, scope=scope)
    context: dict[str, Any] = {"select": select, "rows": [], "done": []}
    if select.is_bound and select.is_valid():
        day, post, person = (select.cleaned_data[k] for k in ("date", "post", "person"))
        data = request.POST if request.method == "POST" else None
        people = reports.enterprise_people(request.user)
        rows = backfill_rows(
            request.user, scope, data, day=day, post=post, person=person, people=people
        )
        if data is not None and all([row.is_valid() for row in rows]):
            written, replayed = save_backfill(rows, entered_by=request.user)
            if not any(row.errors for row in rows):
                messages.success(
                    request, _("已补录 %(n)d 条排查记录。") % {"n": written + replayed}
                )
                return redirect(request.get_full_path())
        done = reports.backfill_occurrences(
            request.user, scope, day, post=post, person=person, statuses=["done"]
        )
        context.update(rows=rows, day=day, done=list(done))
    return _render(request, "backfill.html", context)
