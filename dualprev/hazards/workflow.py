"""The hazard state machine (domain.md "Spec for the build" D): the transition table and the
one function that writes a hazard.

Every write to a hazard — a transition or work inside a state — goes through ``write_event``:
a guarded conditional update (``filter(pk, status, version).update(...)``, which must hit
exactly one row) and an event row, appended to the enterprise's evidence chain, all in one
transaction. Two people acting on the same hazard at once: the second update finds the version
moved and fails with a clear message; nothing of it is written.

::

    REPORTED --confirm--> RECTIFYING(0) --submit--> PENDING_ACCEPT(1) --accept--> ACCEPTED(9)
       │  └--confirm_fixed (即查即改, fixed on the spot)--┘      └--reject--> RECTIFYING(0)
       └--cancel (not a hazard / duplicate)--> CANCELLED
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dualprev.accounts.roles import ACCEPT_HAZARDS, MANAGE_HAZARDS
from dualprev.evidence.chain import append as append_to_chain
from dualprev.hazards.choices import NATIONAL_STATE, EventAction, HazardStatus, PhotoKind
from dualprev.hazards.models import Hazard, HazardEvent, HazardPhoto
from dualprev.inspections.actions import PhotoInput

S = HazardStatus


@dataclass(frozen=True)
class Transition:
    """One allowed move. ``permission`` is the role action it needs ("" = decided per person
    by the action function, e.g. the liable person submits the fix)."""

    action: EventAction
    sources: tuple[HazardStatus, ...]
    target: HazardStatus
    permission: str


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(EventAction.CONFIRM, (S.REPORTED,), S.RECTIFYING, MANAGE_HAZARDS),
        Transition(EventAction.CONFIRM_FIXED, (S.REPORTED,), S.PENDING_ACCEPT, MANAGE_HAZARDS),
        Transition(EventAction.CANCEL, (S.REPORTED,), S.CANCELLED, MANAGE_HAZARDS),
        Transition(EventAction.SUBMIT, (S.RECTIFYING,), S.PENDING_ACCEPT, ""),
        Transition(EventAction.REJECT, (S.PENDING_ACCEPT,), S.RECTIFYING, ACCEPT_HAZARDS),
        Transition(EventAction.ACCEPT, (S.PENDING_ACCEPT,), S.ACCEPTED, ACCEPT_HAZARDS),
    )
}

# Work inside a state, and the states it may happen in.
IN_STATE: dict[str, tuple[HazardStatus, ...]] = {
    EventAction.EDIT: (S.REPORTED, S.RECTIFYING),
    EventAction.GRADE: (S.REPORTED,),
    EventAction.FIVE_PLAN: (S.REPORTED, S.RECTIFYING),
    EventAction.MAJOR_PLAN: (S.REPORTED, S.RECTIFYING, S.PENDING_ACCEPT),
    EventAction.REGULATOR_REPORT: (S.REPORTED, S.RECTIFYING, S.PENDING_ACCEPT, S.ACCEPTED),
    EventAction.REGULATOR_ACK: tuple(S),
    EventAction.EVALUATION: (S.RECTIFYING, S.PENDING_ACCEPT),
    EventAction.RESUMPTION: (S.RECTIFYING, S.PENDING_ACCEPT),
    EventAction.PHOTO: (S.REPORTED, S.RECTIFYING, S.PENDING_ACCEPT),
    EventAction.REMIND: (S.RECTIFYING,),
    EventAction.OVERDUE: (S.RECTIFYING, S.PENDING_ACCEPT),
    EventAction.ESCALATE: (S.RECTIFYING, S.PENDING_ACCEPT),
    EventAction.COMMENT: tuple(S),
}


class TransitionError(ValidationError):
    """A move the hazard's current state (or a concurrent change) does not allow."""


def allowed_actions(hazard: Hazard) -> list[str]:
    """Transitions the table allows from the hazard's state (who may do them is separate)."""
    return [name for name, t in TRANSITIONS.items() if hazard.status in t.sources]


def ensure_allowed(hazard: Hazard, action: str) -> None:
    """Refuse, before anything else is checked, an action the hazard's state does not allow
    (the same test ``write_event`` repeats under its guarded update)."""
    states = TRANSITIONS[action].sources if action in TRANSITIONS else IN_STATE[action]
    if hazard.status not in states:
        raise _state_error(hazard, action)


def _state_error(hazard: Hazard, action: str) -> TransitionError:
    return TransitionError(
        _("该隐患当前为“%(state)s”，不能执行“%(action)s”。")
        % {"state": HazardStatus(hazard.status).label, "action": EventAction(action).label}
    )


