"""Industry starter libraries: each meets the criteria of issue 3, and copying one builds a real,
graded register in exactly one enterprise, once."""

from __future__ import annotations

import copy

import pytest

from dualprev.orgs.models import Enterprise, OrgUnit, Post
from dualprev.reference.choices import MeasureClassify2
from dualprev.reference.models import AccidentType
from dualprev.reference.scoring import evaluate
from dualprev.risks.library import (
    LibraryError,
    available_libraries,
    colour_mix,
    copy_library,
    get_library,
    iter_events,
    library_for_industry,
    require_library,
    validate_library,
)
from dualprev.risks.models import Assessment, ControlMeasure, RiskEvent, RiskObject, RiskUnit

LIBRARIES = available_libraries()
WHP = "whp-tank-reaction"


def _ids(library: dict) -> str:
    return str(library["code"])


def test_there_is_a_library_for_each_industry_of_the_issue() -> None:
    expected = {
        "whp_production": WHP,
        "whp_use": WHP,
        "it_dairy": "dairy",
        "it_food": "dairy",
        "construction": "construction",
        "transport_bus": "bus",
        "transport_road": "bus",
    }
    for industry, code in expected.items():
        library = library_for_industry(industry)
        assert library is not None and library["code"] == code
    assert library_for_industry("it_machinery") is None
    assert library_for_industry(None) is None
    assert get_library("no-such-library") is None
    with pytest.raises(LibraryError):
        require_library("no-such-library")


@pytest.mark.parametrize("library", LIBRARIES, ids=_ids)
def test_the_library_passes_its_validator(library: dict) -> None:
    assert validate_library(library) == []


@pytest.mark.django_db
@pytest.mark.parametrize("library", LIBRARIES, ids=_ids)
def test_the_library_meets_the_criteria_against_the_reference_data(library: dict) -> None:
    events = list(iter_events(library))
    assert len(library["objects"]) >= 8
    assert len(events) >= 25
    known = set(
        AccidentType.objects.filter(dataset__code="gb6441-2025").values_list("name", flat=True)
    )
    whp = library["code"] == WHP
    for _, _, event in events:
        assert event["accident_types"], event["name"]
        assert set(event["accident_types"]) <= known, event["name"]
        # The stored value tables accept the inputs (raises on a value outside them).
        result = evaluate(event["assessment"]["method"], None, event["assessment"]["inputs"])
        assert result.colour in ("red", "orange", "yellow", "blue")
        assert event["emergency"].strip()
        measures = event["measures"]
        assert len(measures) >= 2, event["name"]
        assert len({m["category"] for m in measures}) >= 2, event["name"]
        for measure in measures:
            assert measure["check_content"].strip() and measure["description"].strip()
            assert measure["data_src"] in (1, 2)
            if whp:
                assert MeasureClassify2.parent_of(measure["classify2"]) == measure["classify1"]
    mix = colour_mix(library)
    assert 1 <= mix["red"] <= 3 and mix["orange"] >= 1
    assert mix["yellow"] + mix["blue"] > mix["red"] + mix["orange"]


def test_the_validator_reports_what_is_wrong() -> None:
    broken = copy.deepcopy(require_library("bus"))
    event = broken["objects"][0]["units"][0]["events"][0]
    event["accident_types"] = ["车辆伤害X"]
    event["assessment"] = {"method": "LEC", "inputs": {"L": "4", "E": "6", "C": "40"}}
    event["measures"] = event["measures"][:1]
    event["measures"][0]["check_content"] = " "
    broken["objects"] = broken["objects"][:7]
    errors = "\n".join(validate_library(broken))
    assert "车辆伤害X" in errors
    assert "L='4'" in errors
    assert "少于 2 条" in errors
    assert "缺少排查内容" in errors
    assert "风险点少于 8 个" in errors


def test_the_validator_requires_the_whp_classification_to_match() -> None:
    broken = copy.deepcopy(require_library(WHP))
    measure = broken["objects"][0]["units"][0]["events"][0]["measures"][0]
    measure["classify1"], measure["classify2"] = 2, "1-4"
    assert any("不匹配" in line for line in validate_library(broken))


# --- copying --------------------------------------------------------------------------------


def _register_counts(enterprise) -> tuple[int, ...]:
    return tuple(
        model.objects.filter(enterprise=enterprise).count()
        for model in (RiskObject, RiskUnit, RiskEvent, ControlMeasure, Assessment)
    )


@pytest.fixture
def tank_farm(cast):
    """Enterprise A gets a 储运车间 and a 罐区巡检工 post, which the 危化 library names."""
    unit = OrgUnit.objects.create(
        enterprise=cast.a.enterprise, name="储运车间", level="workshop", parent=cast.a.department
    )
    post = Post.objects.create(enterprise=cast.a.enterprise, name="罐区巡检工", org_unit=unit)
    return unit, post


