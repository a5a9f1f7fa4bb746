"""The 危化 demo enterprise gets its major hazard sources, once."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from dualprev.demo.builder import build_demo
from dualprev.majorhazards.models import HazardSourceChemical, MajorHazardSource

pytestmark = pytest.mark.django_db


def test_the_demo_sources_exist_with_their_persons_and_a_rebuild_adds_nothing() -> None:
    build_demo()
    ammonia = MajorHazardSource.objects.get(name="液氨储罐区", enterprise__name__contains="豫安")
    persons = [ammonia.main_person, ammonia.technical_person, ammonia.operational_person]
    assert [p.username if p else None for p in persons] == [
        "huagong_zz",
        "huagong_aqzj",
        "huagong_cj",
    ]
    # 液氨 50 t / 10 = 5; β 2; 45 people → α 1.2: R = 1.2 × 10 = 12 → 三级.
    assert (ammonia.s_value, ammonia.r_value, ammonia.level) == (D("5"), D("12"), 3)
    assert [o.name for o in ammonia.risk_objects.all()] == ["液氨储罐区"]
    methanol = MajorHazardSource.objects.get(name="甲醇储罐区")
    # 甲醇 2800 / 500 = 5.6; β 1; α 1.2: R = 6.72 → 四级.
    assert (methanol.r_value, methanol.level) == (D("6.72"), 4)
    counts = (MajorHazardSource.objects.count(), HazardSourceChemical.objects.count())
    build_demo()
    assert (MajorHazardSource.objects.count(), HazardSourceChemical.objects.count()) == counts
