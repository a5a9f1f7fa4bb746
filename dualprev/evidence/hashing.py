"""The hash recipe of the evidence chain (pure functions; no database, no models).

A chained row's **content** is a canonical JSON document::

    {"fields": {<the kind's FIELDS, as stored>}, "kind": "<kind>", "photos": [<sorted>]}

with sorted keys, no whitespace, UTF-8, times as UTC ISO 8601 with microseconds
(``2026-03-02T01:40:00.000000Z``), decimals as plain digits without trailing zeros
(``31.2``), UUIDs as lower-case text. ``photos`` lists the content hashes (SHA-256 of the
stored bytes) of the row's photos — for a hazard event ``"<before|after>:<sha256>"``.

``content_hash = sha256(content)``;
``entry_hash = sha256("<prev_hash>|<seq>|<kind>|<object_id>|<content_hash>")``, with
``prev_hash`` of the first entry = ``GENESIS``. A removal (``check_record_void``) carries the
removed check record's content hash.

This module is imported by a migration: changing the recipe breaks every stored chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64

HAZARD_EVENT = "hazard_event"
CHECK_RECORD = "check_record"
CHECK_RECORD_VOID = "check_record_void"

# What each kind's content covers: ``values()`` names on the row's model. Not ``created_at`` /
# ``updated_at`` (bookkeeping, not evidence).
FIELDS: dict[str, tuple[str, ...]] = {
    HAZARD_EVENT: (
        "public_id",
        "enterprise_id",
        "hazard_id",
        "hazard__number",
        "action",
        "from_status",
        "to_status",
        "actor_id",
        "at",
        "note",
        "data",
    ),
    CHECK_RECORD: (
        "public_id",
        "enterprise_id",
        "occurrence_id",
        "client_id",
        "status",
        "note",
        "checked_by_id",
        "check_time",
        "entry_mode",
        "entered_by_id",
        "scanned",
        "is_defend",
        "is_late",
        "latitude",
        "longitude",
        "location_accuracy",
        "device_id",
    ),
}

# The row kind a removal entry's content hash is computed as.
CONTENT_KIND = {
    HAZARD_EVENT: HAZARD_EVENT,
    CHECK_RECORD: CHECK_RECORD,
    CHECK_RECORD_VOID: CHECK_RECORD,
}


_PLAIN = frozenset({str, int, bool})


def normalise(value: Any) -> Any:
    """``value`` as JSON that does not depend on the database backend or on how the value was
    made (a ``Decimal("31.2")`` in memory reads back as ``Decimal("31.200000")``)."""
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in chained content")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if value is None or isinstance(value, str | bool | int | float):
        return value
    return str(value)


def canonical(kind: str, fields: Mapping[str, Any], photos: Iterable[str] = ()) -> bytes:
    """The canonical content document of a row of ``kind`` (see the module docstring)."""
    names = FIELDS[CONTENT_KIND[kind]]
    document = {
        "kind": CONTENT_KIND[kind],
        "fields": {name: normalise(fields[name]) for name in names},
        "photos": sorted(photos),
    }
    return json.dumps(
        document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def content_hash(kind: str, fields: Mapping[str, Any], photos: Iterable[str] = ()) -> str:
    return hashlib.sha256(canonical(kind, fields, photos)).hexdigest()


def entry_hash(*, prev_hash: str, seq: int, kind: str, object_id: int, content_hash: str) -> str:
    text = f"{prev_hash}|{seq}|{kind}|{object_id}|{content_hash}"
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def file_sha256(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()
