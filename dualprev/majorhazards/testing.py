"""Test data of the major-hazard-source app for the persona cast and the route matrix."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dualprev.majorhazards.actions import recompute_source
from dualprev.majorhazards.models import HazardSourceChemical, MajorHazardSource, NamedChemical
from dualprev.majorhazards.seed import ensure_reference


def make_source(world: Any, name: str = "", quantity: str = "20") -> MajorHazardSource:
    """A storage unit of ``world``'s enterprise holding 液氨 (q = ``quantity`` t)."""
    ensure_reference()
    enterprise = world.enterprise
    source = MajorHazardSource.objects.create(
        enterprise=enterprise,
        name=name or f"{enterprise.name}液氨罐区",
        unit_kind="storage",
        exposed_people=10,
        main_person=world.users["owner"],
        technical_person=world.users["safety"],
        operational_person=world.users["dept"],
    )
    source.risk_objects.add(world.risks["object"])
    HazardSourceChemical.objects.create(
        enterprise=enterprise,
        source=source,
        chemical=NamedChemical.objects.get(name="氨"),
        quantity=Decimal(quantity),
    )
    return recompute_source(source)


def extend_cast(cast: Any) -> None:
    source = make_source(cast.a)
    cast.a.major_hazard_source = source
    cast.a.major_hazard_chemical = source.chemicals.get()


MATRIX_SUBJECTS = {
    MajorHazardSource: lambda cast: cast.a.major_hazard_source,
    HazardSourceChemical: lambda cast: cast.a.major_hazard_chemical,
}
