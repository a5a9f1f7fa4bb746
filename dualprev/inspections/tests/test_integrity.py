"""Rules that keep the check history honest: clocks, replays, owners, stopped units, retiring
what inspections refer to, commitment filing times."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dualprev.inspections.actions import (
    CheckInput,
    close_missed,
    file_commitment,
    record_deactivation,
    submit_check,
)
from dualprev.inspections.choices import EntryMode, OccurrenceStatus
from dualprev.inspections.models import (
    CheckOccurrence,
    CheckRecord,
    Deactivation,
    SafetyCommitment,
    SpecialInspectionItem,
)
from dualprev.risks.actions import retire
from dualprev.risks.models import RiskObject, RiskUnit


def _closed_as_missed(cast) -> CheckOccurrence:
    occurrence = cast.a.risks["occurrence"]
    close_missed(now=occurrence.window_end + dt.timedelta(minutes=1))
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.MISSED
    return occurrence


def test_an_online_submission_cannot_back_date_a_missed_check(cast) -> None:
    occurrence = _closed_as_missed(cast)
    later = occurrence.window_end + dt.timedelta(days=2)
    outcome = submit_check(
        occurrence=occurrence,
        checked_by=cast.worker,
        data=CheckInput(
            uuid.uuid4(), status=0, check_time=occurrence.window_start + dt.timedelta(hours=1)
        ),
        now=later,
    )
    # The server's clock decides for an online post: made two days late, it does not count.
    assert outcome.record.check_time == later and outcome.record.is_late
    assert not outcome.counted
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.MISSED


def test_an_offline_replay_in_time_turns_missed_into_done_and_drops_the_placeholder(cast) -> None:
    occurrence = _closed_as_missed(cast)
    made = occurrence.window_start + dt.timedelta(hours=1)
    outcome = submit_check(
        occurrence=occurrence,
        checked_by=cast.worker,
        data=CheckInput(uuid.uuid4(), status=0, check_time=made, entry_mode=EntryMode.OFFLINE),
        now=occurrence.window_end + dt.timedelta(hours=3),
    )
    assert outcome.counted and outcome.record.check_time == made
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.DONE and occurrence.record_id == outcome.record.pk
    assert list(occurrence.records.values_list("entry_mode", flat=True)) == [EntryMode.OFFLINE]


def test_an_offline_check_older_than_three_days_must_go_through_paper_back_entry(cast) -> None:
    occurrence = cast.a.risks["occurrence"]
    with pytest.raises(ValidationError) as error:
        submit_check(
            occurrence=occurrence,
            checked_by=cast.worker,
            data=CheckInput(
                uuid.uuid4(),
                status=0,
                check_time=occurrence.window_start + dt.timedelta(hours=1),
                entry_mode=EntryMode.OFFLINE,
            ),
            now=occurrence.window_start + dt.timedelta(hours=1, days=4),
        )
    assert "纸质记录补录" in str(error.value)
    assert not occurrence.records.exists()


def test_a_queued_check_is_refused_when_another_account_sends_it(client, cast) -> None:
    occurrence = cast.a.risks["occurrence"]
    client.force_login(cast.safety_officer)  # may check anything, but did not queue this one
    response = client.post(
        reverse("checks:submit", kwargs={"occurrence_id": occurrence.public_id}),
        {
            "client_id": str(uuid.uuid4()),
            "status": "0",
            "offline": "1",
            "owner": str(cast.worker.public_id),
        },
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "其他账号" in response.json()["error"]
    assert not CheckRecord.objects.filter(occurrence=occurrence).exists()


def test_a_stop_recorded_afterwards_cancels_the_windows_closed_as_not_checked(cast) -> None:
    occurrence = _closed_as_missed(cast)
    record_deactivation(
        deactivation=Deactivation(
            enterprise=cast.a.enterprise,
            risk_unit=cast.a.risks["unit"],
            kind="stopped",
            start=occurrence.window_start - dt.timedelta(hours=1),
            end=occurrence.window_end + dt.timedelta(hours=1),
            reason="停电",
        ),
        acting_user=cast.safety_officer,
    )
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.CANCELLED and occurrence.record_id is None
    assert not occurrence.records.exists()  # the 未排查 placeholder is gone


def test_points_and_units_that_inspections_refer_to_are_retired_not_deleted(cast) -> None:
    bare = RiskObject.objects.create(
        enterprise=cast.a.enterprise,
        name="临时堆场",
        object_type="place",
        responsible_unit=cast.a.department,
    )
    SpecialInspectionItem.objects.create(
        enterprise=cast.a.enterprise,
        inspection=cast.a.risks["special_inspection"],
        content="检查临时堆场",
        risk_object=bare,
    )
    assert retire(obj=bare, acting_user=cast.safety_officer) == "retired"
    unit = RiskUnit.objects.create(
        enterprise=cast.a.enterprise, risk_object=cast.a.risks["object"], name="2号储罐"
    )
    Deactivation.objects.create(
        enterprise=cast.a.enterprise,
        risk_unit=unit,
        kind="maintenance",
        start=timezone.now() - dt.timedelta(days=3),
        end=timezone.now() - dt.timedelta(days=2),
        reason="检修",
    )
    assert retire(obj=unit, acting_user=cast.safety_officer) == "retired"
    lonely = RiskUnit.objects.create(
        enterprise=cast.a.enterprise, risk_object=cast.a.risks["object"], name="3号储罐"
    )
    assert retire(obj=lonely, acting_user=cast.safety_officer) == "deleted"


def test_a_same_day_correction_keeps_the_first_filing_time(cast) -> None:
    row = SafetyCommitment.objects.get(enterprise=cast.a.enterprise)
    first = row.committed_at
    row.hot_work = 3
    file_commitment(commitment=row, acting_user=cast.owner, now=first + dt.timedelta(seconds=30))
    row.refresh_from_db()
    assert row.committed_at == first and row.hot_work == 3
