"""The periodic-job registry, the scheduler's enqueueing, and the worker running the jobs."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from dualprev.core.management.commands.scheduler import build_scheduler
from dualprev.core.schedule import (
    SCHEDULE,
    ScheduledJob,
    cron_trigger,
    enqueue_job,
    get_job,
    load_task,
    schedule_timezone,
    validate_schedule,
)

SESSIONS_JOB = "clear-expired-sessions"

# The worker calls close_old_connections() on every loop, which closes a connection that is
# inside a transaction: the test-case transaction would be lost on PostgreSQL. So the tests
# that run the worker use real transactions (and table truncation afterwards).
worker_db = pytest.mark.django_db(transaction=True)


@pytest.fixture
def restore_signal_handlers() -> Iterator[None]:
    """db_worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def run_worker_batch() -> None:
    """Run the real worker until the queue is empty, then return."""
    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0",
        "--queue-name", "*", verbosity=0,
    )  # fmt: skip


def make_session(*, expired: bool) -> str:
    store = SessionStore()
    store["note"] = "expired" if expired else "live"
    store.create()
    assert store.session_key is not None
    if expired:
        Session.objects.filter(pk=store.session_key).update(
            expire_date=timezone.now() - timedelta(minutes=1)
        )
    return store.session_key


def test_every_scheduled_job_names_a_task_and_a_cron_that_fires() -> None:
    validate_schedule()
    now = datetime.now(schedule_timezone())
    assert len({job.name for job in SCHEDULE}) == len(SCHEDULE)
    for job in SCHEDULE:
        assert isinstance(load_task(job), Task), job.name
        assert cron_trigger(job).get_next_fire_time(None, now) is not None, job.name
        assert job.description, job.name


def test_the_session_clean_up_runs_nightly_at_half_past_two_local_time() -> None:
    job = get_job(SESSIONS_JOB)
    tz = schedule_timezone()
    next_run = cron_trigger(job).get_next_fire_time(None, datetime(2026, 3, 1, 12, 0, tzinfo=tz))
    assert next_run == datetime(2026, 3, 2, 2, 30, tzinfo=tz)


@pytest.mark.parametrize(
    ("job", "message"),
    [
        (ScheduledJob("x", SCHEDULE[0].task_path, "0 3 * * 1", "d"), "day names"),
        (ScheduledJob("x", SCHEDULE[0].task_path, "61 3 * * *", "d"), "bad cron"),
        (ScheduledJob("x", SCHEDULE[0].task_path, "0 3 * *", "d"), "bad cron"),
        (ScheduledJob("x", "dualprev.core.schedule.get_job", "0 3 * * *", "d"), "not a task"),
        (ScheduledJob("x", "dualprev.nowhere.task", "0 3 * * *", "d"), "No module"),
    ],
)
def test_it_rejects_a_broken_schedule_entry(job: ScheduledJob, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        validate_schedule((job,))


def test_it_rejects_duplicate_job_names() -> None:
    with pytest.raises(ImproperlyConfigured, match="Duplicate"):
        validate_schedule((SCHEDULE[0], SCHEDULE[0]))


def test_the_scheduler_registers_every_job_coalesced_with_a_grace_time() -> None:
    scheduler = build_scheduler()
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {job.name for job in SCHEDULE}
    for entry in SCHEDULE:
        job = jobs[entry.name]
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time == entry.misfire_grace_seconds
        assert job.args == (entry.name,)


def test_list_prints_each_job_with_its_next_run() -> None:
    out = StringIO()
    call_command("scheduler", "--list", stdout=out)
    for job in SCHEDULE:
        assert job.name in out.getvalue()
        assert job.cron in out.getvalue()
    assert "next run" in out.getvalue()


def test_run_now_refuses_an_unknown_job() -> None:
    with pytest.raises(CommandError, match="known jobs: clear-expired-sessions"):
        call_command("scheduler", "--run-now", "no-such-job")


@pytest.mark.django_db
def test_run_now_enqueues_the_job_without_running_it() -> None:
    expired = make_session(expired=True)
    out = StringIO()

    call_command("scheduler", "--run-now", SESSIONS_JOB, stdout=out)

    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.READY
    assert queued.task_path == get_job(SESSIONS_JOB).task_path
    assert str(queued.id) in out.getvalue()
    assert Session.objects.filter(pk=expired).exists()


@pytest.mark.django_db
def test_a_cron_firing_adds_nothing_while_an_earlier_run_still_waits() -> None:
    job = get_job(SESSIONS_JOB)
    assert enqueue_job(job, skip_if_pending=True) is not None
    assert enqueue_job(job, skip_if_pending=True) is None
    assert DBTaskResult.objects.ready().count() == 1
    # An explicit --run-now always enqueues.
    assert enqueue_job(job) is not None
    assert DBTaskResult.objects.ready().count() == 2


@worker_db
@pytest.mark.usefixtures("restore_signal_handlers")
def test_the_worker_in_batch_mode_clears_expired_sessions_and_keeps_live_ones() -> None:
    expired = {make_session(expired=True), make_session(expired=True)}
    live = make_session(expired=False)
    result = enqueue_job(get_job(SESSIONS_JOB))
    assert result is not None

    run_worker_batch()

    assert not Session.objects.filter(pk__in=expired).exists()
    assert Session.objects.filter(pk=live).exists()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 2


@worker_db
@pytest.mark.usefixtures("restore_signal_handlers")
def test_running_the_clean_up_again_is_harmless() -> None:
    make_session(expired=True)
    live = make_session(expired=False)
    first = enqueue_job(get_job(SESSIONS_JOB))
    second = enqueue_job(get_job(SESSIONS_JOB))
    assert first is not None
    assert second is not None

    run_worker_batch()

    first.refresh()
    second.refresh()
    assert (first.status, second.status) == (TaskResultStatus.SUCCESSFUL,) * 2
    assert {first.return_value, second.return_value} == {0, 1}
    assert list(Session.objects.values_list("pk", flat=True)) == [live]
