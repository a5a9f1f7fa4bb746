"""Reference data over HTTP (/api/v1/reference/...): read-only, for any logged-in user."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from dualprev.core.access import api_route
from dualprev.reference import browse
from dualprev.reference import calendar as holiday_calendar
from dualprev.reference.choices import ENUMERATIONS, DatasetKind
from dualprev.reference.models import (
    AccidentType,
    AccidentTypeMapping,
    BandingProfile,
    Dataset,
    HazardFactor,
    InspectionType,
    MajorHazardCriterion,
)
from dualprev.reference.scoring import plain

router = Router(tags=["reference"])


# --- Schemas ---------------------------------------------------------------------------------


class DatasetOut(Schema):
    code: str
    kind: str
    standard_code: str
    edition: str
    label: str
    title: str
    source_note: str
    sources: list[str]
    verification: str
    is_verified: bool
    text_is_paraphrase: bool
    is_complete: bool
    declared_count: int | None
    is_current: bool
    published_on: dt.date | None
    effective_on: dt.date | None


class AccidentTypeOut(Schema):
    code: str
    name: str
    code_basis: str
    is_verified: bool
    note: str


class AccidentTypesOut(Schema):
    dataset: DatasetOut
    items: list[AccidentTypeOut]


class AccidentTypeMappingOut(Schema):
    source_code: str
    source_name: str
    target_code: str
    target_name: str
    basis: str
    note: str


class HazardFactorOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None
    is_verified: bool
    note: str


class FactorValueOut(Schema):
    value: str
    label: str
    criteria: str
    is_verified: bool


class FactorOut(Schema):
    code: str
    name: str
    note: str
    values: list[FactorValueOut]


class BandOut(Schema):
    code: str
    label: str
    lower: str | None
    lower_inclusive: bool
    upper: str | None
    upper_inclusive: bool
    interval: str
    risk_level: int
    colour: str


class ProfileOut(Schema):
    code: str
    name: str
    method: str
    is_default: bool
    is_verified: bool
    note: str
    bands: list[BandOut]


class MethodOut(Schema):
    code: str
    name: str
    formula: str
    score_symbol: str
    dataset: str
    factors: list[FactorOut]
    profiles: list[ProfileOut]


class EnumerationItemOut(Schema):
    code: str
    label: str
    colour: str
    colour_label: str
    note: str


class EnumerationOut(Schema):
    key: str
    title: str
    basis: str
    national_field: str
    note: str
    items: list[EnumerationItemOut]


class CriterionOut(Schema):
    number: int
    group: str | None
    text: str
    summary_en: str
    is_verified: bool
    note: str


class CriteriaOut(Schema):
    dataset: DatasetOut
    items: list[CriterionOut]


class FrequencyOut(Schema):
    scope: str
    text: str
    cycle: int | None
    cycle_unit: str
    times_per_cycle: int


class InspectionTypeOut(Schema):
    code: int
    name: str
    note: str
    frequencies: list[FrequencyOut]


class HolidayPeriodOut(Schema):
    name: str
    start: dt.date
    end: dt.date
    days: int


class MakeupWorkdayOut(Schema):
    date: dt.date
    holiday: str


class CalendarOut(Schema):
    year: int
    status: str
    source: str
    periods: list[HolidayPeriodOut]
    makeup_workdays: list[MakeupWorkdayOut]


# --- Helpers ---------------------------------------------------------------------------------


def _dataset_out(dataset: Dataset) -> DatasetOut:
    return DatasetOut(
        code=dataset.code,
        kind=dataset.kind,
        standard_code=dataset.standard_code,
        edition=dataset.edition,
        label=dataset.label,
        title=dataset.title,
        source_note=dataset.source_note,
        sources=list(dataset.sources or []),
        verification=dataset.verification,
        is_verified=dataset.is_verified,
        text_is_paraphrase=dataset.text_is_paraphrase,
        is_complete=dataset.is_complete,
        declared_count=dataset.declared_count,
        is_current=dataset.is_current,
        published_on=dataset.published_on,
        effective_on=dataset.effective_on,
    )


def _dataset(kind: str, code: str | None = None, edition: str | None = None) -> Dataset:
    """The dataset of ``kind`` by code or edition; without either, the current one."""
    queryset = Dataset.objects.filter(kind=kind)
    if code:
        queryset = queryset.filter(code=code)
    elif edition:
        queryset = queryset.filter(edition=edition)
    else:
        queryset = queryset.order_by("-is_current", "sort_order")
    dataset = queryset.first()
    if dataset is None:
        raise HttpError(404, _("没有找到该数据集或版本。"))
    return dataset


# --- Operations ------------------------------------------------------------------------------


@router.get("/datasets", response=list[DatasetOut], url_name="reference_list_datasets")
@api_route("user")
def list_datasets(request: HttpRequest) -> list[DatasetOut]:
    """Every reference dataset with its edition, source note and verification status."""
    return [_dataset_out(dataset) for dataset in Dataset.objects.all()]


@router.get("/accident-types", response=AccidentTypesOut, url_name="reference_accident_types")
@api_route("user")
def accident_types(request: HttpRequest, version: str | None = None) -> AccidentTypesOut:
    """GB 6441 accident categories of one edition (``version=1986`` or ``2025``; default: the
    edition in force). ``code_basis`` "local" marks codes that are not the standard's own."""
    dataset = _dataset(DatasetKind.ACCIDENT_TYPES, edition=version)
    items = [
        AccidentTypeOut(
            code=row.code,
            name=row.name,
            code_basis=row.code_basis,
            is_verified=row.is_verified,
            note=row.note,
        )
        for row in AccidentType.objects.filter(dataset=dataset)
    ]
    return AccidentTypesOut(dataset=_dataset_out(dataset), items=items)


