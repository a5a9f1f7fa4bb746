"""Idempotent loader for the reference datasets in ``reference/data/*.json``.

The data migration runs ``load_all(apps.get_model)`` with historical models, and the demo runs
``load_all()`` again with the live ones, so this module touches models only through their
managers and fields (historical models have no custom methods).

Every row is upserted on its natural key (update_or_create semantics) but written only when a
value differs, so a second run reports nothing created or updated and leaves the database
byte-for-byte unchanged. The files are the source of truth: an operator's edit in the admin is
overwritten by the next load. Items (accident types, hazard factors, criteria, inspection
types) are never deleted because other apps point at them; the detail rows a dataset owns
outright (factor values, bands, frequencies) are replaced when the file no longer lists them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction

DATA_DIR = Path(__file__).resolve().parent / "data"

# Load order matters: the 1986→2025 map refers to both editions.
FILES: tuple[str, ...] = (
    "gb6441_2025.json",
    "gb6441_1986.json",
    "gb6441_map_1986_2025.json",
    "gbt13861_2009.json",
    "assessment_lec.json",
    "assessment_ls.json",
    "assessment_mes.json",
    "whp_major_hazard_2017.json",
    "it_major_hazard_2023.json",
    "inspection_types.json",
)

DATASET_FIELDS = (
    "kind",
    "standard_code",
    "edition",
    "title",
    "source_note",
    "sources",
    "verification",
    "text_is_paraphrase",
    "is_complete",
    "declared_count",
    "is_current",
    "published_on",
    "effective_on",
    "sort_order",
)

GetModel = Callable[[str, str], Any]


class SeedDataError(ValueError):
    """A data file contradicts itself (unknown reference, overlapping bands ...)."""


@dataclass
class LoadReport:
    """What a load did, per model: created / updated / unchanged / deleted row counts."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.deleted)

    def __str__(self) -> str:
        return (
            f"created {sum(self.created.values())}, updated {sum(self.updated.values())}, "
            f"unchanged {sum(self.unchanged.values())}, deleted {sum(self.deleted.values())}"
        )


def read_data(name: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, Decimal) or isinstance(new, Decimal):
        if current is None or new is None:
            return current is new
        return Decimal(current) == Decimal(new)
    return bool(current == new)


