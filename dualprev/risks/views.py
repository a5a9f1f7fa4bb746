"""Pages of the risk register: the 风险分级管控清单, the object → unit → event → measure pages,
assessment with a live preview, grading settings and re-identification. Thin HTTP glue: parse,
access, action, respond; writes that span rows go through ``risks.actions``."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from dualprev.accounts.roles import MANAGE_RISKS
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.orgs.access import own_enterprise
from dualprev.reference.scoring import ScoringError
from dualprev.risks import actions, queries
from dualprev.risks.access import (
    access_control_measure,
    access_risk_event,
    access_risk_object,
    access_risk_unit,
)
from dualprev.risks.filters import RegisterFilterForm
from dualprev.risks.forms import (
    AssessmentForm,
    ControlMeasureForm,
    RiskEventForm,
    RiskObjectForm,
    RiskSettingsForm,
    RiskUnitForm,
    TriggerForm,
)
from dualprev.risks.models import (
    ControlMeasure,
    ReassessmentTodo,
    ReassessmentTrigger,
    RiskEvent,
    RiskObject,
    RiskUnit,
)

METHODS = ("LEC", "LS", "MES")

# --- Helpers ---------------------------------------------------------------------------------


def _done(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _can_manage(request: HttpRequest) -> bool:
    return actor_for(request.user).can(MANAGE_RISKS)


def _show_retired(request: HttpRequest) -> bool:
    return request.GET.get("retired") == "1"


def _optional_url(name: str) -> str:
    """The URL of a route another module may or may not provide yet (export, import)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _retire(request: HttpRequest, obj: Any, label: str, next_url: str) -> HttpResponse:
    outcome = actions.retire(obj=obj, acting_user=request.user)
    if outcome == "deleted":
        message = _("已删除%(what)s“%(name)s”（未被使用）。")
    else:
        message = _("已停用%(what)s“%(name)s”及其下级；已有评价或下级记录，保留为历史。")
    return _done(request, next_url, message % {"what": label, "name": obj})


def page_url(obj: Any) -> str:
    """The page that shows ``obj`` (a measure is shown on its event's page)."""
    if isinstance(obj, ControlMeasure):
        return reverse("risks:event_detail", args=[obj.event.public_id]) + f"#m-{obj.public_id}"
    name = {RiskObject: "object_detail", RiskUnit: "unit_detail", RiskEvent: "event_detail"}
    return reverse(f"risks:{name[type(obj)]}", args=[obj.public_id])


def _retired_parent(
    request: HttpRequest, parent: Any, message: str | None = None
) -> HttpResponse | None:
    """Nothing is added under (or done to) a retired row: back to its page with a message."""
    if parent.is_active:
        return None
    text = message or _("“%(name)s”已停用，不能在其下添加内容。")
    messages.error(request, text % {"name": parent})
    return redirect(page_url(parent))


def _saved(request: HttpRequest, form: Any, message: str) -> HttpResponse | None:
    """Save a bound, valid model form and redirect to the saved row's page; else None."""
    if request.method == "POST" and form.is_valid():
        obj = actions.save_register_form(form=form)
        return _done(request, page_url(obj), message % {"name": obj})
    return None


# --- The register ----------------------------------------------------------------------------


def _level_links(query: Any) -> dict[str, str]:
    """For each colour count, the current filters with that level (a click narrows, keeping
    the other filters)."""
    links = {}
    for key, code in (
        ("red", "0"),
        ("orange", "1"),
        ("yellow", "2"),
        ("blue", "3"),
        ("none", "none"),
    ):
        narrowed = query.copy()
        narrowed["level"] = code
        links[key] = "?" + narrowed.urlencode()
    return links


@route("enterprise")
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterFilterForm(request.GET or None, user=request.user)
    events = form.apply(queries.active_events(request.user))
    counts = queries.colour_counts(events)
    page = queries.paginate(
        queries.register_rows(events), request.GET.get("page"), total=counts["total"]
    )
    from dualprev.hazards.feedback import mark_flagged  # repeated hazards: one query a page

    mark_flagged(actor_for(request.user).enterprise_id, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page,
        "counts": counts,
        "level_links": _level_links(query),
        "querystring_without_page": (query.urlencode() + "&") if query else "",
        "export_url": _optional_url("risks:export"),
        "import_url": _optional_url("risks:import") if _can_manage(request) else "",
        "can_manage": _can_manage(request),
    }
    template = "risks/_register_results.html" if request.htmx else "risks/register.html"  # type: ignore[attr-defined]
    return render(request, template, context)


# --- Risk objects ----------------------------------------------------------------------------


@route("enterprise")
def object_list(request: HttpRequest) -> HttpResponse:
    show_retired = _show_retired(request)
    context = {
        "objects": queries.object_rows(request.user, show_retired=show_retired),
        "show_retired": show_retired,
        "can_manage": _can_manage(request),
    }
    return render(request, "risks/object_list.html", context)


@route("enterprise", action=MANAGE_RISKS)
def object_create(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_RISKS)
    form = RiskObjectForm(request.POST or None, enterprise=enterprise)
    context = {"form": form, "title": _("新建风险点"), "back": reverse("risks:object_list")}
    done = _saved(request, form, _("已新建风险点“%(name)s”。"))
    return done or render(request, "risks/form.html", context)


