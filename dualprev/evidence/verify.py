"""Verifying the evidence chains: is every chained row still as it was chained, is every
entry still there, and does every anchor still match?

For each enterprise, entries are walked in ``seq`` order. Each entry must follow the previous
one (``seq`` without gaps, ``prev_hash`` = the previous ``entry_hash``), its own hash must
match its fields, and the row it names must still have the content hash it was chained with
(photos included) — or, for a check record removed lawfully, a later removal entry must carry
that same content. The head row must name the last entry, each anchor's ``length``-th entry
must still have the anchored hash, and no hazard event or check record of the enterprise may
be missing from the chain. Each hazard row must also agree with what its chained events say
(state, national state code, version, acceptor, deadline and liable person): a hazard edited
directly in the database is caught even though no chained row changed. Problems are listed in
chain order: the first one names the first entry that was altered or removed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from dualprev.evidence import hashing
from dualprev.evidence.chain import CHUNK, Models, current_hashes
from dualprev.evidence.hashing import CHECK_RECORD, CHECK_RECORD_VOID, GENESIS, HAZARD_EVENT

# Problems kept per enterprise (all are counted).
KEEP = 50


@dataclass(frozen=True)
class Anchor:
    """An anchor to check: from the database, or from an exported copy."""

    date: Any
    length: int
    head_hash: str
    source: str = "db"


@dataclass(frozen=True)
class Problem:
    """One break. ``seq`` is the chain entry it concerns (None for a row missing from the
    chain); ``code`` is one of: ``altered`` (row edited), ``removed`` (row deleted),
    ``void_mismatch`` (row edited before its lawful removal), ``void_present`` (a removed row
    is back), ``gap`` (entries deleted), ``link`` / ``entry`` (a chain entry edited), ``head``
    (entries deleted from the end), ``anchor`` (chain shorter than or different from an
    anchor), ``unchained`` (row written bypassing the chain), ``photo_file`` (a photo file no
    longer has its recorded hash), ``hazard_state`` (a hazard row disagrees with its chained
    events: edited directly)."""

    code: str
    seq: int | None
    kind: str
    object_id: int | None
    detail: str
    label: str = ""

    @property
    def message(self) -> str:
        where = self.label or _describe_kind(self.kind, self.object_id)
        if self.seq is None:
            return f"{where}：{self.detail}"
        return _("第 %(seq)d 条（%(what)s）：%(detail)s") % {
            "seq": self.seq,
            "what": where,
            "detail": self.detail,
        }


@dataclass
class ChainReport:
    enterprise_id: int
    name: str
    credit_code: str
    length: int = 0
    anchors: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        self.problems.append(problem)


@dataclass
class Report:
    chains: list[ChainReport]

    @property
    def ok(self) -> bool:
        return all(chain.ok for chain in self.chains)

    @property
    def entries(self) -> int:
        return sum(chain.length for chain in self.chains)

    @property
    def broken(self) -> list[ChainReport]:
        return [chain for chain in self.chains if not chain.ok]


def verify(
    enterprise_id: int | None = None,
    *,
    check_files: bool = False,
    extra_anchors: dict[int, list[Anchor]] | None = None,
    models: Models | None = None,
) -> Report:
    """Verify the chain of one enterprise, or of every enterprise that has a chain or
    chainable rows. ``check_files`` also re-reads every photo file of a chained row and
    compares its SHA-256 with the recorded one. ``extra_anchors`` (by enterprise id) are
    anchors kept outside the database (``dualprev anchor-chains`` output)."""
    from dualprev.orgs.models import Enterprise

    models = models or Models.current()
    extra_anchors = extra_anchors or {}
    if enterprise_id is not None:
        ids = [enterprise_id]
    else:
        ids = sorted(_enterprises_with_evidence(models) | set(extra_anchors))
    names = {
        pk: (name, code)
        for pk, name, code in Enterprise.objects.filter(pk__in=ids).values_list(
            "pk", "name", "credit_code"
        )
    }
    chains = []
    for pk in ids:
        name, code = names.get(pk, ("", ""))
        report = ChainReport(pk, name, code)
        _verify_chain(models, report, extra_anchors.get(pk, []), check_files)
        report.problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
        del report.problems[KEEP:]
        _label(models, report.problems)
        chains.append(report)
    return Report(chains)


def _enterprises_with_evidence(models: Models) -> set[int]:
    ids: set[int] = set(models.head._default_manager.values_list("enterprise_id", flat=True))
    for model in (
        models.entry,
        models.anchor,
        models.hazard_event,
        models.check_record,
        _hazard_model(models),
    ):
        ids.update(model._default_manager.values_list("enterprise_id", flat=True).distinct())
    return ids


def _entries(models: Models, enterprise_id: int) -> Iterator[list[tuple[Any, ...]]]:
    """The enterprise's entries in chain order, a chunk at a time (keyset pagination: the
    chain can be long)."""
    last = 0
    while True:
        rows = list(
            models.entry._default_manager.filter(enterprise_id=enterprise_id, seq__gt=last)
            .order_by("seq")
            .values_list("seq", "kind", "object_id", "content_hash", "prev_hash", "entry_hash")[
                : CHUNK * 2
            ]
        )
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _verify_chain(
    models: Models, report: ChainReport, outside: Sequence[Anchor], check_files: bool
) -> None:
    pk = report.enterprise_id
    entries = models.entry._default_manager.filter(enterprise_id=pk)
    voided = {
        object_id: (seq, content)
        for seq, object_id, content in entries.filter(kind=CHECK_RECORD_VOID).values_list(
            "seq", "object_id", "content_hash"
        )
    }
    anchors = [
        Anchor(a.date, a.length, a.head_hash)
        for a in models.anchor._default_manager.filter(enterprise_id=pk).order_by("date")
    ] + list(outside)
    report.anchors = len(anchors)
    wanted = {anchor.length for anchor in anchors}
    at_length: dict[int, str] = {}
    expected, prev = 1, GENESIS
    for chunk in _entries(models, pk):
        current = _current(models, chunk)
        for seq, kind, object_id, content, prev_hash, entry_hash in chunk:
            if seq != expected:
                report.add(
                    Problem(
                        "gap",
                        expected,
                        "",
                        None,
                        _("第 %(first)d 至 %(last)d 条证据链条目缺失（被删除）。")
                        % {"first": expected, "last": seq - 1},
                        label=_("证据链条目"),
                    )
                )
            elif prev_hash != prev:
                report.add(
                    Problem("link", seq, kind, object_id, _("与前一条的链接不符（条目被改写）。"))
                )
            recomputed = hashing.entry_hash(
                prev_hash=prev_hash,
                seq=seq,
                kind=kind,
                object_id=object_id,
                content_hash=content,
            )
            if recomputed != entry_hash:
                report.add(Problem("entry", seq, kind, object_id, _("证据链条目本身被改写。")))
            _check_content(report, current, voided, seq, kind, object_id, content)
            if seq in wanted:
                at_length[seq] = entry_hash
            expected, prev = seq + 1, entry_hash
    length = expected - 1
    report.length = length
    _check_head(models, report, length, prev)
    for anchor in anchors:
        _check_anchor(report, anchor, length, at_length)
    _check_unchained(models, report)
    _check_hazards(models, report)
    if check_files:
        _check_files(models, report)


def _current(models: Models, chunk: Sequence[tuple[Any, ...]]) -> dict[str, dict[int, str]]:
    """Content hashes of the rows a chunk of entries names, as stored now."""
    ids: dict[str, list[int]] = defaultdict(list)
    for _seq, kind, object_id, *_rest in chunk:
        ids[hashing.CONTENT_KIND[kind]].append(object_id)
    return {kind: current_hashes(models, kind, pks) for kind, pks in ids.items()}


def _check_content(
    report: ChainReport,
    current: dict[str, dict[int, str]],
    voided: dict[int, tuple[int, str]],
    seq: int,
    kind: str,
    object_id: int,
    content: str,
) -> None:
    now = current.get(hashing.CONTENT_KIND[kind], {}).get(object_id)
    if kind == CHECK_RECORD_VOID:
        if now is not None:
            report.add(
                Problem(
                    "void_present", seq, kind, object_id, _("已撤除的排查记录又出现在数据库中。")
                )
            )
        return
    if now == content:
        return
    if now is not None:
        report.add(Problem("altered", seq, kind, object_id, _("记录内容或照片已被修改。")))
        return
    removal = voided.get(object_id) if kind == CHECK_RECORD else None
    if removal is None or removal[0] < seq:
        report.add(Problem("removed", seq, kind, object_id, _("记录已被删除。")))
    elif removal[1] != content:
        report.add(
            Problem(
                "void_mismatch",
                seq,
                kind,
                object_id,
                _("记录在第 %(void)d 条撤除之前已被修改。") % {"void": removal[0]},
            )
        )


def _check_head(models: Models, report: ChainReport, length: int, last_hash: str) -> None:
    head = models.head._default_manager.filter(enterprise_id=report.enterprise_id).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if (head_seq, head_hash) == (length, last_hash):
        return
    if head_seq > length:
        detail = _("链头记录共 %(head)d 条，现仅有 %(length)d 条：末尾条目被删除。") % {
            "head": head_seq,
            "length": length,
        }
        report.add(Problem("head", length + 1, "", None, detail, label=_("证据链条目")))
    else:
        detail = _("链头（%(head)d 条）与最后一条（%(length)d 条）不符：链头或末尾条目被改写。") % {
            "head": head_seq,
            "length": length,
        }
        report.add(Problem("head", length or None, "", None, detail, label=_("链头")))


def _check_anchor(
    report: ChainReport, anchor: Anchor, length: int, at_length: dict[int, str]
) -> None:
    values = {"date": anchor.date, "length": anchor.length, "now": length}
    if anchor.length > length:
        detail = (
            _("%(date)s 的锚点记录链长 %(length)d 条，现仅有 %(now)d 条：末尾条目被删除。") % values
        )
        report.add(Problem("anchor", length + 1, "", None, detail, label=_("证据链条目")))
    elif anchor.length and at_length.get(anchor.length) != anchor.head_hash:
        detail = _("与 %(date)s 的锚点不符：证据链被改写。") % values
        report.add(Problem("anchor", anchor.length, "", None, detail, label=_("证据链条目")))


def _check_unchained(models: Models, report: ChainReport) -> None:
    for kind in (HAZARD_EVENT, CHECK_RECORD):
        model = models.row_model(kind)
        chained = models.entry._default_manager.filter(kind=kind, object_id=OuterRef("pk"))
        if kind == CHECK_RECORD:
            # A lawfully removed row that is back is reported by its removal entry.
            chained = models.entry._default_manager.filter(
                kind__in=[kind, CHECK_RECORD_VOID], object_id=OuterRef("pk")
            )
        missing = (
            model._default_manager.filter(enterprise_id=report.enterprise_id)
            .exclude(Exists(chained))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for pk in missing[: KEEP + 1]:
            report.add(
                Problem("unchained", None, kind, pk, _("不在证据链中（绕过系统直接写入的记录）。"))
            )
    # Hazard photos are chained through the event that added them; one without an event is
    # covered by no entry.
    loose = (
        models.hazard_photo._default_manager.filter(
            enterprise_id=report.enterprise_id, event__isnull=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in loose[: KEEP + 1]:
        report.add(
            Problem(
                "unchained",
                None,
                "",
                pk,
                _("不属于任何处理记录，不在证据链中。"),
                label=_("隐患照片 #%(id)d") % {"id": pk},
            )
        )


def _hazard_model(models: Models) -> Any:
    """The hazard model of the bundle (running or a migration's), reached from its events."""
    return models.hazard_event._meta.get_field("hazard").related_model


# A value no event has recorded (or one recorded too early to be trusted): not compared.
_UNKNOWN: Any = object()


@dataclass
class _Told:
    """What a hazard's events say about the hazard, folded in write order."""

    events: int = 0
    status: str = ""
    acceptor: Any = _UNKNOWN
    deadline: Any = _UNKNOWN
    liable: Any = _UNKNOWN

    def fold(self, action: str, to_status: str, actor_id: int | None, data: Any) -> None:
        from dualprev.hazards.choices import EventAction

        self.events += 1
        self.status = to_status
        if action == EventAction.ACCEPT:
            self.acceptor = actor_id
        data = data if isinstance(data, dict) else {}
        if "deadline" in data:
            self.deadline = data["deadline"]
        if "liable_person_id" in data:
            liable = data["liable_person_id"]
            # ``confirm_fixed`` snapshots the grading before it fills in an empty liable person
            # (with whoever fixed it on the spot): its None says nothing about the result.
            self.liable = (
                _UNKNOWN if action == EventAction.CONFIRM_FIXED and liable is None else liable
            )
        elif "liable_person" in data:
            # ``workflow._jsonable`` keeps the field's own name when it was cleared (None).
            self.liable = data["liable_person"]


def _check_hazards(models: Models, report: ChainReport) -> None:
    """Compare each hazard of the enterprise with what its chained events say. Every write
    goes through ``hazards.workflow.write_event`` (version + 1, exactly one event, the state
    the transition names) and a hazard is created at version 0 with its report event, so the
    row must have: the last event's state and its national code, version = events − 1, the
    acceptor of the last 验收销号 event (and none before), and the deadline and liable person
    the events last recorded. Two queries per enterprise, whatever the number of hazards."""
    hazard_model = _hazard_model(models)
    told: dict[int, _Told] = defaultdict(_Told)
    events = (
        models.hazard_event._default_manager.filter(hazard__enterprise_id=report.enterprise_id)
        # Write order: ids grow with each write of a hazard (its guarded update serialises
        # them), while ``at`` may be given by the caller (back-dated demo data, tests).
        .order_by("hazard_id", "id")
        .values_list("hazard_id", "action", "to_status", "actor_id", "data")
    )
    for hazard_id, action, to_status, actor_id, data in events.iterator(chunk_size=CHUNK):
        told[hazard_id].fold(action, to_status, actor_id, data)
    rows = (
        hazard_model._default_manager.filter(enterprise_id=report.enterprise_id)
        .order_by("pk")
        .values_list(
            "pk",
            "number",
            "status",
            "danger_state",
            "version",
            "accepted_by_id",
            "deadline",
            "liable_person_id",
        )
    )
    for pk, number, *row in rows.iterator(chunk_size=CHUNK):
        label = _("隐患 %(number)s") % {"number": number}
        facts = told.get(pk)
        if facts is None:
            report.add(
                Problem(
                    "unchained",
                    None,
                    "",
                    pk,
                    _("没有任何处理记录，不在证据链中（绕过系统直接写入的隐患）。"),
                    label=label,
                )
            )
            continue
        differences = _differences(facts, *row)
        if differences:
            detail = _("隐患记录与其处理记录不符（%(differences)s），已被直接改动。") % {
                "differences": "；".join(differences)
            }
            report.add(Problem("hazard_state", None, "", pk, detail, label=label))


def _differences(
    told: _Told,
    status: str,
    danger_state: int | None,
    version: int,
    accepted_by_id: int | None,
    deadline: dt.datetime | None,
    liable_person_id: int | None,
) -> list[str]:
    from dualprev.hazards.choices import NATIONAL_STATE, HazardStatus

    labels = dict(HazardStatus.choices)
    out: list[str] = []
    if status != told.status:
        out.append(
            _("状态为“%(now)s”，处理记录为“%(chained)s”")
            % {
                "now": labels.get(status, status),
                "chained": labels.get(told.status, told.status),
            }
        )
    expected_state = NATIONAL_STATE.get(told.status)
    if danger_state != expected_state:
        out.append(
            _("国标隐患状态代码为 %(now)s，应为 %(expected)s")
            % {"now": _or_none(danger_state), "expected": _or_none(expected_state)}
        )
    if version != told.events - 1:
        out.append(
            _("版本号为 %(now)d，应为 %(expected)d（共 %(events)d 条处理记录）")
            % {"now": version, "expected": told.events - 1, "events": told.events}
        )
    if told.status == HazardStatus.ACCEPTED or status == HazardStatus.ACCEPTED:
        acceptor = None if told.acceptor is _UNKNOWN else told.acceptor
        if accepted_by_id != acceptor:
            out.append(
                _("验收人为%(now)s，验收销号记录为%(chained)s")
                % {"now": _person(accepted_by_id), "chained": _person(acceptor)}
            )
    elif accepted_by_id is not None:
        out.append(_("未验收销号却记有验收人（%(now)s）") % {"now": _person(accepted_by_id)})
    if told.deadline is not _UNKNOWN and not _same_time(deadline, told.deadline):
        out.append(
            _("整改期限为%(now)s，处理记录为%(chained)s")
            % {"now": _when(deadline), "chained": _when(_parse_time(told.deadline))}
        )
    if told.liable is not _UNKNOWN and liable_person_id != told.liable:
        out.append(
            _("整改责任人为%(now)s，处理记录为%(chained)s")
            % {"now": _person(liable_person_id), "chained": _person(told.liable)}
        )
    return out


def _or_none(value: Any) -> str:
    return _("空") if value is None else str(int(value))


def _person(user_id: Any) -> str:
    return _("（无）") if user_id is None else _("用户 #%(id)s") % {"id": user_id}


def _parse_time(value: Any) -> Any:
    """An event's recorded time (ISO text, see ``workflow._jsonable``) as a datetime; text
    that is not a time is returned as it is."""
    if not isinstance(value, str):
        return value
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return value


def _same_time(stored: dt.datetime | None, recorded: Any) -> bool:
    parsed = _parse_time(recorded)
    if stored is None or parsed is None:
        return stored is None and parsed is None
    return isinstance(parsed, dt.datetime) and parsed == stored


def _when(value: Any) -> str:
    from django.utils import timezone

    if value is None:
        return _("（无）")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


def _check_files(models: Models, report: ChainReport) -> None:
    """Re-hash the photo files of the enterprise's chained rows."""
    pk = report.enterprise_id
    photos: Iterable[tuple[str, int, Any, str]] = (
        *(
            (HAZARD_EVENT, event_id, image, sha256)
            for event_id, image, sha256 in models.hazard_photo._default_manager.filter(
                enterprise_id=pk, event__isnull=False
            ).values_list("event_id", "image", "sha256")
        ),
        *(
            (CHECK_RECORD, record_id, image, sha256)
            for record_id, image, sha256 in models.check_photo._default_manager.filter(
                enterprise_id=pk
            ).values_list("record_id", "image", "sha256")
        ),
    )
    storages = {
        HAZARD_EVENT: models.hazard_photo._meta.get_field("image").storage,
        CHECK_RECORD: models.check_photo._meta.get_field("image").storage,
    }
    bad: list[tuple[str, int]] = []
    for kind, object_id, name, sha256 in photos:
        storage = storages[kind]
        try:
            with storage.open(name, "rb") as handle:
                actual = hashing.file_sha256(iter(lambda: handle.read(1 << 16), b""))
        except OSError:
            actual = ""
        if actual != sha256:
            bad.append((kind, object_id))
    if not bad:
        return
    seqs = dict(
        ((kind, object_id), seq)
        for kind, object_id, seq in models.entry._default_manager.filter(
            enterprise_id=pk, object_id__in=[object_id for _k, object_id in bad]
        ).values_list("kind", "object_id", "seq")
    )
    for kind, object_id in bad:
        report.add(
            Problem(
                "photo_file",
                seqs.get((kind, object_id)),
                kind,
                object_id,
                _("照片文件已被替换或丢失（与记录的哈希不符）。"),
            )
        )


def _describe_kind(kind: str, object_id: int | None) -> str:
    from dualprev.evidence.models import ChainKind

    label = ChainKind(kind).label if kind in ChainKind.values else _("证据链条目")
    return f"{label} #{object_id}" if object_id is not None else str(label)


def _label(models: Models, problems: list[Problem]) -> None:
    """Name the rows the kept problems concern (number and time) where they still exist."""
    from django.utils import timezone

    actions = dict(models.hazard_event._meta.get_field("action").flatchoices)
    events = {
        pk: f"{number} {actions.get(action, action)} {timezone.localtime(at):%Y-%m-%d %H:%M}"
        for pk, number, action, at in models.hazard_event._default_manager.filter(
            pk__in=[p.object_id for p in problems if p.kind == HAZARD_EVENT]
        ).values_list("pk", "hazard__number", "action", "at")
    }
    records = {
        pk: f"{timezone.localtime(at):%Y-%m-%d %H:%M}"
        for pk, at in models.check_record._default_manager.filter(
            pk__in=[p.object_id for p in problems if p.kind in (CHECK_RECORD, CHECK_RECORD_VOID)]
        ).values_list("pk", "check_time")
    }
    for index, problem in enumerate(problems):
        if problem.label or problem.object_id is None:
            continue
        extra = (events if problem.kind == HAZARD_EVENT else records).get(problem.object_id)
        label = _describe_kind(problem.kind, problem.object_id)
        if extra:
            label = f"{label}，{extra}"
        problems[index] = Problem(
            problem.code, problem.seq, problem.kind, problem.object_id, problem.detail, label
        )
