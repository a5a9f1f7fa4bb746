"""``close_missed``: windows that end with no record become 未排查 with one system record each;
checks that arrive afterwards count when they were made in time and not when they were late."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
import zoneinfo
from typing import Any

import pytest
from django.db import connection

from dualprev.core.testing import Cast
from dualprev.inspections.actions import CheckInput, close_missed, missed_client_id, submit_check
from dualprev.inspections.choices import EntryMode, OccurrenceStatus
from dualprev.inspections.generation import generate
from dualprev.inspections.models import CheckOccurrence, CheckRecord, CheckTask
from dualprev.reference.choices import CheckCycleUnit, CheckStatus

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BJ)


def two_hour_rounds(cast: Cast, **extra: Any) -> CheckTask:
    """Rounds every 2 h from 08:00 to 14:00 on Mar 2 for the worker's post."""
    world = cast.a
    task = CheckTask.objects.create(
        enterprise=world.enterprise,
        measure=world.risks["measure"],
        content="巡检储罐区",
        cycle=2,
        cycle_unit=CheckCycleUnit.HOUR,
        work_start=dt.time(8),
        work_end=dt.time(14),
        task_start=at("2026-03-02 00:00"),
        post=world.post,
        is_default=False,
        **extra,
    )
    CheckTask.objects.filter(pk=task.pk).update(created_at=at("2026-03-01 00:00"))
    generate(
        enterprise_ids=[world.enterprise.pk],
        start=at("2026-03-02 00:00"),
        until=at("2026-03-03 00:00"),
    )
    return task


def by_start(task: CheckTask) -> dict[str, CheckOccurrence]:
    return {
        f"{o.window_start.astimezone(BJ):%H:%M}": o
        for o in task.occurrences.order_by("window_start")
    }


def test_windows_that_ended_unchecked_become_missed_with_one_system_record(cast: Cast) -> None:
    task = two_hour_rounds(cast)

    closed = close_missed(now=at("2026-03-02 12:00"))

    rounds = by_start(task)
    assert closed == 2
    assert [o.status for o in rounds.values()] == [
        OccurrenceStatus.MISSED,  # 08–10
        OccurrenceStatus.MISSED,  # 10–12, ended exactly now
        OccurrenceStatus.OPEN,  # 12–14
    ]
    for key in ("08:00", "10:00"):
        occurrence = rounds[key]
        record = CheckRecord.objects.get(occurrence=occurrence)
        assert occurrence.record_id == record.pk
        assert record.status == CheckStatus.NOT_CHECKED
        assert record.entry_mode == EntryMode.SYSTEM and record.checked_by is None
        assert record.client_id == missed_client_id(occurrence.pk)
        assert record.check_time == occurrence.window_end
        assert record.enterprise_id == occurrence.enterprise_id


def test_closing_again_changes_nothing(cast: Cast) -> None:
    task = two_hour_rounds(cast)
    close_missed(now=at("2026-03-02 12:00"))
    records = set(CheckRecord.objects.values_list("pk", flat=True))

    assert close_missed(now=at("2026-03-02 12:00")) == 0
    assert set(CheckRecord.objects.values_list("pk", flat=True)) == records
    assert task.occurrences.filter(status=OccurrenceStatus.MISSED).count() == 2


def test_a_window_checked_in_time_or_cancelled_is_not_closed(cast: Cast) -> None:
    task = two_hour_rounds(cast)
    rounds = by_start(task)
    outcome = submit_check(
        occurrence=rounds["08:00"],
        checked_by=cast.worker,
        data=CheckInput(client_id=uuid.uuid4(), status=CheckStatus.NORMAL),
        now=at("2026-03-02 09:15"),
    )
    assert outcome.counted
    CheckOccurrence.objects.filter(pk=rounds["10:00"].pk).update(status=OccurrenceStatus.CANCELLED)

    assert close_missed(now=at("2026-03-02 15:00")) == 1  # only 12–14

    rounds = by_start(task)
    assert rounds["08:00"].status == OccurrenceStatus.DONE
    assert rounds["08:00"].record_id == outcome.record.pk
    assert rounds["10:00"].status == OccurrenceStatus.CANCELLED
    assert rounds["12:00"].status == OccurrenceStatus.MISSED
    assert not CheckRecord.objects.filter(
        occurrence__in=[rounds["08:00"], rounds["10:00"]], status=CheckStatus.NOT_CHECKED
    ).exists()


