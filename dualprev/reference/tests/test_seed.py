"""The reference data as loaded by the data migration, and the loader's idempotency."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from dualprev.reference.choices import CodeBasis, Verification
from dualprev.reference.models import (
    AccidentType,
    AccidentTypeMapping,
    Band,
    BandingProfile,
    Dataset,
    FactorValue,
    HazardFactor,
    InspectionType,
    MajorHazardCriterion,
)
from dualprev.reference.seed import load_all

pytestmark = pytest.mark.django_db


def _names(code: str) -> list[str]:
    return list(AccidentType.objects.filter(dataset__code=code).values_list("name", flat=True))


def test_gb6441_1986_has_20_categories_in_the_standard_order() -> None:
    names = _names("gb6441-1986")
    assert len(names) == 20
    assert names[0] == "物体打击"
    assert names[18:] == ["中毒和窒息", "其他伤害"]
    codes = AccidentType.objects.filter(dataset__code="gb6441-1986").values_list("code", flat=True)
    assert list(codes) == [f"{n:02d}" for n in range(1, 21)]


def test_gb6441_2025_has_27_categories_with_local_codes_flagged() -> None:
    names = _names("gb6441-2025")
    assert len(names) == 27
    assert names[:3] == ["物体打击", "厂（场）内车辆致害", "道路（轨道）车辆致害"]
    assert names[-1] == "其他"
    rows = AccidentType.objects.filter(dataset__code="gb6441-2025")
    assert {row.code_basis for row in rows} == {CodeBasis.LOCAL}
    dataset = Dataset.objects.get(code="gb6441-2025")
    assert dataset.is_current and not Dataset.objects.get(code="gb6441-1986").is_current
    assert str(dataset.effective_on) == "2026-07-01"


def test_every_old_category_maps_to_one_new_category() -> None:
    mappings = AccidentTypeMapping.objects.select_related("source", "target")
    pairs = {m.source.name: m.target.name for m in mappings}
    assert len(pairs) == 20
    assert pairs["车辆伤害"] == "厂（场）内车辆致害"
    assert pairs["中毒和窒息"] == "中毒"
    assert pairs["放炮"] == pairs["火药爆炸"] == "民用爆炸物品爆炸"
    identity = {m.source.name for m in mappings if m.basis == "name_identity"}
    assert identity == {"物体打击", "触电", "淹溺", "灼烫", "火灾", "高处坠落", "坍塌", "容器爆炸"}
    assert all(m.source.name == m.target.name for m in mappings if m.basis == "name_identity")
    assert all(m.source.dataset.code == "gb6441-1986" for m in mappings)
    assert all(m.target.dataset.code == "gb6441-2025" for m in mappings)


def test_hazard_factors_have_four_roots_and_linked_second_level() -> None:
    factors = HazardFactor.objects.filter(dataset__code="gbt13861-2009")
    assert factors.filter(level=1).count() == 4
    assert factors.filter(level=2).count() == 15
    assert factors.get(code="33").parent.code == "3"  # type: ignore[union-attr]
    assert factors.get(code="49").name == "其他管理因素缺陷"
    # Level 3 is shipped only where domain.md lists it, and flagged.
    third = factors.filter(level=3)
    assert set(third.values_list("parent__code", flat=True)) == {"11", "12"}
    assert not third.filter(is_verified=True).exists()
    assert not factors.filter(level__lte=2, is_verified=False).exists()


def test_assessment_value_tables_are_complete() -> None:
    def values(method: str, factor: str) -> list[str]:
        rows = FactorValue.objects.filter(factor__method__code=method, factor__code=factor)
        return [f"{row.value.normalize():f}" for row in rows]

    assert values("LEC", "L") == ["10", "6", "3", "1", "0.5", "0.2", "0.1"]
    assert values("LEC", "E") == ["10", "6", "3", "2", "1", "0.5"]
    assert values("LEC", "C") == ["100", "40", "15", "7", "3", "1"]
    assert values("LS", "L") == values("LS", "S") == ["5", "4", "3", "2", "1"]
    assert values("MES", "M") == ["5", "3", "1"]
    assert values("MES", "E") == ["10", "6", "3", "2", "1", "0.5"]
    assert values("MES", "S") == ["10", "8", "4", "2", "1"]
    lec_l = FactorValue.objects.get(factor__method__code="LEC", factor__code="L", value=6)
    assert lec_l.label == "相当可能"


def test_banding_profiles_exist_with_one_default_per_method() -> None:
    codes = set(BandingProfile.objects.values_list("code", flat=True))
    assert codes == {"LEC_A", "LEC_B", "LS_A", "LS_B", "LS_C", "LS_5LEVEL", "MES"}
    defaults = dict(
        BandingProfile.objects.filter(is_default=True).values_list("method__code", "code")
    )
    assert defaults == {"LEC": "LEC_A", "LS": "LS_A", "MES": "MES"}
    assert not BandingProfile.objects.get(code="LS_C").is_verified


def test_lec_bands_have_explicit_inclusivity() -> None:
    bands = {b.code: b for b in Band.objects.filter(profile__code="LEC_A")}
    assert bands["1"].interval("D") == "D > 320"
    assert bands["2"].interval("D") == "160 < D ≤ 320"
    assert bands["4"].interval("D") == "20 < D ≤ 70"
    assert bands["5"].interval("D") == "D ≤ 20"
    assert [b.colour for b in Band.objects.filter(profile__code="LEC_A")] == [
        "red", "orange", "yellow", "blue", "blue",
    ]  # fmt: skip
    mes = [b.interval("R") for b in Band.objects.filter(profile__code="MES")]
    assert mes == ["R ≥ 180", "90 ≤ R < 180", "50 ≤ R < 90", "20 ≤ R < 50", "R < 20"]


def test_ls_5level_colours_blue_for_levels_four_and_five() -> None:
    rows = Band.objects.filter(profile__code="LS_5LEVEL").values_list(
        "code", "colour", "risk_level"
    )
    assert list(rows) == [
        ("Ⅰ", "red", 0), ("Ⅱ", "orange", 1), ("Ⅲ", "yellow", 2), ("Ⅳ", "blue", 3), ("Ⅴ", "blue", 3),
    ]  # fmt: skip


def test_whp_major_hazard_list_has_20_items_with_15_to_20_unverified() -> None:
    items = MajorHazardCriterion.objects.filter(dataset__code="whp-major-hazard-2017")
    assert items.count() == 20
    assert sorted(items.filter(is_verified=False).values_list("number", flat=True)) == list(
        range(15, 21)
    )
    assert Dataset.objects.get(code="whp-major-hazard-2017").text_is_paraphrase


def test_industry_trade_list_is_marked_incomplete_with_only_the_general_items() -> None:
    dataset = Dataset.objects.get(code="it-major-hazard-2023")
    assert not dataset.is_complete
    assert dataset.declared_count == 64
    assert dataset.criteria.count() == 3
    groups = dict(dataset.criterion_groups.values_list("code", "declared_count"))
    assert groups == {"general": 3, "industry": 47, "special": 14}
    assert set(dataset.criteria.values_list("group__code", flat=True)) == {"general"}


def test_inspection_types_carry_their_danger_src_codes_and_frequencies() -> None:
    types = dict(InspectionType.objects.values_list("code", "name"))
    assert types == {
        1: "日常排查",
        2: "综合性排查",
        3: "专业性排查",
        4: "季节性排查",
        5: "重点时段及节假日前排查",
        6: "事故类比排查",
        7: "复产复工前排查",
        8: "外聘专家诊断式排查",
    }
    daily = InspectionType.objects.get(code=1).frequencies.first()
    assert daily is not None and (daily.cycle, daily.cycle_unit) == (2, "小时")
    comprehensive = InspectionType.objects.get(code=2).frequencies.first()
    assert comprehensive is not None and (comprehensive.cycle, comprehensive.cycle_unit) == (
        6,
        "月",
    )
    assert not InspectionType.objects.get(code=7).frequencies.exists()


def test_every_dataset_states_its_source_and_verification() -> None:
    for dataset in Dataset.objects.all():
        assert dataset.source_note, dataset.code
        assert dataset.verification in Verification.values
    assert Dataset.objects.get(code="gb6441-map-1986-2025").verification == "unverified"


def test_loading_again_changes_nothing() -> None:
    counts = {model: model.objects.count() for model in (AccidentType, Band, FactorValue)}
    report = load_all()
    assert not report.changed, str(report)
    assert sum(report.unchanged.values()) > 200
    assert {model: model.objects.count() for model in counts} == counts


def test_loading_restores_an_edited_row_from_the_data_file() -> None:
    AccidentType.objects.filter(dataset__code="gb6441-2025", code="01").update(name="改过的名称")
    report = load_all()
    assert report.updated["AccidentType"] == 1
    assert AccidentType.objects.get(dataset__code="gb6441-2025", code="01").name == "物体打击"
    assert not load_all().changed


def test_the_database_refuses_a_band_whose_colour_disagrees_with_its_level() -> None:
    profile = BandingProfile.objects.get(code="LEC_A")
    for colour in ("green", "red"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Band.objects.create(profile=profile, code="x", upper=1, risk_level=3, colour=colour)


def test_the_database_refuses_a_second_default_profile() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        BandingProfile.objects.filter(code="LEC_B").update(is_default=True)
