"""The demo site maps: a generated plan per enterprise with a zone per active risk object,
passing the same content check as uploads, and idempotent."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest

from dualprev.maps.demo import extend_demo
from dualprev.maps.images import check_plan_image
from dualprev.maps.models import SitePlan

pytestmark = pytest.mark.django_db


def test_extend_demo_draws_a_plan_for_each_enterprise_without_one_and_is_idempotent(
    cast: Any,
) -> None:
    builder = SimpleNamespace(
        enterprises={"a": cast.a.enterprise, "b": cast.b.enterprise, "c": cast.c.enterprise},
        log=lambda message: None,
    )
    extend_demo(builder)
    assert SitePlan.objects.filter(enterprise=cast.a.enterprise).count() == 1  # the cast's, kept
    plan_b = SitePlan.objects.get(enterprise=cast.b.enterprise)
    assert plan_b.is_current and plan_b.zones.count() == 1
    assert plan_b.zones.get().risk_object == cast.b.risks["object"]
    with plan_b.image.open("rb") as fh:
        checked = check_plan_image(io.BytesIO(fh.read()))
    assert (checked.width, checked.height) == (plan_b.width, plan_b.height)
    extend_demo(builder)
    assert SitePlan.objects.count() == 3
