"""Office pages of the hazards app (``/hazards/``): the register (隐患台账), one hazard's page
with its action panel, the workflow endpoints behind that panel, the access-checked photo view
and the hazard settings.

Workflow endpoints are POST-only, one URL each, and thin: access the hazard → refuse a stale
page (the form's ``version`` differs from the hazard's) or a move the state does not allow →
parse the form → call the action in ``actions`` → redirect with a message. A refused action
re-renders the hazard's page with the reasons (in Chinese) and writes nothing; the guarded
update in ``workflow`` still protects the moment between reading and writing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualprev.accounts.roles import (
    ACCEPT_HAZARDS,
    MAJOR_PLAN_APPROVERS,
    MANAGE_HAZARDS,
    MANAGE_ORG,
    REPORT_HAZARD,
)
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.hazards import actions, queries
from dualprev.hazards.choices import (
    STATUS_COLOURS,
    EventAction,
    HazardStatus,
    RegulatorReportKind,
)
from dualprev.hazards.forms import (
    AcceptForm,
    CancelForm,
    EvaluationForm,
    GradingForm,
    HazardSettingsForm,
    MajorPlanForm,
    PhotoForm,
    RegisterFilterForm,
    RejectForm,
    ResumptionForm,
    SubmitForm,
    VersionedForm,
    checked_photos,
)
from dualprev.hazards.models import Hazard, HazardPhoto, MajorHazardPlan
from dualprev.hazards.pdf import document_links
from dualprev.hazards.queries import access_visible_hazard, access_visible_photo
from dualprev.inspections.actions import PhotoInput
from dualprev.inspections.photos import MAX_PHOTOS
from dualprev.orgs.access import own_enterprise
from dualprev.reference.choices import DangerManageType


def _stale_message() -> str:
    return _("该隐患刚刚已被其他人处理，请刷新页面查看最新状态后再操作。")


# --- The register ----------------------------------------------------------------------------


@route("enterprise")
def index(request: HttpRequest) -> HttpResponse:
    """隐患台账: the hazards the user may see, filtered, counted by status, 50 a page."""
    enterprise_id = actor_for(request.user).enterprise_id
    assert enterprise_id is not None  # the route admits enterprise members only
    form = RegisterFilterForm(request.GET or None, enterprise_id=enterprise_id)
    filters = form.filters() if request.GET else {}
    rows = queries.register_rows(request.user, filters)
    page = queries.paginate(rows, request.GET.get("page"))
    counts = queries.register_counts(request.user, filters)
    context = {
        "form": form,
        "page_obj": page,
        "counts": counts,
        "status_tabs": _status_tabs(request, filters, counts),
        "querystring_without_page": queries.querystring_without(request.GET, "page"),
        "sees_all": queries.sees_all_hazards(request.user),
        "can_export": actor_for(request.user).can(MANAGE_HAZARDS),
        "can_report": actor_for(request.user).can(REPORT_HAZARD),
    }
    return render(request, "hazards/office/index.html", context)


def _status_tabs(
    request: HttpRequest, filters: dict[str, Any], counts: queries.RegisterCounts
) -> list[dict[str, Any]]:
    """The status chips: each keeps the other filters and shows its count."""
    base = queries.querystring_without(request.GET, "page", "status")
    current = filters.get("status") or ""
    tabs: list[tuple[str, Any, int, str]] = [
        ("", _("全部"), counts.total, ""),
        ("open", _("未闭环"), counts.open, ""),
    ]
    tabs += [
        (value, label, counts.by_status[value], STATUS_COLOURS[value])
        for value, label in HazardStatus.choices
    ]
    return [
        {
            "value": value,
            "label": label,
            "count": count,
            "colour": colour,
            "url": "?" + base + (f"status={value}" if value else ""),
            "active": value == current,
        }
        for value, label, count, colour in tabs
    ]


# --- One hazard ------------------------------------------------------------------------------


@route("member", subject=Hazard)
def hazard_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return render_detail(request, queries.hazard_for_detail(request.user, public_id))


@route("member", subject=HazardPhoto)
def photo(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A hazard photo, only through this access-checked view (never a public media URL)."""
    row = access_visible_photo(request.user, public_id)
    response = FileResponse(row.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{row.public_id}.jpg"'
    return cast(HttpResponse, response)


PANELS = (
    "grade",
    "confirm",
    "confirm_fixed",
    "cancel",
    "major_plan",
    "approve_plan",
    "report_regulator",
    "evaluation",
    "resumption",
    "submit",
    "accept",
    "reject",
    "photos",
)


def allowed_panels(user: Any, hazard: Hazard, plan: Any, reports: list[Any]) -> dict[str, bool]:
    """Which forms of the action panel the user may use on the hazard now (regulators and
    other read-only viewers get none). The actions check the same rules again."""
    actor = actor_for(user)
    member = actor.is_enterprise and actor.enterprise_id == hazard.enterprise_id
    manage = member and actor.can(MANAGE_HAZARDS)
    status = hazard.status
    ok = queries.state_refusal
    major = manage and hazard.is_major
    reported_to_regulator = any(r.kind == RegulatorReportKind.MAJOR_REPORT for r in reports)
    rectifier = member and actions.may_rectify(user, hazard)
    return {
        "grade": manage and not ok(hazard, EventAction.EDIT),
        "confirm": manage and status == HazardStatus.REPORTED,
        "confirm_fixed": manage
        and status == HazardStatus.REPORTED
        and bool(hazard.rectification_note.strip()),
        "cancel": manage and status == HazardStatus.REPORTED,
        "major_plan": major and not ok(hazard, EventAction.MAJOR_PLAN),
        "approve_plan": major
        and not ok(hazard, EventAction.MAJOR_PLAN)
        and actor.role in MAJOR_PLAN_APPROVERS
        and plan is not None
        and plan.plan_complete
        and plan.approved_at is None,
        "report_regulator": major
        and not reported_to_regulator
        and not ok(hazard, EventAction.REGULATOR_REPORT),
        "evaluation": major and not ok(hazard, EventAction.EVALUATION),
        "resumption": major
        and not ok(hazard, EventAction.RESUMPTION)
        and plan is not None
        and plan.production_stopped
        and plan.evaluated
        and plan.resumption_applied_at is None,
        "submit": rectifier and status == HazardStatus.RECTIFYING,
        "accept": member and actor.can(ACCEPT_HAZARDS) and status == HazardStatus.PENDING_ACCEPT,
        "reject": member and actor.can(ACCEPT_HAZARDS) and status == HazardStatus.PENDING_ACCEPT,
        "photos": member
        and not ok(hazard, EventAction.PHOTO)
        and (rectifier or hazard.reported_by_id == user.pk),
    }


def render_detail(
    request: HttpRequest,
    hazard: Hazard,
    *,
    failed: str = "",
    errors: list[str] | None = None,
    bound: forms.Form | None = None,
) -> HttpResponse:
    """The hazard's page. After a refused action: ``failed`` names the panel, ``errors`` are
    the reasons and ``bound`` is the submitted form (kept so nothing typed is lost)."""
    user = request.user
    plan = queries.major_plan_of(hazard)
    reports = queries.regulator_reports_of(hazard)
    can = allowed_panels(user, hazard, plan, reports)
    photos = list(hazard.photos.order_by("id"))
    make: dict[str, Callable[[], forms.Form]] = {
        "grade": lambda: GradingForm(hazard=hazard, larger_tier=_larger_tier(hazard)),
        "cancel": lambda: CancelForm(hazard=hazard, user=user),
        "major_plan": lambda: MajorPlanForm(hazard=hazard, plan=plan),
        "evaluation": lambda: EvaluationForm(hazard=hazard),
        "resumption": lambda: ResumptionForm(hazard=hazard),
        "submit": lambda: SubmitForm(hazard=hazard),
        "accept": lambda: AcceptForm(hazard=hazard),
        "reject": lambda: RejectForm(hazard=hazard),
        "photos": lambda: PhotoForm(hazard=hazard),
    }
    panel_forms = {
        name: (bound if name == failed and bound is not None else factory())
        for name, factory in make.items()
        if can[name]
    }
    context = {
        "hazard": hazard,
        "plan": plan,
        "reports": reports,
        "before_photos": [p for p in photos if p.kind == "before"],
        "after_photos": [p for p in photos if p.kind == "after"],
        "timeline": queries.timeline(hazard),
        "overdue": queries.is_overdue(hazard),
        "can": can,
        "any_action": any(can.values()),
        "forms": panel_forms,
        "failed": failed,
        "errors": errors or [],
        "confirm_problems": actions.confirmation_problems(hazard) if can["confirm"] else [],
        "accept_problems": actions.acceptance_problems(hazard, user) if can["accept"] else [],
        "reject_problems": (
            actions.acceptance_problems(hazard, user, rejecting=True) if can["reject"] else []
        ),
        "has_after_photo": any(p.kind == "after" for p in photos),
        "needs_after_photo": not any(p.kind == "after" for p in photos),
        "errors_in_panel": failed in ("grade", "major_plan") and can.get(failed, False),
        "plan_sections": queries.plan_rows(plan, MajorHazardPlan.SECTION_FIELDS),
        "plan_analysis": queries.plan_rows(plan, ("current_state", "harm_analysis")),
        "is_member": actor_for(user).is_enterprise,
        "max_photos": MAX_PHOTOS,
        "codes": queries.national_codes(hazard),
        "is_deadline_type": hazard.manage_type == DangerManageType.DEADLINE,
        "documents": document_links(hazard),
    }
    return render(request, "hazards/detail.html", context)


# --- Workflow endpoints ----------------------------------------------------------------------

# An endpoint's work once the request is checked: (hazard, valid form, checked photos) →
# the success message. Raises ValidationError (shown on the page) or PermissionDenied (403).
Run = Callable[[Hazard, Any, list[PhotoInput]], str]


def _workflow(
    request: HttpRequest,
    public_id: Any,
    *,
    permission: str,
    event: str,
    panel: str,
    run: Run,
    form: Callable[[Hazard, Any], forms.Form] = lambda hazard, data: VersionedForm(data),
    photos: bool = False,
) -> HttpResponse:
    """The shape every workflow endpoint shares (see the module docstring)."""
    hazard = access_visible_hazard(request.user, public_id, permission)
    data = request.POST.copy()
    posted_version = data.get("version", "")
    data["version"] = str(hazard.version)  # a re-rendered form carries the current version
    bound = form(hazard, data)

    def refuse(reasons: list[str]) -> HttpResponse:
        fresh = queries.hazard_for_detail(request.user, hazard.public_id)
        return render_detail(request, fresh, failed=panel, errors=reasons, bound=bound)

    if posted_version != str(hazard.version):
        return refuse([_stale_message()])
    if refusal := queries.state_refusal(hazard, event):
        return refuse([refusal])
    if not bound.is_valid():
        return refuse([])
    try:
        uploads = checked_photos(request.FILES.getlist("photos")) if photos else []
        message = run(hazard, bound, uploads)
    except ValidationError as exc:
        return refuse([str(m) for m in exc.messages])
    messages.success(request, message)
    return redirect(reverse("hazards:detail", args=[hazard.public_id]))


@route("enterprise", action=MANAGE_HAZARDS, subject=Hazard)
@require_POST
def grade(request: HttpRequest, public_id: str) -> HttpResponse:
    """分级与五落实 (GRADE while reported, EDIT later); an unchanged form writes nothing."""

    def run(hazard: Hazard, form: GradingForm, _p: list[PhotoInput]) -> str:
        changes = form.changes()
        if not changes:
            return _("没有需要保存的修改。")
        reported = hazard.status == HazardStatus.REPORTED
        actions.save_hazard_fields(
            hazard=hazard,
            acting_user=request.user,
            changes=changes,
            action=EventAction.GRADE if reported else EventAction.EDIT,
        )
        return _("已保存隐患分级和五落实。")

    return _workflow(
        request,
        public_id,
        permission=MANAGE_HAZARDS,
        event=EventAction.EDIT,
        panel="grade",
        form=lambda hazard, data: GradingForm(
            data, hazard=hazard, larger_tier=_larger_tier(hazard)
        ),
        run=run,
    )


@route("enterprise", action=MANAGE_HAZARDS, subject=Hazard)
@require_POST
def confirm(request: HttpRequest, public_id: str) -> HttpResponse:
    """确认并下达整改通知: REPORTED → RECTIFYING."""

    def run(hazard: Hazard, form: Any, _p: list[PhotoInput]) -> str:
        actions.confirm_hazard(hazard=hazard, acting_user=request.user)
        if hazard.manage_type == DangerManageType.DEADLINE:
            return _("已确认隐患并下达整改通知，已通知整改责任人。")
        return _("已确认隐患，转入整改。")

    return _workflow(
        request,
        public_id,
        permission=MANAGE_HAZARDS,
        event=EventAction.CONFIRM,
        panel="confirm",
        run=run,
    )


@route("enterprise", action=MANAGE_HAZARDS, subject=Hazard)
@require_POST
def confirm_fixed(request: HttpRequest, public_id: str) -> HttpResponse:
    """确认（已当场整改）: REPORTED → PENDING_ACCEPT."""

    def run(hazard: Hazard, form: Any, _p: list[PhotoInput]) -> str:
        actions.confirm_fixed(hazard=hazard, acting_user=request.user)
        return _("已确认当场整改，转入验收。")

    return _workflow(
        request,
        public_id,
        permission=MANAGE_HAZARDS,
        event=EventAction.CONFIRM_FIXED,
        panel="confirm_fixed",
        run=run,
    )


@route("enterprise", action=MANAGE_HAZARDS, subject=Hazard)
@require_POST
def cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    """撤销: REPORTED → CANCELLED (not a hazard, a duplicate, other)."""

    def run(hazard: Hazard, form: Any, _p: list[PhotoInput]) -> str:
        actions.cancel_hazard(
            hazard=hazard,
            acting_user=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            duplicate_of=form.cleaned_data["duplicate_number"],
        )
        return _("已撤销该隐患。")

    return _workflow(
        request,
        public_id,
        permission=MANAGE_HAZARDS,
        event=EventAction.CANCEL,
        panel="cancel",
        form=lambda hazard, data: CancelForm(data, hazard=hazard, user=request.user),
        run=run,
    )


@route("enterprise", action=MANAGE_HAZARDS, subject=Hazard)
@require_POST
def major_plan(request: HttpRequest, public_id: str) -> HttpResponse:
    """重大事故隐患治理方案 (changing an approved plan withdraws the approval)."""

    def run(hazard: Hazard, form: Any, _p: list[PhotoInput]) -> str:
        values = form.values()
        was_approved = getattr(queries.major_plan_of(hazard), "approved_at", None) is not None
        plan = actions.save_major_plan(hazard=hazard, acting_user=request.user, values=values)
        if was_approved and plan.approved_at is None:
            return _("已保存治理方案。方案内容有修改，需重新批准。")
        return _("已保存治理方案。")

    return _workflow(
        request,
        public_id,
        permission=MANAGE_HAZARDS,
        event=EventAction.MAJOR_PLAN,
        panel="major_plan",
        form=lambda hazard, data: MajorPlanForm(data, hazard=hazard),
        run=run,
    )


@route("enterprise", action=MANAGE_HAZARDS, subject=Hazard)
@require_POST
def approve_plan(request: HttpRequest, public_id: str) -> HttpResponse:
    """批准方案 (主要负责人 or 分管负责人)."""

    def run(hazard: Hazard, form: Any, _p: list[PhotoInput]) -> str:
        actions.approve_major_plan(hazard=hazard, acting_user=request.user)
        return _("已批准重大事故隐患治理方案。")

    return _workflow(
        request,
        public_id,
        permission=MANAGE_HAZARDS,
        event=EventAction.MAJOR_PLAN,
        panel="approve_plan",
        run=run,
    )


@route("enterprise", action=MANAGE_HAZARDS, subject=Hazard)
@require_POST
def report_regulator(request: HttpRequest, public_id: str) -> HttpResponse:
    """报告区应急管理局 (a snapshot the regulator's side reads and signs for)."""

    def run(hazard: Hazard, form: Any, _p: list[PhotoInput]) -> str:
        actions.report_to_regulator(hazard=hazard, acting_user=request.user)
        return _("已向区应急管理局报告该重大事故隐患。")

    return _workflow(
        request,
        public_id,
        permission=MANAGE_HAZARDS,
        event=EventAction.REGULATOR_REPORT,
        panel="report_regulator",
        run=run,
    )


@route("enterprise", action=MANAGE_HAZARDS, subject=Hazard)
@require_POST
def evaluation(request: HttpRequest, public_id: str) -> HttpResponse:
    """治理效果评估."""

    def run(hazard: Hazard, form: Any, _p: list[PhotoInput]) -> str:
        actions.record_evaluation(
            hazard=hazard,
            acting_user=request.user,
            by=form.cleaned_data["by"],
            org=form.cleaned_data["org"],
            conclusion=form.cleaned_data["conclusion"],
        )
        return _("已记录治理效果评估。")

    return _workflow(
        request,
        public_id,
        permission=MANAGE_HAZARDS,
        event=EventAction.EVALUATION,
        panel="evaluation",
        form=lambda hazard, data: EvaluationForm(data, hazard=hazard),
        run=run,
    )


@route("enterprise", action=MANAGE_HAZARDS, subject=Hazard)
@require_POST
def resumption(request: HttpRequest, public_id: str) -> HttpResponse:
    """复产申请 (sent to the regulator)."""

    def run(hazard: Hazard, form: Any, _p: list[PhotoInput]) -> str:
        actions.apply_resumption(
            hazard=hazard, acting_user=request.user, text=form.cleaned_data["text"]
        )
        return _("已提交复产申请，并报送区应急管理局。")

    return _workflow(
        request,
        public_id,
        permission=MANAGE_HAZARDS,
        event=EventAction.RESUMPTION,
        panel="resumption",
        form=lambda hazard, data: ResumptionForm(data, hazard=hazard),
        run=run,
    )


@route("enterprise", action=REPORT_HAZARD, subject=Hazard)
@require_POST
def submit(request: HttpRequest, public_id: str) -> HttpResponse:
    """提交整改: the liable person (or a hazard manager) describes the fix, with after photos."""

    def run(hazard: Hazard, form: Any, photos: list[PhotoInput]) -> str:
        actions.submit_rectification(
            hazard=hazard,
            acting_user=request.user,
            note=form.cleaned_data["note"],
            photos=photos,
            cost=form.cleaned_data.get("cost"),
        )
        return _("已提交整改，等待验收。")

    return _workflow(
        request,
        public_id,
        permission=REPORT_HAZARD,
        event=EventAction.SUBMIT,
        panel="submit",
        form=lambda hazard, data: SubmitForm(data, hazard=hazard),
        photos=True,
        run=run,
    )


@route("enterprise", action=ACCEPT_HAZARDS, subject=Hazard)
@require_POST
def accept(request: HttpRequest, public_id: str) -> HttpResponse:
    """验收 (销号): never by the rectifier or the liable person."""

    def run(hazard: Hazard, form: Any, photos: list[PhotoInput]) -> str:
        actions.accept_hazard(
            hazard=hazard,
            acting_user=request.user,
            comment=form.cleaned_data["comment"],
            photos=photos,
        )
        return _("验收通过，隐患已销号。")

    return _workflow(
        request,
        public_id,
        permission=ACCEPT_HAZARDS,
        event=EventAction.ACCEPT,
        panel="accept",
        form=lambda hazard, data: AcceptForm(data, hazard=hazard),
        photos=True,
        run=run,
    )


@route("enterprise", action=ACCEPT_HAZARDS, subject=Hazard)
@require_POST
def reject(request: HttpRequest, public_id: str) -> HttpResponse:
    """验收不通过: back to rectification with the reason."""

    def run(hazard: Hazard, form: Any, _p: list[PhotoInput]) -> str:
        actions.reject_rectification(
            hazard=hazard, acting_user=request.user, reason=form.cleaned_data["reason"]
        )
        return _("验收不通过，已退回整改责任人重新整改。")

    return _workflow(
        request,
        public_id,
        permission=ACCEPT_HAZARDS,
        event=EventAction.REJECT,
        panel="reject",
        form=lambda hazard, data: RejectForm(data, hazard=hazard),
        run=run,
    )


@route("enterprise", action=REPORT_HAZARD, subject=Hazard)
@require_POST
def add_photos(request: HttpRequest, public_id: str) -> HttpResponse:
    """添加照片 (the reporter, the liable person or a hazard manager)."""

    def run(hazard: Hazard, form: Any, photos: list[PhotoInput]) -> str:
        actions.add_photos(
            hazard=hazard, acting_user=request.user, kind=form.cleaned_data["kind"], photos=photos
        )
        return _("已添加 %(n)d 张照片。") % {"n": len(photos)}

    return _workflow(
        request,
        public_id,
        permission=REPORT_HAZARD,
        event=EventAction.PHOTO,
        panel="photos",
        form=lambda hazard, data: PhotoForm(data, hazard=hazard),
        photos=True,
        run=run,
    )


def _larger_tier(hazard: Hazard) -> bool:
    return actions.hazard_settings(hazard.enterprise_id).larger_tier_enabled


# --- Settings --------------------------------------------------------------------------------


@route("enterprise")
def settings_page(request: HttpRequest) -> HttpResponse:
    """Every member reads the hazard settings; only company-level managers (``manage_org``)
    save them (403 otherwise). Reading never writes; the first save creates the row."""
    enterprise = own_enterprise(request.user, MANAGE_ORG if request.method == "POST" else "view")
    form = HazardSettingsForm(request.POST or None, instance=actions.hazard_settings(enterprise))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存隐患治理设置。"))
        return redirect(reverse("hazards:settings"))
    context = {"form": form, "can_manage": actor_for(request.user).can(MANAGE_ORG)}
    return render(request, "hazards/office/settings.html", context)
