"""Pages of the 安全风险四色分布图 and the 作业活动风险比较图. Thin HTTP glue: parse, access,
action, respond. Plan images are served only through ``plan_image`` (access-checked), never
from a public MEDIA URL."""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualprev.accounts.roles import MANAGE_RISKS
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.documents.pdf import pdf_response, render_pdf
from dualprev.maps import actions, queries
from dualprev.maps.access import access_map_zone, access_site_plan
from dualprev.maps.forms import PlanUploadForm
from dualprev.maps.images import pdf_data_uri
from dualprev.maps.models import MapZone, SitePlan, ZoneShape
from dualprev.orgs.access import own_enterprise
from dualprev.risks.access import access_risk_object
from dualprev.risks.models import RiskObject


def _map_context(plan: SitePlan) -> dict[str, Any]:
    zones = queries.drawn_zones(plan)
    return {
        "plan": plan,
        "zones": zones,
        "zone_list": zones[::-1],  # most severe first
        "legend": queries.legend(zones),
        "geo": queries.map_geometry(plan),
    }


@route("enterprise")
def index(request: HttpRequest) -> HttpResponse:
    plans = list(queries.plans_for(request.user))
    context = {
        "plans": plans,
        "can_manage": actor_for(request.user).can(MANAGE_RISKS),
        "unmapped": queries.unmapped_objects(request.user).count(),
    }
    if plans:
        context.update(_map_context(plans[0]))
    return render(request, "maps/index.html", context)


@route("enterprise", action=MANAGE_RISKS)
def plan_upload(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_RISKS)
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        plan = actions.store_plan(
            enterprise=enterprise,
            acting_user=request.user,
            name=form.cleaned_data["name"],
            image=form.checked,
            make_current=form.cleaned_data["make_current"],
        )
        messages.success(request, _("已上传平面图，请在图上绘制风险点。"))
        return redirect("maps:plan_edit", public_id=plan.public_id)
    return render(request, "maps/upload.html", {"form": form}, status=400 if form.errors else 200)


@route("enterprise", subject=SitePlan)
def plan_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    plan = access_site_plan(request.user, public_id)
    context = _map_context(plan)
    context["can_manage"] = actor_for(request.user).can(MANAGE_RISKS)
    context["plans"] = list(queries.plans_for(request.user))
    return render(request, "maps/plan_detail.html", context)


@route("enterprise", subject=SitePlan)
def plan_image(request: HttpRequest, public_id: Any) -> HttpResponse:
    plan = access_site_plan(request.user, public_id)
    response = FileResponse(plan.image.open("rb"), content_type=plan.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return cast(HttpResponse, response)  # streamed; the route decorator types HttpResponse


@route("enterprise", subject=SitePlan)
def plan_pdf(request: HttpRequest, public_id: Any) -> HttpResponse:
    plan = access_site_plan(request.user, public_id)
    context = _map_context(plan)
    with plan.image.open("rb") as source:
        image_uri = pdf_data_uri(source)
    context.update(
        {
            "enterprise": plan.enterprise,
            "image_uri": image_uri,
            "printed_at": timezone.localtime(),
        }
    )
    pdf = render_pdf("maps/map_pdf.html", context, request=request)
    return pdf_response(pdf, f"安全风险四色分布图-{plan.name}.pdf")


@route("enterprise", action=MANAGE_RISKS, subject=SitePlan)
def plan_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    """GET: the drawing page. POST (JSON or form fields risk_object, shape, points): add a zone;
    400 with a Chinese message when it is not valid."""
    plan = access_site_plan(request.user, public_id, MANAGE_RISKS)
    if request.method == "POST":
        return _add_zone(request, plan)
    objects = (
        RiskObject.objects.visible_to(request.user)
        .filter(retired_at__isnull=True)
        .select_related("responsible_unit")
    )
    on_plan = set(plan.zones.values_list("risk_object_id", flat=True))
    context = _map_context(plan)
    context.update({"objects": objects, "on_plan": on_plan, "shapes": ZoneShape.choices})
    return render(request, "maps/plan_edit.html", context)


def _add_zone(request: HttpRequest, plan: SitePlan) -> HttpResponse:
    wants_json = request.content_type == "application/json"
    try:
        data = json.loads(request.body) if wants_json else request.POST.dict()
        if not isinstance(data, dict):
            raise ValueError
        points = data.get("points")
        if isinstance(points, str):
            points = json.loads(points)
    except (ValueError, UnicodeDecodeError):
        return _zone_error(request, plan, _("提交的数据格式不正确。"), wants_json)
    try:
        risk_object = access_risk_object(request.user, data.get("risk_object"))
    except (Http404, PermissionDenied):  # a missing or foreign object is a bad request here
        return _zone_error(request, plan, _("请选择本企业的风险点。"), wants_json)
    try:
        zone = actions.add_zone(
            plan=plan,
            risk_object=risk_object,
            shape=str(data.get("shape", "")),
            points=points,
            acting_user=request.user,
        )
    except ValidationError as exc:
        return _zone_error(request, plan, " ".join(exc.messages), wants_json)
    message = _("已在平面图上标出“%(name)s”。") % {"name": risk_object.name}
    messages.success(request, message)  # shown on the editor page the script reloads
    if wants_json:
        return JsonResponse(
            {"ok": True, "zone": str(zone.public_id), "message": message}, status=201
        )
    return redirect("maps:plan_edit", public_id=plan.public_id)


def _zone_error(
    request: HttpRequest, plan: SitePlan, message: str, wants_json: bool
) -> HttpResponse:
    if wants_json:
        return JsonResponse({"ok": False, "error": message}, status=400)
    messages.error(request, message)
    response = redirect("maps:plan_edit", public_id=plan.public_id)
    response.status_code = 303
    return response


@require_POST
@route("enterprise", action=MANAGE_RISKS, subject=MapZone)
def zone_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    zone = access_map_zone(request.user, public_id, MANAGE_RISKS)
    plan = zone.plan
    actions.delete_zone(zone=zone, acting_user=request.user)
    messages.success(request, _("已删除“%(name)s”的标注。") % {"name": zone.risk_object.name})
    return redirect("maps:plan_edit", public_id=plan.public_id)


@require_POST
@route("enterprise", action=MANAGE_RISKS, subject=SitePlan)
def plan_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    plan = access_site_plan(request.user, public_id, MANAGE_RISKS)
    actions.delete_plan(plan=plan, acting_user=request.user)
    messages.success(request, _("已删除平面图“%(name)s”。") % {"name": plan.name})
    return redirect("maps:index")


@route("enterprise")
def activities(request: HttpRequest) -> HttpResponse:
    all_types = request.GET.get("scope") == "all"
    rows = queries.activity_rows(request.user, all_types=all_types)
    chart = [
        {k: row[k] for k in ("name", "red", "orange", "yellow", "blue", "none", "url")}
        for row in rows
    ]
    context = {
        "rows": rows,
        "chart": chart,
        "all_types": all_types,
        "plan_url": reverse("maps:index"),
    }
    return render(request, "maps/activities.html", context)
