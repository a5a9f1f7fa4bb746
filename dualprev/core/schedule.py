"""The periodic jobs: one registry read by ``dualprev scheduler``.

To add a periodic job, write a django-tasks ``@task`` (taking no arguments) in the owning app's
``tasks.py`` and add a row to ``SCHEDULE``. The scheduler only *enqueues* the task at the cron
times (in ``settings.TIME_ZONE``); a ``dualprev db_worker`` process runs it.

Every job must be idempotent, i.e. safe to run twice in a row or twice concurrently. The
scheduler remembers nothing between restarts and delivery is at-least-once: a restarted or
accidentally duplicated scheduler, an operator's ``--run-now``, or a worker killed mid-job and
the job enqueued again can all run the same job more than once. So a job derives its work from
the current database state ("delete the sessions that have expired", "flag the hazards that are
overdue and not yet flagged"), never from "what happened since the last run", and writes with
conditional updates so a second run finds nothing left to do.
"""

from __future__ import annotations

import logging
import zoneinfo
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.base import Task

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduledJob:
    """One periodic job: enqueue the task at ``task_path`` whenever ``cron`` fires.

    ``cron`` is a standard five-field crontab expression (minute hour day-of-month month
    day-of-week) in ``settings.TIME_ZONE``. Write weekdays as names (``mon-fri``), not numbers:
    APScheduler 3 counts Monday as 0 where cron counts Sunday as 0, so numbers are refused.
    ``misfire_grace_seconds``: if the scheduler wakes up late (host suspended, clock jump,
    overload), a run this late or less is still enqueued; a later one is skipped.
    """

    name: str
    task_path: str
    cron: str
    description: str
    misfire_grace_seconds: int = 60 * 60


SCHEDULE: tuple[ScheduledJob, ...] = (
    ScheduledJob(
        name="clear-expired-sessions",
        task_path="dualprev.accounts.tasks.clear_expired_sessions",
        cron="30 2 * * *",
        description="Delete expired login sessions (what `dualprev clearsessions` does).",
    ),
    ScheduledJob(
        name="prune-task-results",
        task_path="dualprev.core.tasks.prune_task_results",
        cron="45 2 * * *",
        description="Delete finished background-task results older than 14 days.",
    ),
    ScheduledJob(
        name="generate-check-occurrences",
        task_path="dualprev.inspections.tasks.generate_occurrences",
        cron="*/10 * * * *",
        description=(
            "Give 隐患排查 measures their default check tasks and materialise the check "
            "occurrences of today and the next two days (what `dualprev generate-checks` does)."
        ),
        misfire_grace_seconds=10 * 60,
    ),
    ScheduledJob(
        name="close-missed-checks",
        task_path="dualprev.inspections.tasks.close_missed_checks",
        cron="*/5 * * * *",
        description="Close check occurrences whose window ended with no record as 未排查.",
        misfire_grace_seconds=5 * 60,
    ),
    ScheduledJob(
        name="follow-hazard-deadlines",
        task_path="dualprev.hazards.tasks.follow_hazard_deadlines",
        cron="*/15 * * * *",
        description=(
            "Remind before hazard deadlines, mark overdue hazards and escalate one org level per "
            "overdue period (what `dualprev follow-hazards` does)."
        ),
        misfire_grace_seconds=15 * 60,
    ),
    ScheduledJob(
        name="retry-notification-deliveries",
        task_path="dualprev.notifications.tasks.retry_deliveries",
        cron="* * * * *",
        description=(
            "Send the e-mails and group-robot messages that are due: new ones whose first "
            "attempt was missed and retries after their back-off."
        ),
        misfire_grace_seconds=60,
    ),
    ScheduledJob(
        name="anchor-evidence-chains",
        task_path="dualprev.evidence.tasks.anchor_chains",
        cron="5 * * * *",
        description=(
            "Store each enterprise's evidence-chain head (length and hash) as today's anchor "
            "(what `dualprev anchor-chains` does); hourly, so the day's anchor follows the head."
        ),
    ),
)


def schedule_timezone() -> tzinfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def get_job(name: str, schedule: tuple[ScheduledJob, ...] = SCHEDULE) -> ScheduledJob:
    for job in schedule:
        if job.name == name:
            return job
    known = ", ".join(job.name for job in schedule)
    raise LookupError(f"No scheduled job named {name!r}; known jobs: {known}")


def load_task(job: ScheduledJob) -> Task[[], Any]:
    """Import the task a job names; fail clearly when the path is not a task."""
    try:
        obj = import_string(job.task_path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"Scheduled job {job.name!r}: {exc}") from exc
    if not isinstance(obj, Task):
        raise ImproperlyConfigured(
            f"Scheduled job {job.name!r}: {job.task_path} is not a task (decorate it with @task)"
        )
    return obj


def cron_trigger(job: ScheduledJob, timezone: tzinfo | None = None) -> CronTrigger:
    """Parse a job's crontab expression into an APScheduler trigger."""
    fields = job.cron.split()
    if len(fields) == 5 and any(char.isdigit() for char in fields[4]):
        raise ImproperlyConfigured(
            f"Scheduled job {job.name!r}: write the day-of-week field {fields[4]!r} with day "
            "names (mon,tue,...,sun): APScheduler 3 numbers weekdays from Monday=0, unlike cron"
        )
    try:
        return CronTrigger.from_crontab(job.cron, timezone=timezone or schedule_timezone())
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"Scheduled job {job.name!r}: bad cron {job.cron!r}: {exc}"
        ) from exc


def validate_schedule(schedule: tuple[ScheduledJob, ...] = SCHEDULE) -> None:
    """Raise ImproperlyConfigured unless names are unique, tasks import and crons parse."""
    names = [job.name for job in schedule]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ImproperlyConfigured(f"Duplicate scheduled job names: {', '.join(duplicates)}")
    for job in schedule:
        load_task(job)
        cron_trigger(job)


def has_pending_run(task: Task[[], Any]) -> bool:
    """Whether a run of ``task`` is already waiting in the database queue (not yet started)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return (
        DBTaskResult.objects.filter(
            backend_name=task.backend, task_path=task.module_path, status=TaskResultStatus.READY
        )
        .only("pk")
        .exists()
    )


def enqueue_job(job: ScheduledJob, *, skip_if_pending: bool = False) -> TaskResult[Any] | None:
    """Put one run of ``job`` in the task queue; the worker runs it, never the caller.

    With ``skip_if_pending`` (what the scheduler's cron firings use) nothing is enqueued while
    an earlier run is still waiting, so a stopped worker does not come back to a pile of
    identical jobs. Returns the task result, or None when skipped.
    """
    task = load_task(job)
    if skip_if_pending and has_pending_run(task):
        logger.warning("Not enqueueing %s: an earlier run is still waiting for a worker", job.name)
        return None
    result = task.enqueue()
    logger.info("Enqueued %s (%s) as task result %s", job.name, job.task_path, result.id)
    return result
