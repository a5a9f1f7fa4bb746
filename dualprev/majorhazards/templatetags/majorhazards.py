"""Template filters of the major-hazard-source pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def plain(value: Any) -> str:
    """A Decimal without trailing zeros or exponent (3000.000 → 3000, 0.300 → 0.3); — for None."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


@register.filter
def alpha(value: Any) -> str:
    """α with one decimal at least (2.0, 1.5, 0.5); — for None."""
    text = plain(value)
    return text if text == "—" or "." in text else f"{text}.0"


@register.filter
def people_band(value: Any) -> str:
    """The stored [min, max] people band of a computation, in the reader's language."""
    from dualprev.majorhazards.models import band_label

    if not isinstance(value, list | tuple) or len(value) != 2:
        return str(value or "")
    return band_label(value[0], value[1])
