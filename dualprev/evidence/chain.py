"""Appending to the per-enterprise evidence chains (see ``models`` and ``hashing``).

``append(objs)`` chains saved hazard events and check records (any mix of enterprises) inside
the caller's transaction, after their photos are stored. Call it **last** in the transaction:
it locks the enterprises' chain heads until commit, and taking those locks after the row locks
of the work itself keeps one lock order everywhere (rows, then heads), so a check submitted
while ``close_missed`` runs cannot deadlock with it.

``voids(queryset)`` reads check records that are about to be deleted lawfully; pass the result
to ``append`` (in the same transaction) so the chain says they were removed, and with what
content. A deleted row without such an entry is reported as removed by ``verify``.

Everything here takes the models from a ``Models`` bundle, so that a migration can chain rows
with its historical models (``chain_existing``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from dualprev.evidence import hashing
from dualprev.evidence.hashing import CHECK_RECORD, CHECK_RECORD_VOID, HAZARD_EVENT

CHUNK = 1000


@dataclass(frozen=True)
class Models:
    """The models the chain reads and writes: the running ones or a migration's."""

    hazard_event: Any
    hazard_photo: Any
    check_record: Any
    check_photo: Any
    entry: Any
    head: Any
    anchor: Any

    @classmethod
    def current(cls) -> Models:
        from dualprev.evidence.models import ChainAnchor, ChainEntry, ChainHead
        from dualprev.hazards.models import HazardEvent, HazardPhoto
        from dualprev.inspections.models import CheckPhoto, CheckRecord

        return cls(
            HazardEvent, HazardPhoto, CheckRecord, CheckPhoto, ChainEntry, ChainHead, ChainAnchor
        )

    @classmethod
    def from_apps(cls, apps: Any) -> Models:
        return cls(
            apps.get_model("hazards", "HazardEvent"),
            apps.get_model("hazards", "HazardPhoto"),
            apps.get_model("inspections", "CheckRecord"),
            apps.get_model("inspections", "CheckPhoto"),
            apps.get_model("evidence", "ChainEntry"),
            apps.get_model("evidence", "ChainHead"),
            apps.get_model("evidence", "ChainAnchor"),
        )

    def row_model(self, kind: str) -> Any:
        kind = hashing.CONTENT_KIND[kind]
        return self.hazard_event if kind == HAZARD_EVENT else self.check_record


@dataclass(frozen=True)
class Item:
    """One entry to append. ``content_hash`` is given for a removal (the row will be gone by
    the time the transaction commits) and read from the row otherwise."""

    enterprise_id: int
    kind: str
    object_id: int
    content_hash: str | None = None


class ChainError(RuntimeError):
    """Asked to chain a row that does not exist (a programming error)."""


_KINDS = {"hazards.hazardevent": HAZARD_EVENT, "inspections.checkrecord": CHECK_RECORD}


def append(objs: Iterable[Any]) -> int:
    """Append ``objs`` — hazard events and check records of one or more enterprises, already
    saved together with their photos, and ``Item``\\ s from ``voids`` — to their enterprises'
    chains, inside the caller's transaction. Rows already chained are skipped (so a retry, or
    two writers racing to insert the same row, chain it once). Returns how many entries were
    written. Call it last in the transaction (see the module docstring)."""
    items = []
    if isinstance(objs, QuerySet):
        # Many rows (``close_missed``): only their keys, no model instances.
        kind = _KINDS[objs.model._meta.label_lower]
        items = [Item(e, kind, pk) for pk, e in objs.values_list("pk", "enterprise_id")]
    else:
        for obj in objs:
            if isinstance(obj, Item):
                items.append(obj)
            else:
                items.append(Item(obj.enterprise_id, _KINDS[obj._meta.label_lower], obj.pk))
    return append_items(Models.current(), items)


def voids(queryset: Any) -> list[Item]:
    """Removal entries for the check records in ``queryset`` (to pass to ``append``); read
    them before deleting the rows."""
    rows = list(queryset.values_list("pk", "enterprise_id"))
    if not rows:
        return []
    hashes = current_hashes(Models.current(), CHECK_RECORD, [pk for pk, _e in rows])
    return [Item(enterprise_id, CHECK_RECORD_VOID, pk, hashes[pk]) for pk, enterprise_id in rows]


def current_hashes(models: Models, kind: str, ids: Iterable[int]) -> dict[int, str]:
    """The content hash of each existing row of ``kind`` among ``ids`` as it is stored now,
    photos included (a missing row has no key). A few queries per thousand rows."""
    kind = hashing.CONTENT_KIND[kind]
    fields = hashing.FIELDS[kind]
    ids = list(ids)
    model = models.row_model(kind)
    out: dict[int, str] = {}
    for offset in range(0, len(ids), CHUNK):
        chunk = ids[offset : offset + CHUNK]
        photos: dict[int, list[str]] = defaultdict(list)
        if kind == HAZARD_EVENT:
            for event_id, photo_kind, sha256 in models.hazard_photo._default_manager.filter(
                event_id__in=chunk
            ).values_list("event_id", "kind", "sha256"):
                photos[event_id].append(f"{photo_kind}:{sha256}")
        else:
            for record_id, sha256 in models.check_photo._default_manager.filter(
                record_id__in=chunk
            ).values_list("record_id", "sha256"):
                photos[record_id].append(sha256)
        for row in model._default_manager.filter(pk__in=chunk).values("pk", *fields):
            out[row["pk"]] = hashing.content_hash(kind, row, photos.get(row["pk"], ()))
    return out


