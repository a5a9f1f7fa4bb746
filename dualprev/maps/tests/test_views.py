"""The map pages: zones coloured by their risk object's current level (and re-coloured when the
level changes), the click target, the PDF, the activity chart data and tenancy."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dualprev.maps.models import MapZone, SitePlan
from dualprev.maps.testing import make_plan
from dualprev.risks.actions import assess_event
from dualprev.risks.models import RiskEvent, RiskObject, RiskUnit

pytestmark = pytest.mark.django_db

RED = {"L": 10, "E": 6, "C": 40}  # D = 2400: 重大
ORANGE = {"L": 6, "E": 3, "C": 15}  # D = 270: 较大


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _zone_colour(html: str, zone: MapZone) -> str:
    match = re.search(rf'data-zone="{zone.public_id}" data-colour="(\w*)"', html)
    assert match, "the zone is not drawn"
    return match.group(1)


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "map.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_zone_takes_its_objects_current_colour_and_follows_level_changes(
    cast: Any, tmp_path: Path
) -> None:
    plan, zone = cast.a.risks["site_plan"], cast.a.risks["map_zone"]
    event = cast.a.risks["event"]
    client = _client(cast.safety_officer)
    url = reverse("maps:plan_detail", args=[plan.public_id])

    html = client.get(url).content.decode()
    assert _zone_colour(html, zone) == ""  # not assessed: grey outline
    assert "stroke-dasharray" in html

    assess_event(event=event, acting_user=cast.safety_officer, method="LEC", inputs=RED)
    html = client.get(url).content.decode()
    assert _zone_colour(html, zone) == "red"
    assert 'fill="#e02020"' in html
    assert re.search(r'data-colour="red"[^>]*>.*?<b>1</b>', html, re.S)  # legend: 1 重大
    text = _pdf_text(client.get(reverse("maps:plan_pdf", args=[plan.public_id])).content, tmp_path)
    assert "A储罐区（重大）" in text and "重大风险：1" in text

    assess_event(event=event, acting_user=cast.safety_officer, method="LEC", inputs=ORANGE)
    html = client.get(url).content.decode()
    assert _zone_colour(html, zone) == "orange"
    assert 'fill="#e02020"' not in html and 'fill="#f7811e"' in html
    text = _pdf_text(client.get(reverse("maps:plan_pdf", args=[plan.public_id])).content, tmp_path)
    assert "A储罐区（较大）" in text and "较大风险：1" in text and "重大风险：0" in text


def test_clicking_a_zone_opens_its_risk_object(cast: Any) -> None:
    plan, obj = cast.a.risks["site_plan"], cast.a.risks["object"]
    html = _client(cast.worker).get(reverse("maps:plan_detail", args=[plan.public_id])).content
    target = reverse("risks:object_detail", args=[obj.public_id])
    assert re.search(
        rf'<a href="{target}" class="zone-link"><g class="zone[^"]*" data-zone=', html.decode()
    )


def test_the_pdf_is_an_a4_landscape_map_with_title_and_legend(cast: Any, tmp_path: Path) -> None:
    plan = cast.a.risks["site_plan"]
    response = _client(cast.worker).get(reverse("maps:plan_pdf", args=[plan.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    for words in (
        "安全风险四色分布图",
        "甲化工有限公司",
        "厂区总平面图",
        "图例",
        "未评价：1",
        "A储罐区",
    ):
        assert words in text
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "map.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+", info)  # A4 landscape in points
    assert "Pages:           1" in info


def test_the_index_shows_the_current_plan_and_the_image_is_served_through_access(
    cast: Any,
) -> None:
    plan = cast.a.risks["site_plan"]
    client = _client(cast.worker)
    html = client.get(reverse("maps:index")).content.decode()
    image_url = reverse("maps:plan_image", args=[plan.public_id])
    assert f'href="{image_url}"' in html and "/media/" not in html
    response = client.get(image_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["plan_detail", "plan_image", "plan_pdf", "plan_edit"])
def test_another_enterprise_gets_404_for_a_plan_and_its_image_and_pdf(cast: Any, name: str) -> None:
    plan = cast.a.risks["site_plan"]
    response = _client(cast.outsider).get(reverse(f"maps:{name}", args=[plan.public_id]))
    assert response.status_code == 404


def test_a_worker_cannot_draw_or_delete(cast: Any) -> None:
    plan, zone = cast.a.risks["site_plan"], cast.a.risks["map_zone"]
    client = _client(cast.worker)
    url = reverse("maps:plan_edit", args=[plan.public_id])
    body = {
        "risk_object": str(cast.a.risks["object"].public_id),
        "shape": "point",
        "points": [[0.5, 0.5]],
    }
    assert client.post(url, body, content_type="application/json").status_code == 403
    assert client.post(reverse("maps:zone_delete", args=[zone.public_id])).status_code == 403
    assert client.post(reverse("maps:plan_delete", args=[plan.public_id])).status_code == 403
    assert MapZone.objects.filter(plan=plan).count() == 1


def test_the_other_enterprise_sees_only_its_own_plans(cast: Any) -> None:
    make_plan(cast.b.enterprise, cast.outsider, name="乙厂区图")
    html = _client(cast.outsider).get(reverse("maps:index")).content.decode()
    assert "乙厂区图" in html and "甲化工有限公司" not in html
    assert str(cast.a.risks["site_plan"].public_id) not in html


def test_deleting_a_zone_and_a_plan(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    plan, zone = cast.a.risks["site_plan"], cast.a.risks["map_zone"]
    client = _client(cast.safety_officer)
    response = client.post(reverse("maps:zone_delete", args=[zone.public_id]))
    assert response.status_code == 302 and not MapZone.objects.filter(pk=zone.pk).exists()
    path = Path(plan.image.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("maps:plan_delete", args=[plan.public_id]))
    assert response.status_code == 302 and not SitePlan.objects.filter(pk=plan.pk).exists()
    assert not path.exists()  # the file goes with the committed deletion


def _activity(cast: Any, name: str, kind: str, levels: list[dict[str, int] | None]) -> RiskObject:
    obj = RiskObject.objects.create(
        enterprise=cast.a.enterprise,
        name=name,
        object_type=kind,
        responsible_unit=cast.a.department,
    )
    unit = RiskUnit.objects.create(
        enterprise=cast.a.enterprise, risk_object=obj, name=f"{name}单元"
    )
    for i, inputs in enumerate(levels):
        event = RiskEvent.objects.create(enterprise=cast.a.enterprise, unit=unit, name=f"{name}{i}")
        if inputs:
            assess_event(event=event, acting_user=cast.safety_officer, method="LEC", inputs=inputs)
    return obj


def test_the_activity_chart_compares_work_activities_by_their_events_levels(cast: Any) -> None:
    _activity(cast, "动火作业", "special_work", [RED, ORANGE, None])
    _activity(cast, "巡检作业", "routine_work", [ORANGE, ORANGE])
    _activity(cast, "反应釜", "equipment", [RED])
    response = _client(cast.worker).get(reverse("maps:activities"))
    chart = response.context["chart"]
    names = [row["name"] for row in chart]
    assert names == ["动火作业", "巡检作业"]  # most severe first; the equipment is not an activity
    fire = chart[0]
    assert (fire["red"], fire["orange"], fire["yellow"], fire["blue"], fire["none"]) == (
        1,
        1,
        0,
        0,
        1,
    )
    assert chart[1]["orange"] == 2
    html = response.content.decode()
    assert 'id="activity-data"' in html and "vendor/echarts/echarts.min.js" in html
    assert "#e02020" in html and "green" not in html
    everything = (
        _client(cast.worker).get(reverse("maps:activities") + "?scope=all").context["chart"]
    )
    assert {"反应釜", "A储罐区"} <= {row["name"] for row in everything}
    other = _client(cast.outsider).get(reverse("maps:activities") + "?scope=all").context["chart"]
    assert "动火作业" not in {row["name"] for row in other}


def test_the_map_page_query_count_does_not_grow_with_zones(
    cast: Any, django_assert_max_num_queries: Any
) -> None:
    from dualprev.maps.actions import add_zone

    plan = cast.a.risks["site_plan"]
    client = _client(cast.worker)
    url = reverse("maps:plan_detail", args=[plan.public_id])
    client.get(url)  # warm the session and the actor
    for i in range(20):
        obj = RiskObject.objects.create(
            enterprise=cast.a.enterprise,
            name=f"区域{i}",
            object_type="place",
            responsible_unit=cast.a.department,
        )
        add_zone(
            plan=plan,
            risk_object=obj,
            shape="point",
            points=[[0.02 + i * 0.04, 0.5]],
            acting_user=cast.safety_officer,
        )
    with django_assert_max_num_queries(10):  # +1: the header's unread-message COUNT
        response = client.get(url)
    assert response.content.decode().count('class="zone ') == 21


def test_a_retired_object_leaves_the_map_and_a_deleted_one_takes_its_zones(cast: Any) -> None:
    from django.utils import timezone

    from dualprev.maps.queries import drawn_zones

    plan, obj = cast.a.risks["site_plan"], cast.a.risks["object"]
    RiskObject.objects.filter(pk=obj.pk).update(retired_at=timezone.now())
    assert drawn_zones(plan) == []
    other = RiskObject.objects.create(
        enterprise=cast.a.enterprise,
        name="临时堆场",
        object_type="place",
        responsible_unit=cast.a.department,
    )
    zone = MapZone.objects.create(
        enterprise=cast.a.enterprise,
        plan=plan,
        risk_object=other,
        shape="point",
        points=[[0.5, 0.5]],
    )
    other.delete()
    assert not MapZone.objects.filter(pk=zone.pk).exists()
