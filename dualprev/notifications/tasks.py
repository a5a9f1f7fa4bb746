"""Background jobs of the notifications app (run by the django-tasks worker, never in a
request). Both are idempotent and safe to run twice at once: each delivery is claimed with a
conditional update before it is sent (see ``sending``)."""

from __future__ import annotations

from django_tasks import task

from dualprev.notifications.sending import due_ids, send_now


@task()
def send_deliveries(delivery_ids: list[int]) -> dict[str, int]:
    """Send the deliveries ``notify`` just queued (enqueued after its transaction commits)."""
    return send_now(delivery_ids)


@task()
def retry_deliveries() -> dict[str, int]:
    """Send every pending delivery whose next try is due: retries after back-off, and new
    ones whose after-commit job never ran. Returns the counts of this run."""
    return send_now(due_ids())
