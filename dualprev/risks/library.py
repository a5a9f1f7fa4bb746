"""Industry starter libraries: loading, validating and copying a library into a register.

A library (``dualprev/risks/libraries/<module>.py``) is plain data: risk objects → units → events
(accident types, an assessment, emergency measures) → control measures (category, check content,
危化 classification, responsible-post hint). ``copy_library`` turns one into ordinary register
rows of an enterprise, which then edits its copy freely.
"""

from __future__ import annotations

import importlib
import json
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max

from dualprev.orgs.models import Enterprise, OrgUnit, Post
from dualprev.reference.choices import MeasureCategory, MeasureClassify2, MeasureDataSrc
from dualprev.reference.models import AccidentType
from dualprev.reference.scoring import band_contains, cached_tables
from dualprev.risks.actions import assess_event, risk_settings
from dualprev.risks.choices import AssessmentReason, RiskObjectType
from dualprev.risks.libraries import LIBRARY_MODULES
from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject, RiskUnit

Library = dict[str, Any]

# Libraries of these industries; an industry without an entry has no library (yet).
INDUSTRY_LIBRARIES = {
    "whp_production": "whp-tank-reaction",
    "whp_operation": "whp-tank-reaction",
    "whp_use": "whp-tank-reaction",
    "it_dairy": "dairy",
    "it_food": "dairy",
    "construction": "construction",
    "transport_bus": "bus",
    "transport_road": "bus",
}

# The accident-type editions a library may name, newest first (copying links the newest).
ACCIDENT_TYPE_DATASETS = ("gb6441-2025", "gb6441-1986")

# What a library must contain (issue 3: "at least 8 objects and 25 events ...").
MIN_OBJECTS = 8
MIN_EVENTS = 25
MIN_MEASURES_PER_EVENT = 2
MIN_CATEGORIES_PER_EVENT = 2
MAX_RED_EVENTS = 3

_DATA = Path(__file__).resolve().parent.parent / "reference" / "data"


class LibraryError(ValueError):
    """A library that does not exist or cannot be copied (message in Chinese)."""


# --- loading --------------------------------------------------------------------------------


@cache
def _load_all() -> tuple[Library, ...]:
    libraries = []
    for module_name in LIBRARY_MODULES:
        module = importlib.import_module(f"dualprev.risks.libraries.{module_name}")
        libraries.append(module.LIBRARY)
    return tuple(libraries)


def available_libraries() -> list[Library]:
    """Every library, in display order. Treat the dicts as read-only."""
    return list(_load_all())


def get_library(code: str) -> Library | None:
    return next((lib for lib in _load_all() if lib["code"] == code), None)


def require_library(code: str) -> Library:
    """The library ``code``; raises ``LibraryError`` when there is none."""
    library = get_library(code)
    if library is None:
        raise LibraryError(f"未知的行业风险库：{code}")
    return library


def library_for_industry(industry_code: str | None) -> Library | None:
    """The library for an industry code (危化 whp_* → 危化, 乳制品/食品 → 乳制品, …) or None."""
    code = INDUSTRY_LIBRARIES.get(industry_code or "")
    return get_library(code) if code else None