def write_event(
    *,
    hazard: Hazard,
    action: str,
    actor: Any | None,
    changes: dict[str, Any] | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    photos: Sequence[PhotoInput] = (),
    photo_kind: str = PhotoKind.AFTER,
    now: dt.datetime | None = None,
) -> HazardEvent:
    """Apply ``changes`` (and, for a transition, the new state) to ``hazard`` if it is still in
    the state and version it was read in, and record the event. Raises ``TransitionError`` when
    the table forbids the action in the current state or someone else changed the hazard
    first. ``photos`` are stored as the event's photos; the event (with its photos' content
    hashes) is appended to the evidence chain before the transaction commits. Updates
    ``hazard`` in memory on success."""
    now = now or timezone.now()
    changes = dict(changes or {})
    transition = TRANSITIONS.get(action)
    if transition is not None:
        if hazard.status not in transition.sources:
            raise _state_error(hazard, action)
        target = transition.target
        changes["status"] = target
        changes["danger_state"] = NATIONAL_STATE[target]
    else:
        if hazard.status not in IN_STATE[action]:
            raise _state_error(hazard, action)
        target = HazardStatus(hazard.status)
    stored: list[tuple[Any, str]] = []
    try:
        with transaction.atomic():
            event = _apply(hazard, action, target, actor, changes, note, data, now)
            _store_photos(event, photos, photo_kind, actor, stored)
            append_to_chain([event])
    except BaseException:
        _discard(stored)
        raise
    from_status = hazard.status
    for name, value in changes.items():
        setattr(hazard, name, value)
    hazard.version += 1
    hazard.updated_at = now
    event.from_status = from_status
    return event


def _apply(
    hazard: Hazard,
    action: str,
    target: HazardStatus,
    actor: Any | None,
    changes: dict[str, Any],
    note: str,
    data: dict[str, Any] | None,
    now: dt.datetime,
) -> HazardEvent:
    """The guarded update (exactly one row, or someone else changed the hazard) and its
    event row; runs inside ``write_event``'s transaction."""
    updated = Hazard.objects.filter(
        pk=hazard.pk, status=hazard.status, version=hazard.version
    ).update(version=F("version") + 1, updated_at=now, **changes)
    if updated != 1:
        raise TransitionError(_("该隐患刚刚已被其他人处理，请刷新页面查看最新状态后再操作。"))
    return HazardEvent.objects.create(
        enterprise_id=hazard.enterprise_id,
        hazard=hazard,
        action=action,
        from_status=hazard.status,
        to_status=target,
        actor=actor,
        at=now,
        note=note,
        data=data if data is not None else _jsonable(changes),
    )


def create_with_event(
    *,
    hazard: Hazard,
    actor: Any | None,
    note: str = "",
    photos: Sequence[PhotoInput] = (),
    after_photos: Sequence[PhotoInput] = (),
    now: dt.datetime | None = None,
) -> HazardEvent:
    """Save a new hazard (state REPORTED) with its report event, its photos (before, and after
    for a hazard fixed on the spot) and the event's chain entry."""
    now = now or timezone.now()
    hazard.status = S.REPORTED
    hazard.danger_state = NATIONAL_STATE[S.REPORTED]
    hazard.version = 0
    stored: list[tuple[Any, str]] = []
    try:
        with transaction.atomic():
            hazard.save()
            event = _report_event(hazard, actor, note, now)
            _store_photos(event, photos, PhotoKind.BEFORE, actor, stored)
            _store_photos(event, after_photos, PhotoKind.AFTER, actor, stored)
            append_to_chain([event])
    except BaseException:
        _discard(stored)
        hazard.pk = None
        raise
    return event


def _report_event(hazard: Hazard, actor: Any | None, note: str, now: dt.datetime) -> HazardEvent:
    return HazardEvent.objects.create(
        enterprise_id=hazard.enterprise_id,
        hazard=hazard,
        action=EventAction.REPORT,
        from_status="",
        to_status=S.REPORTED,
        actor=actor,
        at=now,
        note=note,
        data=_jsonable(
            {
                "number": hazard.number,
                "name": hazard.name,
                "description": hazard.description,
                "channel": hazard.channel,
                "source": hazard.source,
            }
        ),
    )


def _store_photos(
    event: HazardEvent,
    photos: Sequence[PhotoInput],
    kind: str,
    actor: Any | None,
    stored: list[tuple[Any, str]],
) -> None:
    """Store checked, re-encoded photos (``inspections.photos.process_photo``) on the event,
    noting each written file in ``stored`` so the caller can remove them if the insert fails."""
    from django.core.files.base import ContentFile

    for photo in photos:
        row = HazardPhoto(
            enterprise_id=event.enterprise_id,
            hazard_id=event.hazard_id,
            event=event,
            kind=kind,
            sha256=photo.sha256,
            phash=photo.phash,
            width=photo.width,
            height=photo.height,
            size_bytes=len(photo.data),
            uploaded_by=actor,
        )
        row.image.save(f"{photo.sha256[:16]}.jpg", ContentFile(photo.data), save=False)
        stored.append((row.image.storage, row.image.name))
        row.save()


def _discard(stored: list[tuple[Any, str]]) -> None:
    for storage, name in stored:
        storage.delete(name)


def _jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    """The changed fields as JSON: model instances by primary key, times and decimals as
    text (the chain hashes this exact form)."""
    out: dict[str, Any] = {}
    for name, value in changes.items():
        key = name
        if hasattr(value, "pk"):
            key, value = f"{name}_id", value.pk
        elif isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        elif value is not None and not isinstance(value, str | int | float | bool | list | dict):
            value = str(value)
        out[key] = value
    return out
