"""Scoring against the stored tables and profiles (reference.scoring)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dualprev.reference.models import AssessmentMethod
from dualprev.reference.scoring import (
    InvalidInputError,
    MissingInputError,
    ScoreOutOfRangeError,
    ScoringError,
    UnknownMethodError,
    UnknownProfileError,
    band_contains,
    check_bands,
    classify,
    evaluate,
    possible_scores,
)

pytestmark = pytest.mark.django_db


def test_lec_270_is_band_2_orange_under_lec_a() -> None:
    result = evaluate("LEC", "LEC_A", {"L": 6, "E": 3, "C": 15})
    assert result.score == Decimal("270")
    assert (result.band, result.level_code, result.level, result.colour) == (
        "2",
        1,
        "较大",
        "orange",
    )
    assert result.band_label == "高度危险，需立即整改"


def test_lec_270_is_red_under_lec_b() -> None:
    result = evaluate("LEC", "LEC_B", {"L": 6, "E": 3, "C": 15})
    assert (result.band, result.level_code, result.colour) == ("2", 0, "red")


def test_lec_default_profile_is_lec_a() -> None:
    assert evaluate("LEC", None, {"L": "6", "E": "3", "C": "15"}).profile == "LEC_A"


def test_lec_boundary_70_belongs_to_band_4_blue() -> None:
    result = classify("LEC_A", 70)
    assert (result.band, result.level_code, result.colour) == ("4", 3, "blue")
    assert classify("LEC_A", Decimal("70.01")).band == "3"


def test_lec_boundary_20_belongs_to_band_5_even_from_fractional_inputs() -> None:
    # 0.5 × 1 × 40 = 20 exactly; floats would give 20.000000000000004 for 0.2 × 100 × 1.
    assert evaluate("LEC", "LEC_A", {"L": "0.5", "E": 1, "C": 40}).band == "5"
    assert evaluate("LEC", "LEC_A", {"L": "0.2", "E": 1, "C": 100}).band == "5"


def test_ls_9_is_orange_under_ls_a_and_yellow_under_ls_b() -> None:
    assert evaluate("LS", "LS_A", {"L": 3, "S": 3}).colour == "orange"
    assert evaluate("LS", "LS_B", {"L": 3, "S": 3}).colour == "yellow"
    assert evaluate("LS", None, {"L": 3, "S": 3}).profile == "LS_A"


def test_ls_5level_puts_12_in_level_iii_yellow() -> None:
    result = evaluate("LS", "LS_5LEVEL", {"L": 3, "S": 4})
    assert (result.band, result.band_label, result.colour) == ("Ⅲ", "中度", "yellow")


def test_mes_300_is_level_one_red() -> None:
    result = evaluate("MES", "MES", {"M": 5, "E": 6, "S": 10})
    assert result.score == 300
    assert (result.band, result.colour, result.level_code) == ("一级", "red", 0)


def test_mes_90_is_level_two() -> None:
    result = classify("MES", 90)
    assert (result.band, result.colour) == ("二级", "orange")
    assert evaluate("MES", None, {"M": 3, "E": 6, "S": 10}).score == 180
    assert evaluate("MES", None, {"M": 3, "E": 6, "S": 10}).band == "一级"


def test_every_possible_score_falls_in_exactly_one_band_of_every_profile() -> None:
    for method in AssessmentMethod.objects.prefetch_related("factors__values", "profiles__bands"):
        tables = [[row.value for row in factor.values.all()] for factor in method.factors.all()]
        scores = possible_scores(tables)
        for profile in method.profiles.all():
            bands = list(profile.bands.all())
            for score in scores:
                hits = [band.code for band in bands if band_contains(band, score)]
                assert len(hits) == 1, (profile.code, score, hits)


def test_an_unknown_method_is_refused_in_chinese() -> None:
    with pytest.raises(UnknownMethodError, match="未知的评价方法"):
        evaluate("HAZOP", None, {})


def test_a_profile_of_another_method_is_refused() -> None:
    with pytest.raises(UnknownProfileError, match="不适用于"):
        evaluate("LEC", "LS_A", {"L": 6, "E": 3, "C": 15})
    with pytest.raises(UnknownProfileError, match="未知的分级方案"):
        classify("LEC_Z", 10)


def test_a_missing_input_is_named() -> None:
    with pytest.raises(MissingInputError, match="缺少参数 E"):
        evaluate("LEC", "LEC_A", {"L": 6, "C": 15})


def test_a_value_outside_the_table_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="不在 LEC 取值表中"):
        evaluate("LEC", "LEC_A", {"L": 5, "E": 3, "C": 15})
    with pytest.raises(InvalidInputError, match="必须是数字"):
        evaluate("LS", None, {"L": "三", "S": 3})
    with pytest.raises(InvalidInputError, match="没有参数"):
        evaluate("LS", None, {"L": 3, "S": 3, "X": 1})


def test_scoring_errors_are_value_errors() -> None:
    assert issubclass(ScoringError, ValueError)
    with pytest.raises(ValueError):
        evaluate("LEC", "LEC_A", {"L": 6, "E": 3, "C": 16})


def test_a_score_outside_every_band_is_reported() -> None:
    with pytest.raises(ScoreOutOfRangeError):
        classify("LS_A", 17)


def test_overlapping_bands_are_detected() -> None:
    bands: list[dict[str, object]] = [
        {"code": "a", "lower": Decimal(10), "lower_inclusive": True, "upper": None},
        {"code": "b", "lower": None, "upper": Decimal(10), "upper_inclusive": True},
    ]
    with pytest.raises(ValueError):
        check_bands(bands)
    bands[1]["upper_inclusive"] = False
    check_bands(bands)


def test_the_result_serialises_without_exponents() -> None:
    data = evaluate("LEC", "LEC_A", {"L": 10, "E": 10, "C": 100}).as_dict()
    assert data["score"] == "10000"
    assert data["inputs"] == {"L": "10", "E": "10", "C": "100"}
