"""Access helpers of the accounts app (see core.tenancy): 404 when missing or not visible, 403
when visible but the action is not granted."""

from __future__ import annotations

from typing import Any

from dualprev.accounts.models import Membership
from dualprev.core.tenancy import Action, access_object


def access_membership(user: Any, public_id: Any, action: Action = "view") -> Membership:
    return access_object(Membership, user, public_id, action)
