"""Pages for reporting a hazard without an account (phone-first): the form behind a risk
point's QR code (``/q/<point>/``, reached through ``risks.views_post.risk_point_qr`` by anyone
who is not a member of the point's enterprise) and behind the enterprise's report link
(``/r/<key>/``), and the thank-you page.

The form shows the enterprise's name and the point's name and nothing else of the enterprise.
A post is answered in this order, cheapest refusal first:

1. the rate limits (``ratelimit.refusal``: two indexed counts) → 429 with ``Retry-After``,
   before the body is read — that is why these views are ``csrf_exempt`` and run Django's
   CSRF check themselves right after (step 3);
2. the body's declared size → 413, unread;
3. CSRF (the form's cookie token, so it works without logging in);
4. the honeypot → the same thank-you page as a real report, nothing stored;
5. the fields, then the photo (checked by content and re-encoded) → 400 with the form;
6. ``public.submit_public_report``, which checks the limits again under a lock and stores.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from dualprev.accounts.roles import REPORT_HAZARD
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.hazards import public, ratelimit
from dualprev.hazards.forms_public import MAX_REQUEST_BYTES, PublicReportForm
from dualprev.inspections.photos import process_photo
from dualprev.orgs.models import Enterprise
from dualprev.risks.models import RiskObject

# Where an employee who opens the enterprise's report link is sent (they report as
# themselves, straight into the hazard register, not through the triage queue).
EMPLOYEE_REPORT_URL = "hazards:report"


def point_report(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The public form for one risk point (404 for an unknown or retired point alike)."""
    point = public.reported_point(public_id)
    return _report(request, enterprise=point.enterprise, point=point)


@route("public")
@csrf_exempt  # checked in _report after the rate limit, before anything is stored
def enterprise_report(request: HttpRequest, key: Any) -> HttpResponse:
    """The public form behind the enterprise's report link (404 for unknown and replaced
    keys alike). The enterprise's own employees report under their account instead."""
    enterprise = public.reported_enterprise(key)
    actor = actor_for(request.user)
    if actor.is_enterprise and actor.enterprise_id == enterprise.pk and actor.can(REPORT_HAZARD):
        return redirect(EMPLOYEE_REPORT_URL)
    return _report(request, enterprise=enterprise, point=None)


@route("public")
def thanks(request: HttpRequest) -> HttpResponse:
    """After a report: its short reference and nothing else."""
    token = public.read_thanks_token(request.GET.get("t", "")) or {}
    context = {"reference": token.get("ref", ""), "photo_dropped": token.get("dropped", False)}
    response = render(request, "hazards/public/thanks.html", context)
    add_never_cache_headers(response)
    return response


# --- The form --------------------------------------------------------------------------------


def _report(
    request: HttpRequest, *, enterprise: Enterprise, point: RiskObject | None
) -> HttpResponse:
    if request.method == "GET" or request.method == "HEAD":
        return _form_page(request, PublicReportForm(), enterprise, point)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    key = ratelimit.client_key(request)
    if refusal := ratelimit.refusal(key, enterprise.pk):
        return _limited(request, refusal)
    if _declared_size(request) > MAX_REQUEST_BYTES:
        message = _("照片过大：不能超过 8 MB。请换一张较小的照片后重新提交。")
        return _form_page(request, PublicReportForm(), enterprise, point, 413, message)
    if _csrf_failed(request):
        message = _("页面已过期，或浏览器禁止了 Cookie。请刷新页面后重新提交。")
        unchecked = PublicReportForm(initial={"description": request.POST.get("description")})
        return _form_page(request, unchecked, enterprise, point, 403, message)
    form = PublicReportForm(request.POST, request.FILES)
    if form.is_robot:
        return redirect(_thanks_url(public.fake_reference(), photo_dropped=False))
    if not form.is_valid():
        return _form_page(request, form, enterprise, point, 400)
    data = public.PublicInput(
        description=form.cleaned_data["description"],
        reporter_name=form.cleaned_data["reporter_name"],
        reporter_phone=form.cleaned_data["reporter_phone"],
    )
    upload = form.cleaned_data["photo"]
    # Today's photo budget used up: the report is stored without the photo, which is then
    # not even decoded.
    if upload is not None and ratelimit.photo_bytes_left(enterprise.pk) > 0:
        try:
            data.photo = process_photo(upload, size=upload.size)
        except ValidationError as error:
            form.add_error("photo", " ".join(str(m) for m in error.messages))
            return _form_page(request, form, enterprise, point, 400)
    try:
        stored = public.submit_public_report(
            enterprise_id=enterprise.pk, risk_object=point, data=data, client_key=key
        )
    except public.RateLimited as limited:
        return _limited(request, limited.refusal)
    dropped = stored.photo_dropped or (upload is not None and data.photo is None)
    return redirect(_thanks_url(public.reference(stored.report), photo_dropped=dropped))


def _form_page(
    request: HttpRequest,
    form: PublicReportForm,
    enterprise: Enterprise,
    point: RiskObject | None,
    status: int = 200,
    page_error: str = "",
) -> HttpResponse:
    context = {
        "form": form,
        "page_error": page_error,
        "enterprise_name": enterprise.name,
        "point_name": point.name if point is not None else "",
        "action": request.path,
    }
    response = render(request, "hazards/public/form.html", context, status=status)
    add_never_cache_headers(response)  # the page carries a CSRF token
    return response


def _limited(request: HttpRequest, refusal: ratelimit.Refusal) -> HttpResponse:
    context = {
        "message": refusal.message,
        "minutes": max(1, (refusal.retry_after + 59) // 60),
        "hours": (refusal.retry_after + 1800) // 3600 if refusal.retry_after > 5400 else 0,
    }
    # Rendered without the request's context processors: the page of a flood stays cheap.
    html = render_to_string("hazards/public/limited.html", context)
    response = HttpResponse(html, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    add_never_cache_headers(response)
    return response


def _declared_size(request: HttpRequest) -> int:
    length = request.META.get("CONTENT_LENGTH") or "0"
    return int(length) if length.isdigit() else 0


def _csrf_failed(request: HttpRequest) -> bool:
    """Django's own CSRF check (as its middleware would have run it), now that the rate
    limit has let the request through."""
    checker = CsrfViewMiddleware(lambda _request: HttpResponse())
    return checker.process_view(request, _no_view, (), {}) is not None


def _no_view(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    return HttpResponse()


def _thanks_url(ref: str, *, photo_dropped: bool) -> str:
    token = public.thanks_token(ref, photo_dropped=photo_dropped)
    return reverse("report:thanks") + "?t=" + token
