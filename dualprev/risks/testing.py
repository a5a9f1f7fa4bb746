"""Test data for the risk register, used by the persona cast."""

from __future__ import annotations

from typing import Any

from dualprev.orgs.models import Enterprise, OrgUnit, Post
from dualprev.reference.models import AccidentType
from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject, RiskUnit


def make_risk_chain(
    enterprise: Enterprise, unit: OrgUnit, post: Post, prefix: str
) -> dict[str, Any]:
    """One risk object → unit → event → measure (not yet assessed)."""
    risk_object = RiskObject.objects.create(
        enterprise=enterprise,
        name=f"{prefix}储罐区",
        object_type="place",
        responsible_unit=unit,
    )
    risk_unit = RiskUnit.objects.create(
        enterprise=enterprise, risk_object=risk_object, name=f"{prefix}1号储罐"
    )
    event = RiskEvent.objects.create(
        enterprise=enterprise, unit=risk_unit, name=f"{prefix}储罐泄漏引发火灾爆炸"
    )
    fire = AccidentType.objects.filter(name="火灾").order_by("dataset__edition").first()
    if fire is not None:
        event.accident_types.add(fire)
    measure = ControlMeasure.objects.create(
        enterprise=enterprise,
        event=event,
        description=f"{prefix}液位高高联锁投用",
        category="engineering",
        classify1=1,
        classify2="1-4",
        data_src=2,
        check_content="检查液位联锁是否投用",
        responsible_post=post,
    )
    return {"object": risk_object, "unit": risk_unit, "event": event, "measure": measure}
