"""Office pages of the inspection module (``/inspections/``): the hub, the settings and the
停用/检修 records. Check tasks, special inspections and commitments have their own modules
(views_tasks, views_special, views_commitment). Thin HTTP glue: parse, access, act, respond."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualprev.accounts.roles import COMMIT, MANAGE_INSPECTIONS
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.inspections import actions, office_queries
from dualprev.inspections.access import access_deactivation
from dualprev.inspections.forms import (
    DeactivationEndForm,
    DeactivationForm,
    InspectionSettingsForm,
)
from dualprev.inspections.models import Deactivation
from dualprev.orgs.access import own_enterprise

# --- Helpers shared by the office view modules -----------------------------------------------


def done(request: HttpRequest, url: str, message: str, level: int = messages.SUCCESS) -> Any:
    messages.add_message(request, level, message)
    return redirect(url)


def can(request: HttpRequest, action: str) -> bool:
    return actor_for(request.user).can(action)


def next_url(request: HttpRequest, default: str) -> str:
    """Where to go after a form: a local ``next`` (from the page that linked here) or
    ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def list_context(request: HttpRequest, rows: Any) -> dict[str, Any]:
    return {
        "page_obj": office_queries.paginate(rows, request.GET.get("page")),
        "querystring_without_page": office_queries.querystring_without_page(request.GET),
    }


def error_text(problem: ValidationError | Any) -> str:
    """The messages of a ValidationError or of a bound form's errors, as one line."""
    if isinstance(problem, ValidationError):
        return " ".join(str(m) for m in problem.messages)
    return " ".join(str(m) for errors in problem.errors.values() for m in errors)


# --- Hub -------------------------------------------------------------------------------------


@route("enterprise")
def index(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user)
    context = {
        "enterprise": enterprise,
        "figures": office_queries.today_figures(request.user),
        "counts": office_queries.hub_counts(request.user),
        "commitment": actions.commitment_status(enterprise),
        "can_manage": can(request, MANAGE_INSPECTIONS),
        "can_commit": can(request, COMMIT),
    }
    return render(request, "inspections/office/index.html", context)


# --- Settings --------------------------------------------------------------------------------


@route("enterprise")
def settings_page(request: HttpRequest) -> HttpResponse:
    """Everyone may read the settings; saving needs ``manage_inspections`` (403 otherwise)."""
    enterprise = own_enterprise(
        request.user, MANAGE_INSPECTIONS if request.method == "POST" else "view"
    )
    form = InspectionSettingsForm(
        request.POST or None, instance=actions.inspection_settings(enterprise)
    )
    if request.method == "POST" and form.is_valid():
        changed = actions.save_inspection_settings(
            enterprise=enterprise, acting_user=request.user, changes=form.changes()
        )
        message = _("已保存隐患排查设置，%(n)s 项按管控层级自动设置的排查任务随之更新。")
        return done(request, reverse("inspections:settings"), message % {"n": changed})
    context = {"form": form, "can_manage": can(request, MANAGE_INSPECTIONS)}
    return render(request, "inspections/office/settings.html", context)


# --- 停用/检修 ---------------------------------------------------------------------------------


@route("enterprise")
def deactivation_list(request: HttpRequest) -> HttpResponse:
    context = {
        **list_context(request, office_queries.deactivation_rows(request.user)),
        "can_manage": can(request, MANAGE_INSPECTIONS),
    }
    return render(request, "inspections/office/deactivation_list.html", context)


@route("enterprise", action=MANAGE_INSPECTIONS)
def deactivation_create(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_INSPECTIONS)
    form = DeactivationForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        cancelled = actions.record_deactivation(
            deactivation=form.save(commit=False), acting_user=request.user
        )
        message = _("已登记“%(unit)s”%(kind)s，取消了期间 %(n)s 项未完成的排查。")
        deactivation = form.instance
        return done(
            request,
            reverse("inspections:deactivation_list"),
            message
            % {
                "unit": deactivation.risk_unit,
                "kind": deactivation.get_kind_display(),
                "n": cancelled,
            },
        )
    context = {
        "form": form,
        "title": _("登记停用/检修"),
        "back": reverse("inspections:deactivation_list"),
    }
    return render(request, "inspections/office/form.html", context)


@route("enterprise", action=MANAGE_INSPECTIONS, subject=Deactivation)
@require_POST
def deactivation_end(request: HttpRequest, public_id: str) -> HttpResponse:
    deactivation = access_deactivation(request.user, public_id, MANAGE_INSPECTIONS)
    form = DeactivationEndForm(request.POST, deactivation=deactivation)
    back = reverse("inspections:deactivation_list")
    if not form.is_valid():
        return done(request, back, error_text(form), messages.ERROR)
    try:
        actions.end_deactivation(
            deactivation=deactivation, end=form.cleaned_data["end"], acting_user=request.user
        )
    except ValidationError as exc:
        return done(request, back, error_text(exc), messages.ERROR)
    message = _("“%(unit)s”已恢复运行，恢复后的隐患排查重新生成。")
    return done(request, back, message % {"unit": deactivation.risk_unit})
