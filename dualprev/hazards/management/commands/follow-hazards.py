"""``dualprev follow-hazards``: what the scheduled deadline job does, by hand.

Reminds liable persons of hazards due soon, marks hazards past their deadline as overdue and
escalates overdue hazards one org level up per overdue period (``hazards.deadlines``), and
prints each step. Idempotent: a second run does nothing more.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dualprev.hazards.deadlines import follow_deadlines


class Command(BaseCommand):
    help = (
        "Follow hazard deadlines: reminders before the deadline, overdue marking after it, "
        "escalation one org level up per overdue period. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = follow_deadlines(report=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                "reminded: {reminded}; overdue: {overdue}; escalations: {escalated}; "
                "skipped (changed concurrently, retried next run): {skipped}".format(**counts)
            )
        )
