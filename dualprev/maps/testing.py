"""Test data of the four-colour map for the persona cast: a small plan of enterprise A with one
zone over its risk object, and the matrix subjects."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from dualprev.maps.actions import add_zone, store_plan
from dualprev.maps.images import check_plan_image
from dualprev.maps.models import MapZone, SitePlan


def png_bytes(width: int = 320, height: int = 200, colour: str = "#dfe6ee") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def make_plan(enterprise: Any, user: Any, name: str = "厂区总平面图") -> SitePlan:
    return store_plan(
        enterprise=enterprise,
        acting_user=user,
        name=name,
        image=check_plan_image(io.BytesIO(png_bytes())),
    )


def extend_cast(cast: Any) -> None:
    plan = make_plan(cast.a.enterprise, cast.safety_officer)
    zone = add_zone(
        plan=plan,
        risk_object=cast.a.risks["object"],
        shape="polygon",
        points=[[0.1, 0.1], [0.5, 0.1], [0.5, 0.6], [0.1, 0.6]],
        acting_user=cast.safety_officer,
    )
    cast.a.risks["site_plan"] = plan
    cast.a.risks["map_zone"] = zone


MATRIX_SUBJECTS = {
    SitePlan: lambda cast: cast.a.risks["site_plan"],
    MapZone: lambda cast: cast.a.risks["map_zone"],
}
