"""GB 18218-2018 arithmetic as pure functions on Decimals (no database, no settings).

- s = Σ qᵢ/Qᵢ; the unit is a 重大危险源 when s ≥ 1 (a single chemical: q/Q ≥ 1);
- R = α · Σ βᵢ·qᵢ/Qᵢ;
- level: R ≥ 100 一级, 50 ≤ R < 100 二级, 10 ≤ R < 50 三级, R < 10 四级.

α and β come from reference tables passed in by the caller (the values are [memory], kept as
editable rows); only the level bands, which domain.md confirms, are constants here.

Results are exact to the Decimal context (28 digits); ``display`` truncates (never rounds up)
so that a shown value always falls in the same band as the exact value: 99.99999 shows as
99.9999 (二级), never as 100.0000.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Protocol, TypeVar

from dualprev.reference.choices import MajorHazardSourceLevel

ONE = Decimal(1)
LEVEL_BANDS: tuple[tuple[Decimal, MajorHazardSourceLevel], ...] = (
    (Decimal(100), MajorHazardSourceLevel.LEVEL_1),
    (Decimal(50), MajorHazardSourceLevel.LEVEL_2),
    (Decimal(10), MajorHazardSourceLevel.LEVEL_3),
)
DISPLAY_PLACES = Decimal("0.0001")


class CalcError(ValueError):
    """Inputs the formulas are not defined for (q ≤ 0, Q ≤ 0, no α band for the people)."""


@dataclass(frozen=True)
class Item:
    """One chemical of a unit: design maximum quantity q (t), threshold Q (t), correction β."""

    quantity: Decimal
    threshold: Decimal
    beta: Decimal = ONE

    @property
    def ratio(self) -> Decimal:
        if self.quantity <= 0 or self.threshold <= 0:
            raise CalcError("q and Q must be positive")
        return self.quantity / self.threshold

    @property
    def weighted(self) -> Decimal:
        if self.beta <= 0:
            raise CalcError("β must be positive")
        return self.beta * self.ratio


class AlphaRow(Protocol):
    """A row of the α table: people from ``min_people`` to ``max_people`` (None: no limit)."""

    min_people: int
    max_people: int | None
    alpha: Decimal


RowT = TypeVar("RowT", bound=AlphaRow)


def ratio_sum(items: Iterable[Item]) -> Decimal:
    """s = Σ qᵢ/Qᵢ."""
    return sum((item.ratio for item in items), Decimal(0))


def is_major(s: Decimal) -> bool:
    return s >= ONE


def alpha_band(people: int, table: Sequence[RowT]) -> RowT:
    """The α row whose people band contains ``people``."""
    if people < 0:
        raise CalcError("people must be ≥ 0")
    matches = [
        row
        for row in table
        if row.min_people <= people and (row.max_people is None or people <= row.max_people)
    ]
    if len(matches) != 1:
        raise CalcError(f"the α table has {len(matches)} bands for {people} people")
    return matches[0]


def alpha_for(people: int, table: Sequence[AlphaRow]) -> Decimal:
    """α for the number of people exposed within 500 m outside the plant."""
    return Decimal(alpha_band(people, table).alpha)


def r_value(alpha: Decimal, items: Iterable[Item]) -> Decimal:
    """R = α · Σ βᵢ·qᵢ/Qᵢ."""
    return alpha * sum((item.weighted for item in items), Decimal(0))


def level_for(r: Decimal) -> MajorHazardSourceLevel:
    for lower, level in LEVEL_BANDS:
        if r >= lower:
            return level
    return MajorHazardSourceLevel.LEVEL_4


def display(value: Decimal) -> Decimal:
    """Truncate to 4 places for storage and display (see the module docstring)."""
    return value.quantize(DISPLAY_PLACES, rounding=ROUND_DOWN)
