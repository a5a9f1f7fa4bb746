"""Saving zones from the editor: valid polygons and points are stored; bad ones get 400 with a
Chinese message and store nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dualprev.maps.geometry import clean_points, label_anchor
from dualprev.maps.models import MapZone

pytestmark = pytest.mark.django_db


def _save(cast: Any, body: Any, user: Any = None) -> Any:
    client = Client()
    client.force_login(user or cast.safety_officer)
    url = reverse("maps:plan_edit", args=[cast.a.risks["site_plan"].public_id])
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_polygon_and_a_point_are_saved_and_the_object_may_have_several_zones(cast: Any) -> None:
    obj = cast.a.risks["object"]
    square = [[0.6, 0.6], [0.9, 0.6], [0.9, 0.9], [0.6, 0.9], [0.6, 0.9]]  # double-click tail
    response = _save(
        cast, {"risk_object": str(obj.public_id), "shape": "polygon", "points": square}
    )
    assert response.status_code == 201 and response.json()["ok"]
    zone = MapZone.objects.get(public_id=response.json()["zone"])
    assert zone.points == [[0.6, 0.6], [0.9, 0.6], [0.9, 0.9], [0.6, 0.9]]
    assert zone.enterprise == cast.a.enterprise
    response = _save(
        cast, {"risk_object": str(obj.public_id), "shape": "point", "points": [[0.2, 0.3]]}
    )
    assert response.status_code == 201
    assert obj.map_zones.count() == 3


def test_a_form_post_saves_too(cast: Any) -> None:
    client = Client()
    client.force_login(cast.safety_officer)
    plan = cast.a.risks["site_plan"]
    response = client.post(
        reverse("maps:plan_edit", args=[plan.public_id]),
        {
            "risk_object": cast.a.risks["object"].public_id,
            "shape": "point",
            "points": "[[0.5, 0.5]]",
        },
    )
    assert response.status_code == 302 and plan.zones.count() == 2


BAD = [
    ("two vertices", "polygon", [[0.1, 0.1], [0.2, 0.2]], "至少需要 3 个顶点"),
    ("outside", "polygon", [[0.1, 0.1], [1.2, 0.1], [0.5, 0.5]], "0 到 1"),
    ("negative", "point", [[-0.1, 0.5]], "0 到 1"),
    ("not numbers", "polygon", [["a", 0.1], [0.2, 0.1], [0.2, 0.2]], "必须是数字"),
    ("flat", "polygon", [[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]], "面积为零"),
    ("two points for a point", "point", [[0.1, 0.1], [0.2, 0.2]], "只能有一个坐标"),
    ("bad shape", "circle", [[0.1, 0.1]], "形状"),
    ("no points", "polygon", None, "缺少坐标"),
    ("nan", "point", [[float("nan"), 0.5]], "0 到 1"),
]


@pytest.mark.parametrize(("label", "shape", "points", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_zones_get_400_with_a_chinese_message(
    cast: Any, label: str, shape: str, points: Any, message: str
) -> None:
    before = MapZone.objects.count()
    body = {"risk_object": str(cast.a.risks["object"].public_id), "shape": shape, "points": points}
    response = _save(cast, body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert MapZone.objects.count() == before


def test_another_enterprises_risk_object_is_refused(cast: Any) -> None:
    foreign = cast.b.risks["object"]
    body = {"risk_object": str(foreign.public_id), "shape": "point", "points": [[0.5, 0.5]]}
    response = _save(cast, body)
    assert response.status_code == 400 and "本企业" in response.json()["error"]
    assert not foreign.map_zones.exists()


def test_a_retired_object_and_garbage_bodies_are_refused(cast: Any) -> None:
    obj = cast.a.risks["object"]
    type(obj).objects.filter(pk=obj.pk).update(retired_at="2026-01-01T00:00:00Z")
    response = _save(
        cast, {"risk_object": str(obj.public_id), "shape": "point", "points": [[0.5, 0.5]]}
    )
    assert response.status_code == 400 and "停用" in response.json()["error"]
    client = Client()
    client.force_login(cast.safety_officer)
    url = reverse("maps:plan_edit", args=[cast.a.risks["site_plan"].public_id])
    response = client.post(url, "{not json", content_type="application/json")
    assert response.status_code == 400 and "格式不正确" in response.json()["error"]


def test_label_anchor_is_the_polygon_centroid() -> None:
    assert label_anchor("polygon", [[0, 0], [1, 0], [1, 1], [0, 1]]) == pytest.approx((0.5, 0.5))
    assert label_anchor("point", [[0.2, 0.3]]) == (0.2, 0.3)
    assert clean_points("polygon", [[0, 0], [1, 0], [1, 1], [0, 0]]) == [[0, 0], [1, 0], [1, 1]]
