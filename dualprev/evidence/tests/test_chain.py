"""The evidence chain: what is appended, and verification catching every kind of tampering —
a row edited through the ORM or raw SQL, a photo hash swapped, rows deleted, chain entries
edited or deleted, the newest entries cut off — while lawful removals pass."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from dualprev.core.testing import Cast
from dualprev.evidence import hashing
from dualprev.evidence.anchors import anchor_chains
from dualprev.evidence.chain import Item, Models, append, chain_existing
from dualprev.evidence.hashing import CHECK_RECORD, CHECK_RECORD_VOID, GENESIS, HAZARD_EVENT
from dualprev.evidence.models import ChainAnchor, ChainEntry, ChainHead
from dualprev.evidence.tests.world import (
    at,
    chain_of,
    entry_for,
    head,
    hourly_rounds,
    last_entries,
)
from dualprev.evidence.verify import verify
from dualprev.hazards.models import HazardEvent, HazardPhoto
from dualprev.inspections.actions import (
    CheckInput,
    close_missed,
    record_deactivation,
    submit_check,
)
from dualprev.inspections.choices import EntryMode, OccurrenceStatus
from dualprev.inspections.models import CheckPhoto, CheckRecord, Deactivation
from dualprev.reference.choices import CheckStatus


def chainable_rows(enterprise_id: int) -> set[tuple[str, int]]:
    return {
        (HAZARD_EVENT, pk)
        for pk in HazardEvent.objects.filter(enterprise_id=enterprise_id).values_list(
            "pk", flat=True
        )
    } | {
        (CHECK_RECORD, pk)
        for pk in CheckRecord.objects.filter(enterprise_id=enterprise_id).values_list(
            "pk", flat=True
        )
    }


# --- appending ------------------------------------------------------------------------------


def test_every_hazard_event_and_check_record_of_the_cast_is_chained_and_verifies(
    cast: Cast,
) -> None:
    report = verify()

    assert report.ok, [p.message for c in report.broken for p in c.problems]
    for world in (cast.a, cast.b, cast.c):
        pk = world.enterprise.pk
        entries = list(ChainEntry.objects.filter(enterprise_id=pk).order_by("seq"))
        assert {(e.kind, e.object_id) for e in entries} == chainable_rows(pk)
        assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
        assert entries[0].prev_hash == GENESIS
        assert all(b.prev_hash == a.entry_hash for a, b in itertools.pairwise(entries))
        assert (head(pk).seq, head(pk).hash) == (len(entries), entries[-1].entry_hash)
    a = cast.a.enterprise.pk
    assert {c.enterprise_id for c in report.chains} >= {
        cast.a.enterprise.pk,
        cast.b.enterprise.pk,
        cast.c.enterprise.pk,
    }
    assert report.entries == ChainEntry.objects.count()
    assert any(e.kind == CHECK_RECORD for e in ChainEntry.objects.filter(enterprise_id=a))
    assert HazardEvent.objects.filter(enterprise_id=a).count() >= 5


def test_an_entry_covers_the_rows_content_and_its_photos_hashes(cast: Cast) -> None:
    record = cast.a.risks["check_record"]
    photo = cast.a.risks["check_photo"]
    entry = entry_for(CHECK_RECORD, record.pk)

    fields = CheckRecord.objects.filter(pk=record.pk).values(*hashing.FIELDS[CHECK_RECORD])[0]
    assert entry.content_hash == hashing.content_hash(CHECK_RECORD, fields, [photo.sha256])
    assert entry.content_hash != hashing.content_hash(CHECK_RECORD, fields, [])
    assert entry.entry_hash == hashing.entry_hash(
        prev_hash=entry.prev_hash,
        seq=entry.seq,
        kind=CHECK_RECORD,
        object_id=record.pk,
        content_hash=entry.content_hash,
    )
    document = hashing.canonical(CHECK_RECORD, fields, [photo.sha256]).decode()
    assert '"note":"保温层破损"' in document and photo.sha256 in document


def test_hashing_does_not_depend_on_how_a_value_was_made() -> None:
    from decimal import Decimal

    row = {name: None for name in hashing.FIELDS[CHECK_RECORD]}
    utc = dt.datetime(2026, 3, 2, 1, 40, tzinfo=dt.UTC)
    one = row | {"latitude": Decimal("34.7"), "check_time": utc}
    other = row | {
        "latitude": Decimal("34.700000"),
        "check_time": utc.astimezone(at("2026-03-02 00:00").tzinfo),
    }
    assert hashing.content_hash(CHECK_RECORD, one) == hashing.content_hash(CHECK_RECORD, other)
    assert hashing.content_hash(CHECK_RECORD, one, ["b", "a"]) == hashing.content_hash(
        CHECK_RECORD, one, ["a", "b"]
    )
    assert hashing.normalise(Decimal("100")) == "100"
    assert hashing.normalise(utc) == "2026-03-02T01:40:00.000000Z"


def test_appending_a_row_twice_chains_it_once(cast: Cast) -> None:
    record = cast.a.risks["check_record"]
    before = ChainEntry.objects.count()

    assert append([record, record]) == 0
    assert ChainEntry.objects.count() == before


def test_appending_one_record_takes_six_queries(cast: Cast, django_assert_num_queries) -> None:
    record = cast.a.risks["check_record"]
    fresh = CheckRecord.objects.create(
        enterprise=record.enterprise,
        occurrence=record.occurrence,
        client_id=uuid.uuid4(),
        status=CheckStatus.NORMAL,
        checked_by=cast.worker,
        check_time=record.check_time,
    )
    # Lock the head, skip the chained, read the row and its photos, insert, move the head.
    with django_assert_num_queries(6):
        assert append([fresh]) == 1
    assert chain_of(cast.a.enterprise.pk).ok


def test_closing_missed_windows_chains_each_system_record_once(cast: Cast) -> None:
    rounds = hourly_rounds(cast)
    pk = cast.a.enterprise.pk
    length = head(pk).seq

    assert close_missed(now=at("2026-03-02 12:00"), batch=5) == 12
    assert close_missed(now=at("2026-03-02 12:00")) == 0

    placeholders = CheckRecord.objects.filter(occurrence__in=rounds, entry_mode=EntryMode.SYSTEM)
    assert placeholders.count() == 12
    assert head(pk).seq == length + 12
    entries = ChainEntry.objects.filter(enterprise_id=pk, seq__gt=length).order_by("seq")
    assert [e.object_id for e in entries] == sorted(placeholders.values_list("pk", flat=True))
    assert chain_of(pk).ok


# --- tampering ------------------------------------------------------------------------------


def test_editing_a_hazard_event_in_the_database_is_caught_and_that_entry_named(
    cast: Cast,
) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    event = hazard.events.order_by("at", "id")[1]  # the grading, mid-chain
    HazardEvent.objects.filter(pk=event.pk).update(note="整改期限改为一年")

    chain = chain_of(cast.a.enterprise.pk)

    assert not chain.ok
    first = chain.first
    assert first is not None
    assert (first.code, first.seq, first.kind, first.object_id) == (
        "altered",
        entry_for(HAZARD_EVENT, event.pk).seq,
        HAZARD_EVENT,
        event.pk,
    )
    assert hazard.number in first.message and f"第 {first.seq} 条" in first.message
    assert chain.problem_count == 1
    assert chain_of(cast.b.enterprise.pk).ok


def test_editing_a_check_record_note_with_raw_sql_is_caught(cast: Cast) -> None:
    record = cast.a.risks["check_record"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inspections_checkrecord SET note = %s WHERE id = %s", ["一切正常", record.pk]
        )

    chain = chain_of(cast.a.enterprise.pk)

    assert chain.first is not None
    assert (chain.first.code, chain.first.object_id) == ("altered", record.pk)
    assert chain.first.seq == entry_for(CHECK_RECORD, record.pk).seq


def test_backdating_a_check_is_caught(cast: Cast) -> None:
    record = cast.a.risks["check_record"]
    CheckRecord.objects.filter(pk=record.pk).update(
        check_time=record.check_time - dt.timedelta(hours=3)
    )
    assert chain_of(cast.a.enterprise.pk).first.object_id == record.pk  # type: ignore[union-attr]


def test_swapping_a_photos_hash_is_caught_on_the_entry_of_its_record_or_event(
    cast: Cast,
) -> None:
    photo = cast.a.risks["check_photo"]
    CheckPhoto.objects.filter(pk=photo.pk).update(sha256="f" * 64)
    hazard_photo = HazardPhoto.objects.filter(enterprise=cast.b.enterprise).first()
    assert hazard_photo is not None and hazard_photo.event_id is not None
    HazardPhoto.objects.filter(pk=hazard_photo.pk).update(kind="after")

    first_a = chain_of(cast.a.enterprise.pk).first
    first_b = chain_of(cast.b.enterprise.pk).first

    assert first_a is not None and first_b is not None
    assert (first_a.code, first_a.object_id) == ("altered", photo.record_id)
    assert (first_b.code, first_b.kind, first_b.object_id) == (
        "altered",
        HAZARD_EVENT,
        hazard_photo.event_id,
    )


def test_deleting_a_hazard_event_row_is_caught_as_removed(cast: Cast) -> None:
    hazard = cast.a.risks["hazard_major"]
    event = hazard.events.filter(photos__isnull=True).order_by("at", "id")[1]
    seq = entry_for(HAZARD_EVENT, event.pk).seq
    HazardEvent.objects.filter(pk=event.pk).delete()

    chain = chain_of(cast.a.enterprise.pk)

    assert chain.first is not None
    assert (chain.first.code, chain.first.seq, chain.first.object_id) == ("removed", seq, event.pk)
    assert "记录已被删除" in chain.first.message


def test_deleting_newest_entries_with_their_rows_and_head_is_caught_by_the_anchor(
    cast: Cast,
) -> None:
    pk = cast.a.enterprise.pk
    hourly_rounds(cast)
    close_missed(now=at("2026-03-02 06:00"))
    anchor_chains()
    anchor = ChainAnchor.objects.get(enterprise_id=pk, date=timezone.localdate())
    assert (anchor.length, anchor.head_hash) == (head(pk).seq, head(pk).hash)

    # Someone with database access removes the three newest records, their entries, and
    # rewinds the head so that the chain itself looks whole.
    newest = last_entries(pk, 3)
    assert {e.kind for e in newest} == {CHECK_RECORD}
    CheckRecord.objects.filter(pk__in=[e.object_id for e in newest]).delete()
    ChainEntry.objects.filter(pk__in=[e.pk for e in newest]).delete()
    survivor = last_entries(pk, 1)[0]
    ChainHead.objects.filter(enterprise_id=pk).update(seq=survivor.seq, hash=survivor.entry_hash)

    chain = chain_of(pk)

    assert not chain.ok
    assert chain.first is not None
    assert (chain.first.code, chain.first.seq) == ("anchor", survivor.seq + 1)
    assert "末尾条目被删除" in chain.first.message
    # Without the anchor nothing would show: that is what anchors are for.
    ChainAnchor.objects.all().delete()
    assert chain_of(pk).ok


def test_deleting_newest_entries_without_rewinding_the_head_is_caught(cast: Cast) -> None:
    pk = cast.a.enterprise.pk
    newest = last_entries(pk, 2)
    length = head(pk).seq
    ChainEntry.objects.filter(pk__in=[e.pk for e in newest]).delete()

    chain = chain_of(pk)

    assert chain.first is not None
    assert (chain.first.code, chain.first.seq) == ("head", length - 1)
    # The rows of the deleted entries are no longer in the chain either.
    assert {(p.code, p.object_id) for p in chain.problems if p.code == "unchained"} == {
        ("unchained", e.object_id) for e in newest
    }


def test_a_chain_entry_edited_or_deleted_in_the_middle_is_caught(cast: Cast) -> None:
    pk = cast.a.enterprise.pk
    entries = list(ChainEntry.objects.filter(enterprise_id=pk).order_by("seq"))
    ChainEntry.objects.filter(pk=entries[2].pk).update(content_hash="0" * 64)
    ChainEntry.objects.filter(pk=entries[4].pk).delete()

    chain = chain_of(pk)

    codes = [(p.code, p.seq) for p in chain.problems]
    assert codes[:3] == [("entry", 3), ("altered", 3), ("gap", 5)]


def test_a_row_written_around_the_chain_is_reported_unchained(cast: Cast) -> None:
    record = cast.a.risks["check_record"]
    sneaked = CheckRecord.objects.create(
        enterprise=record.enterprise,
        occurrence=record.occurrence,
        client_id=uuid.uuid4(),
        status=CheckStatus.NORMAL,
        checked_by=cast.worker,
        check_time=record.check_time,
    )

    chain = chain_of(cast.a.enterprise.pk)

    assert [(p.code, p.kind, p.object_id, p.seq) for p in chain.problems] == [
        ("unchained", CHECK_RECORD, sneaked.pk, None)
    ]


def test_a_hazard_photo_slipped_in_without_an_event_is_reported(cast: Cast) -> None:
    photo = HazardPhoto.objects.filter(enterprise=cast.a.enterprise).first()
    assert photo is not None
    HazardPhoto.objects.filter(pk=photo.pk).update(event=None)

    problems = chain_of(cast.a.enterprise.pk).problems

    assert (problems[0].code, problems[0].object_id) == ("altered", photo.event_id)
    assert ("unchained", photo.pk) in {(p.code, p.object_id) for p in problems}
    assert f"隐患照片 #{photo.pk}" in problems[-1].message


def test_a_moved_row_is_caught_in_the_chain_it_left(cast: Cast) -> None:
    record = cast.a.risks["check_record"]
    CheckRecord.objects.filter(pk=record.pk).update(enterprise=cast.b.enterprise)

    assert chain_of(cast.a.enterprise.pk).first.code == "altered"  # type: ignore[union-attr]
    assert chain_of(cast.b.enterprise.pk).ok  # chained elsewhere: not "unchained"


def test_a_replaced_photo_file_is_caught_when_files_are_checked(cast: Cast) -> None:
    photo = cast.a.risks["check_photo"]
    with photo.image.storage.open(photo.image.name, "wb") as handle:
        handle.write(b"not the photo that was taken")

    assert verify(cast.a.enterprise.pk).ok
    chain = verify(cast.a.enterprise.pk, check_files=True).chains[0]

    assert chain.first is not None
    assert (chain.first.code, chain.first.object_id) == ("photo_file", photo.record_id)
    assert chain.first.seq == entry_for(CHECK_RECORD, photo.record_id).seq


# --- lawful removals ------------------------------------------------------------------------


def test_a_check_made_in_time_replacing_the_placeholder_chains_the_removal_and_verifies(
    cast: Cast,
) -> None:
    pk = cast.a.enterprise.pk
    occurrence = hourly_rounds(cast)[8]  # 08:00–09:00
    close_missed(now=at("2026-03-02 10:00"))
    placeholder = CheckRecord.objects.get(occurrence=occurrence)
    placeholder_entry = entry_for(CHECK_RECORD, placeholder.pk)

    outcome = submit_check(
        occurrence=occurrence,
        checked_by=cast.worker,
        data=CheckInput(
            client_id=uuid.uuid4(),
            status=CheckStatus.NORMAL,
            check_time=at("2026-03-02 08:40"),
            entry_mode=EntryMode.OFFLINE,
        ),
        now=at("2026-03-02 10:30"),
    )

    assert outcome.counted and not CheckRecord.objects.filter(pk=placeholder.pk).exists()
    check, void = last_entries(pk, 2)[::-1]
    assert (check.kind, check.object_id) == (CHECK_RECORD, outcome.record.pk)
    assert (void.kind, void.object_id, void.content_hash) == (
        CHECK_RECORD_VOID,
        placeholder.pk,
        placeholder_entry.content_hash,
    )
    assert chain_of(pk).ok


def test_a_placeholder_edited_before_its_lawful_removal_is_caught(cast: Cast) -> None:
    occurrence = hourly_rounds(cast)[8]
    close_missed(now=at("2026-03-02 10:00"))
    placeholder = CheckRecord.objects.get(occurrence=occurrence)
    CheckRecord.objects.filter(pk=placeholder.pk).update(note="已排查")
    submit_check(
        occurrence=occurrence,
        checked_by=cast.worker,
        data=CheckInput(
            client_id=uuid.uuid4(),
            status=CheckStatus.NORMAL,
            check_time=at("2026-03-02 08:40"),
            entry_mode=EntryMode.OFFLINE,
        ),
        now=at("2026-03-02 10:30"),
    )

    first = chain_of(cast.a.enterprise.pk).first

    assert first is not None
    assert (first.code, first.object_id) == ("void_mismatch", placeholder.pk)


def test_a_placeholder_deleted_without_a_removal_entry_is_caught(cast: Cast) -> None:
    occurrence = hourly_rounds(cast)[8]
    close_missed(now=at("2026-03-02 10:00"))
    placeholder = CheckRecord.objects.get(occurrence=occurrence)
    CheckRecord.objects.filter(pk=placeholder.pk).delete()

    first = chain_of(cast.a.enterprise.pk).first

    assert first is not None and (first.code, first.object_id) == ("removed", placeholder.pk)


def test_placeholders_withdrawn_by_a_later_maintenance_record_verify(cast: Cast) -> None:
    pk = cast.a.enterprise.pk
    rounds = hourly_rounds(cast)
    close_missed(now=at("2026-03-02 12:00"))
    placeholders = set(
        CheckRecord.objects.filter(occurrence__in=rounds).values_list("pk", flat=True)
    )

    cancelled = record_deactivation(
        deactivation=Deactivation(
            enterprise=cast.a.enterprise,
            risk_unit=cast.a.risks["unit"],
            kind="maintenance",
            start=at("2026-03-02 00:00"),
            end=at("2026-03-02 06:00"),
            reason="检修",
        ),
        acting_user=cast.safety_officer,
    )

    gone = placeholders - set(CheckRecord.objects.values_list("pk", flat=True))
    assert cancelled >= 6 and len(gone) == 6
    voids = ChainEntry.objects.filter(enterprise_id=pk, kind=CHECK_RECORD_VOID)
    assert set(voids.values_list("object_id", flat=True)) == gone
    assert all(
        o.status in (OccurrenceStatus.CANCELLED, OccurrenceStatus.MISSED, OccurrenceStatus.OPEN)
        for o in rounds
    )
    assert chain_of(pk).ok


def test_a_removed_row_that_comes_back_is_caught(cast: Cast) -> None:
    record = cast.a.risks["check_record"]
    # A removal entry for a row that is still there.
    append([Item(record.enterprise_id, CHECK_RECORD_VOID, record.pk, "1" * 64)])

    codes = {p.code for p in chain_of(cast.a.enterprise.pk).problems}

    assert "void_present" in codes


# --- rows from before the chain --------------------------------------------------------------


def test_the_migration_chains_existing_records_in_id_order_once(cast: Cast) -> None:
    hourly_rounds(cast)
    close_missed(now=at("2026-03-02 12:00"))
    # The database as it was before the evidence app: rows, no chain.
    ChainEntry.objects.all().delete()
    ChainHead.objects.all().delete()
    problems = chain_of(cast.a.enterprise.pk).problems
    assert problems and {p.code for p in problems} == {"unchained"}

    written = chain_existing(Models.current(), batch=7)

    assert written == CheckRecord.objects.count() + HazardEvent.objects.count()
    assert verify().ok
    pk = cast.a.enterprise.pk
    records = list(
        ChainEntry.objects.filter(enterprise_id=pk, kind=CHECK_RECORD)
        .order_by("seq")
        .values_list("object_id", flat=True)
    )
    assert records == sorted(records)
    first_event = ChainEntry.objects.filter(enterprise_id=pk, kind=HAZARD_EVENT).order_by("seq")
    assert first_event[0].seq == len(records) + 1
    assert chain_existing(Models.current()) == 0


# --- anchors --------------------------------------------------------------------------------


def test_anchoring_is_idempotent_and_moves_the_days_anchor_forward(cast: Cast) -> None:
    pk = cast.a.enterprise.pk
    first = anchor_chains()
    assert first.written == ChainHead.objects.filter(seq__gt=0).count() and not first.refused
    again = anchor_chains()
    assert (again.written, again.unchanged) == (0, first.written)

    hourly_rounds(cast)
    close_missed(now=at("2026-03-02 03:00"))
    later = anchor_chains()

    assert later.written == 1
    anchor = ChainAnchor.objects.get(enterprise_id=pk, date=timezone.localdate())
    assert (anchor.length, anchor.head_hash) == (head(pk).seq, head(pk).hash)
    assert ChainAnchor.objects.filter(enterprise_id=pk).count() == 1


def test_an_anchor_is_never_moved_onto_a_cut_chain(cast: Cast) -> None:
    pk = cast.a.enterprise.pk
    yesterday = timezone.now() - dt.timedelta(days=1)
    anchor_chains(now=yesterday)
    kept = ChainAnchor.objects.get(enterprise_id=pk)
    newest = last_entries(pk, 2)
    ChainEntry.objects.filter(pk__in=[e.pk for e in newest]).delete()
    survivor = last_entries(pk, 1)[0]
    ChainHead.objects.filter(enterprise_id=pk).update(seq=survivor.seq, hash=survivor.entry_hash)

    result = anchor_chains()

    assert result.refused == [pk]
    assert list(ChainAnchor.objects.filter(enterprise_id=pk)) == [kept]
    assert chain_of(pk).first.code == "anchor"  # type: ignore[union-attr]


def test_an_enterprise_whose_whole_chain_was_wiped_is_still_checked_by_its_anchor(
    cast: Cast,
) -> None:
    pk = cast.c.enterprise.pk
    anchor_chains()
    ChainEntry.objects.filter(enterprise_id=pk).delete()
    ChainHead.objects.filter(enterprise_id=pk).delete()
    HazardPhoto.objects.filter(enterprise_id=pk).delete()
    HazardEvent.objects.filter(enterprise_id=pk).delete()
    CheckRecord.objects.filter(enterprise_id=pk).delete()

    report = verify()

    broken = [chain.enterprise_id for chain in report.broken]
    assert broken == [pk]
    assert report.broken[0].first.code == "anchor"  # type: ignore[union-attr]


@pytest.mark.parametrize("days", [1, 30])
def test_old_anchors_keep_verifying_as_the_chain_grows(cast: Cast, days: int) -> None:
    anchor_chains(now=timezone.now() - dt.timedelta(days=days))
    hourly_rounds(cast)
    close_missed(now=at("2026-03-02 12:00"))
    anchor_chains()

    report = verify()

    assert report.ok
    assert chain_of(cast.a.enterprise.pk).anchors == 2