@route("enterprise", subject=RiskObject)
def object_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    risk_object = access_risk_object(request.user, public_id)
    show_retired = _show_retired(request)
    context = {
        "object": risk_object,
        "units": queries.units_with_events(request.user, risk_object, show_retired=show_retired),
        "todos": ReassessmentTodo.objects.visible_to(request.user)
        .filter(risk_object=risk_object, status="open")
        .select_related("trigger"),
        "show_retired": show_retired,
        "can_manage": _can_manage(request),
    }
    return render(request, "risks/object_detail.html", context)


@route("enterprise", action=MANAGE_RISKS, subject=RiskObject)
def object_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    risk_object = access_risk_object(request.user, public_id, MANAGE_RISKS)
    form = RiskObjectForm(
        request.POST or None, instance=risk_object, enterprise=risk_object.enterprise
    )
    context = {"form": form, "title": _("编辑风险点"), "back": page_url(risk_object)}
    done = _saved(request, form, _("已保存风险点“%(name)s”。"))
    return done or render(request, "risks/form.html", context)


@route("enterprise", action=MANAGE_RISKS, subject=RiskObject)
@require_POST
def object_retire(request: HttpRequest, public_id: str) -> HttpResponse:
    risk_object = access_risk_object(request.user, public_id, MANAGE_RISKS)
    return _retire(request, risk_object, _("风险点"), reverse("risks:object_list"))


# --- Units -----------------------------------------------------------------------------------


@route("enterprise", action=MANAGE_RISKS, subject=RiskObject)
def unit_create(request: HttpRequest, public_id: str) -> HttpResponse:
    risk_object = access_risk_object(request.user, public_id, MANAGE_RISKS)
    if closed := _retired_parent(request, risk_object):
        return closed
    form = RiskUnitForm(request.POST or None, enterprise=risk_object.enterprise)
    form.instance.risk_object = risk_object
    context = {
        "form": form,
        "title": _("在“%(name)s”下添加分析单元") % {"name": risk_object},
        "back": page_url(risk_object),
        "parent": risk_object,
    }
    done = _saved(request, form, _("已添加分析单元“%(name)s”。"))
    return done or render(request, "risks/form.html", context)


@route("enterprise", subject=RiskUnit)
def unit_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    unit = access_risk_unit(request.user, public_id)
    show_retired = _show_retired(request)
    context = {
        "unit": unit,
        "events": queries.unit_events(request.user, unit, show_retired=show_retired),
        "show_retired": show_retired,
        "can_manage": _can_manage(request),
    }
    return render(request, "risks/unit_detail.html", context)


@route("enterprise", action=MANAGE_RISKS, subject=RiskUnit)
def unit_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    unit = access_risk_unit(request.user, public_id, MANAGE_RISKS)
    form = RiskUnitForm(request.POST or None, instance=unit, enterprise=unit.enterprise)
    context = {"form": form, "title": _("编辑分析单元"), "back": page_url(unit)}
    done = _saved(request, form, _("已保存分析单元“%(name)s”。"))
    return done or render(request, "risks/form.html", context)


@route("enterprise", action=MANAGE_RISKS, subject=RiskUnit)
@require_POST
def unit_retire(request: HttpRequest, public_id: str) -> HttpResponse:
    unit = access_risk_unit(request.user, public_id, MANAGE_RISKS)
    next_url = reverse("risks:object_detail", args=[unit.risk_object.public_id])
    return _retire(request, unit, _("分析单元"), next_url)


# --- Events ----------------------------------------------------------------------------------


@route("enterprise", action=MANAGE_RISKS, subject=RiskUnit)
def event_create(request: HttpRequest, public_id: str) -> HttpResponse:
    unit = access_risk_unit(request.user, public_id, MANAGE_RISKS)
    if closed := _retired_parent(request, unit):
        return closed
    form = RiskEventForm(request.POST or None, enterprise=unit.enterprise)
    form.instance.unit = unit
    context = {
        "form": form,
        "title": _("在“%(name)s”下添加风险事件") % {"name": unit},
        "back": page_url(unit),
        "parent": unit,
    }
    done = _saved(request, form, _("已添加风险事件“%(name)s”，请进行风险评价。"))
    return done or render(request, "risks/form.html", context)


@route("enterprise", subject=RiskEvent)
def event_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    event = access_risk_event(request.user, public_id)
    show_retired = _show_retired(request)
    context = {
        "event": event,
        "measures": queries.event_measures(request.user, event, show_retired=show_retired),
        "history": queries.assessment_history(request.user, event),
        "show_retired": show_retired,
        "can_manage": _can_manage(request),
    }
    # Hazards feed back into risks (imported here: risks does not depend on hazards).
    from dualprev.hazards.feedback import event_context

    context.update(event_context(request.user, event))
    return render(request, "risks/event_detail.html", context)


