"""In a real browser: a safety officer opens the plan editor, draws a polygon around a risk
object with clicks (a double click closes it), saves, and sees it red on the map; a click on the
zone opens the risk object."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: Any, settings: Any, tmp_path: Any) -> Any:
    """The persona cast after reloading the seed rows a transactional test's flush removed."""
    from dualprev.core.testing import build_cast, ensure_seed_data
    from dualprev.reference.models import AccidentType
    from dualprev.reference.seed import load_all

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_seed_data()
    if not AccidentType.objects.exists():
        load_all()
    return build_cast()


def test_a_safety_officer_draws_a_zone_and_sees_it_coloured(
    browser: Any, live_server: Any, screenshot: Any, world: Any
) -> None:
    from dualprev.core.testing import PASSWORD
    from dualprev.maps.models import MapZone
    from dualprev.risks.actions import assess_event
    from dualprev.risks.models import RiskEvent, RiskObject, RiskUnit

    a = world.a
    tank = RiskObject.objects.create(
        enterprise=a.enterprise,
        name="液氯钢瓶库",
        object_type="place",
        responsible_unit=a.department,
    )
    unit = RiskUnit.objects.create(enterprise=a.enterprise, risk_object=tank, name="钢瓶存放")
    event = RiskEvent.objects.create(enterprise=a.enterprise, unit=unit, name="钢瓶泄漏中毒")
    assess_event(
        event=event,
        acting_user=world.safety_officer,
        method="LEC",
        inputs={"L": 10, "E": 6, "C": 40},
    )
    plan = a.risks["site_plan"]

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", world.safety_officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/maps/")
    page.click("text=绘制风险点")
    page.wait_for_selector("#editor-map")
    page.select_option("#zone-object", str(tank.public_id))
    box = page.locator("#editor-map").bounding_box()
    assert box is not None

    def at(fx: float, fy: float) -> tuple[float, float]:
        return box["x"] + box["width"] * fx, box["y"] + box["height"] * fy

    # Saving too early is refused in the page.
    page.mouse.click(*at(0.6, 0.2))
    page.click("#btn-save")
    assert "至少需要 3 个顶点" in page.inner_text("#editor-error")
    page.mouse.click(*at(0.9, 0.2))
    page.mouse.click(*at(0.9, 0.7))
    page.mouse.dblclick(*at(0.6, 0.7))
    page.wait_for_selector("#editor-map[data-closed='1']")
    assert page.get_attribute("#editor-map", "data-vertices") == "4"
    screenshot(page, "maps-editor-drawn")
    page.click("#btn-save")
    page.wait_for_selector(".message.success")
    assert "液氯钢瓶库" in page.inner_text("#zone-list")

    zone = MapZone.objects.get(risk_object=tank)
    assert zone.shape == "polygon" and len(zone.points) == 4
    xs = sorted(p[0] for p in zone.points)
    ys = sorted(p[1] for p in zone.points)
    assert xs[0] == pytest.approx(0.6, abs=0.02) and xs[-1] == pytest.approx(0.9, abs=0.02)
    assert ys[0] == pytest.approx(0.2, abs=0.02) and ys[-1] == pytest.approx(0.7, abs=0.02)

    page.goto(f"{live_server.url}/maps/plans/{plan.public_id}/")
    drawn = page.locator(f"g.zone[data-zone='{zone.public_id}']")
    assert drawn.get_attribute("data-colour") == "red"
    assert drawn.locator("polygon").get_attribute("fill") == "#e02020"
    assert "重大" in page.inner_text("#legend")
    screenshot(page, "maps-plan-red-zone")
    page.mouse.click(*at(0.75, 0.45))
    page.wait_for_url(f"**/risks/objects/{tank.public_id}/")
    assert "液氯钢瓶库" in page.inner_text("h1")
    page.close()
