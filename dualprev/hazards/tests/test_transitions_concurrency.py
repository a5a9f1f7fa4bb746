"""Concurrent transitions on PostgreSQL: two people acting on the same hazard at once —
exactly one wins and the other gets a clear ``TransitionError``; one draft becomes one hazard;
simultaneous reports get distinct numbers. (SQLite serialises writers, so these run on
PostgreSQL only.)"""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from dualprev.hazards.actions import (
    ReportInput,
    accept_hazard,
    reject_rectification,
    report_hazard,
    submit_rectification,
    take_draft,
)
from dualprev.hazards.choices import EventAction, HazardStatus
from dualprev.hazards.models import Hazard, HazardEvent
from dualprev.hazards.testing import photo
from dualprev.hazards.workflow import TransitionError
from dualprev.inspections.models import HazardDraft

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers (one write lock per file): no concurrent writes")


def race(*calls: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``calls`` in threads released together; their results and their exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            result = call()
            with lock:
                results.append(result)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def pending_accept(cast: Any) -> Hazard:
    hazard = cast.a.risks["hazard_rectifying"]
    submit_rectification(
        hazard=hazard, acting_user=cast.team_leader, note="已更换保温层", photos=[photo()]
    )
    return Hazard.objects.get(pk=hazard.pk)


def test_accept_and_reject_at_once_exactly_one_wins(cast) -> None:
    hazard = pending_accept(cast)
    # Each actor read the hazard in the same state and version before either acted.
    mine, theirs = Hazard.objects.get(pk=hazard.pk), Hazard.objects.get(pk=hazard.pk)
    results, errors = race(
        lambda: accept_hazard(hazard=mine, acting_user=cast.safety_officer, comment="合格"),
        lambda: reject_rectification(hazard=theirs, acting_user=cast.owner, reason="不合格"),
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], TransitionError)
    assert "刚刚已被其他人处理" in errors[0].messages[0]
    decided = HazardEvent.objects.filter(
        hazard=hazard, action__in=[EventAction.ACCEPT, EventAction.REJECT]
    )
    assert decided.count() == 1
    saved = Hazard.objects.get(pk=hazard.pk)
    winner = decided.get()
    expected = (
        HazardStatus.ACCEPTED if winner.action == EventAction.ACCEPT else HazardStatus.RECTIFYING
    )
    assert saved.status == expected
    assert saved.version == hazard.version + 1


def test_two_acceptors_at_once_accept_once(cast) -> None:
    hazard = pending_accept(cast)
    copies = [Hazard.objects.get(pk=hazard.pk) for _ in range(2)]
    results, errors = race(
        lambda: accept_hazard(hazard=copies[0], acting_user=cast.safety_officer, comment="合格"),
        lambda: accept_hazard(hazard=copies[1], acting_user=cast.owner, comment="同意"),
    )
    assert len(results) == 1 and [type(e) for e in errors] == [TransitionError]
    assert HazardEvent.objects.filter(hazard=hazard, action=EventAction.ACCEPT).count() == 1
    saved = Hazard.objects.get(pk=hazard.pk)
    assert saved.status == HazardStatus.ACCEPTED
    assert saved.accepted_by_id == HazardEvent.objects.get(hazard=hazard, action="accept").actor_id


def test_two_people_taking_the_same_draft_make_one_hazard(cast) -> None:
    draft = cast.a.risks["hazard_draft"]
    copies = [HazardDraft.objects.get(pk=draft.pk) for _ in range(2)]

    def take(copy: HazardDraft, user: Any) -> Hazard:
        return take_draft(
            draft=copy,
            acting_user=user,
            data=ReportInput(name="储罐保温层破损", description=copy.description),
        )

    results, errors = race(
        lambda: take(copies[0], cast.worker), lambda: take(copies[1], cast.safety_officer)
    )
    assert len(results) == 1 and [type(e) for e in errors] == [TransitionError]
    assert Hazard.objects.filter(draft=draft).count() == 1
    assert HazardDraft.objects.get(pk=draft.pk).status == "taken"
    hazard = Hazard.objects.get(draft=draft)
    assert hazard.events.filter(action=EventAction.REPORT).count() == 1


@pytest.mark.parametrize("year", ["this year", "a year with no number yet"])
def test_simultaneous_reports_get_distinct_numbers(cast, year: str) -> None:
    now = None
    if year != "this year":
        now = dt.datetime(2031, 1, 1, 8, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    reporters = [cast.worker, cast.team_leader, cast.a.users["dept"], cast.safety_officer] * 2

    def report(user: Any, i: int) -> Hazard:
        return report_hazard(
            enterprise_id=cast.a.enterprise.pk,
            reporter=user,
            data=ReportInput(name=f"同时上报{i}", description="并发上报"),
            now=now,
        )

    results, errors = race(*(lambda u=u, i=i: report(u, i) for i, u in enumerate(reporters)))
    assert errors == []
    numbers = [h.number for h in results]
    assert len(set(numbers)) == len(reporters)
    if now is not None:
        assert sorted(numbers) == [f"YH-2031-{n:04d}" for n in range(1, len(reporters) + 1)]
    stored = Hazard.objects.filter(enterprise=cast.a.enterprise, name__startswith="同时上报")
    assert stored.count() == len(reporters)