@router.get(
    "/accident-type-map",
    response=list[AccidentTypeMappingOut],
    url_name="reference_accident_type_map",
)
@api_route("user")
def accident_type_map(request: HttpRequest) -> list[AccidentTypeMappingOut]:
    """Old → new accident categories (GB 6441-1986 → GB 6441-2025), with the basis of each."""
    rows = browse.mapping_rows(AccidentTypeMapping.objects.all())
    return [
        AccidentTypeMappingOut(
            source_code=row.source.code,
            source_name=row.source.name,
            target_code=row.target.code,
            target_name=row.target.name,
            basis=row.basis,
            note=row.note,
        )
        for row in rows
    ]


@router.get("/hazard-factors", response=list[HazardFactorOut], url_name="reference_hazard_factors")
@api_route("user")
def hazard_factors(
    request: HttpRequest, level: int | None = None, dataset: str | None = None
) -> list[HazardFactorOut]:
    """GB/T 13861 hazard-factor classes, parents before children (filter by ``level``)."""
    source = _dataset(DatasetKind.HAZARD_FACTORS, code=dataset)
    queryset = HazardFactor.objects.filter(dataset=source).select_related("parent")
    if level is not None:
        queryset = queryset.filter(level=level)
    return [
        HazardFactorOut(
            code=row.code,
            name=row.name,
            level=row.level,
            parent_code=row.parent.code if row.parent else None,
            is_verified=row.is_verified,
            note=row.note,
        )
        for row in queryset
    ]


def _profile_out(profile: BandingProfile, method_code: str, symbol: str) -> ProfileOut:
    bands = [
        BandOut(
            code=band.code,
            label=band.label,
            lower=plain(band.lower) if band.lower is not None else None,
            lower_inclusive=band.lower_inclusive,
            upper=plain(band.upper) if band.upper is not None else None,
            upper_inclusive=band.upper_inclusive,
            interval=band.interval(symbol),
            risk_level=band.risk_level,
            colour=band.colour,
        )
        for band in profile.bands.all()
    ]
    return ProfileOut(
        code=profile.code,
        name=profile.name,
        method=method_code,
        is_default=profile.is_default,
        is_verified=profile.is_verified,
        note=profile.note,
        bands=bands,
    )


@router.get(
    "/assessment-methods", response=list[MethodOut], url_name="reference_assessment_methods"
)
@api_route("user")
def assessment_methods(request: HttpRequest) -> list[MethodOut]:
    """LEC, LS and MES: factor value tables (with descriptions) and their banding profiles."""
    result = []
    for method in browse.methods_queryset():
        factors = [
            FactorOut(
                code=factor.code,
                name=factor.name,
                note=factor.note,
                values=[
                    FactorValueOut(
                        value=plain(row.value),
                        label=row.label,
                        criteria=row.criteria,
                        is_verified=row.is_verified,
                    )
                    for row in factor.values.all()
                ],
            )
            for factor in method.factors.all()
        ]
        profiles = [
            _profile_out(profile, method.code, method.score_symbol)
            for profile in method.profiles.all()
        ]
        result.append(
            MethodOut(
                code=method.code,
                name=method.name,
                formula=method.formula,
                score_symbol=method.score_symbol,
                dataset=method.dataset.code,
                factors=factors,
                profiles=profiles,
            )
        )
    return result


