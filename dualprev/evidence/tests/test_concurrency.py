"""Concurrent appends to one enterprise's chain on PostgreSQL: checks submitted by two people at
once while the close-missed job closes the same windows. The chain head lock makes them take
turns: one gapless chain that verifies, no deadlock, no error."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import pytest
from django.db import connection

from dualprev.core.testing import Cast
from dualprev.evidence.hashing import CHECK_RECORD, CHECK_RECORD_VOID
from dualprev.evidence.models import ChainEntry, ChainHead
from dualprev.evidence.tests.world import at, chain_of, head, hourly_rounds
from dualprev.inspections.actions import CheckInput, close_missed, submit_check
from dualprev.inspections.choices import EntryMode, OccurrenceStatus
from dualprev.inspections.models import CheckOccurrence, CheckRecord
from dualprev.reference.choices import CheckStatus


def run_together(jobs: list[Callable[[], object]]) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            job()
        except BaseException as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_checks_and_closing_build_one_consistent_chain(cast: Cast) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers (one write lock per file): no concurrent appends")
    pk = cast.a.enterprise.pk
    rounds = hourly_rounds(cast)
    before = head(pk).seq

    def checks(occurrences: list[CheckOccurrence]) -> Callable[[], None]:
        def job() -> None:
            for occurrence in occurrences:
                # Made in time (offline), delivered after the day: it counts even if the
                # closer wrote its 未排查 placeholder first.
                submit_check(
                    occurrence=occurrence,
                    checked_by=cast.worker,
                    data=CheckInput(
                        client_id=uuid.uuid4(),
                        status=CheckStatus.NORMAL,
                        check_time=occurrence.window_start.replace(minute=20),
                        entry_mode=EntryMode.OFFLINE,
                    ),
                    now=at("2026-03-03 00:30"),
                )

        return job

    def closer() -> None:
        close_missed(now=at("2026-03-03 00:00"), batch=3)

    # The checkers start from the evening, the closers from the morning: they meet midway.
    latest_first = rounds[::-1]
    errors = run_together([checks(latest_first[0::2]), checks(latest_first[1::2]), closer, closer])

    assert errors == []
    assert all(
        status == OccurrenceStatus.DONE
        for status in CheckOccurrence.objects.filter(pk__in=[o.pk for o in rounds]).values_list(
            "status", flat=True
        )
    )
    records = CheckRecord.objects.filter(occurrence__in=rounds)
    assert records.count() == 24 and not records.filter(entry_mode=EntryMode.SYSTEM).exists()
    entries = ChainEntry.objects.filter(enterprise_id=pk, seq__gt=before)
    voids = entries.filter(kind=CHECK_RECORD_VOID).count()
    # Each placeholder the closers wrote is chained once, and its removal once.
    assert entries.filter(kind=CHECK_RECORD).count() == 24 + voids
    assert head(pk).seq == before + 24 + 2 * voids
    chain = chain_of(pk)
    assert chain.ok, [p.message for p in chain.problems]


@pytest.mark.django_db(transaction=True)
def test_two_writers_racing_to_chain_the_same_rows_chain_them_once(cast: Cast) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: no concurrent appends")
    from dualprev.evidence.chain import append

    pk = cast.a.enterprise.pk
    hourly_rounds(cast)
    close_missed(now=at("2026-03-02 12:00"))
    rows = list(CheckRecord.objects.filter(enterprise_id=pk, entry_mode=EntryMode.SYSTEM))
    ChainEntry.objects.filter(kind=CHECK_RECORD, object_id__in=[r.pk for r in rows]).delete()
    # Rewind the head to the last entry left, as if the rows had never been chained.
    last = ChainEntry.objects.filter(enterprise_id=pk).order_by("-seq").first()
    assert last is not None
    ChainHead.objects.filter(enterprise_id=pk).update(seq=last.seq, hash=last.entry_hash)

    errors = run_together([lambda: append(rows), lambda: append(rows[::-1])])

    assert errors == []
    assert ChainEntry.objects.filter(
        kind=CHECK_RECORD, object_id__in=[r.pk for r in rows]
    ).count() == len(rows)
    assert chain_of(pk).ok
