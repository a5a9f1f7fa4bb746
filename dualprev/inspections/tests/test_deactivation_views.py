"""停用/检修 pages: the list (current periods first), recording a period (its open checks are
cancelled) and ending it (the checks after it come back)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from dualprev.inspections.choices import OccurrenceStatus
from dualprev.inspections.models import CheckOccurrence, Deactivation

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
TODAY = dt.datetime(2026, 3, 10, tzinfo=TZ)
DAY = dt.timedelta(days=1)
LIST = "/inspections/deactivations/"
NEW = "/inspections/deactivations/new/"

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def end_url(deactivation: Deactivation) -> str:
    return reverse("inspections:deactivation_end", args=[deactivation.public_id])


def statuses(task: Any) -> list[tuple[dt.datetime, str]]:
    return [
        (o.window_start.astimezone(TZ), o.status)
        for o in CheckOccurrence.objects.filter(task=task).order_by("window_start")
    ]


def record(cast: Any, **changes: Any) -> Any:
    data = {
        "risk_unit": cast.a.risks["unit"].pk,
        "kind": "stopped",
        "start": "2026-03-10T08:00",
        "end": "",
        "reason": "原料短缺，装置停车",
    }
    data.update(changes)
    return client_for(cast.safety_officer).post(NEW, data, follow=True)


def test_the_urls_are_named() -> None:
    assert reverse("inspections:deactivation_list") == LIST
    assert reverse("inspections:deactivation_create") == NEW


def test_the_list_shows_current_periods_first_and_only_the_enterprises_own(cast: Any) -> None:
    current = Deactivation.objects.create(
        enterprise=cast.a.enterprise,
        risk_unit=cast.a.risks["unit"],
        kind="stopped",
        start=NOW - dt.timedelta(hours=2),
        reason="停车检修换热器",
    )
    Deactivation.objects.create(
        enterprise=cast.b.enterprise,
        risk_unit=cast.b.risks["unit"],
        kind="maintenance",
        start=NOW - dt.timedelta(hours=1),
        reason="乙企业的检修",
    )
    body = client_for(cast.worker).get(LIST).content.decode()
    assert body.index("停车检修换热器") < body.index("年度检修")  # current before finished
    assert "乙企业的检修" not in body
    assert end_url(current) not in body  # a worker reads, but cannot end it
    manager = client_for(cast.safety_officer).get(LIST).content.decode()
    assert end_url(current) in manager
    assert end_url(cast.a.risks["deactivation"]) not in manager  # finished: nothing to end


def test_the_list_makes_the_same_few_queries_however_many_records(cast: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.safety_officer)
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    Deactivation.objects.bulk_create(
        Deactivation(
            enterprise=cast.a.enterprise,
            risk_unit=cast.a.risks["unit"],
            kind="maintenance",
            start=NOW - dt.timedelta(days=30 + n),
            end=NOW - dt.timedelta(days=29 + n),
            reason=f"检修 {n}",
            recorded_by=cast.team_leader if n % 2 else cast.safety_officer,
        )
        for n in range(20)
    )
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many) == len(one) <= 10


def test_recording_a_stop_cancels_the_units_open_checks(cast: Any) -> None:
    task = cast.a.risks["check_task"]
    assert statuses(task) == [(TODAY + n * DAY, "open") for n in range(3)]
    response = record(cast)
    body = response.content.decode()
    assert "已登记“A1号储罐”停用，取消了期间 3 项未完成的排查。" in body
    row = Deactivation.objects.get(reason="原料短缺，装置停车")
    assert (row.enterprise, row.recorded_by, row.end) == (
        cast.a.enterprise,
        cast.safety_officer,
        None,
    )
    assert statuses(task) == [(TODAY + n * DAY, "cancelled") for n in range(3)]
    # Enterprise B's checks are untouched.
    assert set(
        CheckOccurrence.objects.filter(task=cast.b.risks["check_task"]).values_list(
            "status", flat=True
        )
    ) == {OccurrenceStatus.OPEN}


def test_a_maintenance_period_in_the_future_cancels_only_its_days(cast: Any) -> None:
    task = cast.a.risks["check_task"]
    body = record(
        cast, kind="maintenance", start="2026-03-11T00:00", end="2026-03-12T00:00"
    ).content.decode()
    assert "取消了期间 1 项未完成的排查" in body
    assert statuses(task) == [
        (TODAY, "open"),
        (TODAY + DAY, "cancelled"),
        (TODAY + 2 * DAY, "open"),
    ]


def test_ending_a_stop_brings_the_checks_after_it_back(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    task = cast.a.risks["check_task"]
    record(cast)
    row = Deactivation.objects.get(reason="原料短缺，装置停车")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.safety_officer).post(
            end_url(row), {"end": "2026-03-10T09:00"}, follow=True
        )
    assert "“A1号储罐”已恢复运行" in response.content.decode()
    row.refresh_from_db()
    assert row.end == NOW
    # Today's check overlapped the stop and stays cancelled; the next days are due again.
    assert statuses(task) == [
        (TODAY, "cancelled"),
        (TODAY + DAY, "open"),
        (TODAY + 2 * DAY, "open"),
    ]


def test_an_end_before_the_start_is_refused(cast: Any) -> None:
    record(cast)
    row = Deactivation.objects.get(reason="原料短缺，装置停车")
    response = client_for(cast.safety_officer).post(
        end_url(row), {"end": "2026-03-10T07:00"}, follow=True
    )
    assert "结束时间必须晚于开始时间。" in response.content.decode()
    row.refresh_from_db()
    assert row.end is None


def test_the_form_refuses_a_unit_of_another_enterprise_and_a_bad_end(cast: Any) -> None:
    response = record(cast, risk_unit=cast.b.risks["unit"].pk)
    assert response.context["form"].errors["risk_unit"]
    response = record(cast, end="2026-03-10T07:00")
    assert "结束时间必须晚于开始时间。" in response.content.decode()
    response = record(cast, reason="")
    assert response.context["form"].errors["reason"]
    assert not Deactivation.objects.filter(start=TODAY + dt.timedelta(hours=8)).exists()


def test_a_worker_may_not_record_or_end_periods(cast: Any) -> None:
    client = client_for(cast.worker)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"risk_unit": cast.a.risks["unit"].pk}).status_code == 403
    row = cast.a.risks["deactivation"]
    assert client.post(end_url(row), {"end": "2026-03-10T09:00"}).status_code == 403
    assert Deactivation.objects.filter(enterprise=cast.a.enterprise).count() == 1


def test_another_enterprise_cannot_end_the_period(cast: Any) -> None:
    row = cast.a.risks["deactivation"]
    response = client_for(cast.outsider).post(end_url(row), {"end": "2026-03-10T09:00"})
    assert response.status_code == 404
    old_end = row.end
    row.refresh_from_db()
    assert row.end == old_end


def test_ending_is_post_only(cast: Any) -> None:
    row = cast.a.risks["deactivation"]
    assert client_for(cast.safety_officer).get(end_url(row)).status_code == 405