def _upsert(report: LoadReport, model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> Any:
    """update_or_create that saves only when something differs (keeps re-runs no-ops)."""
    name = model.__name__
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        report.created[name] += 1
        return model.objects.create(**lookup, **values)
    changed = []
    for key, new in values.items():
        field_obj = model._meta.get_field(key)
        if isinstance(new, models.Model) or (field_obj.is_relation and new is None):
            current = getattr(obj, field_obj.attname)
            new_value = new.pk if new is not None else None
        else:
            current, new_value = getattr(obj, key), new
        if not _same(current, new_value):
            setattr(obj, key, new)
            changed.append(key)
    if changed:
        obj.save(update_fields=changed)
        report.updated[name] += 1
    else:
        report.unchanged[name] += 1
    return obj


def _prune(report: LoadReport, queryset: Any, keep_pks: Iterable[int]) -> None:
    stale = queryset.exclude(pk__in=list(keep_pks))
    count = stale.count()
    if count:
        stale.delete()
        report.deleted[queryset.model.__name__] += count


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _decimal(value: str | int | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def load_dataset(report: LoadReport, get_model: GetModel, meta: dict[str, Any]) -> Any:
    values = {key: meta.get(key) for key in DATASET_FIELDS}
    values["published_on"] = _date(values["published_on"])
    values["effective_on"] = _date(values["effective_on"])
    values["sources"] = values["sources"] or []
    return _upsert(report, get_model("reference", "Dataset"), {"code": meta["code"]}, values)


def _load_accident_types(report: LoadReport, get_model: GetModel, data: dict[str, Any]) -> None:
    dataset = load_dataset(report, get_model, data["dataset"])
    model = get_model("reference", "AccidentType")
    for order, row in enumerate(data["items"], 1):
        _upsert(
            report,
            model,
            {"dataset": dataset, "code": row["code"]},
            {
                "name": row["name"],
                "code_basis": row["code_basis"],
                "is_verified": row["is_verified"],
                "note": row["note"],
                "sort_order": order,
            },
        )


def _load_accident_type_map(report: LoadReport, get_model: GetModel, data: dict[str, Any]) -> None:
    dataset = load_dataset(report, get_model, data["dataset"])
    accident_type = get_model("reference", "AccidentType")
    by_name: dict[str, dict[str, Any]] = {}
    for key in ("source_dataset", "target_dataset"):
        by_name[key] = {
            row.name: row for row in accident_type.objects.filter(dataset__code=data[key])
        }
    model = get_model("reference", "AccidentTypeMapping")
    for row in data["items"]:
        try:
            source = by_name["source_dataset"][row["source"]]
            target = by_name["target_dataset"][row["target"]]
        except KeyError as exc:
            raise SeedDataError(f"accident type map: unknown category {exc}") from exc
        _upsert(
            report,
            model,
            {"dataset": dataset, "source": source},
            {"target": target, "basis": row["basis"], "note": row["note"]},
        )


def _load_hazard_factors(report: LoadReport, get_model: GetModel, data: dict[str, Any]) -> None:
    dataset = load_dataset(report, get_model, data["dataset"])
    model = get_model("reference", "HazardFactor")
    by_code: dict[str, Any] = {}
    for order, row in enumerate(data["items"], 1):  # parents come before children
        parent = None
        if row["parent"]:
            parent = by_code.get(row["parent"])
            if parent is None or parent.level + 1 != row["level"]:
                raise SeedDataError(f"hazard factor {row['code']}: bad parent {row['parent']}")
        by_code[row["code"]] = _upsert(
            report,
            model,
            {"dataset": dataset, "code": row["code"]},
            {
                "name": row["name"],
                "level": row["level"],
                "parent": parent,
                "is_verified": row["is_verified"],
                "note": row["note"],
                "sort_order": order,
            },
        )


def _load_assessment_method(report: LoadReport, get_model: GetModel, data: dict[str, Any]) -> None:
    from dualprev.reference.scoring import check_bands

    dataset = load_dataset(report, get_model, data["dataset"])
    meta = data["method"]
    method = _upsert(
        report,
        get_model("reference", "AssessmentMethod"),
        {"code": meta["code"]},
        {
            "dataset": dataset,
            "name": meta["name"],
            "formula": meta["formula"],
            "score_symbol": meta["score_symbol"],
            "description": meta["description"],
            "sort_order": dataset.sort_order,
        },
    )
    factor_model = get_model("reference", "AssessmentFactor")
    value_model = get_model("reference", "FactorValue")
    for order, row in enumerate(data["factors"], 1):
        factor = _upsert(
            report,
            factor_model,
            {"method": method, "code": row["code"]},
            {"name": row["name"], "note": row["note"], "sort_order": order},
        )
        keep = []
        for value_order, value_row in enumerate(row["values"], 1):
            keep.append(
                _upsert(
                    report,
                    value_model,
                    {"factor": factor, "value": _decimal(value_row["value"])},
                    {
                        "label": value_row["label"],
                        "criteria": value_row["criteria"],
                        "is_verified": value_row["is_verified"],
                        "note": value_row["note"],
                        "sort_order": value_order,
                    },
                ).pk
            )
        _prune(report, value_model.objects.filter(factor=factor), keep)

    profile_model = get_model("reference", "BandingProfile")
    band_model = get_model("reference", "Band")
    profiles = data["profiles"]
    if sum(1 for row in profiles if row["is_default"]) != 1:
        raise SeedDataError(f"method {meta['code']}: exactly one default profile is required")
    # Clear a stale default first so the partial unique constraint never sees two defaults.
    default_code = next(row["code"] for row in profiles if row["is_default"])
    stale_defaults = profile_model.objects.filter(method=method, is_default=True).exclude(
        code=default_code
    )
    for stale in stale_defaults:
        _upsert(report, profile_model, {"pk": stale.pk}, {"is_default": False})
    for order, row in enumerate(profiles, 1):
        bands = [
            {
                "code": band["code"],
                "label": band["label"],
                "lower": _decimal(band["lower"]),
                "lower_inclusive": band["lower_inclusive"],
                "upper": _decimal(band["upper"]),
                "upper_inclusive": band["upper_inclusive"],
                "risk_level": band["risk_level"],
                "colour": band["colour"],
            }
            for band in row["bands"]
        ]
        try:
            check_bands(bands)
        except ValueError as exc:
            raise SeedDataError(f"profile {row['code']}: {exc}") from exc
        profile = _upsert(
            report,
            profile_model,
            {"code": row["code"]},
            {
                "method": method,
                "name": row["name"],
                "is_default": row["is_default"],
                "is_verified": row["is_verified"],
                "note": row["note"],
                "sort_order": order,
            },
        )
        keep = []
        for band_order, band in enumerate(bands, 1):
            code = band.pop("code")
            keep.append(
                _upsert(
                    report,
                    band_model,
                    {"profile": profile, "code": code},
                    {**band, "sort_order": band_order},
                ).pk
            )
        _prune(report, band_model.objects.filter(profile=profile), keep)


def _load_major_hazard_criteria(
    report: LoadReport, get_model: GetModel, data: dict[str, Any]
) -> None:
    dataset = load_dataset(report, get_model, data["dataset"])
    groups: dict[str, Any] = {}
    for order, row in enumerate(data["groups"], 1):
        groups[row["code"]] = _upsert(
            report,
            get_model("reference", "CriterionGroup"),
            {"dataset": dataset, "code": row["code"]},
            {
                "name": row["name"],
                "description": row["description"],
                "declared_count": row["declared_count"],
                "sort_order": order,
            },
        )
    model = get_model("reference", "MajorHazardCriterion")
    for row in data["items"]:
        if row["group"] and row["group"] not in groups:
            raise SeedDataError(f"criterion {row['number']}: unknown group {row['group']}")
        _upsert(
            report,
            model,
            {"dataset": dataset, "number": row["number"]},
            {
                "group": groups.get(row["group"]) if row["group"] else None,
                "text": row["text"],
                "summary_en": row["summary_en"],
                "is_verified": row["is_verified"],
                "note": row["note"],
            },
        )


def _load_inspection_types(report: LoadReport, get_model: GetModel, data: dict[str, Any]) -> None:
    dataset = load_dataset(report, get_model, data["dataset"])
    type_model = get_model("reference", "InspectionType")
    frequency_model = get_model("reference", "InspectionFrequency")
    for row in data["items"]:
        inspection_type = _upsert(
            report,
            type_model,
            {"dataset": dataset, "code": row["code"]},
            {"name": row["name"], "note": row["note"]},
        )
        keep = []
        for order, freq in enumerate(row["frequencies"], 1):
            keep.append(
                _upsert(
                    report,
                    frequency_model,
                    {"inspection_type": inspection_type, "sort_order": order},
                    {
                        "scope": freq["scope"],
                        "text": freq["text"],
                        "cycle": freq["cycle"],
                        "cycle_unit": freq["cycle_unit"],
                        "times_per_cycle": freq["times_per_cycle"],
                        "is_verified": freq["is_verified"],
                        "note": freq["note"],
                    },
                ).pk
            )
        _prune(report, frequency_model.objects.filter(inspection_type=inspection_type), keep)


LOADERS: dict[str, Callable[[LoadReport, GetModel, dict[str, Any]], None]] = {
    "accident_types": _load_accident_types,
    "accident_type_map": _load_accident_type_map,
    "hazard_factors": _load_hazard_factors,
    "assessment_method": _load_assessment_method,
    "major_hazard_criteria": _load_major_hazard_criteria,
    "inspection_types": _load_inspection_types,
}


def load_all(get_model: GetModel | None = None) -> LoadReport:
    """Load every data file in one transaction; returns what changed."""
    if get_model is None:
        from django.apps import apps

        get_model = apps.get_model
    report = LoadReport()
    with transaction.atomic():
        for name in FILES:
            data = read_data(name)
            LOADERS[data["dataset"]["kind"]](report, get_model, data)
    return report
