"""Daily anchors: each chain's head hash and length, stored per enterprise and day, and their
exported form (one line per anchor) for keeping outside the database."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from dualprev.evidence.models import ChainAnchor, ChainEntry, ChainHead
from dualprev.evidence.verify import Anchor

logger = logging.getLogger(__name__)


@dataclass
class AnchorResult:
    date: dt.date
    written: int = 0
    unchanged: int = 0
    # Enterprises whose chain no longer extends its last anchor (or whose head does not match
    # its last entry): their anchor is left as it was, for ``verify-chain`` to report.
    refused: list[int] = field(default_factory=list)


def anchor_chains(*, now: dt.datetime | None = None) -> AnchorResult:
    """Store today's anchor (local date) of every enterprise with a chain: its length and
    head hash now. Idempotent; a later run the same day moves the day's anchor to the newer
    head. An anchor never moves onto a chain that does not extend the enterprise's latest
    anchor — that chain was cut or rewritten, and the old anchor is the evidence."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    latest = ChainAnchor.objects.filter(enterprise_id=OuterRef("enterprise_id")).order_by("-date")
    heads = (
        ChainHead.objects.filter(seq__gt=0)
        .annotate(
            last_hash=Subquery(
                ChainEntry.objects.filter(
                    enterprise_id=OuterRef("enterprise_id"), seq=OuterRef("seq")
                ).values("entry_hash")[:1]
            ),
            anchor_length=Subquery(latest.values("length")[:1]),
            anchor_hash=Subquery(latest.values("head_hash")[:1]),
        )
        .annotate(
            anchored_entry=Subquery(
                ChainEntry.objects.filter(
                    enterprise_id=OuterRef("enterprise_id"), seq=OuterRef("anchor_length")
                ).values("entry_hash")[:1]
            )
        )
        .order_by("enterprise_id")
    )
    result = AnchorResult(today)
    rows = []
    for head in heads:
        consistent = head.last_hash == head.hash
        extends = head.anchor_length is None or (
            head.anchor_length <= head.seq and head.anchored_entry == head.anchor_hash
        )
        if not (consistent and extends):
            result.refused.append(head.enterprise_id)
            logger.error(
                "evidence chain of enterprise %s does not extend its last anchor; "
                "anchor not moved (run `dualprev verify-chain`)",
                head.enterprise_id,
            )
            continue
        if (head.anchor_length, head.anchor_hash) == (head.seq, head.hash):
            result.unchanged += 1
            continue
        rows.append(
            ChainAnchor(
                enterprise_id=head.enterprise_id,
                date=today,
                length=head.seq,
                head_hash=head.hash,
                created_at=now,
                updated_at=now,
            )
        )
    # INSERT … ON CONFLICT (enterprise, date) DO UPDATE: two runs at once both write a head
    # of the same chain, either of which is a true anchor.
    ChainAnchor.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["enterprise", "date"],
        update_fields=["length", "head_hash", "updated_at"],
    )
    result.written = len(rows)
    return result


def export_lines(anchors: Iterable[ChainAnchor]) -> list[str]:
    """Anchors as tab-separated lines ``<credit code> <date> <length> <head hash>`` (what
    ``dualprev anchor-chains`` prints and ``verify-chain --anchors`` reads)."""
    from dualprev.orgs.models import Enterprise

    anchors = list(anchors)
    codes = dict(
        Enterprise.objects.filter(pk__in={a.enterprise_id for a in anchors}).values_list(
            "pk", "credit_code"
        )
    )
    return [
        f"{codes[a.enterprise_id]}\t{a.date.isoformat()}\t{a.length}\t{a.head_hash}"
        for a in anchors
    ]


class AnchorFileError(ValueError):
    pass


def read_lines(lines: Iterable[str], source: str = "file") -> dict[int, list[Anchor]]:
    """Parse exported anchor lines (blank lines and ``#`` comments skipped) into anchors by
    enterprise id. Raises ``AnchorFileError`` naming the first bad line."""
    from dualprev.orgs.models import Enterprise

    parsed: list[tuple[str, Anchor]] = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        parts = text.split()
        try:
            code, date, length, head_hash = parts
            anchor = Anchor(dt.date.fromisoformat(date), int(length), head_hash.lower(), source)
        except ValueError as exc:
            raise AnchorFileError(f"line {number}: {text!r}") from exc
        if len(anchor.head_hash) != 64 or anchor.length < 0:
            raise AnchorFileError(f"line {number}: {text!r}")
        parsed.append((code.upper(), anchor))
    ids = dict(
        Enterprise.objects.filter(credit_code__in={code for code, _a in parsed}).values_list(
            "credit_code", "pk"
        )
    )
    out: dict[int, list[Anchor]] = {}
    for code, anchor in parsed:
        if code not in ids:
            raise AnchorFileError(f"unknown enterprise {code}")
        out.setdefault(ids[code], []).append(anchor)
    return out
