"""Proof that a check was made after scanning the risk point's QR label.

The label's URL (``/q/<risk object id>/``) redirects a logged-in employee to the point's
checks with a signed, timestamped token naming that point. A check form carries the token
back; only a valid, fresh token for the occurrence's own point records the check as scanned,
so "scanned" cannot be set by editing a URL or a form field.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core import signing

SALT = "dualprev.inspections.scan"
# A walk round a point takes minutes; a page left open for hours is no longer "at the point".
MAX_AGE = dt.timedelta(hours=2)


def scan_token(risk_object_public_id: uuid.UUID) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(risk_object_public_id))


def is_scanned(token: str | None, risk_object_public_id: uuid.UUID | None) -> bool:
    """Whether ``token`` is a fresh scan of the point ``risk_object_public_id``."""
    if not token or risk_object_public_id is None:
        return False
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return False
    return value == str(risk_object_public_id)
