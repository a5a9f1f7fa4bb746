"""Industry starter libraries (行业风险辨识参考库): one module per library, each exposing
``LIBRARY``, a plain dict of risk objects → units → events → control measures.

The modules are data written with the small builders below, so that a library reads like the
register it becomes. ``dualprev.risks.library`` loads, validates and copies them.

Shape of a library::

    {"code": slug, "name": str, "industry_label": str, "industries": [industry codes],
     "description": str, "objects": [object, ...]}
    object  = {"name", "object_type", "org_units": [names, best first], "location",
               "description", "units": [unit, ...]}
    unit    = {"name", "events": [event, ...]}
    event   = {"name", "hazard", "accident_types": [GB 6441-2025 names],
               "assessment": {"method": "LEC"|"LS"|"MES", "inputs": {factor: "value"}},
               "emergency", "measures": [measure, ...]}
    measure = {"category", "description", "check_content", "data_src", "posts": [names],
               "classify1", "classify2"}
"""

from __future__ import annotations

from typing import Any

# Library modules, in display order.
LIBRARY_MODULES = ("whp", "dairy", "construction", "bus")


def _names(value: str | tuple[str, ...] | list[str]) -> list[str]:
    if isinstance(value, str):
        return [part for part in value.split("|") if part]
    return list(value)


def lec(likelihood: float, exposure: float, consequence: float) -> dict[str, Any]:
    """An LEC assessment (D = L × E × C); values must be in the LEC tables."""
    return {
        "method": "LEC",
        "inputs": {"L": str(likelihood), "E": str(exposure), "C": str(consequence)},
    }


def ls(likelihood: int, severity: int) -> dict[str, Any]:
    """An LS (risk matrix) assessment (R = L × S)."""
    return {"method": "LS", "inputs": {"L": str(likelihood), "S": str(severity)}}


def m(
    category: str,
    description: str,
    check: str,
    posts: str | tuple[str, ...] = "",
    *,
    src: int = 2,
    c: tuple[int, str] | None = None,
) -> dict[str, Any]:
    """A control measure. ``posts`` is "a|b" (alternatives, best first); ``c`` is the 危化
    (classify1, classify2) pair; ``src`` 1 自动化监控 or 2 隐患排查."""
    return {
        "category": category,
        "description": description,
        "check_content": check,
        "data_src": src,
        "posts": _names(posts),
        "classify1": c[0] if c else None,
        "classify2": c[1] if c else "",
    }


def ev(
    name: str,
    types: str,
    assessment: dict[str, Any],
    emergency: str,
    *measures: dict[str, Any],
    hazard: str = "",
) -> dict[str, Any]:
    """A risk event; ``types`` lists GB 6441-2025 accident types separated by 、."""
    return {
        "name": name,
        "hazard": hazard,
        "accident_types": [t for t in types.split("、") if t],
        "assessment": assessment,
        "emergency": emergency,
        "measures": list(measures),
    }


def un(name: str, *events: dict[str, Any]) -> dict[str, Any]:
    """A risk analysis unit."""
    return {"name": name, "events": list(events)}


def ob(
    name: str,
    object_type: str,
    org_units: str,
    *units: dict[str, Any],
    location: str = "",
    description: str = "",
) -> dict[str, Any]:
    """A risk object; ``org_units`` is "a|b" (responsible unit names, best first)."""
    return {
        "name": name,
        "object_type": object_type,
        "org_units": _names(org_units),
        "location": location,
        "description": description,
        "units": list(units),
    }