def test_an_offline_check_made_in_time_turns_a_closed_window_to_done(cast: Cast) -> None:
    task = two_hour_rounds(cast)
    close_missed(now=at("2026-03-02 12:30"))
    occurrence = by_start(task)["08:00"]
    assert occurrence.status == OccurrenceStatus.MISSED

    # Checked at 09:40 with no signal; the phone sends it at 12:45.
    outcome = submit_check(
        occurrence=occurrence,
        checked_by=cast.worker,
        data=CheckInput(
            client_id=uuid.uuid4(),
            status=CheckStatus.NORMAL,
            check_time=at("2026-03-02 09:40"),
            entry_mode=EntryMode.OFFLINE,
        ),
        now=at("2026-03-02 12:45"),
    )

    occurrence.refresh_from_db()
    assert outcome.created and outcome.counted and not outcome.record.is_late
    assert occurrence.status == OccurrenceStatus.DONE
    assert occurrence.record_id == outcome.record.pk
    # The system's 未排查 placeholder no longer describes what happened and is gone; closing
    # again neither undoes the check nor writes a new placeholder.
    assert list(occurrence.records.all()) == [outcome.record]
    assert close_missed(now=at("2026-03-02 13:00")) == 0
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.DONE
    assert list(occurrence.records.all()) == [outcome.record]


def test_a_check_made_after_the_window_is_kept_as_late_and_does_not_count(cast: Cast) -> None:
    task = two_hour_rounds(cast)
    close_missed(now=at("2026-03-02 12:30"))
    occurrence = by_start(task)["08:00"]

    outcome = submit_check(
        occurrence=occurrence,
        checked_by=cast.worker,
        data=CheckInput(client_id=uuid.uuid4(), status=CheckStatus.NORMAL),
        now=at("2026-03-02 12:40"),
    )

    occurrence.refresh_from_db()
    assert outcome.created and outcome.record.is_late and not outcome.counted
    assert occurrence.status == OccurrenceStatus.MISSED
    assert occurrence.record is not None and occurrence.record.status == CheckStatus.NOT_CHECKED
    assert occurrence.records.count() == 2


def test_a_late_check_before_closing_does_not_count_either(cast: Cast) -> None:
    task = two_hour_rounds(cast)
    occurrence = by_start(task)["08:00"]
    outcome = submit_check(
        occurrence=occurrence,
        checked_by=cast.worker,
        data=CheckInput(client_id=uuid.uuid4(), status=CheckStatus.NORMAL),
        now=at("2026-03-02 10:20"),
    )
    assert outcome.record.is_late and not outcome.counted

    close_missed(now=at("2026-03-02 10:30"))

    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.MISSED
    assert occurrence.record is not None and occurrence.record.status == CheckStatus.NOT_CHECKED


def test_closing_works_in_batches(cast: Cast) -> None:
    task = two_hour_rounds(cast)
    assert close_missed(now=at("2026-03-02 14:00"), batch=1) == 3
    assert task.occurrences.filter(status=OccurrenceStatus.MISSED).count() == 3
    assert CheckRecord.objects.filter(occurrence__task=task).count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_closers_write_one_record_per_window(cast: Cast) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers (one write lock per file): no concurrent writes")
    world = cast.a
    for _ in range(30):
        task = CheckTask.objects.create(
            enterprise=world.enterprise,
            measure=world.risks["measure"],
            content="巡检",
            cycle=1,
            cycle_unit=CheckCycleUnit.HOUR,
            work_start=dt.time(0),
            work_end=dt.time(0),
            task_start=at("2026-03-02 00:00"),
            post=world.post,
            is_default=False,
        )
    CheckTask.objects.filter(is_default=False).update(created_at=at("2026-03-01 00:00"))
    generate(
        enterprise_ids=[world.enterprise.pk],
        start=at("2026-03-02 00:00"),
        until=at("2026-03-03 00:00"),
    )
    now = at("2026-03-03 00:00")
    barrier = threading.Barrier(2)
    closed: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            closed.append(close_missed(now=now, batch=50))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    windows = CheckOccurrence.objects.filter(task__is_default=False)
    assert errors == []
    assert sum(closed) == 30 * 24 == windows.filter(status=OccurrenceStatus.MISSED).count()
    assert CheckRecord.objects.filter(occurrence__in=windows).count() == 30 * 24
    assert not windows.filter(record__isnull=True).exists()
    assert task.occurrences.filter(status=OccurrenceStatus.MISSED).count() == 24
