"""Single-object access for the inspection module (404 for missing and forbidden alike)."""

from __future__ import annotations

from typing import Any

from dualprev.core.tenancy import Action, access_object
from dualprev.inspections.models import (
    CheckOccurrence,
    CheckPhoto,
    CheckRecord,
    CheckTask,
    Deactivation,
    HazardDraft,
    SafetyCommitment,
    SpecialInspection,
)


def access_task(user: Any, public_id: Any, action: Action = "view") -> CheckTask:
    return access_object(CheckTask, user, public_id, action)


def access_occurrence(user: Any, public_id: Any, action: Action = "view") -> CheckOccurrence:
    return access_object(CheckOccurrence, user, public_id, action)


def access_record(user: Any, public_id: Any, action: Action = "view") -> CheckRecord:
    return access_object(CheckRecord, user, public_id, action)


def access_photo(user: Any, public_id: Any, action: Action = "view") -> CheckPhoto:
    return access_object(CheckPhoto, user, public_id, action)


def access_draft(user: Any, public_id: Any, action: Action = "view") -> HazardDraft:
    return access_object(HazardDraft, user, public_id, action)


def access_special(user: Any, public_id: Any, action: Action = "view") -> SpecialInspection:
    return access_object(SpecialInspection, user, public_id, action)


def access_deactivation(user: Any, public_id: Any, action: Action = "view") -> Deactivation:
    return access_object(Deactivation, user, public_id, action)


def access_commitment(user: Any, public_id: Any, action: Action = "view") -> SafetyCommitment:
    return access_object(SafetyCommitment, user, public_id, action)
