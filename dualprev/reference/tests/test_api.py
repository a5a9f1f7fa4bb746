"""The reference API (/api/v1/reference/...)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dualprev.core.testing import Cast

pytestmark = pytest.mark.django_db
BASE = "/api/v1/reference"


def _get(cast: Cast, path: str, status: int = 200) -> Any:
    client = Client()
    client.force_login(cast.worker)
    response = client.get(BASE + path)
    assert response.status_code == status, response.content
    return response.json()


def test_anonymous_callers_get_401() -> None:
    assert Client().get(BASE + "/accident-types").status_code == 401


def test_accident_types_default_to_the_edition_in_force(cast: Cast) -> None:
    data = _get(cast, "/accident-types")
    assert data["dataset"]["label"] == "GB 6441-2025"
    assert len(data["items"]) == 27
    second = data["items"][1]
    assert (second["code"], second["name"], second["code_basis"]) == (
        "02",
        "厂（场）内车辆致害",
        "local",
    )


def test_accident_types_by_version(cast: Cast) -> None:
    data = _get(cast, "/accident-types?version=1986")
    assert [row["name"] for row in data["items"]][:2] == ["物体打击", "车辆伤害"]
    assert len(data["items"]) == 20
    assert "没有找到" in _get(cast, "/accident-types?version=1999", status=404)["detail"]


def test_the_accident_type_map(cast: Cast) -> None:
    rows = _get(cast, "/accident-type-map")
    assert len(rows) == 20
    透水 = next(row for row in rows if row["source_name"] == "透水")
    assert (透水["target_name"], 透水["basis"]) == ("水害", "practice")


def test_hazard_factors_with_parent_codes(cast: Cast) -> None:
    rows = _get(cast, "/hazard-factors?level=2")
    assert len(rows) == 15
    assert {
        "code": "22",
        "name": "化学性危险和有害因素",
        "level": 2,
        "parent_code": "2",
    }.items() <= (rows[3].items())


def test_assessment_profiles_have_bands_with_inclusivity(cast: Cast) -> None:
    profiles = {p["code"]: p for p in _get(cast, "/assessment-profiles")}
    assert set(profiles) == {"LEC_A", "LEC_B", "LS_A", "LS_B", "LS_C", "LS_5LEVEL", "MES"}
    band = profiles["LEC_A"]["bands"][1]
    assert band == {
        "code": "2", "label": "高度危险，需立即整改", "lower": "160", "lower_inclusive": False,
        "upper": "320", "upper_inclusive": True, "interval": "160 < D ≤ 320", "risk_level": 1,
        "colour": "orange",
    }  # fmt: skip
    assert [p["code"] for p in _get(cast, "/assessment-profiles?method=MES")] == ["MES"]


def test_assessment_methods_carry_value_tables(cast: Cast) -> None:
    methods = {m["code"]: m for m in _get(cast, "/assessment-methods")}
    lec_c = methods["LEC"]["factors"][2]
    assert [v["value"] for v in lec_c["values"]] == ["100", "40", "15", "7", "3", "1"]


def test_enumerations_list_every_code_table(cast: Cast) -> None:
    rows = {row["key"]: row for row in _get(cast, "/enumerations")}
    assert rows["danger_src"]["national_field"] == "dangerSrc"
    assert [item["code"] for item in rows["hazard_state"]["items"]] == ["0", "1", "9"]
    assert rows["risk_level"]["items"][3]["colour"] == "blue"


def test_major_hazard_criteria_and_inspection_types(cast: Cast) -> None:
    lists = {row["dataset"]["code"]: row for row in _get(cast, "/major-hazard-criteria")}
    assert len(lists["whp-major-hazard-2017"]["items"]) == 20
    assert lists["it-major-hazard-2023"]["dataset"]["is_complete"] is False
    types = _get(cast, "/inspection-types")
    assert [t["code"] for t in types] == list(range(1, 9))


def test_the_calendar_endpoint(cast: Cast) -> None:
    data = _get(cast, "/calendar/2026")
    assert data["status"] == "published"
    assert {"date": "2026-10-10", "holiday": "国庆节"} in data["makeup_workdays"]
    assert _get(cast, "/calendar/2027")["status"] == "unpublished"
