"""The national enumerations and their registry."""

from __future__ import annotations

import inspect

from django.db import models

from dualprev.reference import choices
from dualprev.reference.choices import (
    ENUMERATIONS,
    NATIONAL_CYCLE_UNITS,
    RISK_LEVEL_COLOURS,
    TASK_NUM_RANGES,
    CheckCycleUnit,
    DangerSrc,
    EnterpriseWhpGrade,
    HazardLevel,
    HazardState,
    MeasureClassify2,
    RiskLevel,
    WorkType,
    get_enumeration,
)

# Provenance and bookkeeping choices that are not code tables of Spec §B.
NOT_CODE_TABLES = {"Basis", "Verification", "DatasetKind", "CodeBasis", "RiskColour"}


def test_risk_levels_keep_national_codes_and_colours() -> None:
    assert [(level.value, level.label) for level in RiskLevel] == [
        (0, "重大"), (1, "较大"), (2, "一般"), (3, "低"),
    ]  # fmt: skip
    assert [RISK_LEVEL_COLOURS[level] for level in RiskLevel] == ["red", "orange", "yellow", "blue"]


def test_hazard_states_are_0_1_9_and_the_local_level_uploads_as_general() -> None:
    assert HazardState.values == [0, 1, 9]
    assert HazardLevel.national_code(HazardLevel.LARGER) == 0
    assert HazardLevel.national_code(HazardLevel.MAJOR) == 1


def test_danger_src_has_ten_codes() -> None:
    assert DangerSrc.values == list(range(1, 11))
    assert DangerSrc(5).label == "重点时段及节假日前排查"


def test_cycle_units_mark_the_national_four() -> None:
    assert CheckCycleUnit.values == ["小时", "班", "天", "周", "月", "年"]
    assert set(NATIONAL_CYCLE_UNITS) == {"小时", "天", "月", "年"}
    notes = {row["code"]: row["note"] for row in get_enumeration("check_cycle_unit").items()}
    assert notes["小时"] == "国标" and notes["班"] == "本地"


def test_task_number_ranges_per_work_type() -> None:
    assert TASK_NUM_RANGES == {1: (1, 9), 2: (1, 9), 3: (1, 10)}
    assert WorkType.ROUTINE not in TASK_NUM_RANGES


def test_classify2_codes_name_their_classify1_parent() -> None:
    assert len(MeasureClassify2.values) == 17
    assert MeasureClassify2.parent_of("4-2") == 4
    assert MeasureClassify2("4-2").label == "个体防护"


def test_enterprise_whp_grade_bands_by_score() -> None:
    assert EnterpriseWhpGrade.for_score(59.9) == "red"
    assert EnterpriseWhpGrade.for_score(60) == "orange"
    assert EnterpriseWhpGrade.for_score(75) == "yellow"
    assert EnterpriseWhpGrade.for_score(90) == "blue"


def test_the_registry_lists_every_code_table_once() -> None:
    defined = {
        name
        for name, obj in inspect.getmembers(choices, inspect.isclass)
        if issubclass(obj, models.Choices) and obj.__module__ == choices.__name__
    } - NOT_CODE_TABLES
    registered = [e.choices.__name__ for e in ENUMERATIONS]
    assert len(registered) == len(set(registered))
    assert defined <= set(registered)
    assert "BenchmarkLevel" in registered


def test_registry_items_carry_codes_labels_and_colours() -> None:
    items = get_enumeration("risk_level").items()
    assert items[0] == {
        "code": "0", "label": "重大", "colour": "red", "colour_label": "红", "note": "",
    }  # fmt: skip
