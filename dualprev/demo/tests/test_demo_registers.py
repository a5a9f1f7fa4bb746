"""The demo enterprises' risk registers come from the industry libraries, loaded once."""

from __future__ import annotations

import pytest

from dualprev.demo.builder import NAMED, build_demo
from dualprev.orgs.models import Enterprise
from dualprev.risks.library import iter_events, library_for_industry, require_library
from dualprev.risks.models import Assessment, ControlMeasure, RiskEvent, RiskObject, RiskUnit

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (RiskObject, RiskUnit, RiskEvent, ControlMeasure, Assessment)
    )


def test_demo_registers_come_from_the_libraries_and_a_rebuild_adds_nothing() -> None:
    build_demo()
    officers = {
        "whp": "huagong_aq",
        "dairy": "ruye_aq",
        "construction": "zhongjian_aq",
        "bus": "gongjiao_aq",
    }
    for spec in NAMED:
        enterprise = Enterprise.objects.get(name=spec.name)
        library = library_for_industry(spec.industry)
        assert library is not None
        names = set(RiskObject.objects.filter(enterprise=enterprise).values_list("name", flat=True))
        assert names == {obj["name"] for obj in library["objects"]}
        events = RiskEvent.objects.filter(enterprise=enterprise)
        assert events.count() == len(list(iter_events(library)))
        assert not events.filter(residual_level__isnull=True).exists()
        history = Assessment.objects.filter(enterprise=enterprise, reason="library")
        assert set(history.values_list("assessed_by__username", flat=True)) == {officers[spec.key]}
    # Demo posts named by the libraries are matched.
    whp = Enterprise.objects.get(name=NAMED[0].name)
    assert ControlMeasure.objects.filter(
        enterprise=whp, responsible_post__name="罐区巡检工"
    ).exists()
    # Generated enterprises get the library of their industry; others get none.
    food = Enterprise.objects.filter(industry__code="it_food").exclude(
        name__in=[s.name for s in NAMED]
    )
    assert food.exists()
    for enterprise in food:
        assert RiskObject.objects.filter(enterprise=enterprise).count() == len(
            require_library("dairy")["objects"]
        )
    assert not RiskObject.objects.filter(enterprise__industry__code="it_machinery").exists()

    first = _counts()
    build_demo()
    assert _counts() == first
