"""POST /api/v1/assessments/preview: one endpoint for the UI and integrations."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/assessments/preview"


def _post(client, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"method": "LEC", "profile": "LEC_A", "inputs": {"L": 6, "E": 3, "C": 15}},
            {"score": 270, "band": "2", "level_code": 1, "colour": "orange", "level": "较大"},
        ),
        (
            {"method": "LEC", "profile": "LEC_B", "inputs": {"L": 6, "E": 3, "C": 15}},
            {"score": 270, "level_code": 0, "colour": "red"},
        ),
        (
            {"method": "LEC", "profile": "LEC_A", "inputs": {"L": 1, "E": 10, "C": 7}},
            {"score": 70, "band": "4", "colour": "blue"},
        ),
        (
            {"method": "LS", "profile": "LS_A", "inputs": {"L": 3, "S": 3}},
            {"score": 9, "colour": "orange"},
        ),
        (
            {"method": "LS", "profile": "LS_B", "inputs": {"L": 3, "S": 3}},
            {"score": 9, "colour": "yellow"},
        ),
        (
            {"method": "LS", "profile": "LS_5LEVEL", "inputs": {"L": 2, "S": 2}},
            {"score": 4, "colour": "blue", "level_code": 3},
        ),
        (
            {"method": "MES", "profile": "MES", "inputs": {"M": 5, "E": 6, "S": 10}},
            {"score": 300, "colour": "red"},
        ),
        ({"method": "LEC", "inputs": {"L": 0.5, "E": 1, "C": 1}}, {"score": 0.5, "colour": "blue"}),
    ],
)
def test_preview_scores_and_bands(client, cast, body, expected) -> None:
    client.force_login(cast.worker)
    response = _post(client, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert set(data) == {"score", "band", "level", "level_code", "colour"}
    for key, value in expected.items():
        assert data[key] == value


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"method": "LEC", "profile": "LEC_A", "inputs": {"L": 7, "E": 3, "C": 15}}, "不在"),
        ({"method": "LEC", "profile": "LEC_A", "inputs": {"L": 6, "E": 3}}, "缺少参数"),
        ({"method": "XYZ", "inputs": {"L": 6}}, "未知的评价方法"),
        ({"method": "LEC", "profile": "LS_A", "inputs": {"L": 6, "E": 3, "C": 15}}, "不适用"),
        ({"method": "LEC", "profile": "NOPE", "inputs": {"L": 6, "E": 3, "C": 15}}, "NOPE"),
        ({"profile": "LEC_A", "inputs": {}}, "method"),
        ({"method": "LS", "inputs": {"L": "abc", "S": 2}}, "L"),
    ],
)
def test_bad_previews_get_422_with_a_chinese_message(client, cast, body, fragment) -> None:
    client.force_login(cast.worker)
    response = _post(client, body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert fragment in detail
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detail)


def test_preview_needs_a_login(client) -> None:
    assert _post(client, {"method": "LEC", "inputs": {}}).status_code == 401
