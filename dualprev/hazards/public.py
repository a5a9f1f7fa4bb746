"""Reporting a hazard without an account: what a QR code or report link names, storing a public
report under the limits of ``ratelimit``, and the enterprise's report link.

Anyone may post here, so nothing is looked up through ``visible_to`` (an anonymous actor sees
nothing): a risk point is found by its public id and an enterprise by its report-link key, and
both give the same ``Http404`` whether the thing never existed, was retired or was rotated
away, so the form tells a stranger nothing beyond the one point or enterprise its code names.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from dualprev.accounts.roles import MANAGE_HAZARDS
from dualprev.core.tenancy import actor_for, parse_public_id
from dualprev.hazards import ratelimit
from dualprev.hazards.models import HazardSettings, PublicReport
from dualprev.inspections.actions import PhotoInput
from dualprev.orgs.models import Enterprise
from dualprev.risks.models import RiskObject

_THANKS_SALT = "hazards.public.thanks"
THANKS_MAX_AGE = 24 * 3600


def reported_point(public_id: Any) -> RiskObject:
    """The active risk point a QR code names (404 for unknown and retired alike)."""
    point = (
        RiskObject.objects.select_related("enterprise")
        .filter(public_id=parse_public_id(public_id), retired_at__isnull=True)
        .first()
    )
    if point is None:
        raise Http404
    return point


def reported_enterprise(key: Any) -> Enterprise:
    """The enterprise whose current report link is ``key`` (404 for unknown and rotated)."""
    found = (
        HazardSettings.objects.select_related("enterprise")
        .filter(public_report_key=parse_public_id(key))
        .first()
    )
    if found is None:
        raise Http404
    return found.enterprise


@dataclass
class PublicInput:
    """What a stranger reports: a description, at most one checked photo, and optionally who
    they are and how to call them back."""

    description: str
    photo: PhotoInput | None = None
    reporter_name: str = ""
    reporter_phone: str = ""


class RateLimited(Exception):
    def __init__(self, refusal: ratelimit.Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


@dataclass(frozen=True)
class Stored:
    report: PublicReport
    photo_dropped: bool  # the enterprise's photo budget for today was used up


def submit_public_report(
    *,
    enterprise_id: int,
    risk_object: RiskObject | None,
    data: PublicInput,
    client_key: str,
    now: dt.datetime | None = None,
) -> Stored:
    """Store a public report for the triage queue, or raise ``RateLimited`` having written
    nothing. The limits are checked again under ``ratelimit.serialised`` and the row inserted
    in the same transaction, so two concurrent requests cannot both take the last place. The
    photo file is written last and removed again if the row does not commit."""
    if risk_object is not None and risk_object.enterprise_id != enterprise_id:
        raise ValueError("the risk point belongs to another enterprise")
    photo = data.photo
    written: tuple[Any, str] | None = None
    try:
        with ratelimit.serialised(client_key, enterprise_id):
            now = now or timezone.now()  # taken under the lock: later than any row it waited for
            refusal = ratelimit.refusal(client_key, enterprise_id, now)
            if refusal is not None:
                raise RateLimited(refusal)
            dropped = False
            if photo is not None and len(photo.data) > ratelimit.photo_bytes_left(
                enterprise_id, now
            ):
                photo, dropped = None, True
            report = PublicReport(
                enterprise_id=enterprise_id,
                risk_object=risk_object,
                description=data.description.strip(),
                reporter_name=data.reporter_name.strip()[:32],
                reporter_phone=data.reporter_phone.strip()[:20],
                client_key=client_key,
            )
            if photo is not None:
                report.photo_sha256 = photo.sha256
                report.photo.save(f"{report.public_id}.jpg", ContentFile(photo.data), save=False)
                written = (report.photo.storage, report.photo.name)
            report.save()
    except BaseException:
        if written is not None:
            written[0].delete(written[1])
        raise
    return Stored(report=report, photo_dropped=dropped)


def reference(report: PublicReport) -> str:
    """The short reference a reporter is given (not the hazard number): ``7F3A-9C21``."""
    return _format_reference(report.public_id.hex)


def fake_reference() -> str:
    """A reference that looks real, for a post that is silently dropped (the honeypot)."""
    return _format_reference(uuid.uuid4().hex)


def _format_reference(hex_digits: str) -> str:
    code = hex_digits[:8].upper()
    return f"{code[:4]}-{code[4:]}"


def thanks_token(ref: str, *, photo_dropped: bool = False) -> str:
    return signing.dumps({"ref": ref, "dropped": photo_dropped}, salt=_THANKS_SALT)


def read_thanks_token(token: str) -> dict[str, Any] | None:
    try:
        value = signing.loads(token, salt=_THANKS_SALT, max_age=THANKS_MAX_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, dict) else None


# --- The enterprise's report link --------------------------------------------------------------


def rotate_report_key(*, enterprise_id: int, acting_user: Any) -> uuid.UUID:
    """Give the enterprise a new report-link key (the first, or a replacement: the old link
    and every poster printed with it stop working at once). Creates the hazard settings row
    if the enterprise has none yet (this is an explicit save)."""
    actor = actor_for(acting_user)
    if not (
        actor.is_enterprise and actor.enterprise_id == enterprise_id and actor.can(MANAGE_HAZARDS)
    ):
        raise PermissionDenied
    key = uuid.uuid4()
    with transaction.atomic():
        row, _created = HazardSettings.objects.get_or_create(enterprise_id=enterprise_id)
        HazardSettings.objects.filter(pk=row.pk).update(
            public_report_key=key, updated_at=timezone.now()
        )
    return key
