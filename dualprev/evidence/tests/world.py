"""Helpers for the evidence tests: a day of hourly rounds in enterprise A, and quick looks at a
chain."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from dualprev.core.testing import Cast
from dualprev.evidence.models import ChainEntry, ChainHead
from dualprev.evidence.verify import ChainReport, verify
from dualprev.inspections.generation import generate
from dualprev.inspections.models import CheckOccurrence, CheckTask
from dualprev.reference.choices import CheckCycleUnit

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BJ)


def hourly_rounds(cast: Cast, day: str = "2026-03-02") -> list[CheckOccurrence]:
    """Hourly rounds around the clock on ``day`` for A's worker's post (24 windows)."""
    world = cast.a
    start = at(f"{day} 00:00")
    task = CheckTask.objects.create(
        enterprise=world.enterprise,
        measure=world.risks["measure"],
        content="巡检储罐区",
        cycle=1,
        cycle_unit=CheckCycleUnit.HOUR,
        work_start=dt.time(0),
        work_end=dt.time(0),
        task_start=start,
        post=world.post,
        is_default=False,
    )
    CheckTask.objects.filter(pk=task.pk).update(created_at=start - dt.timedelta(days=1))
    generate(enterprise_ids=[world.enterprise.pk], start=start, until=start + dt.timedelta(days=1))
    return list(task.occurrences.order_by("window_start"))


def chain_of(enterprise_id: int) -> ChainReport:
    return verify(enterprise_id).chains[0]


def entry_for(kind: str, object_id: int) -> ChainEntry:
    return ChainEntry.objects.get(kind=kind, object_id=object_id)


def last_entries(enterprise_id: int, n: int) -> list[ChainEntry]:
    return list(ChainEntry.objects.filter(enterprise_id=enterprise_id).order_by("-seq")[:n])


def head(enterprise_id: int) -> ChainHead:
    return ChainHead.objects.get(enterprise_id=enterprise_id)
