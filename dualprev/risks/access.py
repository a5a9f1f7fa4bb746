"""Single-object access for the risk register (404 for missing or other tenants' rows, 403
when visible but the action is not allowed)."""

from __future__ import annotations

from typing import Any

from dualprev.core.tenancy import access_object
from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject, RiskUnit


def access_risk_object(user: Any, public_id: Any, action: str = "view") -> RiskObject:
    return access_object(RiskObject, user, public_id, action)


def access_risk_unit(user: Any, public_id: Any, action: str = "view") -> RiskUnit:
    return access_object(RiskUnit, user, public_id, action)


def access_risk_event(user: Any, public_id: Any, action: str = "view") -> RiskEvent:
    return access_object(RiskEvent, user, public_id, action)


def access_control_measure(user: Any, public_id: Any, action: str = "view") -> ControlMeasure:
    return access_object(ControlMeasure, user, public_id, action)
