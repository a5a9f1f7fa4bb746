"""Every combination of every method's value table, under every profile, against an
independent oracle written from the spec's thresholds (domain.md "Spec for the build" §C)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from dualprev.reference.scoring import cached_tables, evaluate

pytestmark = pytest.mark.django_db

D = Decimal
LEC_L = [D("10"), D("6"), D("3"), D("1"), D("0.5"), D("0.2"), D("0.1")]
LEC_E = [D("10"), D("6"), D("3"), D("2"), D("1"), D("0.5")]
LEC_C = [D("100"), D("40"), D("15"), D("7"), D("3"), D("1")]
MES_M = [D("5"), D("3"), D("1")]
MES_E = LEC_E
MES_S = [D("10"), D("8"), D("4"), D("2"), D("1")]
COLOURS = {0: "red", 1: "orange", 2: "yellow", 3: "blue"}


def lec_band(d: Decimal) -> int:
    if d > 320:
        return 1
    if d > 160:
        return 2
    if d > 70:
        return 3
    if d > 20:
        return 4
    return 5


def lec_a(d: Decimal) -> int:
    return {1: 0, 2: 1, 3: 2, 4: 3, 5: 3}[lec_band(d)]


def lec_b(d: Decimal) -> int:
    return 0 if d > 160 else 1 if d > 70 else 2 if d > 20 else 3


def ls(bounds: tuple[int, int, int]) -> object:
    red, orange, yellow = bounds  # lower bounds of red, orange, yellow

    def level(r: Decimal) -> int:
        return 0 if r >= red else 1 if r >= orange else 2 if r >= yellow else 3

    return level


def mes(r: Decimal) -> int:
    return 0 if r >= 180 else 1 if r >= 90 else 2 if r >= 50 else 3


CASES = [
    ("LEC", "LEC_A", [("L", LEC_L), ("E", LEC_E), ("C", LEC_C)], lec_a),
    ("LEC", "LEC_B", [("L", LEC_L), ("E", LEC_E), ("C", LEC_C)], lec_b),
    ("LS", "LS_A", [("L", range(1, 6)), ("S", range(1, 6))], ls((20, 9, 4))),
    ("LS", "LS_B", [("L", range(1, 6)), ("S", range(1, 6))], ls((20, 10, 4))),
    ("LS", "LS_C", [("L", range(1, 6)), ("S", range(1, 6))], ls((20, 15, 9))),
    ("LS", "LS_5LEVEL", [("L", range(1, 6)), ("S", range(1, 6))], ls((17, 13, 8))),
    ("MES", "MES", [("M", MES_M), ("E", MES_E), ("S", MES_S)], mes),
]


@pytest.mark.parametrize(("method", "profile", "factors", "oracle"), CASES, ids=lambda c: str(c))
def test_every_combination_gets_the_level_the_spec_gives(method, profile, factors, oracle) -> None:
    names = [name for name, _ in factors]
    combinations = list(itertools.product(*(values for _, values in factors)))
    with cached_tables():
        for values in combinations:
            inputs = dict(zip(names, values, strict=True))
            result = evaluate(method, profile, inputs)
            product = D(1)
            for value in values:
                product *= D(value)
            expected = oracle(product)
            assert result.score == product, inputs
            assert (result.level_code, result.colour) == (expected, COLOURS[expected]), (
                f"{profile} {inputs} → {result.score}: got {result.level_code}, want {expected}"
            )
            if profile == "LEC_A":
                assert result.band == str(lec_band(product)), inputs
    assert len(combinations) in (252, 25, 90)


def test_the_lec_boundaries_20_and_70_belong_to_the_lower_band() -> None:
    assert evaluate("LEC", "LEC_A", {"L": 1, "E": 10, "C": 7}).band == "4"  # D = 70
    assert evaluate("LEC", "LEC_A", {"L": 0.5, "E": 6, "C": 7}).band == "4"  # D = 21
    assert evaluate("LEC", "LEC_A", {"L": 0.2, "E": 1, "C": 100}).band == "5"  # D = 20
    assert evaluate("LEC", "LEC_B", {"L": 0.2, "E": 1, "C": 100}).colour == "blue"
    assert evaluate("LEC", "LEC_B", {"L": 1, "E": 10, "C": 7}).colour == "yellow"  # 70
