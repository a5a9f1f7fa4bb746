"""Scheduled jobs of the inspection module (run by the django-tasks worker, never in a request).

Both are idempotent and safe to run twice at once (see ``core.schedule``): they derive their
work from the database and write with ON CONFLICT DO NOTHING and guarded updates.
"""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from dualprev.inspections.actions import close_missed, ensure_default_tasks, stop_retired_tasks
from dualprev.inspections.generation import default_range, generate


@task()
def generate_occurrences() -> dict[str, int]:
    """Every 隐患排查 measure gets its default task (default tasks follow their control level,
    tasks of retired measures stop), then the occurrences of today and the next two days are
    materialised. Returns the counts for the task result (and the logs)."""
    defaults = ensure_default_tasks()
    stopped = stop_retired_tasks()
    start, until = default_range()
    result = generate(start=start, until=until)
    return {"default_tasks": defaults, "stopped_tasks": stopped, **asdict(result)}


@task()
def close_missed_checks() -> int:
    """Close every occurrence whose window has ended with no record as 未排查 (one status-2
    record each). Returns how many were closed."""
    return close_missed()
