"""Recomputation from the stored chemicals and the reference tables, and the tenancy rules of
包保 persons and linked risk objects."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from dualprev.majorhazards import actions
from dualprev.majorhazards.forms import ChemicalForm, SourceForm
from dualprev.majorhazards.models import AlphaBand, HazardCategory, HazardSourceChemical, ToxicGas
from dualprev.majorhazards.testing import make_source
from dualprev.reference.choices import MajorHazardSourceLevel as L

pytestmark = pytest.mark.django_db


def test_the_cast_source_is_computed_from_the_reference_tables(cast) -> None:
    source = cast.a.major_hazard_source
    # 液氨 q = 20, Q = 10 (表1) → s = 2; β = 2 (表3 氨); 10 people → α = 1.0;
    # R = 1.0 × 2 × 2 = 4 → 四级.
    assert (source.s_value, source.alpha, source.r_value) == (D("2"), D("1.0"), D("4"))
    assert source.is_major and source.level == L.LEVEL_4
    assert source.computation["chemicals"][0]["Q_basis"] == "表1"
    assert source.computation["chemicals"][0]["beta_basis"] == "表3 氨"


def test_editing_a_chemical_recomputes_the_source(cast) -> None:
    chemical = cast.a.major_hazard_chemical
    form = ChemicalForm(
        {"chemical": chemical.chemical_id, "quantity": "150"},
        instance=chemical,
        source=chemical.source,
    )
    assert form.is_valid(), form.errors
    actions.save_chemical(form=form)
    source = chemical.source
    source.refresh_from_db()
    # q = 150: s = 15; R = 1.0 × 2 × 15 = 30 → 三级.
    assert (source.s_value, source.r_value, source.level) == (D("15"), D("30"), L.LEVEL_3)


def test_a_source_below_one_is_not_major_and_has_no_level(cast) -> None:
    source = make_source(cast.a, name="小液氨罐", quantity="5")
    # s = 5 / 10 = 0.5 < 1: R is still shown (1.0 × 2 × 0.5 = 1) but there is no level.
    assert source.s_value == D("0.5") and not source.is_major and source.level is None
    assert source.r_value == D("1")


def test_removing_the_last_chemical_clears_the_results(cast) -> None:
    source = actions.remove_chemical(chemical=cast.a.major_hazard_chemical)
    assert source.s_value is None and source.level is None and not source.is_major


def test_an_edited_reference_value_is_used_by_the_next_computation(cast) -> None:
    # The α row for 1–29 people edited to 1.1 (e.g. after checking the standard):
    # R = 1.1 × 4 = 4.4.
    AlphaBand.objects.filter(min_people=1).update(alpha=D("1.1"))
    ToxicGas.objects.filter(name="氨").update(beta=D("2"))
    source = actions.recompute_source(cast.a.major_hazard_source)
    assert source.r_value == D("4.4")


def test_an_unnamed_substance_takes_q_and_beta_from_its_category(cast) -> None:
    source = cast.a.major_hazard_source
    w53 = HazardCategory.objects.get(code="W5.3")  # Q 1000, β 1 [memory]
    form = ChemicalForm({"name": "混合溶剂", "category": w53.pk, "quantity": "500"}, source=source)
    assert form.is_valid(), form.errors
    actions.save_chemical(form=form)
    source.refresh_from_db()
    # s = 20/10 + 500/1000 = 2.5; Σβq/Q = 2×2 + 1×0.5 = 4.5; R = 1.0 × 4.5 = 4.5.
    assert (source.s_value, source.r_value) == (D("2.5"), D("4.5"))


def test_an_overridden_threshold_needs_a_note(cast) -> None:
    chemical = cast.a.major_hazard_chemical
    data = {"chemical": chemical.chemical_id, "quantity": "20", "threshold_override": "20"}
    form = ChemicalForm(data, instance=chemical, source=chemical.source)
    assert not form.is_valid() and "threshold_note" in form.errors
    form = ChemicalForm(
        {**data, "threshold_note": "按设计文件"}, instance=chemical, source=chemical.source
    )
    assert form.is_valid(), form.errors
    actions.save_chemical(form=form)
    chemical.source.refresh_from_db()
    assert chemical.source.s_value == D("1")  # 20 / 20


def test_a_chemical_needs_a_named_row_or_a_name_and_category(cast) -> None:
    form = ChemicalForm({"quantity": "3"}, source=cast.a.major_hazard_source)
    assert not form.is_valid()
    form = ChemicalForm(
        {"chemical": cast.a.major_hazard_chemical.chemical_id, "quantity": "0"},
        source=cast.a.major_hazard_source,
    )
    assert not form.is_valid() and "quantity" in form.errors


def _source_data(cast, **extra) -> dict:
    return {
        "name": "新罐区",
        "unit_kind": "storage",
        "exposed_people": "0",
        **extra,
    }


def test_a_person_of_another_enterprise_is_rejected(cast) -> None:
    outsider = cast.b.users["owner"]
    form = SourceForm(_source_data(cast, main_person=outsider.pk), enterprise=cast.a.enterprise)
    assert not form.is_valid() and "main_person" in form.errors
    # The model rule holds without the form too.
    source = cast.a.major_hazard_source
    source.technical_person = outsider
    with pytest.raises(ValidationError) as exc:
        source.full_clean()
    assert "technical_person" in exc.value.message_dict


def test_a_risk_object_of_another_enterprise_is_rejected(cast) -> None:
    form = SourceForm(
        _source_data(cast, risk_objects=[cast.b.risks["object"].pk]),
        enterprise=cast.a.enterprise,
    )
    assert not form.is_valid() and "risk_objects" in form.errors
    form = SourceForm(
        _source_data(cast, risk_objects=[cast.a.risks["object"].pk], main_person=cast.owner.pk),
        enterprise=cast.a.enterprise,
    )
    assert form.is_valid(), form.errors
    source = actions.save_source(form=form)
    assert list(source.risk_objects.all()) == [cast.a.risks["object"]]
    assert source.s_value is None  # no chemicals yet


def test_the_shipped_reference_rows_are_flagged_unverified(cast) -> None:
    assert HazardSourceChemical.objects.exists()
    assert not AlphaBand.objects.filter(is_verified=True).exists()
    assert AlphaBand.objects.count() == 5
