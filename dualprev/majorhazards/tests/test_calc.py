"""GB 18218 arithmetic against hand-worked examples (the arithmetic is in the comments)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D

import pytest

from dualprev.majorhazards import calc
from dualprev.majorhazards.calc import Item
from dualprev.reference.choices import MajorHazardSourceLevel as L


@dataclass
class Band:
    min_people: int
    max_people: int | None
    alpha: D


# The shipped α table (values [memory]): ≥100 → 2.0, 50–99 → 1.5, 30–49 → 1.2, 1–29 → 1.0, 0 → 0.5.
TABLE = [
    Band(100, None, D("2.0")),
    Band(50, 99, D("1.5")),
    Band(30, 49, D("1.2")),
    Band(1, 29, D("1.0")),
    Band(0, 0, D("0.5")),
]


def test_a_single_chemical_at_its_threshold_is_a_major_hazard_source() -> None:
    # 液氨 q = 10 t, Q = 10 t: q/Q = 10 / 10 = 1 ≥ 1 → major.
    s = calc.ratio_sum([Item(D("10"), D("10"))])
    assert s == D("1")
    assert calc.is_major(s)


def test_a_single_chemical_just_below_its_threshold_is_not_major() -> None:
    # 氯 q = 4.999 t, Q = 5 t: q/Q = 4.999 / 5 = 0.9998 < 1 → not major.
    s = calc.ratio_sum([Item(D("4.999"), D("5"))])
    assert s == D("0.9998")
    assert not calc.is_major(s)


def test_a_mixture_adds_its_ratios() -> None:
    # 甲醇 q = 200 t, Q = 500: 200/500 = 0.4; 苯 q = 20 t, Q = 50: 20/50 = 0.4;
    # 氢 q = 1 t, Q = 5: 1/5 = 0.2. s = 0.4 + 0.4 + 0.2 = 1.0 ≥ 1 → major, though each alone < 1.
    items = [Item(D("200"), D("500")), Item(D("20"), D("50")), Item(D("1"), D("5"))]
    assert all(item.ratio < 1 for item in items)
    assert calc.ratio_sum(items) == D("1.0")
    assert calc.is_major(calc.ratio_sum(items))


def test_a_mixture_below_one_is_not_major() -> None:
    # 甲醇 100/500 = 0.2 + 苯 10/50 = 0.2 → s = 0.4 < 1.
    s = calc.ratio_sum([Item(D("100"), D("500")), Item(D("10"), D("50"))])
    assert s == D("0.4")
    assert not calc.is_major(s)


@pytest.mark.parametrize(
    ("people", "alpha"),
    [
        (0, "0.5"),
        (1, "1.0"),
        (29, "1.0"),
        (30, "1.2"),
        (49, "1.2"),
        (50, "1.5"),
        (99, "1.5"),
        (100, "2.0"),
        (5000, "2.0"),
    ],
)
def test_alpha_bands_at_their_boundaries(people: int, alpha: str) -> None:
    assert calc.alpha_for(people, TABLE) == D(alpha)


def test_alpha_for_a_gap_in_the_table_is_an_error() -> None:
    with pytest.raises(calc.CalcError):
        calc.alpha_for(40, [b for b in TABLE if b.min_people != 30])


def test_r_weights_each_ratio_by_beta_and_multiplies_by_alpha() -> None:
    # 液氨 q = 50, Q = 10, β = 2 (表3 氨): β·q/Q = 2 × 5 = 10;
    # 甲醇 q = 2800, Q = 500, β = 1 (W5.3): 1 × 5.6 = 5.6; Σ = 15.6; α = 1.2 (45 people):
    # R = 1.2 × 15.6 = 18.72 → 三级.
    items = [Item(D("50"), D("10"), D("2")), Item(D("2800"), D("500"), D("1"))]
    r = calc.r_value(calc.alpha_for(45, TABLE), items)
    assert r == D("18.72")
    assert calc.level_for(r) == L.LEVEL_3


@pytest.mark.parametrize(
    ("r", "level"),
    [
        ("100", L.LEVEL_1),
        ("99.9999", L.LEVEL_2),
        ("50", L.LEVEL_2),
        ("49.9999", L.LEVEL_3),
        ("10", L.LEVEL_3),
        ("9.9999", L.LEVEL_4),
        ("0.5", L.LEVEL_4),
    ],
)
def test_levels_at_the_10_50_100_boundaries(r: str, level: L) -> None:
    assert calc.level_for(D(r)) == level


def test_hand_worked_r_exactly_on_each_boundary() -> None:
    # 氯 q = 25 t, Q = 5, β = 4 (表3 氯): β·q/Q = 4 × 5 = 20; 100 people → α = 2.0:
    # R = 2.0 × 20 = 40 → 三级.  With q = 62.5: 4 × 12.5 = 50, α 2.0 → R = 100 → 一级.
    chlorine = [Item(D("25"), D("5"), D("4"))]
    assert calc.r_value(calc.alpha_for(100, TABLE), chlorine) == D("40")
    big = [Item(D("62.5"), D("5"), D("4"))]
    assert calc.r_value(calc.alpha_for(100, TABLE), big) == D("100")
    assert calc.level_for(calc.r_value(calc.alpha_for(100, TABLE), big)) == L.LEVEL_1
    # Same tank, 99 people → α = 1.5: R = 1.5 × 50 = 75 → 二级; 0 people → α 0.5: R = 25 → 三级.
    assert calc.r_value(calc.alpha_for(99, TABLE), big) == D("75")
    assert calc.level_for(D("75")) == L.LEVEL_2
    # 液氨 q = 10, Q = 10, β 2: 2 × 1 = 2; 1 person → α 1.0 → R = 2 → 四级; s = 1 → major.
    ammonia = [Item(D("10"), D("10"), D("2"))]
    assert calc.r_value(calc.alpha_for(1, TABLE), ammonia) == D("2")
    assert calc.level_for(D("2")) == L.LEVEL_4
    # 液氨 q = 50: 2 × 5 = 10; α 1.0 → R = 10 exactly → 三级 (10 ≤ R < 50).
    assert calc.level_for(calc.r_value(D("1.0"), [Item(D("50"), D("10"), D("2"))])) == L.LEVEL_3


def test_display_truncates_so_the_shown_value_keeps_its_band() -> None:
    # 100 / 3 = 33.3333…; R just under 100 must never show as 100.0000.
    assert calc.display(D(100) / D(3)) == D("33.3333")
    assert calc.display(D("99.999999")) == D("99.9999")


def test_non_positive_quantities_are_rejected() -> None:
    with pytest.raises(calc.CalcError):
        calc.ratio_sum([Item(D("0"), D("10"))])
