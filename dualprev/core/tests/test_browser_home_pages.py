"""In a real browser (Debian chromium driven by Playwright): the demo safety officer and the
district supervisor log in through the login form and see their home pages in Chinese."""

from __future__ import annotations

from typing import Any

import pytest

from dualprev.demo.accounts import DEMO_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def demo(transactional_db: Any) -> None:
    from dualprev.core.testing import ensure_seed_data
    from dualprev.demo.builder import build_demo

    ensure_seed_data()
    build_demo()


def _login(browser: Any, live_server: Any, username: str, *, phone: bool = False) -> Any:
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_the_safety_officer_sees_the_enterprise_home_in_chinese(
    browser: Any, live_server: Any, screenshot: Any, demo: None
) -> None:
    page = _login(browser, live_server, "huagong_aq")
    assert page.url.endswith("/enterprise/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    body = page.inner_text("body")
    assert "郑州豫安化工有限公司（演示）" in body
    assert "组织架构" in body  # role-aware navigation shows the manager's entries
    screenshot(page, "enterprise-home-safety-officer")
    page.close()


def test_the_district_supervisor_sees_the_district_overview_in_chinese(
    browser: Any, live_server: Any, screenshot: Any, demo: None
) -> None:
    page = _login(browser, live_server, "erqi_jgj")
    assert page.url.endswith("/regulator/")
    body = page.inner_text("body")
    assert "辖区概览" in body
    assert "二七区应急管理局" in body
    assert "辖区企业" in body
    # 60 enterprises in 二七区, none of 中原区's.
    assert page.locator(".stat .value").first.inner_text().strip() == "60"
    screenshot(page, "regulator-home-district-supervisor")
    page.close()


def test_a_worker_logs_in_with_a_mobile_number_on_a_phone(
    browser: Any, live_server: Any, screenshot: Any, demo: None
) -> None:
    page = _login(browser, live_server, "13900000106", phone=True)
    assert page.url.endswith("/enterprise/")
    assert "郑州豫安化工有限公司（演示）" in page.inner_text("body")
    screenshot(page, "enterprise-home-worker-phone")
    page.close()
