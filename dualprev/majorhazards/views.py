"""Pages of the 重大危险源 register: list, detail with the computation step by step, edit
pages for a source and its chemicals, and the read-only reference tables. Thin HTTP glue:
parse, access, action, respond; every write goes through ``majorhazards.actions``."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualprev.accounts.roles import MANAGE_RISKS
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.majorhazards import actions
from dualprev.majorhazards.access import access_chemical, access_source
from dualprev.majorhazards.choices import LEVEL_BAND_TEXT, LEVEL_COLOURS
from dualprev.majorhazards.forms import ChemicalForm, SourceForm
from dualprev.majorhazards.models import (
    AlphaBand,
    HazardCategory,
    HazardSourceChemical,
    MajorHazardSource,
    NamedChemical,
    ToxicGas,
)
from dualprev.orgs.access import own_enterprise
from dualprev.risks.models import RiskObject


def _can_manage(request: HttpRequest) -> bool:
    return actor_for(request.user).can(MANAGE_RISKS)


def _detail_url(source: MajorHazardSource) -> str:
    return reverse("majorhazards:source_detail", args=[source.public_id])


def _form_page(request: HttpRequest, form: object, title: str, back: str) -> HttpResponse:
    context = {"form": form, "title": title, "back": back}
    return render(request, "majorhazards/form.html", context)


@route("enterprise")
def source_list(request: HttpRequest) -> HttpResponse:
    sources = (
        MajorHazardSource.objects.visible_to(request.user)
        .select_related("main_person", "technical_person", "operational_person")
        .annotate(chemical_count=Count("chemicals"))
        .order_by("-is_major", "level", "name")
    )
    context = {"sources": sources, "can_manage": _can_manage(request), "colours": LEVEL_COLOURS}
    return render(request, "majorhazards/source_list.html", context)


@route("enterprise", action=MANAGE_RISKS)
def source_create(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_RISKS)
    form = SourceForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        source = actions.save_source(form=form)
        message = _("已新建辨识单元“%(name)s”，请添加危险化学品。") % {"name": source}
        messages.success(request, message)
        return redirect(_detail_url(source))
    back = reverse("majorhazards:source_list")
    return _form_page(request, form, _("新建重大危险源辨识单元"), back)


@route("enterprise", subject=MajorHazardSource)
def source_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    source = access_source(request.user, public_id)
    chemicals = HazardSourceChemical.objects.visible_to(request.user).filter(source=source)
    objects = RiskObject.objects.visible_to(request.user).filter(major_hazard_sources=source)
    context = {
        "source": source,
        "chemicals": chemicals.select_related(
            "chemical__toxic_gas", "chemical__category", "category"
        ),
        "risk_objects": objects,
        "calc": source.computation or {},
        "band_text": LEVEL_BAND_TEXT.get(source.level or 0, ""),
        "can_manage": _can_manage(request),
    }
    return render(request, "majorhazards/source_detail.html", context)


@route("enterprise", action=MANAGE_RISKS, subject=MajorHazardSource)
def source_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    source = access_source(request.user, public_id, MANAGE_RISKS)
    form = SourceForm(request.POST or None, instance=source, enterprise=source.enterprise)
    if request.method == "POST" and form.is_valid():
        actions.save_source(form=form)
        messages.success(request, _("已保存“%(name)s”并重新计算。") % {"name": source})
        return redirect(_detail_url(source))
    return _form_page(request, form, _("编辑重大危险源辨识单元"), _detail_url(source))


@route("enterprise", action=MANAGE_RISKS, subject=MajorHazardSource)
@require_POST
def source_recompute(request: HttpRequest, public_id: str) -> HttpResponse:
    source = access_source(request.user, public_id, MANAGE_RISKS)
    actions.recompute_source(source)
    messages.success(request, _("已按当前参考表重新计算。"))
    return redirect(_detail_url(source))


@route("enterprise", action=MANAGE_RISKS, subject=MajorHazardSource)
def chemical_add(request: HttpRequest, public_id: str) -> HttpResponse:
    source = access_source(request.user, public_id, MANAGE_RISKS)
    form = ChemicalForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        chemical = actions.save_chemical(form=form)
        messages.success(request, _("已添加“%(name)s”并重新计算。") % {"name": chemical})
        return redirect(_detail_url(source))
    title = _("在“%(name)s”中添加危险化学品") % {"name": source}
    return _form_page(request, form, title, _detail_url(source))


@route("enterprise", action=MANAGE_RISKS, subject=HazardSourceChemical)
def chemical_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    chemical = access_chemical(request.user, public_id, MANAGE_RISKS)
    form = ChemicalForm(request.POST or None, instance=chemical, source=chemical.source)
    if request.method == "POST" and form.is_valid():
        actions.save_chemical(form=form)
        messages.success(request, _("已保存“%(name)s”并重新计算。") % {"name": chemical})
        return redirect(_detail_url(chemical.source))
    return _form_page(request, form, _("编辑危险化学品"), _detail_url(chemical.source))


@route("enterprise", action=MANAGE_RISKS, subject=HazardSourceChemical)
@require_POST
def chemical_remove(request: HttpRequest, public_id: str) -> HttpResponse:
    chemical = access_chemical(request.user, public_id, MANAGE_RISKS)
    name = str(chemical)
    source = actions.remove_chemical(chemical=chemical)
    messages.success(request, _("已移除“%(name)s”并重新计算。") % {"name": name})
    return redirect(_detail_url(source))


@route("user")
def reference_tables(request: HttpRequest) -> HttpResponse:
    context = {
        "chemicals": NamedChemical.objects.select_related("toxic_gas", "category"),
        "categories": HazardCategory.objects.all(),
        "gases": ToxicGas.objects.all(),
        "alpha_bands": AlphaBand.objects.order_by("-min_people"),
    }
    return render(request, "majorhazards/reference.html", context)
