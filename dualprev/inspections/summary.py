"""Small inspection summaries for other apps' pages: the enterprise home card, and what the
district regulator sees of an enterprise (completion rate, 未排查, daily commitment)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dualprev.inspections.actions import (
    commitment_status,
    missing_commitment_days,
    today_start,
)
from dualprev.inspections.choices import OccurrenceStatus
from dualprev.inspections.generation import local_tz
from dualprev.inspections.models import CheckOccurrence, InspectionSettings, SafetyCommitment
from dualprev.inspections.queries import overlapping, person_q
from dualprev.orgs.models import Enterprise

OPEN = OccurrenceStatus.OPEN
DONE = OccurrenceStatus.DONE
MISSED = OccurrenceStatus.MISSED


def rate(done: int, missed: int) -> float | None:
    """Completion rate in percent, or None when nothing was due."""
    total = done + missed
    return round(done * 100 / total, 1) if total else None


def my_today(user: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """The logged-in person's checks today: due now, later today, done, missed."""
    now = now or timezone.now()
    start = today_start(now)
    qs = overlapping(
        CheckOccurrence.objects.visible_to(user).filter(person_q(user)),
        start,
        start + dt.timedelta(days=1),
    )
    ids = qs.values("pk")
    counts = CheckOccurrence.objects.filter(pk__in=ids).aggregate(
        due_now=Count("pk", filter=Q(status=OPEN, window_start__lte=now)),
        later=Count("pk", filter=Q(status=OPEN, window_start__gt=now)),
        done=Count("pk", filter=Q(status=DONE)),
        missed=Count("pk", filter=Q(status=MISSED)),
    )
    return {key: value or 0 for key, value in counts.items()}


def enterprise_summary(
    enterprise: Enterprise, *, days: int = 30, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Completion over the last ``days`` days (windows that ended in it), the open checks
    now, today's commitment and the days without one in the last two weeks."""
    now = now or timezone.now()
    start = today_start(now) - dt.timedelta(days=days - 1)
    counts = CheckOccurrence.objects.filter(
        enterprise=enterprise, window_end__gte=start, window_end__lte=now
    ).aggregate(
        done=Count("pk", filter=Q(status=DONE)),
        missed=Count("pk", filter=Q(status=MISSED)),
    )
    done, missed = counts["done"] or 0, counts["missed"] or 0
    local = timezone.localtime(now, local_tz()).date()
    status = commitment_status(enterprise, now)
    return {
        "days": days,
        "done": done,
        "missed": missed,
        "rate": rate(done, missed),
        "open_now": CheckOccurrence.objects.filter(
            enterprise=enterprise, status=OPEN, window_start__lte=now, window_end__gt=now
        ).count(),
        "commitment": status,
        "missing_commitments": missing_commitment_days(
            enterprise, local - dt.timedelta(days=13), local, now
        )
        if status["required"]
        else [],
    }


def district_commitments(
    enterprises: QuerySet[Enterprise], now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Today's commitment of every enterprise in ``enterprises`` (already scoped to the
    regulator) that must file one: filed, not yet due, or overdue (past its deadline)."""
    now = timezone.localtime(now or timezone.now(), local_tz())
    from dualprev.majorhazards.models import MajorHazardSource

    with_source = MajorHazardSource.objects.filter(is_major=True).values("enterprise_id")
    required = list(
        enterprises.filter(Q(has_major_hazard_source=True) | Q(pk__in=with_source)).order_by("name")
    )
    filed = {
        row.enterprise_id: row
        for row in SafetyCommitment.objects.filter(
            enterprise__in=[e.pk for e in required], date=now.date()
        )
    }
    deadlines = dict(
        InspectionSettings.objects.filter(enterprise__in=[e.pk for e in required]).values_list(
            "enterprise_id", "commitment_deadline"
        )
    )
    rows = []
    for enterprise in required:
        deadline = deadlines.get(enterprise.pk) or InspectionSettings().commitment_deadline
        commitment = filed.get(enterprise.pk)
        rows.append(
            {
                "enterprise": enterprise,
                "commitment": commitment,
                "deadline": deadline,
                "overdue": commitment is None and now.time() >= deadline,
            }
        )
    return rows
