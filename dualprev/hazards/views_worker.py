"""The worker's phone pages of the hazards app (全员参与): 上报隐患 (随手拍, also from a risk
point's QR code), completing a 存在隐患 check's draft, 我的隐患, and 提交整改 by the liable
person.

Thin glue: the forms check the input (photos are checked and re-encoded while the form is
cleaned, so nothing is written when one is bad); every write is a ``hazards.actions`` call;
reads go through ``visible_to`` and the ``hazards.access`` helpers.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualprev.accounts.roles import ACCEPT_HAZARDS, MAJOR_HAZARD_ACCEPTORS, REPORT_HAZARD
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.hazards import actions
from dualprev.hazards.access import access_draft
from dualprev.hazards.choices import Channel, EventAction, HazardStatus, PhotoKind
from dualprev.hazards.forms_worker import (
    DraftForm,
    FixForm,
    ReportForm,
    ReportGuard,
    add_action_errors,
    draft_initial,
)
from dualprev.hazards.models import Hazard, HazardEvent, HazardPhoto
from dualprev.hazards.queries import access_visible_hazard, visible_hazards
from dualprev.hazards.workflow import TransitionError
from dualprev.inspections.choices import DraftStatus
from dualprev.inspections.models import HazardDraft
from dualprev.reference.choices import DangerSrc, HazardLevel
from dualprev.risks.models import RiskObject

PAGE_SIZE = 20

# --- 上报隐患 -----------------------------------------------------------------------------------


def _point_from_query(request: HttpRequest) -> RiskObject | None:
    """The risk point named by ``?point=`` (a QR code's report link), if it is an active point
    of the user's own enterprise; anything else is ignored."""
    try:
        public_id = uuid.UUID(request.GET.get("point", ""))
    except ValueError:
        return None
    return (
        RiskObject.objects.visible_to(request.user)
        .filter(public_id=public_id, retired_at__isnull=True)
        .first()
    )


def _already_reported(request: HttpRequest, public_id: str) -> HttpResponse:
    messages.info(request, _("这份隐患报告已经提交过，没有重复上报。"))
    return redirect("hazards:reported", public_id)


def _enterprise_id(request: HttpRequest) -> int:
    enterprise_id = actor_for(request.user).enterprise_id
    assert enterprise_id is not None  # the route admits enterprise members only
    return enterprise_id


def _token(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw or "")
    except ValueError:
        return None


@route("enterprise", action=REPORT_HAZARD)
def report(request: HttpRequest) -> HttpResponse:
    """上报隐患 (随手拍): any employee reports what they found, with photos, and says whether it
    was already fixed on the spot. A form sent twice (back button, double tap) makes one
    hazard (``ReportGuard``)."""
    guard = ReportGuard(request)
    if request.method == "POST":
        if done := guard.reported(_token(request.POST.get("token"))):
            return _already_reported(request, done)
        form = ReportForm(request.user, request.POST, request.FILES)
        if form.is_valid():
            token = form.cleaned_data["token"]
            try:
                with transaction.atomic():
                    guard.lock()
                    if done := guard.reported(token, fresh=True):
                        return _already_reported(request, done)
                    hazard = actions.report_hazard(
                        enterprise_id=_enterprise_id(request),
                        reporter=request.user,
                        data=form.report_input(),
                        channel=Channel.EMPLOYEE,
                        source=DangerSrc.OTHER,
                    )
                    guard.remember(token, hazard)
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                return redirect("hazards:reported", hazard.public_id)
        point = None
    else:
        point = _point_from_query(request)
        form = ReportForm(request.user, initial={"token": uuid.uuid4(), "risk_object": point})
    context = {"form": form, "point": point, "reselect": bool(request.FILES)}
    return render(request, "hazards/worker/report.html", context)


@route("enterprise", subject=Hazard)
def reported(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The page after a report: the hazard's number and where to go next. Only for a hazard
    the user may see (``queries.visible_hazards``: their own, unless they manage or accept
    hazards); a colleague's gets 404 like one that does not exist."""
    hazard = access_visible_hazard(request.user, public_id)
    context = {
        "hazard": hazard,
        "photo_count": HazardPhoto.objects.visible_to(request.user).filter(hazard=hazard).count(),
    }
    return render(request, "hazards/worker/reported.html", context)


# --- A check's hazard draft ------------------------------------------------------------------


@route("enterprise", action=REPORT_HAZARD, subject=HazardDraft)
def draft(request: HttpRequest, public_id: Any) -> HttpResponse:
    """完善并上报隐患: the report form started from a 存在隐患 check's draft (its description,
    point, measure and the record's photos); ``take_draft`` turns it into one hazard."""
    row: HazardDraft = access_draft(request.user, public_id)
    if row.status != DraftStatus.DRAFT:
        return _draft_taken(request, row)
    if request.method == "POST":
        form = DraftForm(request.user, request.POST, request.FILES)
        if form.is_valid():
            try:
                hazard = actions.take_draft(
                    draft=row, acting_user=request.user, data=form.report_input()
                )
            except TransitionError:
                return _draft_taken(request, row)
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                return redirect("hazards:reported", hazard.public_id)
    else:
        form = DraftForm(request.user, initial=draft_initial(row))
    context = {
        "form": form,
        "draft": row,
        "record": row.record,
        "record_photos": list(row.record.photos.all()),
        "reselect": bool(request.FILES),
    }
    return render(request, "hazards/worker/draft.html", context)


def _draft_taken(request: HttpRequest, row: HazardDraft) -> HttpResponse:
    hazard = visible_hazards(request.user).filter(draft=row).first()
    if hazard is None:  # taken, but its hazard is not visible: say so on the mine page
        messages.info(request, _("该隐患草稿已经转为隐患。"))
        return redirect("hazards:mine")
    messages.info(request, _("该隐患草稿已经转为隐患 %(number)s。") % {"number": hazard.number})
    return redirect("hazards:reported", hazard.public_id)


# --- 我的隐患 -----------------------------------------------------------------------------------


def to_fix(user: Any) -> QuerySet[Hazard]:
    """待我整改: hazards under rectification with the user as liable person, the nearest
    deadline (so the overdue ones) first."""
    return (
        Hazard.objects.visible_to(user)
        .filter(liable_person=user, status=HazardStatus.RECTIFYING)
        .select_related("risk_object")
        .order_by(F("deadline").asc(nulls_last=True), "found_at", "id")
    )


def to_accept(user: Any) -> QuerySet[Hazard]:
    """待我验收: fixes waiting for acceptance that the user may accept now — the rules of
    ``actions.acceptance_problems`` as one query (no per-hazard lookups): never one's own fix
    or one's own liability; a 重大 hazard only for a company-level acceptor, and only once
    its treatment is evaluated and, where production stopped, resumption applied for."""
    actor = actor_for(user)
    if not actor.can(ACCEPT_HAZARDS):
        return Hazard.objects.none()
    rows = (
        Hazard.objects.visible_to(user, ACCEPT_HAZARDS)
        .filter(status=HazardStatus.PENDING_ACCEPT)
        .exclude(rectified_by=user)
        .exclude(liable_person=user)
    )
    if actor.role in MAJOR_HAZARD_ACCEPTORS:
        plan = "major_plan__"
        ready = (
            Q(**{f"{plan}evaluated_at__isnull": False})
            & ~Q(**{f"{plan}evaluation_conclusion": ""})
            & (
                Q(**{f"{plan}production_stopped": False})
                | Q(**{f"{plan}resumption_applied_at__isnull": False})
            )
        )
        rows = rows.filter(~Q(level=HazardLevel.MAJOR) | ready)
    else:
        rows = rows.exclude(level=HazardLevel.MAJOR)
    return rows.select_related("risk_object", "rectified_by").order_by("rectified_at", "id")


def reported_by_me(user: Any) -> QuerySet[Hazard]:
    """我上报的: every hazard the user reported, newest first, in any state."""
    return (
        Hazard.objects.visible_to(user)
        .filter(reported_by=user)
        .select_related("risk_object")
        .order_by("-found_at", "-id")
    )


def my_drafts(user: Any) -> QuerySet[HazardDraft]:
    """未完成的草稿: the user's 存在隐患 checks not yet reported as hazards."""
    return (
        HazardDraft.objects.visible_to(user)
        .filter(reported_by=user, status=DraftStatus.DRAFT)
        .select_related("risk_object", "measure", "record")
        .order_by("-id")
    )


MINE_TABS: dict[str, tuple[Any, Any]] = {
    "fix": (gettext_lazy("待我整改"), to_fix),
    "accept": (gettext_lazy("待我验收"), to_accept),
    "reported": (gettext_lazy("我上报的"), reported_by_me),
    "drafts": (gettext_lazy("草稿"), my_drafts),
}


def _mine_tab(request: HttpRequest, counts: dict[str, int]) -> str:
    asked = request.GET.get("tab", "")
    if asked in MINE_TABS:
        return asked
    # Opened without a tab: the first list with work to do in it, else what I reported.
    return next((key for key in ("fix", "accept", "drafts") if counts[key]), "reported")


@route("enterprise", action=REPORT_HAZARD)
def mine(request: HttpRequest) -> HttpResponse:
    """我的隐患: what I must fix, what I may accept, what I reported, and my unfinished drafts,
    one tab at a time, 20 to a page."""
    lists = {key: query(request.user) for key, (_label, query) in MINE_TABS.items()}
    counts = {key: rows.count() for key, rows in lists.items()}
    tab = _mine_tab(request, counts)
    page: Page = Paginator(lists[tab], PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tabs": [(key, label, counts[key]) for key, (label, _query) in MINE_TABS.items()],
        "tab": tab,
        "page_obj": page,
        "querystring_without_page": f"tab={tab}&",
        "now": timezone.now(),
    }
    return render(request, "hazards/worker/mine.html", context)


# --- 提交整改 -----------------------------------------------------------------------------------


def _amount(value: Decimal | None) -> str:
    """An amount of 万元 without trailing zeros (0.5000 → 0.5, 10.0000 → 10)."""
    return "" if value is None else f"{value.normalize():f}"


@route("enterprise", subject=Hazard)
def fix(request: HttpRequest, hazard_id: Any) -> HttpResponse:
    """提交整改 on the phone: the liable person (or a hazard manager on their behalf, see
    ``actions.may_rectify``) describes the fix and adds after photos. A hazard the user cannot
    see (``queries.visible_hazards``: another enterprise's, or a colleague's they have no part
    in) gets 404; one they see but may not rectify (e.g. one they reported) gets 403. The URL
    kwarg is not ``public_id`` so that the route matrix takes its example (a hazard the worker
    must fix) from route_examples.py."""
    hazard = access_visible_hazard(request.user, hazard_id)
    if not actions.may_rectify(request.user, hazard):
        raise PermissionDenied
    if hazard.status != HazardStatus.RECTIFYING:
        messages.info(
            request,
            _("该隐患当前为“%(state)s”，不需要提交整改。")
            % {"state": HazardStatus(hazard.status).label},
        )
        return redirect("hazards:detail", hazard.public_id)
    if request.method == "POST":
        form = FixForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                actions.submit_rectification(
                    hazard=hazard,
                    acting_user=request.user,
                    note=form.cleaned_data["note"],
                    photos=form.cleaned_data["photos"],
                    cost=form.cleaned_data["cost"],
                )
            except PermissionDenied:
                raise
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(
                    request,
                    _("已提交整改：%(number)s，等待验收。") % {"number": hazard.number},
                )
                return redirect(reverse("hazards:mine") + "?tab=fix")
    else:
        form = FixForm()
    photos = list(HazardPhoto.objects.visible_to(request.user).filter(hazard=hazard))
    context = {
        "hazard": hazard,
        "form": form,
        "before": [p for p in photos if p.kind == PhotoKind.BEFORE],
        "after": [p for p in photos if p.kind == PhotoKind.AFTER],
        "rejection": HazardEvent.objects.visible_to(request.user)
        .filter(hazard=hazard, action=EventAction.REJECT)
        .select_related("actor")
        .last(),
        "overdue": hazard.deadline is not None and hazard.deadline < timezone.now(),
        "planned_cost": _amount(hazard.cost),
        "reselect": bool(request.FILES),
    }
    return render(request, "hazards/worker/fix.html", context)
