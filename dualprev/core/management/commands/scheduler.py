"""``dualprev scheduler``: enqueue the periodic jobs of ``dualprev/core/schedule.py`` on time.

The scheduler never runs a job body: at each cron time it puts the job in the task queue and a
``dualprev db_worker`` runs it. Run exactly one scheduler per database (several would enqueue
every job several times; harmless because jobs are idempotent, but wasteful).
"""

from __future__ import annotations

import signal
import threading
from datetime import datetime
from types import FrameType
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import BlockingScheduler
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connections

from dualprev.core.schedule import (
    SCHEDULE,
    cron_trigger,
    enqueue_job,
    get_job,
    schedule_timezone,
    validate_schedule,
)


def fire(name: str) -> None:
    """APScheduler callback (in an executor thread): enqueue one run of the named job."""
    close_old_connections()
    try:
        enqueue_job(get_job(name), skip_if_pending=True)
    finally:
        # Database connections are per thread; do not leave one open in an idle pool thread.
        connections.close_all()


def build_scheduler() -> BlockingScheduler:
    tz = schedule_timezone()
    scheduler = BlockingScheduler(
        timezone=tz,
        # Enqueueing is one INSERT; two threads are plenty even when several jobs coincide.
        executors={"default": ThreadPoolExecutor(max_workers=2)},
    )
    for job in SCHEDULE:
        scheduler.add_job(
            fire,
            trigger=cron_trigger(job, tz),
            args=[job.name],
            id=job.name,
            name=job.name,
            # After a stall (suspended host, clock jump) several runs of a job may be due at
            # once: enqueue one, not a burst. A run late by up to misfire_grace_time still
            # happens; a later one is skipped until the next cron time.
            coalesce=True,
            misfire_grace_time=job.misfire_grace_seconds,
            max_instances=1,
        )
    return scheduler


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs declared in dualprev/core/schedule.py at their cron times "
        "(runs in the foreground until SIGINT/SIGTERM). A db_worker runs the jobs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--list", action="store_true", help="Print the schedule and next run times, then exit."
        )
        mode.add_argument(
            "--run-now", metavar="NAME", help="Enqueue the named job once, now, then exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            validate_schedule()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if options["list"]:
            self.print_schedule()
        elif options["run_now"]:
            self.run_now(options["run_now"])
        else:
            self.run_forever()

    def print_schedule(self) -> None:
        tz = schedule_timezone()
        now = datetime.now(tz)
        self.stdout.write(f"Periodic jobs (time zone {tz}):")
        for job in SCHEDULE:
            next_run = cron_trigger(job, tz).get_next_fire_time(None, now)
            when = next_run.isoformat(sep=" ", timespec="minutes") if next_run else "never"
            self.stdout.write(f"  {job.name}  [{job.cron}]  next run {when}")
            self.stdout.write(f"      {job.task_path}: {job.description}")

    def run_now(self, name: str) -> None:
        try:
            job = get_job(name)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        result = enqueue_job(job)
        assert result is not None  # only skip_if_pending skips
        self.stdout.write(f"Enqueued {job.name} as task result {result.id}; a worker will run it.")

    def run_forever(self) -> None:
        scheduler = build_scheduler()
        stopping = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            if stopping.is_set():
                return
            stopping.set()
            if scheduler.state == STATE_STOPPED:  # signal before start(): nothing to wind down
                raise SystemExit(0)
            # shutdown() takes the scheduler's locks, which the interrupted main thread may be
            # holding (and writing output here could re-enter a write in progress): do both from
            # another thread. shutdown() wakes the main loop, so start() returns once in-flight
            # enqueues have finished.
            threading.Thread(
                target=stop, args=(signal.strsignal(signum),), name="scheduler-shutdown"
            ).start()

        def stop(reason: str | None) -> None:
            self.stdout.write(f"Received {reason}, stopping the scheduler.")
            scheduler.shutdown()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        self.print_schedule()
        self.stdout.write("Scheduler running; it only enqueues jobs, a db_worker runs them.")
        scheduler.start()
        self.stdout.write("Scheduler stopped.")