@pytest.mark.django_db
def test_copying_builds_a_graded_register_with_library_history(cast, tank_farm) -> None:
    enterprise = cast.a.enterprise
    before = _register_counts(enterprise)
    library = require_library(WHP)
    counts = copy_library(enterprise=enterprise, library_code=WHP, acting_user=cast.safety_officer)
    n_events = len(list(iter_events(library)))
    assert counts["objects"] == len(library["objects"]) and counts["events"] == n_events
    assert counts["skipped_objects"] == 0
    after = _register_counts(enterprise)
    assert after[0] - before[0] == len(library["objects"])
    assert after[2] - before[2] == n_events
    assert after[3] - before[3] == counts["measures"]

    history = Assessment.objects.filter(enterprise=enterprise, reason="library")
    assert history.count() == n_events
    assert set(history.values_list("assessed_by", flat=True)) == {cast.safety_officer.pk}
    copied = RiskEvent.objects.filter(enterprise=enterprise, assessments__reason="library")
    assert not copied.filter(residual_level__isnull=True).exists()
    assert not copied.filter(control_level="").exists()
    assert set(copied.values_list("residual_level", flat=True)) == {0, 1, 2, 3}

    # The colours are those of the enterprise's (default LEC_A) profile.
    tank = RiskObject.objects.get(enterprise=enterprise, name="液化烃球罐区")
    assert tank.level == 0  # red: 0.5 × 10 × 100 = 500
    event = RiskEvent.objects.get(enterprise=enterprise, name__startswith="进料时液位计失灵")
    latest = event.assessments.get()
    assert (latest.method, latest.profile, latest.score) == ("LEC", "LEC_A", 90)
    assert event.residual_level == 2 and latest.colour == "yellow"
    assert {a.name for a in event.accident_types.all()} == {"火灾", "可燃液体蒸气爆炸"}
    assert {a.dataset.code for a in event.accident_types.all()} == {"gb6441-2025"}
    assert event.emergency_measures.startswith("立即关闭进料阀")


@pytest.mark.django_db
def test_copying_matches_units_and_posts_by_name_and_falls_back_to_the_root(
    cast, tank_farm
) -> None:
    unit, post = tank_farm
    enterprise = cast.a.enterprise
    copy_library(enterprise=enterprise, library_code=WHP, acting_user=cast.safety_officer)
    methanol = RiskObject.objects.get(enterprise=enterprise, name="甲醇储罐区")
    assert methanol.responsible_unit == unit  # hints "罐区班|储运车间|生产部": 2nd exists
    dcs = RiskObject.objects.get(enterprise=enterprise, name="DCS/SIS 控制系统")
    assert dcs.responsible_unit == cast.a.company  # no 设备部/生产部 in A: the root
    measures = ControlMeasure.objects.filter(event__unit__risk_object=methanol)
    assert measures.filter(responsible_post=post).exists()
    # Hints naming posts A does not have leave the post empty.
    assert measures.filter(responsible_post__isnull=True).exists()
    assert not ControlMeasure.objects.filter(
        enterprise=enterprise, responsible_post__enterprise__in=[cast.b.enterprise]
    ).exists()
    reaction = RiskObject.objects.get(enterprise=enterprise, name="加氢反应单元")
    first = ControlMeasure.objects.filter(event__unit__risk_object=reaction)[0]
    assert (first.classify1, first.classify2, first.data_src) == (1, "1-4", 1)


@pytest.mark.django_db
def test_copying_twice_adds_nothing_and_a_renamed_object_comes_back(cast) -> None:
    enterprise = cast.a.enterprise
    copy_library(enterprise=enterprise, library_code="bus", acting_user=None)
    first = _register_counts(enterprise)
    again = copy_library(enterprise=enterprise, library_code="bus", acting_user=None)
    assert again["objects"] == again["events"] == 0
    assert again["skipped_objects"] == len(require_library("bus")["objects"])
    assert _register_counts(enterprise) == first
    # The enterprise edits its copy freely; a renamed object no longer blocks the original.
    RiskObject.objects.filter(enterprise=enterprise, name="CNG 加气站").update(name="一号加气站")
    third = copy_library(enterprise=enterprise, library_code="bus", acting_user=None)
    assert (
        third["objects"] == 1
        and third["skipped_objects"] == len(require_library("bus")["objects"]) - 1
    )


@pytest.mark.django_db
def test_copying_never_touches_another_enterprise(cast) -> None:
    others = [_register_counts(w.enterprise) for w in (cast.b, cast.c)]
    copy_library(enterprise=cast.a.enterprise, library_code="dairy", acting_user=None)
    assert [_register_counts(w.enterprise) for w in (cast.b, cast.c)] == others
    # B's same-named objects do not make A skip anything, and vice versa.
    counts = copy_library(enterprise=cast.b.enterprise, library_code="dairy", acting_user=None)
    assert counts["skipped_objects"] == 0


@pytest.mark.django_db
def test_copying_refuses_an_unknown_library_or_an_enterprise_without_org_root(cast) -> None:
    with pytest.raises(LibraryError):
        copy_library(enterprise=cast.a.enterprise, library_code="nope", acting_user=None)
    bare = Enterprise.objects.create(
        name="空壳企业",
        credit_code="91410103MA00000010",
        industry=cast.a.enterprise.industry,
        region=cast.a.enterprise.region,
    )
    with pytest.raises(LibraryError):
        copy_library(enterprise=bare, library_code="dairy", acting_user=None)
    assert not RiskObject.objects.filter(enterprise=bare).exists()
