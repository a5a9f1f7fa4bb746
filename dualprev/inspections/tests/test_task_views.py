"""The check task pages: the list, the task form (new task of a measure, edit), switching tasks
on and off, and the tasks shown on a risk event's page."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from dualprev.inspections.models import CheckOccurrence, CheckTask
from dualprev.reference.choices import CheckCycleUnit, WorkType

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)  # a Tuesday morning
TODAY = dt.datetime(2026, 3, 10, tzinfo=TZ)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def task_data(cast: Any, **changes: Any) -> dict[str, Any]:
    """A valid routine daily task done by enterprise A's post, with ``changes``."""
    data = {
        "content": "检查液位联锁是否投用",
        "cycle": 1,
        "cycle_unit": CheckCycleUnit.DAY,
        "task_start": "2026-03-10T00:00",
        "work_start": "",
        "work_end": "",
        "work_day_type": 0,
        "work_type": 0,
        "task_num": "",
        "inspection_type": 1,
        "post": cast.a.post.pk,
        "assignee": "",
    }
    data.update(changes)
    return data


def create_url(cast: Any) -> str:
    return reverse("inspections:task_create", args=[cast.a.risks["measure"].public_id])


def edit_url(task: CheckTask) -> str:
    return reverse("inspections:task_edit", args=[task.public_id])


