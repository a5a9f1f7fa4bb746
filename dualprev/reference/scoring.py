"""Risk scoring against the stored assessment tables and banding profiles.

``evaluate("LEC", "LEC_A", {"L": 6, "E": 3, "C": 15})`` multiplies the factors after checking each
input against the method's value table, then ``classify`` finds the one band of the profile that
contains the score. Both read the profile from the database (so an operator's configuration is
what counts) and return a ``Classification``. Any problem raises a ``ScoringError`` (a
``ValueError``) whose message is Chinese and fit to show to the user.

Arithmetic is Decimal throughout: with floats 0.1 × 100 × 2 is 20.000000000000004, which would put
a score that sits exactly on the 20 boundary into the wrong band.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from dualprev.reference.choices import RiskLevel


class ScoringError(ValueError):
    """Base class: the message is a Chinese sentence for the user."""


class UnknownMethodError(ScoringError):
    pass


class UnknownProfileError(ScoringError):
    pass


class MissingInputError(ScoringError):
    pass


class InvalidInputError(ScoringError):
    """An input that is not a number, is not in the value table, or is not a factor."""


class ScoreOutOfRangeError(ScoringError):
    """No band of the profile contains the score."""


@dataclass(frozen=True)
class Classification:
    """The outcome of scoring: the score, the band it falls in and the national risk level."""

    method: str
    profile: str
    score: Decimal
    band: str
    band_label: str
    level: str
    level_code: int
    colour: str
    inputs: Mapping[str, Decimal] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "profile": self.profile,
            "inputs": {key: plain(value) for key, value in self.inputs.items()},
            "score": plain(self.score),
            "band": self.band,
            "band_label": self.band_label,
            "level": self.level,
            "level_code": self.level_code,
            "colour": self.colour,
        }


def plain(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 270.00 → "270", 0.50 → "0.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _number(value: Any, what: str) -> Decimal:
    if isinstance(value, bool):
        raise InvalidInputError(_("%(what)s 必须是数字。") % {"what": what})
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise InvalidInputError(_("%(what)s 必须是数字。") % {"what": what}) from exc
    if not number.is_finite():
        raise InvalidInputError(_("%(what)s 必须是有限的数字。") % {"what": what})
    return number


def _bound(band: Any, name: str) -> Any:
    return band[name] if isinstance(band, Mapping) else getattr(band, name)


def band_contains(band: Any, score: Decimal) -> bool:
    """Whether a band (model row or dict with lower/upper and their inclusivity) holds score."""
    lower, upper = _bound(band, "lower"), _bound(band, "upper")
    if lower is not None and (
        score < lower or (score == lower and not _bound(band, "lower_inclusive"))
    ):
        return False
    return not (
        upper is not None
        and (score > upper or (score == upper and not _bound(band, "upper_inclusive")))
    )


def check_bands(bands: Sequence[Any]) -> None:
    """Raise ValueError if two bands overlap. Bands are model rows or dicts; works on the
    historical models of a migration too (it only reads attributes)."""

    def start(band: Any) -> tuple[Decimal, int]:
        lower = _bound(band, "lower")
        if lower is None:
            return (Decimal("-Infinity"), 0)
        return (lower, 0 if _bound(band, "lower_inclusive") else 1)

    ordered = sorted(bands, key=start)
    for previous, current in itertools.pairwise(ordered):
        upper, lower = _bound(previous, "upper"), _bound(current, "lower")
        if upper is None or lower is None:
            raise ValueError(_("分级区间重叠。"))
        if upper > lower or (
            upper == lower
            and _bound(previous, "upper_inclusive")
            and _bound(current, "lower_inclusive")
        ):
            raise ValueError(
                _("分级区间 %(a)s 与 %(b)s 重叠。")
                % {"a": _bound(previous, "code"), "b": _bound(current, "code")}
            )


_TABLES: ContextVar[dict[tuple[str, str], Any] | None] = ContextVar(
    "dualprev_scoring_tables", default=None
)


@contextmanager
def cached_tables() -> Iterator[None]:
    """Reuse the loaded methods and profiles for every evaluation inside the block (bulk work
    such as an import or a library copy grades hundreds of events with the same tables)."""
    token = _TABLES.set({})
    try:
        yield
    finally:
        _TABLES.reset(token)


def _cached(key: tuple[str, str], load: Callable[[], Any]) -> Any:
    cache = _TABLES.get()
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


def _load_profile(code: str) -> Any:
    from dualprev.reference.models import BandingProfile

    profile = _cached(
        ("profile", code),
        lambda: (
            BandingProfile.objects.select_related("method")
            .prefetch_related("bands")
            .filter(code=code)
            .first()
        ),
    )
    if profile is None:
        raise UnknownProfileError(_("未知的分级方案：%(code)s。") % {"code": code})
    return profile


def _classify(profile: Any, score: Decimal, inputs: Mapping[str, Decimal]) -> Classification:
    matches = [band for band in profile.bands.all() if band_contains(band, score)]
    if not matches:
        raise ScoreOutOfRangeError(
            _("分值 %(score)s 不在分级方案 %(profile)s 的任何区间内。")
            % {"score": plain(score), "profile": profile.code}
        )
    band = matches[0]
    return Classification(
        method=profile.method.code,
        profile=profile.code,
        score=score,
        band=band.code,
        band_label=band.label,
        level=str(RiskLevel(band.risk_level).label),
        level_code=band.risk_level,
        colour=band.colour,
        inputs=dict(inputs),
    )


def classify(profile_code: str, score: Any) -> Classification:
    """Band a score with a stored profile (e.g. ``classify("LEC_A", 270)`` → band 2, orange)."""
    profile = _load_profile(profile_code)
    return _classify(profile, _number(score, _("分值")), {})


def evaluate(
    method: str, profile: str | None = None, inputs: Mapping[str, Any] | None = None
) -> Classification:
    """Score ``inputs`` (factor code → value) with ``method`` and band the product with
    ``profile`` (the method's default profile when None)."""
    from dualprev.reference.models import AssessmentMethod

    method_obj = _cached(
        ("method", method),
        lambda: (
            AssessmentMethod.objects.prefetch_related("factors__values", "profiles")
            .filter(code=method)
            .first()
        ),
    )
    if method_obj is None:
        raise UnknownMethodError(_("未知的评价方法：%(code)s。") % {"code": method})
    if profile is None:
        default = next((p for p in method_obj.profiles.all() if p.is_default), None)
        if default is None:
            raise UnknownProfileError(_("评价方法 %(code)s 没有默认分级方案。") % {"code": method})
        profile = default.code
    profile_obj = _load_profile(profile)
    if profile_obj.method_id != method_obj.pk:
        raise UnknownProfileError(
            _("分级方案 %(profile)s 不适用于评价方法 %(method)s。")
            % {"profile": profile, "method": method}
        )
    given = dict(inputs or {})
    factors = list(method_obj.factors.all())
    unknown = sorted(set(given) - {factor.code for factor in factors})
    if unknown:
        raise InvalidInputError(
            _("评价方法 %(method)s 没有参数：%(names)s。")
            % {"method": method, "names": "、".join(unknown)}
        )
    values: dict[str, Decimal] = {}
    score = Decimal(1)
    for factor in factors:
        if given.get(factor.code) in (None, ""):
            raise MissingInputError(
                _("缺少参数 %(code)s（%(name)s）。") % {"code": factor.code, "name": factor.name}
            )
        number = _number(given[factor.code], factor.code)
        allowed = [row.value for row in factor.values.all()]
        if number not in allowed:
            raise InvalidInputError(
                _("参数 %(code)s 的取值 %(value)s 不在 %(method)s 取值表中（可选：%(allowed)s）。")
                % {
                    "code": factor.code,
                    "value": plain(number),
                    "method": method,
                    "allowed": "、".join(plain(value) for value in allowed),
                }
            )
        values[factor.code] = number
        score *= number
    return _classify(profile_obj, _normalise(score), values)


def _normalise(score: Decimal) -> Decimal:
    return Decimal(plain(score))


def possible_scores(value_tables: Iterable[Iterable[Decimal]]) -> set[Decimal]:
    """Every product of one value per table (what a method can score)."""
    return {_normalise(_product(combo)) for combo in itertools.product(*map(list, value_tables))}


def _product(numbers: Iterable[Decimal]) -> Decimal:
    result = Decimal(1)
    for number in numbers:
        result *= number
    return result
