"""The inspection summaries other pages show: the home card, the regulator's enterprise card
and the district's daily-commitment table."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dualprev.inspections.actions import (
    CheckInput,
    close_missed,
    file_commitment,
    submit_check,
)
from dualprev.inspections.models import CheckOccurrence, CheckTask, SafetyCommitment
from dualprev.inspections.summary import (
    district_commitments,
    enterprise_summary,
    my_today,
    rate,
)
from dualprev.orgs.models import Enterprise

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


def _daily_occurrences(cast, days: int) -> list[CheckOccurrence]:
    """Enterprise B's daily task, moved back ``days`` days and generated."""
    from dualprev.inspections.generation import generate

    task = CheckTask.objects.get(measure=cast.b.risks["measure"])
    start = task.task_start - dt.timedelta(days=days)
    CheckTask.objects.filter(pk=task.pk).update(task_start=start, created_at=start)
    generate(enterprise_ids=[cast.b.enterprise.pk], start=start)
    return list(CheckOccurrence.objects.filter(task=task).order_by("window_start"))


def test_the_rate_is_done_over_due_and_none_when_nothing_was_due() -> None:
    assert rate(3, 1) == 75.0
    assert rate(2, 1) == 66.7
    assert rate(0, 0) is None


def test_enterprise_summary_counts_done_and_missed_windows_of_the_period(cast) -> None:
    occurrences = _daily_occurrences(cast, 4)  # four past days and today
    assert len(occurrences) >= 5
    past = [o for o in occurrences if o.window_end <= timezone.now()]
    assert len(past) == 4
    worker = cast.b.users["worker"]
    for occurrence in past[:3]:
        submit_check(  # checked online an hour into each window
            occurrence=occurrence,
            checked_by=worker,
            data=CheckInput(client_id=uuid.uuid4(), status=0),
            now=occurrence.window_start + dt.timedelta(hours=1),
        )
    close_missed()
    summary = enterprise_summary(cast.b.enterprise)
    assert (summary["done"], summary["missed"]) == (3, len(past) - 3)
    assert summary["rate"] == rate(3, len(past) - 3)
    assert summary["open_now"] == 1  # today's window
    assert summary["commitment"]["required"] is False
    assert summary["missing_commitments"] == []


def test_my_today_counts_only_my_own_checks(cast) -> None:
    mine = my_today(cast.worker)
    # Today's daily check is due; the cast's special-inspection item is already done.
    assert (mine["due_now"], mine["done"]) == (1, 1)
    # B's worker sees only B's occurrence; A's owner holds no post and has nothing due.
    assert my_today(cast.b.users["worker"])["due_now"] == 1
    assert my_today(cast.owner) == {"due_now": 0, "later": 0, "done": 0, "missed": 0}
    occurrence = cast.a.risks["occurrence"]
    submit_check(
        occurrence=occurrence, checked_by=cast.worker, data=CheckInput(uuid.uuid4(), status=0)
    )
    assert my_today(cast.worker)["done"] == 2


@pytest.mark.django_db
def test_the_district_sees_overdue_commitments_only_after_the_deadline(cast) -> None:
    Enterprise.objects.filter(pk=cast.a.enterprise.pk).update(has_major_hazard_source=True)
    SafetyCommitment.objects.all().delete()
    enterprises = Enterprise.objects.visible_to(cast.district_regulator)
    with time_machine.travel(at(2026, 12, 1, 9, 59), tick=False):
        rows = district_commitments(enterprises)
        assert [(r["enterprise"].pk, r["overdue"]) for r in rows] == [(cast.a.enterprise.pk, False)]
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        assert district_commitments(enterprises)[0]["overdue"] is True
        file_commitment(
            commitment=SafetyCommitment(
                enterprise=cast.a.enterprise,
                date=dt.date(2026, 12, 1),
                commitment="承诺",
                leader_name="Aowner",
            ),
            acting_user=cast.owner,
        )
        row = district_commitments(enterprises)[0]
        assert row["overdue"] is False and row["commitment"].leader_name == "Aowner"
    # Another district's regulator does not see enterprise A at all.
    other = Enterprise.objects.visible_to(cast.other_district_regulator)
    assert all(r["enterprise"].pk != cast.a.enterprise.pk for r in district_commitments(other))


def test_the_regulator_reads_the_inspection_card_of_an_enterprise(client, cast) -> None:
    client.force_login(cast.district_regulator)
    response = client.get(
        reverse("supervision:enterprise_detail", args=[cast.a.enterprise.public_id])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="inspection-summary"' in body and "排查完成率" in body
    home = client.get(reverse("supervision:home")).content.decode()
    assert 'id="district-commitments"' in home


def test_the_enterprise_home_shows_my_checks_and_the_commitment_flag(client, cast) -> None:
    Enterprise.objects.filter(pk=cast.a.enterprise.pk).update(has_major_hazard_source=True)
    SafetyCommitment.objects.all().delete()
    with time_machine.travel(timezone.localtime().replace(hour=11, minute=0), tick=False):
        client.force_login(cast.owner)
        response = client.get(reverse("orgs:enterprise_home"))
        assert response.status_code == 200, response.headers
        body = response.content.decode()
    assert "今日隐患排查" in body and 'id="home-commitment"' in body
    assert "逾期未提交" in body  # past 10:00 with nothing filed
    client.force_login(cast.worker)
    body = client.get(reverse("orgs:enterprise_home")).content.decode()
    assert 'id="start-checks"' in body and 'id="home-commitment"' not in body  # no commit right