def append_items(models: Models, items: Sequence[Item], now: dt.datetime | None = None) -> int:
    """``append`` with an explicit model bundle (the migration's, or the running ones)."""
    if not items:
        return 0
    now = now or timezone.now()
    wanted: dict[str, list[int]] = defaultdict(list)
    for item in items:
        if item.content_hash is None:
            wanted[item.kind].append(item.object_id)
    hashes = {kind: current_hashes(models, kind, ids) for kind, ids in wanted.items()}
    with transaction.atomic(savepoint=False):
        heads = _lock_heads(models, sorted({item.enterprise_id for item in items}))
        # Read under the head locks: a writer that chained the same rows has committed by now.
        done = _already_chained(models, items)
        entries = []
        moved = {}
        for item in items:
            key = (item.kind, item.object_id)
            if key in done:
                continue
            done.add(key)
            content = item.content_hash or hashes[item.kind].get(item.object_id)
            if content is None:
                raise ChainError(f"cannot chain {item.kind} {item.object_id}: no such row")
            head = heads[item.enterprise_id]
            seq = head.seq + 1
            entry = hashing.entry_hash(
                prev_hash=head.hash,
                seq=seq,
                kind=item.kind,
                object_id=item.object_id,
                content_hash=content,
            )
            entries.append(
                models.entry(
                    enterprise_id=item.enterprise_id,
                    seq=seq,
                    kind=item.kind,
                    object_id=item.object_id,
                    content_hash=content,
                    prev_hash=head.hash,
                    entry_hash=entry,
                    created_at=now,
                )
            )
            head.seq, head.hash, head.updated_at = seq, entry, now
            moved[item.enterprise_id] = head
        if entries:
            models.entry._default_manager.bulk_create(entries, batch_size=CHUNK)
            _save_heads(models, list(moved.values()), now)
    return len(entries)


def _save_heads(models: Models, heads: list[Any], now: dt.datetime) -> None:
    """Write the moved heads: one UPDATE for one head, else one prepared UPDATE executed for
    each (``bulk_update``'s CASE expression costs ~8 ms per hundred heads to build)."""
    if len(heads) == 1:
        head = heads[0]
        models.head._default_manager.filter(pk=head.pk).update(
            seq=head.seq, hash=head.hash, updated_at=now
        )
        return
    connection = connections[models.head._default_manager.db]
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(models.head._meta.db_table)} SET {quote('seq')} = %s, "
        f"{quote('hash')} = %s, {quote('updated_at')} = %s WHERE {quote('enterprise_id')} = %s"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(h.seq, h.hash, stamp, h.pk) for h in heads])


def _lock_heads(models: Models, enterprise_ids: list[int]) -> dict[int, Any]:
    """The chain heads of ``enterprise_ids``, locked until the transaction ends, created if
    missing. Locked in enterprise order, so two multi-enterprise appends cannot deadlock."""
    manager = models.head._default_manager

    def locked() -> dict[int, Any]:
        heads: dict[int, Any] = {}
        for offset in range(0, len(enterprise_ids), CHUNK):
            query = manager.select_for_update().filter(
                enterprise_id__in=enterprise_ids[offset : offset + CHUNK]
            )
            heads.update((head.enterprise_id, head) for head in query.order_by("enterprise_id"))
        return heads

    heads = locked()
    missing = [pk for pk in enterprise_ids if pk not in heads]
    if missing:
        # ON CONFLICT DO NOTHING: another writer may create the same head at the same moment.
        manager.bulk_create(
            [models.head(enterprise_id=pk) for pk in missing], ignore_conflicts=True
        )
        heads = locked()
    return heads


def _already_chained(models: Models, items: Sequence[Item]) -> set[tuple[str, int]]:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item.object_id)
    done: set[tuple[str, int]] = set()
    for kind, ids in by_kind.items():
        for offset in range(0, len(ids), CHUNK):
            done.update(
                (kind, pk)
                for pk in models.entry._default_manager.filter(
                    kind=kind, object_id__in=ids[offset : offset + CHUNK]
                ).values_list("object_id", flat=True)
            )
    return done


def chain_existing(models: Models, *, batch: int = 2000) -> int:
    """Chain every check record and hazard event not chained yet, oldest (lowest id) first,
    each enterprise's rows in id order, ``batch`` rows per transaction. Used by the migration
    that chains the rows written before the chain existed; idempotent. Returns how many
    entries were written."""
    written = 0
    for kind in (CHECK_RECORD, HAZARD_EVENT):
        model = models.row_model(kind)
        last = 0
        while True:
            rows = list(
                model._default_manager.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "enterprise_id")[:batch]
            )
            if not rows:
                break
            last = rows[-1][0]
            with transaction.atomic():
                written += append_items(
                    models, [Item(enterprise_id, kind, pk) for pk, enterprise_id in rows]
                )
    return written
