"""In a real browser at office width (1280): the district regulator sees the overdue and 重大
hazards on the home page, the jurisdiction hazard overview and an enterprise's hazard card,
opens the report inbox and signs for the 重大 hazard report with a note."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dualprev.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICE = {"width": 1280, "height": 900}


@pytest.fixture
def world(transactional_db: Any, settings: Any, tmp_path: Path, monkeypatch: Any) -> Any:
    """The cast, with A's hazard under rectification four days overdue: reminded, marked
    overdue and escalated once by the deadline job."""
    from django.utils import timezone

    from dualprev.core.testing import build_cast, ensure_seed_data
    from dualprev.hazards import deadlines
    from dualprev.hazards.models import Hazard

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_seed_data()
    cast = build_cast()
    monkeypatch.setattr(deadlines, "notify", lambda **kwargs: None)
    now = timezone.now()
    rectifying = cast.a.risks["hazard_rectifying"]
    Hazard.objects.filter(pk=rectifying.pk).update(deadline=now - dt.timedelta(days=4, hours=1))
    deadlines.follow_deadlines(now - dt.timedelta(days=4, hours=6))
    deadlines.follow_deadlines(now)
    return cast


def _login(browser: Any, live_server: Any, user: Any) -> Any:
    from dualprev.core.testing import PASSWORD

    context = browser.new_context(viewport=OFFICE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_the_regulator_follows_hazards_and_signs_for_a_report(
    browser: Any, live_server: Any, screenshot: Any, world: Any
) -> None:
    from dualprev.hazards.choices import EventAction

    cast = world
    hazard = cast.a.risks["hazard_rectifying"]
    report = cast.a.risks["regulator_report"]
    page = _login(browser, live_server, cast.district_regulator)

    page.goto(f"{live_server.url}/regulator/")
    line = page.locator("#hazard-line")
    assert "逾期未整改隐患" in line.inner_text()
    screenshot(page, "regulator-home-hazard-line")

    page.click("nav.sidebar >> text=隐患监管")
    page.wait_for_load_state("networkidle")
    overdue = page.locator("#overdue-hazards")
    row = overdue.locator("tr", has_text=hazard.number)
    assert "4 天" in row.inner_text() and "已升级 1 级：A生产部" in row.inner_text()
    assert "重大事故隐患报告" in page.locator("#major-hazards").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= OFFICE["width"]
    screenshot(page, "regulator-hazards-overview")

    page.click("nav.sidebar >> text=隐患报告签收")
    page.wait_for_load_state("networkidle")
    assert "待签收" in page.locator("table").inner_text()
    screenshot(page, "regulator-hazard-reports")

    page.click(f"a[href='/regulator/hazard-reports/{report.public_id}/']")
    page.wait_for_load_state("networkidle")
    assert "消除储罐区可燃气体检测报警缺失隐患" in page.locator("#report-content").inner_text()
    screenshot(page, "regulator-hazard-report-detail")
    page.fill("textarea[name=note]", "已阅，请严格落实临时管控措施")
    page.click("#acknowledgement button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已签收" in page.locator(".messages").inner_text()
    assert "已阅，请严格落实临时管控措施" in page.locator("#acknowledgement").inner_text()
    screenshot(page, "regulator-hazard-report-acknowledged")
    assert report.hazard.events.filter(action=EventAction.REGULATOR_ACK).count() == 1

    page.goto(f"{live_server.url}/regulator/enterprises/{cast.a.enterprise.public_id}/")
    card = page.locator("#hazard-summary")
    card.scroll_into_view_if_needed()
    assert hazard.number in card.inner_text()
    screenshot(page, "regulator-enterprise-hazard-card")
    card.screenshot(path=str(ARTIFACTS / "regulator-enterprise-hazard-card-only.png"))
    page.context.close()
