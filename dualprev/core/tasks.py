"""Housekeeping jobs of the platform itself."""

from __future__ import annotations

from django.core.management import call_command
from django_tasks import task


@task()
def prune_task_results() -> None:
    """Delete finished background-task results older than django-tasks-db's retention.

    Idempotent: a second run finds nothing more to delete."""
    call_command("prune_db_task_results", queue_name="*", min_age_days=14, verbosity=0)
