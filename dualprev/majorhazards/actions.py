"""Writes of the major-hazard-source app. Every change to a source or its chemicals ends in
``recompute_source`` inside the same transaction, so α, s, R and the level always match the
stored chemicals and the reference tables at the time of the change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from dualprev.majorhazards import calc
from dualprev.majorhazards.models import AlphaBand, HazardSourceChemical, MajorHazardSource


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _alpha_text(alpha: Decimal) -> str:
    """α as the tables print it, with one decimal at least (1.0, 1.2, 0.5)."""
    text = _plain(alpha)
    return text if "." in text else f"{text}.0"


@transaction.atomic
def recompute_source(source: MajorHazardSource) -> MajorHazardSource:
    """Resolve each chemical's Q and β (override, else the reference tables), compute α, s, R
    and the level with ``calc`` and store them with the inputs and steps of the computation.

    A source without chemicals, or whose α band is missing from the table, keeps null results
    and records why in ``computation["error"]``.
    """
    chemicals = list(
        HazardSourceChemical.objects.filter(source=source).select_related(
            "chemical__toxic_gas", "chemical__category", "category"
        )
    )
    items: list[calc.Item] = []
    rows: list[dict[str, Any]] = []
    for row in chemicals:
        ref_q, q_basis = row.reference_threshold()
        ref_beta, beta_basis = row.reference_beta()
        threshold = row.threshold_override if row.threshold_override is not None else ref_q
        beta = row.beta_override if row.beta_override is not None else ref_beta
        if threshold is None or beta is None:
            continue  # model validation prevents this; a half-specified row is not counted
        item = calc.Item(quantity=row.quantity, threshold=threshold, beta=beta)
        row.threshold, row.beta = threshold, beta
        row.ratio, row.weighted = calc.display(item.ratio), calc.display(item.weighted)
        row.save(update_fields=["threshold", "beta", "ratio", "weighted", "updated_at"])
        items.append(item)
        rows.append(
            {
                "name": row.display_name,
                "q": _plain(row.quantity),
                "Q": _plain(threshold),
                "Q_basis": row.threshold_note if row.threshold_override is not None else q_basis,
                "beta": _plain(beta),
                "beta_basis": row.beta_note if row.beta_override is not None else beta_basis,
                "ratio": _plain(row.ratio),
                "weighted": _plain(row.weighted),
            }
        )
    computation: dict[str, Any] = {"chemicals": rows, "people": source.exposed_people}
    source.alpha = source.s_value = source.r_value = source.level = None
    source.is_major = False
    band: AlphaBand | None
    try:
        table = list(AlphaBand.objects.all())
        band = calc.alpha_band(source.exposed_people, table)
    except calc.CalcError as exc:
        band = None
        computation["error"] = str(exc)
    if items and band is not None:
        alpha = Decimal(band.alpha)
        s = calc.ratio_sum(items)
        r = calc.r_value(alpha, items)
        source.alpha = alpha
        source.s_value, source.r_value = calc.display(s), calc.display(r)
        source.is_major = calc.is_major(s)
        source.level = calc.level_for(r) if source.is_major else None
        computation.update(
            {
                "alpha": _alpha_text(alpha),
                "alpha_band": [band.min_people, band.max_people],
                "alpha_verified": band.is_verified,
                "weighted_sum": _plain(calc.display(calc.r_value(calc.ONE, items))),
                "s": _plain(source.s_value),
                "r": _plain(source.r_value),
            }
        )
    source.computation = computation
    source.computed_at = timezone.now()
    source.save(
        update_fields=[
            "alpha",
            "s_value",
            "r_value",
            "is_major",
            "level",
            "computation",
            "computed_at",
            "updated_at",
        ]
    )
    return source


@transaction.atomic
def save_source(*, form: Any) -> MajorHazardSource:
    """Save a validated ``SourceForm`` (fields, 包保 persons, linked objects) and recompute."""
    source = form.save()
    return recompute_source(source)


@transaction.atomic
def save_chemical(*, form: Any) -> HazardSourceChemical:
    """Save a validated ``ChemicalForm`` and recompute its source."""
    chemical = form.save()
    recompute_source(chemical.source)
    return chemical


@transaction.atomic
def remove_chemical(*, chemical: HazardSourceChemical) -> MajorHazardSource:
    """Delete a chemical row (nothing points at it) and recompute its source."""
    source = chemical.source
    chemical.delete()
    return recompute_source(source)
