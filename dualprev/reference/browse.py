"""Read helpers for the reference browser: what each page shows, in as few queries as possible.

Views stay thin (parse, fetch through these helpers, render); the API reuses the same helpers.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualprev.reference import calendar as holiday_calendar
from dualprev.reference import scoring
from dualprev.reference.choices import DatasetKind
from dualprev.reference.models import (
    AccidentType,
    AccidentTypeMapping,
    AssessmentFactor,
    AssessmentMethod,
    Band,
    BandingProfile,
    CriterionGroup,
    Dataset,
    FactorValue,
    HazardFactor,
    InspectionType,
    MajorHazardCriterion,
)

# Item model and foreign key for each dataset kind, used for counts.
_ITEM_MODELS: Mapping[str, tuple[Any, str]] = {
    DatasetKind.ACCIDENT_TYPES: (AccidentType, "dataset"),
    DatasetKind.ACCIDENT_TYPE_MAP: (AccidentTypeMapping, "dataset"),
    DatasetKind.HAZARD_FACTORS: (HazardFactor, "dataset"),
    DatasetKind.ASSESSMENT_METHOD: (FactorValue, "factor__method__dataset"),
    DatasetKind.MAJOR_HAZARD_CRITERIA: (MajorHazardCriterion, "dataset"),
    DatasetKind.INSPECTION_TYPES: (InspectionType, "dataset"),
}


def dataset_or_404(code: str) -> Dataset:
    dataset = Dataset.objects.filter(code=code).first()
    if dataset is None:
        raise Http404
    return dataset


def item_counts() -> dict[int, int]:
    """Dataset id → number of items (values for an assessment method)."""
    counts: dict[int, int] = {}
    for model, key in _ITEM_MODELS.values():
        for row in model.objects.values(key).annotate(n=Count("pk")).order_by():
            counts[row[key]] = row["n"]
    return counts


@dataclass
class DatasetGroup:
    kind: str
    label: str
    datasets: list[Dataset] = field(default_factory=list)


def dataset_groups() -> list[DatasetGroup]:
    """Datasets grouped by kind (in the kind's declaration order) with ``item_count`` set."""
    counts = item_counts()
    groups = {kind: DatasetGroup(kind, str(label)) for kind, label in DatasetKind.choices}
    for dataset in Dataset.objects.all():
        dataset.item_count = counts.get(dataset.pk, 0)  # type: ignore[attr-defined]
        groups[dataset.kind].datasets.append(dataset)
    return [group for group in groups.values() if group.datasets]


# --- Accident types ----------------------------------------------------------------------------


def accident_type_context(dataset: Dataset) -> dict[str, Any]:
    """An edition's categories, each with its counterparts in the other edition."""
    editions = Dataset.objects.filter(kind=DatasetKind.ACCIDENT_TYPES).order_by("-edition")
    mappings = mapping_rows(
        AccidentTypeMapping.objects.filter(source__dataset=dataset)
        | AccidentTypeMapping.objects.filter(target__dataset=dataset)
    )
    items = list(dataset.accident_types.all())
    counterparts: dict[int, list[AccidentType]] = defaultdict(list)
    is_source = False
    for mapping in mappings:
        if mapping.source.dataset_id == dataset.pk:
            is_source = True
            counterparts[mapping.source_id].append(mapping.target)
        else:
            counterparts[mapping.target_id].append(mapping.source)
    for item in items:
        item.counterparts = counterparts.get(item.pk, [])  # type: ignore[attr-defined]
    return {
        "items": items,
        "editions": editions,
        "mappings": mappings,
        "map_dataset": mappings[0].dataset if mappings else None,
        "is_source": is_source,
        "code_bases": sorted({item.code_basis for item in items}),
    }


def mapping_rows(queryset: QuerySet[AccidentTypeMapping]) -> list[AccidentTypeMapping]:
    return list(
        queryset.select_related("dataset", "source", "target").order_by(
            "dataset__sort_order", "source__sort_order"
        )
    )


def accident_type_map_context(dataset: Dataset) -> dict[str, Any]:
    mappings = mapping_rows(dataset.mappings.all())
    editions = sorted(
        {m.source.dataset_id for m in mappings} | {m.target.dataset_id for m in mappings}
    )
    return {
        "mappings": mappings,
        "editions": Dataset.objects.filter(pk__in=editions).order_by("edition"),
    }


# --- Hazard factors ----------------------------------------------------------------------------


@dataclass
class FactorNode:
    factor: HazardFactor
    children: list[FactorNode] = field(default_factory=list)


def hazard_factor_tree(dataset: Dataset) -> list[FactorNode]:
    nodes = {f.pk: FactorNode(f) for f in dataset.hazard_factors.all()}
    roots: list[FactorNode] = []
    for node in nodes.values():
        parent_id = node.factor.parent_id
        if parent_id is None:
            roots.append(node)
        else:
            nodes[parent_id].children.append(node)
    return roots


# --- Assessment methods ------------------------------------------------------------------------


def methods_queryset() -> QuerySet[AssessmentMethod]:
    return AssessmentMethod.objects.select_related("dataset").prefetch_related(
        Prefetch(
            "factors",
            queryset=AssessmentFactor.objects.prefetch_related("values").order_by("sort_order"),
        ),
        Prefetch(
            "profiles",
            queryset=BandingProfile.objects.prefetch_related(
                Prefetch("bands", queryset=Band.objects.order_by("sort_order"))
            ).order_by("sort_order"),
        ),
    )


@dataclass
class MatrixCell:
    score: int
    band: Band | None


@dataclass
class RiskMatrix:
    """Rows (first factor, high to low) × columns (second factor, low to high), banded."""

    row_code: str
    col_code: str
    cols: list[int]
    rows: list[tuple[int, list[MatrixCell]]]


def risk_matrix(profile: BandingProfile, factors: list[AssessmentFactor]) -> RiskMatrix:
    bands = list(profile.bands.all())
    row_values = sorted((int(v.value) for v in factors[0].values.all()), reverse=True)
    col_values = sorted(int(v.value) for v in factors[1].values.all())
    rows = []
    for row in row_values:
        cells = []
        for col in col_values:
            score = row * col
            band = next((b for b in bands if b.contains(Decimal(score))), None)
            cells.append(MatrixCell(score, band))
        rows.append((row, cells))
    return RiskMatrix(factors[0].code, factors[1].code, col_values, rows)


def assessment_context(dataset: Dataset, query: Mapping[str, str]) -> dict[str, Any]:
    """A method's value tables, its profiles (with a risk matrix for two-factor methods) and
    the 试算 form. Display strings are attached to the prefetched rows."""
    method = methods_queryset().filter(dataset=dataset).first()
    if method is None:
        raise Http404
    factors = list(method.factors.all())
    for factor in factors:
        for row in factor.values.all():
            row.display = scoring.plain(row.value)  # type: ignore[attr-defined]
    profiles = list(method.profiles.all())
    for profile in profiles:
        for band in profile.bands.all():
            band.interval_text = band.interval(method.score_symbol)  # type: ignore[attr-defined]
        if len(factors) == 2:
            profile.matrix = risk_matrix(profile, factors)  # type: ignore[attr-defined]
    return {
        "method": method,
        "factors": factors,
        "profiles": profiles,
        "trial": trial_calculation(method, factors, profiles, query),
        "symbol": method.score_symbol,
    }


def trial_calculation(
    method: AssessmentMethod,
    factors: list[AssessmentFactor],
    profiles: list[BandingProfile],
    query: Mapping[str, str],
) -> dict[str, Any]:
    """The 试算 form: its fields with the selected options and, once inputs are given, the
    classification or the scoring error."""
    default = next((p.code for p in profiles if p.is_default), "")
    selected = {factor.code: query.get(factor.code, "") for factor in factors}
    profile = query.get("profile") or default
    fields = [
        {
            "code": factor.code,
            "name": factor.name,
            "options": [
                {
                    "value": scoring.plain(row.value),
                    "label": row.label,
                    "selected": selected[factor.code] == scoring.plain(row.value),
                }
                for row in factor.values.all()
            ],
        }
        for factor in factors
    ]
    result = error = None
    if any(selected.values()):
        try:
            result = scoring.evaluate(method.code, profile, selected)
        except scoring.ScoringError as exc:
            error = str(exc)
    return {"fields": fields, "profile": profile, "result": result, "error": error}


# --- Major hazard criteria and inspection types ------------------------------------------------


@dataclass
class CriteriaGroupView:
    group: CriterionGroup | None
    criteria: list[MajorHazardCriterion]

    @property
    def missing(self) -> int:
        declared = self.group.declared_count if self.group else None
        return max(0, (declared or 0) - len(self.criteria))


def criteria_context(dataset: Dataset) -> dict[str, Any]:
    criteria = list(dataset.criteria.select_related("group"))
    groups = list(dataset.criterion_groups.all())
    by_group: dict[int | None, list[MajorHazardCriterion]] = defaultdict(list)
    for criterion in criteria:
        by_group[criterion.group_id].append(criterion)
    views = [CriteriaGroupView(group, by_group.get(group.pk, [])) for group in groups]
    if by_group.get(None):
        views.insert(0, CriteriaGroupView(None, by_group[None]))
    return {
        "groups": views,
        "recorded": len(criteria),
        "unverified": sum(1 for c in criteria if not c.is_verified),
    }


def inspection_types_context(dataset: Dataset) -> dict[str, Any]:
    return {"types": list(dataset.inspection_types.prefetch_related("frequencies"))}


def detail_context(dataset: Dataset, query: Mapping[str, str]) -> dict[str, Any]:
    """The context of a dataset's page, by kind (its template is dataset_<kind>.html)."""
    kind = dataset.kind
    if kind == DatasetKind.ACCIDENT_TYPES:
        return accident_type_context(dataset)
    if kind == DatasetKind.ACCIDENT_TYPE_MAP:
        return accident_type_map_context(dataset)
    if kind == DatasetKind.HAZARD_FACTORS:
        return {
            "tree": hazard_factor_tree(dataset),
            "unverified": dataset.hazard_factors.filter(is_verified=False).count(),
        }
    if kind == DatasetKind.ASSESSMENT_METHOD:
        return assessment_context(dataset, query)
    if kind == DatasetKind.MAJOR_HAZARD_CRITERIA:
        return criteria_context(dataset)
    if kind == DatasetKind.INSPECTION_TYPES:
        return inspection_types_context(dataset)
    raise Http404


# --- Holiday calendar --------------------------------------------------------------------------


@dataclass
class DayCell:
    day: dt.date | None
    kind: str = ""  # "off", "makeup", "weekend" or ""
    title: str = ""


WEEKDAY_NAMES = (
    gettext_lazy("一"),
    gettext_lazy("二"),
    gettext_lazy("三"),
    gettext_lazy("四"),
    gettext_lazy("五"),
    gettext_lazy("六"),
    gettext_lazy("日"),
)


def month_grids(calendar: holiday_calendar.YearCalendar) -> list[dict[str, Any]]:
    """Twelve month tables (weeks start on Monday) with each day's kind for colouring."""
    months = []
    builder = stdlib_calendar.Calendar(firstweekday=0)
    for month in range(1, 13):
        weeks = []
        for week in builder.monthdatescalendar(calendar.year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(DayCell(None))
                elif day in calendar.makeup_workdays:
                    title = _("调休上班（%(name)s）") % {"name": calendar.makeup_workdays[day]}
                    cells.append(DayCell(day, "makeup", title))
                elif not calendar.is_workday(day):
                    is_off = day in calendar.days_off or day.weekday() < 5
                    cells.append(DayCell(day, "off" if is_off else "weekend"))
                else:
                    cells.append(DayCell(day))
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months


def calendar_context(year: int) -> dict[str, Any]:
    calendar = holiday_calendar.year_calendar(year)
    periods = calendar.periods()
    # Name the weekend days inside a holiday run as days off too, for the month grid.
    in_period = {
        period.start + dt.timedelta(days=offset)
        for period in periods
        for offset in range(period.days)
    }
    grids = month_grids(calendar)
    for month in grids:
        for week in month["weeks"]:
            for cell in week:
                if cell.kind == "weekend" and cell.day in in_period:
                    cell.kind = "off"
    return {
        "year": year,
        "calendar": calendar,
        "periods": periods,
        "makeup": calendar.makeup_list(),
        "months": grids,
        "weekday_names": WEEKDAY_NAMES,
        "published_years": holiday_calendar.published_years(),
    }
