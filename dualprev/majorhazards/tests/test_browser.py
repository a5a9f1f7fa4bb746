"""In a real browser: the demo safety officer opens the 重大危险源 list on a phone, then the
液氨储罐区 page with its computation and 包保 persons."""

from __future__ import annotations

from typing import Any

import pytest

from dualprev.demo.accounts import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db: Any) -> None:
    from dualprev.core.testing import ensure_seed_data
    from dualprev.demo.builder import build_demo

    ensure_seed_data()
    build_demo()


def test_the_safety_officer_reads_a_source_on_a_phone(
    browser: Any, live_server: Any, screenshot: Any, demo: None
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(f"{live_server.url}/major-hazards/")
    page.fill("input[name=username]", "huagong_aq")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit] >> visible=true")
    page.wait_for_url("**/major-hazards/")
    assert page.locator("table .mh-level.risk-yellow", has_text="三级").count() == 1
    assert page.locator("table .mh-level.risk-blue", has_text="四级").count() == 1
    page.click("text=液氨储罐区")
    body = page.inner_text("body")
    assert "R = α × Σβ·q/Q = 1.2 × 10 = 12" in body
    assert "王建国" in body and "13900000101" in body
    # Nothing overflows the phone's width.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "major-hazard-source-phone")
    page.close()
