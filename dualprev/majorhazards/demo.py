"""Demo rows: the 危化 demo enterprise's two storage units, each with its 包保 persons and
linked risk objects (idempotent: rows are found by their natural keys first).

Hand check with the shipped (unverified) tables, 45 people within 500 m → α = 1.2:
- 液氨储罐区: 液氨 q = 50 t (2 × 50 m³ horizontal tanks), Q = 10, β = 2 (表3 氨):
  s = 5 ≥ 1; R = 1.2 × 2 × 5 = 12 → 三级 (as the 危化 starter library's note says);
- 甲醇储罐区: 甲醇 q = 2800 t (2 × 2000 m³ internal floating-roof tanks), Q = 500, β = 1 (W5.3):
  s = 5.6 ≥ 1; R = 1.2 × 5.6 = 6.72 → 四级.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dualprev.accounts.models import User
from dualprev.majorhazards.actions import recompute_source
from dualprev.majorhazards.choices import UnitKind
from dualprev.majorhazards.models import HazardSourceChemical, MajorHazardSource, NamedChemical
from dualprev.majorhazards.seed import load_reference
from dualprev.risks.models import RiskObject

EXPOSED_PEOPLE = 45

# (name, hazard code suffix, location, risk object, [(chemical, q t)])
SOURCES = [
    ("液氨储罐区", "01", "储罐区南侧，液氨罐组", "液氨储罐区", [("氨", "50")]),
    ("甲醇储罐区", "02", "厂区东北角储罐区", "甲醇储罐区", [("甲醇", "2800")]),
]


def extend_demo(builder: Any) -> None:
    enterprise = builder.enterprises.get("whp")
    if enterprise is None:
        return
    load_reference()
    people = {u.username: u for u in User.objects.filter(username__startswith="huagong_")}
    for name, suffix, location, object_name, chemicals in SOURCES:
        source, _ = MajorHazardSource.objects.get_or_create(
            enterprise=enterprise,
            name=name,
            defaults={
                "unit_kind": UnitKind.STORAGE,
                "hazard_code": f"{enterprise.whp_company_code or '410100123'}{suffix}",
                "location": location,
                "exposed_people": EXPOSED_PEOPLE,
                "main_person": people.get("huagong_zz"),
                "technical_person": people.get("huagong_aqzj"),
                "operational_person": people.get("huagong_cj"),
                "description": "演示数据：设计最大量按储罐容积估算。",
            },
        )
        linked = RiskObject.objects.filter(
            enterprise=enterprise, name=object_name, retired_at__isnull=True
        )
        source.risk_objects.add(*linked)
        for chemical_name, quantity in chemicals:
            HazardSourceChemical.objects.get_or_create(
                enterprise=enterprise,
                source=source,
                chemical=NamedChemical.objects.get(name=chemical_name),
                defaults={"quantity": Decimal(quantity)},
            )
        recompute_source(source)
        builder.log(f"重大危险源 {source.name}: R={source.r_value} {source.get_level_display()}")
