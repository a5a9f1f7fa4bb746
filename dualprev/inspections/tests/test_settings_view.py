"""The inspection settings page: default cycles per control level, 危化 round intervals and the
commitment deadline; saving re-applies the defaults to tasks nobody edited."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from dualprev.inspections.actions import inspection_settings
from dualprev.inspections.models import CheckOccurrence, CheckTask, InspectionSettings
from dualprev.reference.choices import CheckCycleUnit, ControlLevel

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
TODAY = dt.datetime(2026, 3, 10, tzinfo=TZ)
URL = "/inspections/settings/"

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def settings_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "whp_round_hours": 2,
        "major_hazard_round_hours": 1,
        "commitment_deadline": "10:00",
        "cycle_company": 1,
        "unit_company": CheckCycleUnit.MONTH,
        "cycle_department": 1,
        "unit_department": CheckCycleUnit.WEEK,
        "cycle_workshop": 1,
        "unit_workshop": CheckCycleUnit.WEEK,
        "cycle_team": 1,
        "unit_team": CheckCycleUnit.DAY,
        "cycle_post": 1,
        "unit_post": CheckCycleUnit.SHIFT,
    }
    data.update(changes)
    return data


def test_the_url_is_named() -> None:
    assert reverse("inspections:settings") == URL


def test_everyone_reads_the_settings_but_only_managers_get_a_save_button(cast: Any) -> None:
    worker = client_for(cast.worker).get(URL)
    assert worker.status_code == 200
    body = worker.content.decode()
    assert "只有隐患排查管理人员可以修改设置" in body and "保存设置" not in body
    assert "保存设置" in client_for(cast.safety_officer).get(URL).content.decode()


def test_the_form_shows_the_current_defaults(cast: Any) -> None:
    form = client_for(cast.safety_officer).get(URL).context["form"]
    assert form["cycle_post"].value() == 1 and form["unit_post"].value() == CheckCycleUnit.SHIFT
    assert form["unit_company"].value() == CheckCycleUnit.MONTH
    assert form["commitment_deadline"].value() == dt.time(10, 0)


def test_saving_moves_default_tasks_to_the_new_cycle_and_rebuilds_their_checks(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    task = cast.a.risks["check_task"]  # a default task of a 班组-level (unassessed) event
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.safety_officer).post(
            URL, settings_data(cycle_team=2, unit_team=CheckCycleUnit.WEEK), follow=True
        )
    assert "1 项按管控层级自动设置的排查任务随之更新" in response.content.decode()
    task.refresh_from_db()
    assert (task.cycle, task.cycle_unit, task.is_default) == (2, CheckCycleUnit.WEEK, True)
    row = InspectionSettings.objects.get(enterprise=cast.a.enterprise)
    assert row.cycle_for(ControlLevel.TEAM) == (2, CheckCycleUnit.WEEK)
    # Today's daily check had started and stays; the two-week cycle takes over when it ends
    # (the later daily checks are gone).
    windows = list(
        CheckOccurrence.objects.filter(task=task)
        .order_by("window_start")
        .values_list("window_start", "window_end")
    )
    tomorrow = TODAY + dt.timedelta(days=1)
    assert windows == [(TODAY, tomorrow), (tomorrow, tomorrow + dt.timedelta(days=14))]
    # Enterprise B keeps its own defaults.
    b_task = cast.b.risks["check_task"]
    b_task.refresh_from_db()
    assert (b_task.cycle, b_task.cycle_unit) == (1, CheckCycleUnit.DAY)


def test_an_edited_task_keeps_its_own_cycle(cast: Any) -> None:
    task = cast.a.risks["check_task"]
    CheckTask.objects.filter(pk=task.pk).update(is_default=False, cycle=3)
    client_for(cast.safety_officer).post(URL, settings_data(cycle_team=2))
    task.refresh_from_db()
    assert (task.cycle, task.cycle_unit) == (3, CheckCycleUnit.DAY)


def test_bad_values_are_refused_with_clear_messages(cast: Any) -> None:
    response = client_for(cast.safety_officer).post(
        URL, settings_data(cycle_team=0, whp_round_hours=25)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["cycle_team"] == ["排查周期必须大于 0。"]
    assert form.errors["whp_round_hours"]
    assert "排查周期必须大于 0。" in response.content.decode()
    assert inspection_settings(cast.a.enterprise).default_cycles == {}


def test_the_commitment_deadline_is_saved_and_used(cast: Any) -> None:
    client_for(cast.safety_officer).post(URL, settings_data(commitment_deadline="08:30"))
    assert inspection_settings(cast.a.enterprise).commitment_deadline == dt.time(8, 30)
    body = client_for(cast.safety_officer).get("/inspections/commitments/").content.decode()
    assert "每天 08:30 前提交" in body


def test_a_worker_may_not_save(cast: Any) -> None:
    response = client_for(cast.worker).post(URL, settings_data(cycle_team=5))
    assert response.status_code == 403
    assert inspection_settings(cast.a.enterprise).default_cycles == {}


def test_a_regulator_gets_nothing_here(cast: Any) -> None:
    assert client_for(cast.district_regulator).get(URL).status_code == 403
