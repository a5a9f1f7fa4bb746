"""The safety officer's triage queue of reports made without an account (``/hazards/triage/``):
the waiting reports, one report's page with its photo, accept (→ a hazard in the register) or
dismiss with a note, dismiss everything waiting from one source, the handled history, and the
enterprise's report link with its QR code and A4 poster.

A flood from one source cannot bury the others: the queue shows at most ``PER_SOURCE`` reports
of each source, ordered round-robin (every source's newest first, then every source's second
…), and lists the sources with more waiting separately, each with "show all" and "dismiss all".
A source is a client key (a keyed hash of the address, see ``ratelimit``); only its first hex
digits are shown, as a label. Employees never come through here: they report as themselves.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Max, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualprev.accounts.roles import MANAGE_HAZARDS
from dualprev.core.access import route
from dualprev.documents.pdf import pdf_response, qr_data_uri, qr_svg, render_pdf
from dualprev.hazards import actions, public
from dualprev.hazards.access import access_public_report
from dualprev.hazards.choices import PublicReportStatus
from dualprev.hazards.models import PublicReport
from dualprev.hazards.workflow import TransitionError
from dualprev.orgs.access import own_enterprise

PER_SOURCE = 3  # reports of one source shown in the default queue
PAGE_SIZE = 25
SOURCE_LABEL = 6  # hex digits of the client key shown as the source's label


def _waiting(user: Any) -> QuerySet[PublicReport]:
    return (
        PublicReport.objects.visible_to(user, MANAGE_HAZARDS)
        .filter(status=PublicReportStatus.NEW)
        .select_related("risk_object")
    )


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _counts(user: Any) -> dict[str, int]:
    return {"waiting": _waiting(user).count()}


@route("enterprise", action=MANAGE_HAZARDS)
def queue(request: HttpRequest) -> HttpResponse:
    """待处理: the waiting reports, at most ``PER_SOURCE`` per source (``?source=<key>``:
    every waiting report of that source)."""
    source = request.GET.get("source", "")[:64]
    waiting = _waiting(request.user)
    if source:
        rows = waiting.filter(client_key=source).order_by("-created_at", "-id")
        floods: list[dict[str, Any]] = []
    else:
        rows = (
            waiting.annotate(
                source_rank=Window(
                    RowNumber(),
                    partition_by=[F("client_key")],
                    order_by=[F("created_at").desc(), F("id").desc()],
                ),
                source_total=Window(Count("id"), partition_by=[F("client_key")]),
            )
            .filter(source_rank__lte=PER_SOURCE)
            .order_by("source_rank", "-created_at", "-id")
        )
        floods = list(
            waiting.order_by()
            .values("client_key")
            .annotate(total=Count("id"), latest=Max("created_at"))
            .filter(total__gt=PER_SOURCE)
            .order_by("-total", "-latest")[:20]
        )
        for flood in floods:
            flood["label"] = flood["client_key"][:SOURCE_LABEL]
    context = {
        "page_obj": _page(request, rows),
        "floods": floods,
        "source": source,
        "source_label": source[:SOURCE_LABEL],
        "source_total": waiting.filter(client_key=source).count() if source else 0,
        "per_source": PER_SOURCE,
        "label_digits": SOURCE_LABEL,
        "querystring_without_page": f"source={source}&" if source else "",
        "counts": _counts(request.user),
        "tab": "queue",
    }
    return render(request, "hazards/triage/queue.html", context)


@route("enterprise", action=MANAGE_HAZARDS)
def history(request: HttpRequest) -> HttpResponse:
    """已处理: accepted and dismissed reports, newest decision first."""
    rows = (
        PublicReport.objects.visible_to(request.user, MANAGE_HAZARDS)
        .exclude(status=PublicReportStatus.NEW)
        .select_related("risk_object", "hazard", "handled_by")
        .order_by("-handled_at", "-id")
    )
    context = {
        "page_obj": _page(request, rows),
        "counts": _counts(request.user),
        "label_digits": SOURCE_LABEL,
        "tab": "history",
    }
    return render(request, "hazards/triage/history.html", context)


@route("enterprise", action=MANAGE_HAZARDS, subject=PublicReport)
def report(request: HttpRequest, public_id: Any) -> HttpResponse:
    """One report: its text, photo, point and contact, and the accept and dismiss forms."""
    row = access_public_report(request.user, public_id, MANAGE_HAZARDS)
    same_source = _waiting(request.user).filter(client_key=row.client_key).count()
    context = {
        "report": row,
        "reference": public.reference(row),
        "same_source": same_source,
        "label_digits": SOURCE_LABEL,
        "counts": _counts(request.user),
        "tab": "queue" if row.status == PublicReportStatus.NEW else "history",
    }
    return render(request, "hazards/triage/report.html", context)


@route("enterprise", action=MANAGE_HAZARDS, subject=PublicReport)
@require_POST
def accept(request: HttpRequest, public_id: Any) -> HttpResponse:
    """受理: the report becomes a hazard (state 待确认) and the officer goes on to grade it."""
    row = access_public_report(request.user, public_id, MANAGE_HAZARDS)
    name = request.POST.get("name", "").strip()[:128]
    try:
        hazard = actions.accept_public_report(report=row, acting_user=request.user, name=name)
    except (TransitionError, ValidationError) as error:
        messages.error(request, _message(error))
        return redirect("hazards:triage_report", public_id=row.public_id)
    messages.success(
        request, _("已受理，登记为隐患 %(number)s，请确认分级。") % {"number": hazard.number}
    )
    return redirect("hazards:detail", public_id=hazard.public_id)


@route("enterprise", action=MANAGE_HAZARDS, subject=PublicReport)
@require_POST
def dismiss(request: HttpRequest, public_id: Any) -> HttpResponse:
    """忽略: not a hazard (a joke, a duplicate, outside the plant …), with the reason."""
    row = access_public_report(request.user, public_id, MANAGE_HAZARDS)
    note = request.POST.get("note", "").strip()
    if not note:
        messages.error(request, _("请填写忽略原因。"))
        return redirect("hazards:triage_report", public_id=row.public_id)
    try:
        actions.dismiss_public_report(report=row, acting_user=request.user, note=note)
    except TransitionError as error:
        messages.error(request, _message(error))
        return redirect("hazards:triage_report", public_id=row.public_id)
    messages.success(request, _("已忽略举报 %(ref)s。") % {"ref": public.reference(row)})
    return redirect("hazards:triage")


@route("enterprise", action=MANAGE_HAZARDS)
@require_POST
def dismiss_source(request: HttpRequest) -> HttpResponse:
    """忽略该来源全部待处理举报: every waiting report of one source, with one reason."""
    source = request.POST.get("source", "")[:64]
    note = request.POST.get("note", "").strip() or _("同一来源大量举报，批量忽略")
    rows = list(_waiting(request.user).filter(client_key=source)) if source else []
    done = 0
    for row in rows:
        try:
            actions.dismiss_public_report(report=row, acting_user=request.user, note=note)
        except TransitionError:
            continue  # someone else handled it meanwhile
        done += 1
    if done:
        messages.success(request, _("已忽略该来源的 %(n)d 条举报。") % {"n": done})
    else:
        messages.error(request, _("该来源没有待处理的举报。"))
    return redirect("hazards:triage")


@route("enterprise", action=MANAGE_HAZARDS, subject=PublicReport)
def photo(request: HttpRequest, report_id: Any) -> HttpResponse:
    """A report's photo, only through this access-checked view (never a public media URL)."""
    row = access_public_report(request.user, report_id, MANAGE_HAZARDS)
    if not row.photo:
        raise Http404
    response = FileResponse(row.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{row.public_id}.jpg"'
    return cast(HttpResponse, response)


# --- The enterprise's report link --------------------------------------------------------------


def _link(request: HttpRequest) -> tuple[Any, str]:
    enterprise = own_enterprise(request.user, MANAGE_HAZARDS)
    key = actions.hazard_settings(enterprise).public_report_key
    url = request.build_absolute_uri(reverse("report:form", args=[key])) if key else ""
    return enterprise, url


@route("enterprise", action=MANAGE_HAZARDS)
def link(request: HttpRequest) -> HttpResponse:
    """扫码举报链接: the enterprise's report link, its QR code and the poster."""
    enterprise, url = _link(request)
    context = {
        "enterprise": enterprise,
        "url": url,
        "qr": qr_svg(url, scale=6, border=2) if url else "",
        "counts": _counts(request.user),
        "tab": "link",
    }
    return render(request, "hazards/triage/link.html", context)


@route("enterprise", action=MANAGE_HAZARDS)
@require_POST
def rotate_link(request: HttpRequest) -> HttpResponse:
    """Create the link, or replace it: the old link and its posters stop working."""
    enterprise = own_enterprise(request.user, MANAGE_HAZARDS)
    had_link = actions.hazard_settings(enterprise).public_report_key is not None
    public.rotate_report_key(enterprise_id=enterprise.pk, acting_user=request.user)
    if had_link:
        messages.success(request, _("已更换举报链接，原链接和已张贴的旧二维码即刻失效。"))
    else:
        messages.success(request, _("已生成举报链接，请打印海报张贴。"))
    return redirect("hazards:triage_link")


@route("enterprise", action=MANAGE_HAZARDS)
def poster(request: HttpRequest) -> HttpResponse:
    """The A4 poster: 扫码报告隐患, the enterprise's name and the QR code of its link."""
    enterprise, url = _link(request)
    if not url:
        messages.error(request, _("请先生成举报链接。"))
        return redirect("hazards:triage_link")
    pdf = render_pdf(
        "hazards/triage/poster.html",
        {"enterprise": enterprise, "url": url, "qr": qr_data_uri(url, scale=10, border=2)},
        request=request,
    )
    return pdf_response(pdf, _("扫码报告隐患海报-%(name)s.pdf") % {"name": enterprise.name})


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error)
