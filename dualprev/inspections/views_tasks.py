"""Check task pages (隐患排查任务): the list with filters, the task form (new task of a
control measure, edit) and switching a task on or off."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualprev.accounts.roles import MANAGE_INSPECTIONS
from dualprev.core.access import route
from dualprev.inspections import actions, office_queries
from dualprev.inspections.access import access_task
from dualprev.inspections.forms import CheckTaskForm, TaskFilterForm
from dualprev.inspections.models import CheckTask
from dualprev.inspections.views_office import can, done, list_context, next_url
from dualprev.reference.choices import MeasureDataSrc
from dualprev.risks.access import access_control_measure
from dualprev.risks.models import ControlMeasure


@route("enterprise")
def task_list(request: HttpRequest) -> HttpResponse:
    form = TaskFilterForm(request.GET or None, user=request.user)
    rows = office_queries.task_rows(request.user, form.data_or_empty)
    context = {
        **list_context(request, rows),
        "form": form,
        "can_manage": can(request, MANAGE_INSPECTIONS),
    }
    return render(request, "inspections/office/task_list.html", context)


@route("enterprise", action=MANAGE_INSPECTIONS, subject=ControlMeasure)
def task_create(request: HttpRequest, public_id: str) -> HttpResponse:
    measure = access_control_measure(request.user, public_id, MANAGE_INSPECTIONS)
    back = next_url(request, reverse("inspections:task_list"))
    if not measure.is_active or not measure.event.is_active:
        message = _("管控措施“%(name)s”已停用，不能再添加排查任务。") % {"name": measure}
        return done(request, back, message, messages.ERROR)
    if measure.data_src != MeasureDataSrc.INSPECTION:
        message = _(
            "管控措施“%(name)s”的管控方式是自动化监控，不生成隐患排查任务；"
            "如需排查，请先把管控方式改为隐患排查。"
        )
        return done(request, back, message % {"name": measure}, messages.ERROR)
    form = CheckTaskForm(
        request.POST or None,
        enterprise=measure.enterprise,
        initial=office_queries.new_task_initial(measure),
    )
    form.instance.measure = measure
    if request.method == "POST" and form.is_valid():
        task = actions.save_task(task=form.save(commit=False), acting_user=request.user)
        return done(request, back, _("已添加排查任务“%(name)s”。") % {"name": task})
    context = {
        "form": form,
        "measure": measure,
        "title": _("添加隐患排查任务"),
        "back": back,
        "siblings": office_queries.measure_tasks(request.user, measure),
    }
    return render(request, "inspections/office/task_form.html", context)


@route("enterprise", action=MANAGE_INSPECTIONS, subject=CheckTask)
def task_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    task = access_task(request.user, public_id, MANAGE_INSPECTIONS)
    back = next_url(request, reverse("inspections:task_list"))
    form = CheckTaskForm(request.POST or None, instance=task, enterprise=task.enterprise)
    if request.method == "POST" and form.is_valid():
        actions.save_task(task=form.save(commit=False), acting_user=request.user)
        message = _("已保存排查任务“%(name)s”，以后的排查按新设置重新生成。")
        return done(request, back, message % {"name": task})
    context = {
        "form": form,
        "task": task,
        "measure": task.measure,
        "title": _("编辑隐患排查任务"),
        "back": back,
        "upcoming": office_queries.upcoming_occurrences(request.user, task),
    }
    return render(request, "inspections/office/task_form.html", context)


def _set_active(request: HttpRequest, public_id: str, active: bool) -> HttpResponse:
    task = access_task(request.user, public_id, MANAGE_INSPECTIONS)
    actions.set_task_active(task=task, active=active, acting_user=request.user)
    message = _("已启用排查任务“%(name)s”。") if active else _("已停用排查任务“%(name)s”。")
    return done(
        request, next_url(request, reverse("inspections:task_list")), message % {"name": task}
    )


@route("enterprise", action=MANAGE_INSPECTIONS, subject=CheckTask)
@require_POST
def task_activate(request: HttpRequest, public_id: str) -> HttpResponse:
    return _set_active(request, public_id, True)


@route("enterprise", action=MANAGE_INSPECTIONS, subject=CheckTask)
@require_POST
def task_deactivate(request: HttpRequest, public_id: str) -> HttpResponse:
    return _set_active(request, public_id, False)