def iter_events(
    library: Library,
) -> Iterable[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(object, unit, event) for every event of a library."""
    for obj in library["objects"]:
        for unit in obj["units"]:
            for event in unit["events"]:
                yield obj, unit, event


def library_counts(library: Library) -> dict[str, int]:
    events = list(iter_events(library))
    return {
        "objects": len(library["objects"]),
        "units": sum(len(obj["units"]) for obj in library["objects"]),
        "events": len(events),
        "measures": sum(len(event["measures"]) for _, _, event in events),
    }


# --- reference tables read from the data files (no database needed) ------------------------


@cache
def _accident_type_names() -> frozenset[str]:
    names: set[str] = set()
    for filename in ("gb6441_2025.json", "gb6441_1986.json"):
        data = json.loads((_DATA / filename).read_text(encoding="utf-8"))
        names.update(item["name"] for item in data["items"])
    return frozenset(names)


@cache
def _method_tables() -> dict[str, dict[str, Any]]:
    """Method code → {"factors": {code: {Decimal values}}, "bands": default profile bands}."""
    tables = {}
    for filename in ("assessment_lec.json", "assessment_ls.json", "assessment_mes.json"):
        data = json.loads((_DATA / filename).read_text(encoding="utf-8"))
        default = next(p for p in data["profiles"] if p.get("is_default"))
        bands = [
            {
                **band,
                "lower": Decimal(band["lower"]) if band["lower"] is not None else None,
                "upper": Decimal(band["upper"]) if band["upper"] is not None else None,
            }
            for band in default["bands"]
        ]
        tables[data["method"]["code"]] = {
            "factors": {
                factor["code"]: {Decimal(v["value"]) for v in factor["values"]}
                for factor in data["factors"]
            },
            "profile": default["code"],
            "bands": bands,
        }
    return tables


def default_colour(assessment: dict[str, Any]) -> str:
    """The colour an assessment gets with its method's default profile (LEC_A, LS_A, MES);
    "" when the assessment is invalid."""
    table = _method_tables().get(assessment.get("method", ""))
    if table is None:
        return ""
    score = Decimal(1)
    try:
        for code in table["factors"]:
            score *= Decimal(str(assessment["inputs"][code]))
    except (KeyError, InvalidOperation, TypeError):
        return ""
    band = next((b for b in table["bands"] if band_contains(b, score)), None)
    return str(band["colour"]) if band else ""


def colour_mix(library: Library) -> dict[str, int]:
    """Events per colour with the default profiles, in red/orange/yellow/blue order."""
    counts = Counter(default_colour(event["assessment"]) for _, _, event in iter_events(library))
    return {colour: counts.get(colour, 0) for colour in ("red", "orange", "yellow", "blue")}


# --- validation -----------------------------------------------------------------------------


def _check_assessment(assessment: Any, where: str) -> list[str]:
    if not isinstance(assessment, dict):
        return [f"{where}: 缺少风险评价"]
    table = _method_tables().get(assessment.get("method", ""))
    if table is None:
        return [f"{where}: 未知的评价方法 {assessment.get('method')!r}"]
    inputs = assessment.get("inputs") or {}
    errors = []
    if set(inputs) != set(table["factors"]):
        errors.append(f"{where}: 评价参数应为 {sorted(table['factors'])}")
    for code, allowed in table["factors"].items():
        try:
            value = Decimal(str(inputs.get(code)))
        except InvalidOperation:
            value = None
        if value not in allowed:
            errors.append(f"{where}: 参数 {code}={inputs.get(code)!r} 不在取值表中")
    return errors


def _check_measure(measure: Any, where: str, whp: bool) -> list[str]:
    errors = []
    if measure.get("category") not in MeasureCategory.values:
        errors.append(f"{where}: 措施类别 {measure.get('category')!r} 无效")
    if not str(measure.get("description", "")).strip():
        errors.append(f"{where}: 缺少措施内容")
    if not str(measure.get("check_content", "")).strip():
        errors.append(f"{where}: 缺少排查内容")
    if measure.get("data_src") not in MeasureDataSrc.values:
        errors.append(f"{where}: 管控方式 {measure.get('data_src')!r} 无效")
    if not isinstance(measure.get("posts"), list):
        errors.append(f"{where}: 责任岗位应为列表")
    classify1, classify2 = measure.get("classify1"), measure.get("classify2") or ""
    if whp and (classify1 is None or not classify2):
        errors.append(f"{where}: 危化措施缺少一级/二级分类")
    if classify2 and (
        classify2 not in MeasureClassify2.values
        or MeasureClassify2.parent_of(classify2) != classify1
    ):
        errors.append(f"{where}: 二级分类 {classify2} 与一级分类 {classify1} 不匹配")
    return errors


def _check_event(event: dict[str, Any], where: str, whp: bool) -> list[str]:
    errors = []
    if not str(event.get("name", "")).strip():
        errors.append(f"{where}: 缺少事件名称")
    types = event.get("accident_types") or []
    if not types:
        errors.append(f"{where}: 缺少事故类型")
    errors += [
        f"{where}: 事故类型 {name!r} 不在 GB 6441 中"
        for name in types
        if name not in _accident_type_names()
    ]
    errors += _check_assessment(event.get("assessment"), where)
    if not str(event.get("emergency", "")).strip():
        errors.append(f"{where}: 缺少应急处置措施")
    measures = event.get("measures") or []
    if len(measures) < MIN_MEASURES_PER_EVENT:
        errors.append(f"{where}: 管控措施少于 {MIN_MEASURES_PER_EVENT} 条")
    if len({m.get("category") for m in measures}) < MIN_CATEGORIES_PER_EVENT:
        errors.append(f"{where}: 管控措施类别少于 {MIN_CATEGORIES_PER_EVENT} 种")
    for k, measure in enumerate(measures, 1):
        errors += _check_measure(measure, f"{where} 措施{k}", whp)
    return errors


def validate_library(library: Library) -> list[str]:
    """Every problem of a library as a readable line; [] when it meets the criteria."""
    errors: list[str] = []
    for key in ("code", "name", "industry_label", "industries", "objects"):
        if not library.get(key):
            errors.append(f"缺少 {key}")
    if errors:
        return errors
    whp = any(code.startswith("whp") for code in library["industries"])
    objects = library["objects"]
    if len(objects) < MIN_OBJECTS:
        errors.append(f"风险点少于 {MIN_OBJECTS} 个（{len(objects)}）")
    names = Counter(obj.get("name") for obj in objects)
    errors += [f"风险点重名：{name}" for name, n in names.items() if n > 1]
    for obj in objects:
        where = obj.get("name", "?")
        if obj.get("object_type") not in RiskObjectType.values:
            errors.append(f"{where}: 风险点类型 {obj.get('object_type')!r} 无效")
        if not obj.get("org_units"):
            errors.append(f"{where}: 缺少责任部门提示")
        if not obj.get("units"):
            errors.append(f"{where}: 没有分析单元")
        unit_names = Counter(unit.get("name") for unit in obj.get("units", []))
        errors += [f"{where}: 分析单元重名 {n}" for n, c in unit_names.items() if c > 1]
        for unit in obj.get("units", []):
            if not unit.get("events"):
                errors.append(f"{where}/{unit.get('name')}: 没有风险事件")
            for i, event in enumerate(unit.get("events", []), 1):
                errors += _check_event(event, f"{where}/{unit.get('name')} 事件{i}", whp)
    events = len(list(iter_events(library)))
    if events < MIN_EVENTS:
        errors.append(f"风险事件少于 {MIN_EVENTS} 个（{events}）")
    mix = colour_mix(library)
    if not 1 <= mix["red"] <= MAX_RED_EVENTS:
        errors.append(f"重大风险（红）应为 1–{MAX_RED_EVENTS} 个（{mix['red']}）")
    if mix["orange"] < 1:
        errors.append("应至少有 1 个较大风险（橙）")
    if mix["yellow"] + mix["blue"] <= mix["red"] + mix["orange"]:
        errors.append("一般和低风险应占多数")
    return errors


# --- copying --------------------------------------------------------------------------------


def copied_object_names(enterprise: Enterprise, library: Library) -> set[str]:
    """Names of the library's objects the enterprise already has (active) in its register."""
    names = [obj["name"] for obj in library["objects"]]
    return set(
        RiskObject.objects.filter(
            enterprise=enterprise, retired_at__isnull=True, name__in=names
        ).values_list("name", flat=True)
    )


def _first(names: Iterable[str], rows: dict[str, Any]) -> Any:
    return next((rows[name] for name in names if name in rows), None)


@transaction.atomic
def copy_library(*, enterprise: Enterprise, library_code: str, acting_user: Any) -> dict[str, int]:
    """Copy a library into ``enterprise``'s register and grade every event.

    Responsible units and posts are matched to the enterprise's own by name (first hint that
    exists; else the root unit / no post). Each event is graded through ``assess_event`` with
    reason "library", so levels, control levels, roll-ups and history are the real thing.
    Idempotent: an object whose name the enterprise already has (active) is skipped whole.
    Returns counts of what was created and of skipped objects."""
    with cached_tables():
        counts = _copy(enterprise, require_library(library_code), acting_user)
    from dualprev.risks.actions import sync_check_tasks

    sync_check_tasks(enterprise_ids=[enterprise.pk])
    return counts


def _copy(enterprise: Enterprise, library: Any, acting_user: Any) -> dict[str, int]:
    root = OrgUnit.objects.filter(enterprise=enterprise, parent__isnull=True).first()
    if root is None:
        raise LibraryError("企业尚未建立组织架构，无法复制行业风险库。")
    units_by_name: dict[str, OrgUnit] = {}
    for org_unit in OrgUnit.objects.filter(enterprise=enterprise).order_by("id"):
        units_by_name.setdefault(org_unit.name, org_unit)
    posts_by_name: dict[str, Post] = {}
    for post in Post.objects.filter(enterprise=enterprise, is_active=True).order_by("id"):
        posts_by_name.setdefault(post.name, post)
    accident_types: dict[str, AccidentType] = {}
    for dataset in reversed(ACCIDENT_TYPE_DATASETS):  # newest wins
        for row in AccidentType.objects.filter(dataset__code=dataset):
            accident_types[row.name] = row
    existing = copied_object_names(enterprise, library)
    risk_settings(enterprise)  # create the settings row once, outside the event loop
    order = (
        RiskObject.objects.filter(enterprise=enterprise).aggregate(n=Max("sort_order"))["n"] or 0
    )
    counts = dict.fromkeys(("objects", "units", "events", "measures", "skipped_objects"), 0)
    through = RiskEvent.accident_types.through
    links = []
    for obj in library["objects"]:
        if obj["name"] in existing:
            counts["skipped_objects"] += 1
            continue
        order += 1
        risk_object = RiskObject.objects.create(
            enterprise=enterprise,
            name=obj["name"],
            object_type=obj["object_type"],
            responsible_unit=_first(obj["org_units"], units_by_name) or root,
            location=obj.get("location", ""),
            description=obj.get("description", ""),
            sort_order=order,
        )
        counts["objects"] += 1
        for u, unit in enumerate(obj["units"], 1):
            risk_unit = RiskUnit.objects.create(
                enterprise=enterprise, risk_object=risk_object, name=unit["name"], sort_order=u
            )
            counts["units"] += 1
            for e, spec in enumerate(unit["events"], 1):
                event = RiskEvent.objects.create(
                    enterprise=enterprise,
                    unit=risk_unit,
                    name=spec["name"],
                    hazard_description=spec.get("hazard", ""),
                    emergency_measures=spec.get("emergency", ""),
                    sort_order=e,
                )
                counts["events"] += 1
                links += [
                    through(riskevent_id=event.pk, accidenttype_id=accident_types[name].pk)
                    for name in spec["accident_types"]
                    if name in accident_types
                ]
                ControlMeasure.objects.bulk_create(
                    ControlMeasure(
                        enterprise=enterprise,
                        event=event,
                        description=measure["description"],
                        category=measure["category"],
                        classify1=measure.get("classify1"),
                        classify2=measure.get("classify2") or "",
                        data_src=measure["data_src"],
                        check_content=measure["check_content"],
                        responsible_post=_first(measure["posts"], posts_by_name),
                        sort_order=k,
                    )
                    for k, measure in enumerate(spec["measures"], 1)
                )
                counts["measures"] += len(spec["measures"])
                assess_event(
                    event=event,
                    acting_user=acting_user,
                    method=spec["assessment"]["method"],
                    inputs=spec["assessment"]["inputs"],
                    reason=AssessmentReason.LIBRARY,
                    note=library["name"],
                )
    through.objects.bulk_create(links)
    return counts