def windows(task: CheckTask) -> list[tuple[dt.datetime, dt.datetime, str]]:
    return [
        (o.window_start.astimezone(TZ), o.window_end.astimezone(TZ), o.status)
        for o in CheckOccurrence.objects.filter(task=task).order_by("window_start", "window_end")
    ]


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_the_enterprises_own_tasks_only(cast: Any) -> None:
    page = client_for(cast.worker).get(reverse("inspections:task_list"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "A液位高高联锁投用" in body and "A储罐区" in body
    assert "B液位高高联锁投用" not in body and "B储罐区" not in body
    assert body.count("data-task=") == 1
    # A worker reads the list but gets no edit or switch buttons.
    assert reverse("inspections:task_edit", args=[cast.a.risks["check_task"].public_id]) not in body


def test_the_list_filters_by_work_type_post_and_search(cast: Any) -> None:
    measure = cast.a.risks["measure"]
    defend = CheckTask.objects.create(
        enterprise=cast.a.enterprise,
        measure=measure,
        content="包保责任人检查紧急切断阀",
        cycle=1,
        cycle_unit=CheckCycleUnit.WEEK,
        task_start=TODAY,
        work_type=WorkType.TECHNICAL_LEADER,
        task_num=4,
        assignee=cast.safety_officer,
    )
    client = client_for(cast.safety_officer)
    url = reverse("inspections:task_list")

    body = client.get(url, {"work_type": "2"}).content.decode()
    assert body.count("data-task=") == 1 and f'data-task="{defend.public_id}"' in body
    assert "包保 · 技术负责人任务 第4项" in body

    body = client.get(url, {"post": cast.a.post.pk}).content.decode()
    assert body.count("data-task=") == 1 and f'data-task="{defend.public_id}"' not in body

    body = client.get(url, {"q": "紧急切断"}).content.decode()
    assert body.count("data-task=") == 1 and "包保责任人检查紧急切断阀" in body

    body = client.get(url, {"department": cast.a.department.pk}).content.decode()
    assert body.count("data-task=") == 1  # the post sits in the department's team

    body = client.get(url, {"q": "没有这样的内容"}).content.decode()
    assert "没有符合筛选条件的排查任务" in body


def test_the_list_is_paginated(cast: Any) -> None:
    measure = cast.a.risks["measure"]
    CheckTask.objects.bulk_create(
        CheckTask(
            enterprise=cast.a.enterprise,
            measure=measure,
            content=f"补充检查 {n}",
            cycle=1,
            cycle_unit=CheckCycleUnit.MONTH,
            task_start=TODAY,
            post=cast.a.post,
        )
        for n in range(55)
    )
    client = client_for(cast.safety_officer)
    first = client.get(reverse("inspections:task_list")).content.decode()
    second = client.get(reverse("inspections:task_list"), {"page": 2}).content.decode()
    assert first.count("data-task=") == 50
    assert second.count("data-task=") == 6
    assert "第 2 / 2 页，共 56 条" in second


def test_the_list_makes_the_same_few_queries_however_many_tasks(cast: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.safety_officer)
    url = reverse("inspections:task_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    CheckTask.objects.bulk_create(
        CheckTask(
            enterprise=cast.a.enterprise,
            measure=cast.a.risks["measure"],
            content=f"补充检查 {n}",
            cycle=1,
            cycle_unit=CheckCycleUnit.MONTH,
            task_start=TODAY,
            assignee=cast.worker if n % 2 else None,
            post=None if n % 2 else cast.a.post,
        )
        for n in range(30)
    )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one) <= 12


# --- The form: validation ----------------------------------------------------------------------


def errors_of(response: Any, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_a_cycle_of_zero_is_refused(cast: Any) -> None:
    response = client_for(cast.safety_officer).post(create_url(cast), task_data(cast, cycle=0))
    assert response.status_code == 200
    assert errors_of(response, "cycle") == ["排查周期必须大于 0。"]
    assert "排查周期必须大于 0。" in response.content.decode()
    assert CheckTask.objects.filter(measure=cast.a.risks["measure"]).count() == 1


def test_an_hourly_task_needs_its_daily_work_window(cast: Any) -> None:
    response = client_for(cast.safety_officer).post(
        create_url(cast), task_data(cast, cycle=2, cycle_unit=CheckCycleUnit.HOUR)
    )
    assert errors_of(response, "work_start") == ["按小时排查的任务必须填写每日工作时段。"]
    assert CheckTask.objects.filter(measure=cast.a.risks["measure"]).count() == 1


@pytest.mark.parametrize(
    ("work_type", "task_num", "message"),
    [
        (1, 10, "主要负责人任务的清单序号必须在 1–9 之间。"),
        (2, 0, "技术负责人任务的清单序号必须在 1–9 之间。"),
        (3, 11, "操作负责人任务的清单序号必须在 1–10 之间。"),
        (1, "", "主要负责人任务的清单序号必须在 1–9 之间。"),
    ],
)
def test_defend_task_numbers_are_checked_against_their_checklist(
    cast: Any, work_type: int, task_num: Any, message: str
) -> None:
    data = task_data(cast, work_type=work_type, task_num=task_num, post="", assignee=cast.owner.pk)
    response = client_for(cast.safety_officer).post(create_url(cast), data)
    assert errors_of(response, "task_num") == [message]
    assert not CheckTask.objects.filter(work_type=work_type).exists()


def test_defend_tasks_accept_the_top_of_their_range(cast: Any) -> None:
    client = client_for(cast.safety_officer)
    for work_type, task_num in ((1, 9), (2, 9), (3, 10)):
        data = task_data(
            cast, work_type=work_type, task_num=task_num, post="", assignee=cast.owner.pk
        )
        response = client.post(create_url(cast), data)
        assert response.status_code == 302, response.context["form"].errors
    saved = CheckTask.objects.filter(work_type__gt=0).order_by("work_type")
    assert [(t.work_type, t.task_num, t.is_defend) for t in saved] == [
        (1, 9, True),
        (2, 9, True),
        (3, 10, True),
    ]


def test_a_routine_task_drops_a_checklist_number(cast: Any) -> None:
    response = client_for(cast.safety_officer).post(create_url(cast), task_data(cast, task_num=5))
    assert response.status_code == 302
    assert (
        CheckTask.objects.filter(measure=cast.a.risks["measure"], is_default=False).get().task_num
        is None
    )


def test_a_post_of_another_enterprise_is_refused(cast: Any) -> None:
    response = client_for(cast.safety_officer).post(
        create_url(cast), task_data(cast, post=cast.b.post.pk)
    )
    assert errors_of(response, "post")
    assert not CheckTask.objects.filter(post=cast.b.post, enterprise=cast.a.enterprise).exists()


def test_a_person_of_another_enterprise_is_refused(cast: Any) -> None:
    response = client_for(cast.safety_officer).post(
        create_url(cast), task_data(cast, post="", assignee=cast.outsider.pk)
    )
    assert errors_of(response, "assignee")
    assert CheckTask.objects.filter(measure=cast.a.risks["measure"]).count() == 1


def test_a_task_is_done_by_a_post_or_a_person_not_both_nor_neither(cast: Any) -> None:
    client = client_for(cast.safety_officer)
    both = client.post(create_url(cast), task_data(cast, assignee=cast.worker.pk))
    assert errors_of(both, "assignee") == ["执行岗位和执行人只能选一个：按岗位排查时不再指定个人。"]
    neither = client.post(create_url(cast), task_data(cast, post=""))
    assert errors_of(neither, "post") == ["请选择执行岗位或执行人（二选一）。"]
    defend_by_post = client.post(create_url(cast), task_data(cast, work_type=3, task_num=2))
    assert errors_of(defend_by_post, "assignee") == ["包保任务由包保责任人本人排查，请选择执行人。"]
    assert CheckTask.objects.filter(measure=cast.a.risks["measure"]).count() == 1


# --- The form: saving ------------------------------------------------------------------------


def test_the_new_task_form_starts_from_the_measure_and_its_default_frequency(cast: Any) -> None:
    response = client_for(cast.safety_officer).get(create_url(cast))
    form = response.context["form"]
    assert form.initial["content"] == "检查液位联锁是否投用"
    assert form.initial["post"] == cast.a.post.pk
    # The event has no control level yet: the 班组 default, daily.
    assert (form.initial["cycle"], form.initial["cycle_unit"]) == (1, CheckCycleUnit.DAY)
    assert "A液位高高联锁投用" in response.content.decode()


def test_a_measure_may_have_a_second_task_which_gets_its_occurrences(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = task_data(cast, content="每周检查联锁回路测试记录", cycle_unit=CheckCycleUnit.WEEK)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.safety_officer).post(create_url(cast), data)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("inspections:task_list")
    task = CheckTask.objects.get(content="每周检查联锁回路测试记录")
    assert task.measure == cast.a.risks["measure"] and not task.is_default
    assert task.measure.check_tasks.count() == 2
    assert windows(task) == [(TODAY, TODAY + dt.timedelta(days=7), "open")]


def test_editing_a_task_regenerates_its_future_occurrences(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    task = cast.a.risks["check_task"]
    day = dt.timedelta(days=1)
    assert windows(task) == [(TODAY + n * day, TODAY + (n + 1) * day, "open") for n in range(3)]

    data = task_data(
        cast, cycle=4, cycle_unit=CheckCycleUnit.HOUR, work_start="08:00", work_end="16:00"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.safety_officer).post(edit_url(task), data)
    assert response.status_code == 302

    task.refresh_from_db()
    assert (task.cycle, task.cycle_unit, task.is_default) == (4, CheckCycleUnit.HOUR, False)
    hours = dt.timedelta(hours=1)
    expected = [(TODAY, TODAY + day, "open")]  # today's daily check has started: it stays
    for n in range(3):
        for begin in (8, 12):
            start = TODAY + n * day + begin * hours
            expected.append((start, start + 4 * hours, "open"))
    assert windows(task) == sorted(expected)


def test_a_running_check_is_stretched_to_the_new_period(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    task = cast.a.risks["check_task"]
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.safety_officer).post(
            edit_url(task), task_data(cast, cycle_unit=CheckCycleUnit.WEEK)
        )
    # Not today's day-long window plus nothing until next week: one week from today.
    assert windows(task) == [(TODAY, TODAY + dt.timedelta(days=7), "open")]


def test_a_checked_running_window_is_left_as_it_was(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from dualprev.inspections.actions import CheckInput, submit_check

    task = cast.a.risks["check_task"]
    occurrence = CheckOccurrence.objects.get(task=task, window_start=TODAY)
    submit_check(
        occurrence=occurrence, checked_by=cast.worker, data=CheckInput(uuid.uuid4(), status=0)
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.safety_officer).post(
            edit_url(task), task_data(cast, cycle_unit=CheckCycleUnit.WEEK)
        )
    assert windows(task) == [(TODAY, TODAY + dt.timedelta(days=1), "done")]


def test_a_measure_checked_by_automatic_monitoring_gets_no_task(cast: Any) -> None:
    measure = cast.a.risks["measure"]
    measure.data_src = 1
    measure.save()
    response = client_for(cast.safety_officer).post(create_url(cast), task_data(cast), follow=True)
    assert "管控方式是自动化监控" in response.content.decode()
    assert CheckTask.objects.filter(measure=measure).count() == 1


def test_editing_who_does_a_task_moves_the_running_check_too(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    task = cast.a.risks["check_task"]
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.safety_officer).post(
            edit_url(task), task_data(cast, post="", assignee=cast.team_leader.pk)
        )
    running = CheckOccurrence.objects.get(task=task, window_start=TODAY)
    assert (running.post_id, running.assignee_id) == (None, cast.team_leader.pk)
    assert set(CheckOccurrence.objects.filter(task=task).values_list("assignee_id", flat=True)) == {
        cast.team_leader.pk
    }


def test_the_edit_page_shows_the_next_checks(cast: Any) -> None:
    body = client_for(cast.safety_officer).get(edit_url(cast.a.risks["check_task"])).content
    assert "03-10 00:00 – 03-11 00:00" in body.decode()
    assert "03-12 00:00 – 03-13 00:00" in body.decode()


def test_switching_a_task_off_drops_its_future_checks_and_on_brings_them_back(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    task = cast.a.risks["check_task"]
    client = client_for(cast.safety_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("inspections:task_deactivate", args=[task.public_id]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert not task.is_active
    assert [w[0] for w in windows(task)] == [TODAY]  # only the running one is left

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("inspections:task_activate", args=[task.public_id]))
    task.refresh_from_db()
    assert task.is_active
    assert len(windows(task)) == 3


def test_switching_is_post_only(cast: Any) -> None:
    task = cast.a.risks["check_task"]
    response = client_for(cast.safety_officer).get(
        reverse("inspections:task_deactivate", args=[task.public_id])
    )
    assert response.status_code == 405
    task.refresh_from_db()
    assert task.is_active


def test_a_worker_may_not_change_tasks(cast: Any) -> None:
    task = cast.a.risks["check_task"]
    client = client_for(cast.worker)
    assert client.get(edit_url(task)).status_code == 403
    assert client.post(edit_url(task), task_data(cast, cycle=3)).status_code == 403
    assert client.get(create_url(cast)).status_code == 403
    deactivate = reverse("inspections:task_deactivate", args=[task.public_id])
    assert client.post(deactivate).status_code == 403
    task.refresh_from_db()
    assert task.is_active and task.cycle == 1


def test_another_enterprise_cannot_see_the_task(cast: Any) -> None:
    task = cast.a.risks["check_task"]
    client = client_for(cast.outsider)
    assert client.get(edit_url(task)).status_code == 404
    assert client.get(create_url(cast)).status_code == 404
    deactivate = reverse("inspections:task_deactivate", args=[task.public_id])
    assert client.post(deactivate).status_code == 404
    task.refresh_from_db()
    assert task.is_active


def test_a_retired_measure_gets_no_new_task(cast: Any) -> None:
    from django.utils import timezone

    measure = cast.a.risks["measure"]
    measure.retired_at = timezone.now()
    measure.save()
    response = client_for(cast.safety_officer).post(create_url(cast), task_data(cast))
    assert response.status_code == 302
    assert CheckTask.objects.filter(measure=measure).count() == 1


# --- The risk event page ---------------------------------------------------------------------


def test_the_event_page_shows_each_measures_tasks_with_links(cast: Any) -> None:
    event_url = reverse("risks:event_detail", args=[cast.a.risks["event"].public_id])
    task = cast.a.risks["check_task"]
    body = client_for(cast.safety_officer).get(event_url).content.decode()
    assert "每天" in body
    assert f"{edit_url(task)}?next=" in body
    assert f"{create_url(cast)}?next=" in body

    body = client_for(cast.worker).get(event_url).content.decode()
    assert "每天" in body
    assert edit_url(task) not in body and create_url(cast) not in body


def test_saving_from_the_event_page_returns_there(cast: Any) -> None:
    event_url = reverse("risks:event_detail", args=[cast.a.risks["event"].public_id])
    response = client_for(cast.safety_officer).post(
        f"{create_url(cast)}?next={event_url}", task_data(cast, cycle=2)
    )
    assert response.headers["Location"] == event_url
    evil = client_for(cast.safety_officer).post(
        f"{create_url(cast)}?next=https://example.com/", task_data(cast, cycle=3)
    )
    assert evil.headers["Location"] == reverse("inspections:task_list")