@route("enterprise", action=MANAGE_RISKS, subject=RiskEvent)
def event_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    event = access_risk_event(request.user, public_id, MANAGE_RISKS)
    form = RiskEventForm(request.POST or None, instance=event, enterprise=event.enterprise)
    context = {"form": form, "title": _("编辑风险事件"), "back": page_url(event)}
    done = _saved(request, form, _("已保存风险事件“%(name)s”。"))
    return done or render(request, "risks/form.html", context)


@route("enterprise", action=MANAGE_RISKS, subject=RiskEvent)
@require_POST
def event_retire(request: HttpRequest, public_id: str) -> HttpResponse:
    event = access_risk_event(request.user, public_id, MANAGE_RISKS)
    return _retire(request, event, _("风险事件"), page_url(event.unit))


@route("enterprise", action=MANAGE_RISKS, subject=RiskEvent)
def event_assess(request: HttpRequest, public_id: str) -> HttpResponse:
    event = access_risk_event(request.user, public_id, MANAGE_RISKS)
    if closed := _retired_parent(request, event, _("“%(name)s”已停用，不能再评价。")):
        return closed
    settings_row = actions.risk_settings(event.enterprise)
    method = request.POST.get("method") or request.GET.get("method") or ""
    method = method if method in METHODS else settings_row.default_method
    form = AssessmentForm(request.POST or None, method=method, initial={"method": method})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.assess_event(
                event=event,
                acting_user=request.user,
                method=method,
                inputs=form.inputs(),
                kind=data["kind"],
                note=data["note"],
            )
        except ScoringError as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, page_url(event), _("评价已保存。"))
    profiles = {m: settings_row.profile_for(m) for m in METHODS}
    context = {
        "event": event,
        "form": form,
        "profiles_json": json.dumps(profiles),
        "profile": profiles[method],
    }
    if request.htmx and request.method == "GET":  # type: ignore[attr-defined]
        return render(request, "risks/_assess_factors.html", context)
    return render(request, "risks/assess.html", context)


# --- Measures --------------------------------------------------------------------------------


@route("enterprise", action=MANAGE_RISKS, subject=RiskEvent)
def measure_create(request: HttpRequest, public_id: str) -> HttpResponse:
    event = access_risk_event(request.user, public_id, MANAGE_RISKS)
    if closed := _retired_parent(request, event):
        return closed
    form = ControlMeasureForm(request.POST or None, enterprise=event.enterprise)
    form.instance.event = event
    context = {
        "form": form,
        "title": _("为“%(name)s”添加管控措施") % {"name": event},
        "back": page_url(event),
        "parent": event,
    }
    done = _saved(request, form, _("已添加管控措施“%(name)s”。"))
    return done or render(request, "risks/form.html", context)


@route("enterprise", action=MANAGE_RISKS, subject=ControlMeasure)
def measure_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    measure = access_control_measure(request.user, public_id, MANAGE_RISKS)
    form = ControlMeasureForm(request.POST or None, instance=measure, enterprise=measure.enterprise)
    context = {"form": form, "title": _("编辑管控措施"), "back": page_url(measure.event)}
    done = _saved(request, form, _("已保存管控措施“%(name)s”。"))
    return done or render(request, "risks/form.html", context)


@route("enterprise", action=MANAGE_RISKS, subject=ControlMeasure)
@require_POST
def measure_retire(request: HttpRequest, public_id: str) -> HttpResponse:
    measure = access_control_measure(request.user, public_id, MANAGE_RISKS)
    return _retire(request, measure, _("管控措施"), page_url(measure.event))


# --- Settings and re-identification ----------------------------------------------------------


@route("enterprise", action=MANAGE_RISKS)
def risk_settings(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_RISKS)
    form = RiskSettingsForm(request.POST or None, instance=actions.risk_settings(enterprise))
    if request.method == "POST" and form.is_valid():
        started = timezone.now()
        actions.change_risk_settings(
            enterprise=enterprise, acting_user=request.user, changes=form.changes()
        )
        count = queries.rebanded_event_count(request.user, started)
        message = _("已保存风险分级设置，按新分级方案重新定级了 %(n)s 个风险事件。")
        return _done(request, reverse("risks:settings"), message % {"n": count})
    return render(request, "risks/settings.html", {"form": form})


@route("enterprise")
def reassessment(request: HttpRequest) -> HttpResponse:
    context = {
        "triggers": ReassessmentTrigger.objects.visible_to(request.user)
        .select_related("recorded_by")
        .prefetch_related("todos__risk_object"),
        "open_todos": ReassessmentTodo.objects.visible_to(request.user)
        .filter(status="open")
        .select_related("risk_object", "trigger"),
        "can_manage": _can_manage(request),
    }
    return render(request, "risks/reassessment.html", context)


@route("enterprise", action=MANAGE_RISKS)
def trigger_create(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_RISKS)
    form = TriggerForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        trigger = actions.record_trigger(
            enterprise=enterprise, acting_user=request.user, **form.cleaned_data
        )
        message = _("已记录变更，生成 %(n)s 项重新评价待办。")
        return _done(request, reverse("risks:reassessment"), message % {"n": trigger.todos.count()})
    context = {"form": form, "title": _("记录变更"), "back": reverse("risks:reassessment")}
    return render(request, "risks/form.html", context)
