"""Special inspection pages (专项排查, dangerSrc 2–8): the list, the plan form, the detail page
with progress and findings, and the three ways to add checklist items — from chosen control
measures, from a library checklist (重大事故隐患判定标准) and as free text."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from dualprev.accounts.roles import MANAGE_INSPECTIONS
from dualprev.core.access import route
from dualprev.inspections import actions, office_queries
from dualprev.inspections.access import access_special
from dualprev.inspections.forms import (
    CriteriaPickForm,
    MeasurePickFilter,
    MeasurePickForm,
    SpecialInspectionForm,
    TextItemForm,
    criteria_datasets,
)
from dualprev.inspections.models import SpecialInspection, SpecialInspectionItem
from dualprev.inspections.views_office import can, done, list_context
from dualprev.orgs.access import own_enterprise


def _detail_url(inspection: SpecialInspection) -> str:
    return reverse("inspections:special_detail", args=[inspection.public_id])


@route("enterprise")
def special_list(request: HttpRequest) -> HttpResponse:
    context = {
        **list_context(request, office_queries.special_rows(request.user)),
        "can_manage": can(request, MANAGE_INSPECTIONS),
    }
    return render(request, "inspections/office/special_list.html", context)


def _save_plan(request: HttpRequest, form: SpecialInspectionForm, message: str) -> Any:
    if request.method == "POST" and form.is_valid():
        inspection = actions.save_special_inspection(
            inspection=form.save(commit=False),
            members=form.cleaned_data["members"],
            acting_user=request.user,
        )
        return done(request, _detail_url(inspection), message % {"name": inspection})
    return None


@route("enterprise", action=MANAGE_INSPECTIONS)
def special_create(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_INSPECTIONS)
    form = SpecialInspectionForm(
        request.POST or None, enterprise=enterprise, initial={"leader": request.user.pk}
    )
    saved = _save_plan(request, form, _("已新建专项排查“%(name)s”，请添加检查条目。"))
    back = reverse("inspections:special_list")
    context = {"form": form, "title": _("新建专项排查"), "back": back}
    return saved or render(request, "inspections/office/form.html", context)


@route("enterprise", action=MANAGE_INSPECTIONS, subject=SpecialInspection)
def special_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    inspection = access_special(request.user, public_id, MANAGE_INSPECTIONS)
    form = SpecialInspectionForm(
        request.POST or None, instance=inspection, enterprise=inspection.enterprise
    )
    saved = _save_plan(request, form, _("已保存专项排查“%(name)s”。"))
    context = {"form": form, "title": _("编辑专项排查"), "back": _detail_url(inspection)}
    return saved or render(request, "inspections/office/form.html", context)


@route("enterprise", subject=SpecialInspection)
def special_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    inspection = access_special(request.user, public_id)
    rows = office_queries.special_items(request.user, inspection)
    context = {
        "inspection": inspection,
        "rows": rows,
        "progress": office_queries.special_progress(rows),
        "hazards": office_queries.special_hazards(request.user, inspection),
        "can_manage": can(request, MANAGE_INSPECTIONS),
    }
    return render(request, "inspections/office/special_detail.html", context)


def _add(request: HttpRequest, inspection: SpecialInspection, items: list[Any]) -> HttpResponse:
    if not items:
        message = _("所选条目都已在清单中，没有添加新条目。")
        return done(request, _detail_url(inspection), message, messages.WARNING)
    count = actions.add_special_items(inspection=inspection, items=items, acting_user=request.user)
    return done(request, _detail_url(inspection), _("已添加 %(n)s 个检查条目。") % {"n": count})


def _add_page(request: HttpRequest, inspection: SpecialInspection, tab: str, **extra: Any) -> Any:
    context = {"inspection": inspection, "tab": tab, **extra}
    return render(request, "inspections/office/special_add.html", context)


@route("enterprise", action=MANAGE_INSPECTIONS, subject=SpecialInspection)
def special_add_measures(request: HttpRequest, public_id: str) -> HttpResponse:
    inspection = access_special(request.user, public_id, MANAGE_INSPECTIONS)
    form = MeasurePickForm(request.POST or None, enterprise=inspection.enterprise)
    if request.method == "POST" and form.is_valid():
        used = office_queries.used_measure_ids(inspection)
        items = [
            SpecialInspectionItem(
                content=(m.check_content or "").strip() or m.description, measure=m
            )
            for m in form.cleaned_data["measures"]
            if m.pk not in used
        ]
        return _add(request, inspection, items)
    filters = MeasurePickFilter(request.GET or None, enterprise=inspection.enterprise)
    measures, truncated = office_queries.pickable_measures(request.user, filters.data_or_empty)
    return _add_page(
        request,
        inspection,
        "measures",
        form=form,
        filters=filters,
        measures=measures,
        truncated=truncated,
        used=office_queries.used_measure_ids(inspection),
    )


@route("enterprise", action=MANAGE_INSPECTIONS, subject=SpecialInspection)
def special_add_library(request: HttpRequest, public_id: str) -> HttpResponse:
    inspection = access_special(request.user, public_id, MANAGE_INSPECTIONS)
    form = CriteriaPickForm(request.POST or None, enterprise=inspection.enterprise)
    if request.method == "POST" and form.is_valid():
        used = office_queries.used_criterion_ids(inspection)
        risk_object = form.cleaned_data["risk_object"]
        items = [
            SpecialInspectionItem(content=c.text, criterion=c, risk_object=risk_object)
            for c in form.cleaned_data["criteria"]
            if c.pk not in used
        ]
        return _add(request, inspection, items)
    datasets = list(criteria_datasets())
    dataset = form.cleaned_data.get("dataset") if form.is_bound else None
    if dataset is None:
        code = request.GET.get("dataset", "")
        dataset = next((d for d in datasets if d.code == code), datasets[0] if datasets else None)
    return _add_page(
        request,
        inspection,
        "library",
        form=form,
        datasets=datasets,
        dataset=dataset,
        criteria=office_queries.criteria_of(dataset),
        used=office_queries.used_criterion_ids(inspection),
    )


@route("enterprise", action=MANAGE_INSPECTIONS, subject=SpecialInspection)
def special_add_text(request: HttpRequest, public_id: str) -> HttpResponse:
    inspection = access_special(request.user, public_id, MANAGE_INSPECTIONS)
    form = TextItemForm(request.POST or None, enterprise=inspection.enterprise)
    if request.method == "POST" and form.is_valid():
        item = SpecialInspectionItem(
            content=form.cleaned_data["content"], risk_object=form.cleaned_data["risk_object"]
        )
        return _add(request, inspection, [item])
    return _add_page(request, inspection, "text", form=form)