@router.get(
    "/assessment-profiles", response=list[ProfileOut], url_name="reference_assessment_profiles"
)
@api_route("user")
def assessment_profiles(request: HttpRequest, method: str | None = None) -> list[ProfileOut]:
    """Banding profiles with their bands (bounds, inclusivity, risk level, colour)."""
    methods = browse.methods_queryset()
    if method:
        methods = methods.filter(code=method)
    return [
        _profile_out(profile, row.code, row.score_symbol)
        for row in methods
        for profile in row.profiles.all()
    ]


@router.get("/enumerations", response=list[EnumerationOut], url_name="reference_enumerations")
@api_route("user")
def enumerations(request: HttpRequest) -> list[EnumerationOut]:
    """Every code enumeration (Spec §B) with national codes and labels."""
    return [
        EnumerationOut(
            key=item.key,
            title=str(item.title),
            basis=item.basis,
            national_field=item.national_field,
            note=str(item.note),
            items=[EnumerationItemOut(**row) for row in item.items()],
        )
        for item in ENUMERATIONS
    ]


@router.get(
    "/major-hazard-criteria", response=list[CriteriaOut], url_name="reference_major_hazard_criteria"
)
@api_route("user")
def major_hazard_criteria(request: HttpRequest) -> list[CriteriaOut]:
    """The major-hazard (重大事故隐患) criteria lists; see each dataset's completeness flags."""
    result = []
    criteria = MajorHazardCriterion.objects.select_related("group", "dataset")
    datasets = Dataset.objects.filter(kind=DatasetKind.MAJOR_HAZARD_CRITERIA)
    for dataset in datasets:
        items = [
            CriterionOut(
                number=row.number,
                group=row.group.name if row.group else None,
                text=row.text,
                summary_en=row.summary_en,
                is_verified=row.is_verified,
                note=row.note,
            )
            for row in criteria
            if row.dataset_id == dataset.pk
        ]
        result.append(CriteriaOut(dataset=_dataset_out(dataset), items=items))
    return result


@router.get(
    "/inspection-types", response=list[InspectionTypeOut], url_name="reference_inspection_types"
)
@api_route("user")
def inspection_types(request: HttpRequest) -> list[InspectionTypeOut]:
    """The 8 inspection types (code = ``dangerSrc``) with their minimum frequencies."""
    dataset = _dataset(DatasetKind.INSPECTION_TYPES)
    return [
        InspectionTypeOut(
            code=row.code,
            name=row.name,
            note=row.note,
            frequencies=[
                FrequencyOut(
                    scope=freq.scope,
                    text=freq.text,
                    cycle=freq.cycle,
                    cycle_unit=freq.cycle_unit,
                    times_per_cycle=freq.times_per_cycle,
                )
                for freq in row.frequencies.all()
            ],
        )
        for row in InspectionType.objects.filter(dataset=dataset).prefetch_related("frequencies")
    ]


@router.get("/calendar/{year}", response=CalendarOut, url_name="reference_calendar_year")
@api_route("user")
def calendar_year(request: HttpRequest, year: int) -> CalendarOut:
    """Holiday periods and 调休 workdays of a year; ``status`` "unpublished" means no notice is
    known yet and working days fall back to Monday-Friday."""
    if not 1900 <= year <= 2200:
        raise HttpError(404, _("年份超出范围。"))
    calendar = holiday_calendar.year_calendar(year)
    return CalendarOut(
        year=year,
        status=calendar.status,
        source=calendar.source,
        periods=[
            HolidayPeriodOut(name=p.name, start=p.start, end=p.end, days=p.days)
            for p in calendar.periods()
        ],
        makeup_workdays=[
            MakeupWorkdayOut(date=m.date, holiday=m.holiday) for m in calendar.makeup_list()
        ],
    )
