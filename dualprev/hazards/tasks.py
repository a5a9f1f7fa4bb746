"""Scheduled jobs of the hazards app (run by the django-tasks worker, never in a request).

Idempotent and safe to run twice at once (see ``core.schedule``): the work is derived from the
database (hazards due a reminder, overdue and not marked, due one more escalation level) and
written with guarded updates, so a second run finds nothing left to do.
"""

from __future__ import annotations

from django_tasks import task

from dualprev.hazards.deadlines import follow_deadlines


@task()
def follow_hazard_deadlines() -> dict[str, int]:
    """Remind liable persons before the deadline, mark overdue hazards and escalate them one
    org level up per overdue period (``hazards.deadlines``). Returns the counts."""
    return follow_deadlines()
