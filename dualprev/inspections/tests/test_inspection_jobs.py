"""The two scheduled inspection jobs: their schedule rows and what their task bodies do, also
through the real worker."""

from __future__ import annotations

import datetime as dt
import signal
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus

from dualprev.core.schedule import cron_trigger, enqueue_job, get_job, load_task, validate_schedule
from dualprev.core.testing import Cast
from dualprev.inspections.choices import OccurrenceStatus
from dualprev.inspections.models import CheckOccurrence, CheckRecord, CheckTask
from dualprev.inspections.tasks import close_missed_checks, generate_occurrences
from dualprev.reference.choices import CheckStatus
from dualprev.risks.models import ControlMeasure

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
GENERATE, CLOSE = "generate-check-occurrences", "close-missed-checks"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BJ)


def test_the_inspection_jobs_are_scheduled_and_valid() -> None:
    validate_schedule()
    assert load_task(get_job(GENERATE)) is generate_occurrences
    assert load_task(get_job(CLOSE)) is close_missed_checks


def test_generation_runs_every_ten_minutes_and_closing_every_five() -> None:
    def fires(name: str, after: str, count: int) -> list[str]:
        trigger = cron_trigger(get_job(name))
        moment, found = at(after), []
        previous = None
        for _ in range(count):
            moment = trigger.get_next_fire_time(previous, moment)
            found.append(f"{moment:%H:%M}")
            previous = moment
            moment += dt.timedelta(seconds=1)
        return found

    assert fires(GENERATE, "2026-03-02 09:03", 3) == ["09:10", "09:20", "09:30"]
    assert fires(CLOSE, "2026-03-02 09:03", 3) == ["09:05", "09:10", "09:15"]


def _new_measure(cast: Cast) -> ControlMeasure:
    return ControlMeasure.objects.create(
        enterprise=cast.c.enterprise,
        event=cast.c.risks["event"],
        description="车辆制动检查",
        category="management",
        data_src=2,
        check_content="检查制动系统",
        responsible_post=cast.c.post,
    )


@pytest.mark.django_db
def test_the_generation_job_makes_default_tasks_and_three_days_of_occurrences(
    cast: Cast, time_machine: Any
) -> None:
    time_machine.move_to(at("2026-03-02 09:03"), tick=False)
    measure = _new_measure(cast)

    counts = generate_occurrences.call()

    task = CheckTask.objects.get(measure=measure)
    starts = list(task.occurrences.order_by("window_start").values_list("window_start", flat=True))
    # Created at 09:03 today: today's window (to midnight) and the next two days'.
    assert starts == [at("2026-03-02 00:00"), at("2026-03-03 00:00"), at("2026-03-04 00:00")]
    assert counts["default_tasks"] == 1 and counts["created"] == 3
    assert set(counts) == {
        "default_tasks",
        "stopped_tasks",
        "tasks",
        "windows",
        "suppressed",
        "created",
    }
    again = generate_occurrences.call()
    assert again["created"] == 0 and again["default_tasks"] == 0


@pytest.mark.django_db
def test_the_generation_job_stops_the_tasks_of_retired_measures(cast: Cast) -> None:
    task = cast.c.risks["check_task"]
    ControlMeasure.objects.filter(pk=cast.c.risks["measure"].pk).update(
        retired_at=at("2026-03-01 00:00")
    )

    counts = generate_occurrences.call()

    task.refresh_from_db()
    assert counts["stopped_tasks"] == 1 and not task.is_active


@pytest.mark.django_db
def test_the_closing_job_closes_ended_windows(cast: Cast, time_machine: Any) -> None:
    occurrence = cast.a.risks["occurrence"]
    time_machine.move_to(occurrence.window_end + dt.timedelta(minutes=1), tick=False)
    open_before = CheckOccurrence.objects.filter(
        status=OccurrenceStatus.OPEN, window_end__lte=occurrence.window_end
    ).count()
    assert open_before >= 1

    assert close_missed_checks.call() == open_before

    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.MISSED
    assert occurrence.record.status == CheckStatus.NOT_CHECKED
    assert close_missed_checks.call() == 0


# --- through the real worker ------------------------------------------------------------------


@pytest.fixture
def restore_signal_handlers() -> Iterator[None]:
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_signal_handlers")
def test_the_worker_runs_both_jobs(cast: Cast, time_machine: Any) -> None:
    measure = _new_measure(cast)
    # The next morning: the cast's three daily windows of yesterday have ended unchecked.
    time_machine.move_to(cast.a.risks["occurrence"].window_end + dt.timedelta(hours=9))
    results = [enqueue_job(get_job(GENERATE)), enqueue_job(get_job(CLOSE))]

    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0",
        "--queue-name", "*", verbosity=0,
    )  # fmt: skip

    values = []
    for result in results:
        assert result is not None
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        values.append(result.return_value)
    assert CheckTask.objects.get(measure=measure).occurrences.exists()
    generated, closed_count = values
    assert isinstance(generated, dict) and generated["default_tasks"] == 1
    assert closed_count == 3
    closed = CheckOccurrence.objects.filter(status=OccurrenceStatus.MISSED)
    assert set(closed.values_list("task__measure", flat=True)) == {
        world.risks["measure"].pk for world in (cast.a, cast.b, cast.c)
    }
    assert CheckRecord.objects.filter(status=CheckStatus.NOT_CHECKED).count() == 3
