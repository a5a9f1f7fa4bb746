"""In a real browser on a phone-sized screen: a worker logs in, follows the link on their
enterprise home to their post's page and reads their post's risks and measures."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: Any) -> Any:
    """The persona cast, after reloading the rows a transactional test's flush removed (the
    same fixture as test_browser_register's; a shared one belongs in risks/tests/conftest.py)."""
    from dualprev.core.testing import build_cast, ensure_seed_data

    ensure_seed_data()  # regions, industries and the reference tables
    return build_cast()


def test_a_worker_on_a_phone_opens_their_post_page_from_home(
    browser: Any, live_server: Any, screenshot: Any, world: Any
) -> None:
    from dualprev.core.testing import PASSWORD
    from dualprev.risks.actions import assess_event

    event = world.a.risks["event"]
    event.emergency_measures = "立即关闭罐根阀，启动喷淋，撤离下风向人员。"
    event.save()
    assess_event(
        event=event,
        acting_user=world.safety_officer,
        method="LEC",
        inputs={"L": 6, "E": 3, "C": 15},
    )
    world.a.enterprise.emergency_phone = "0371-66660000"
    world.a.enterprise.save()

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", world.worker.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/enterprise/")
    link = page.locator("#my-post-risks")
    assert link.is_visible()
    link.click()
    page.wait_for_load_state("networkidle")

    assert f"/risks/posts/{world.a.post.public_id}/" in page.url
    assert world.a.post.name in page.inner_text("#post-name")
    risks = page.inner_text("#post-risks")
    assert event.name in risks and "A液位高高联锁投用" in risks and "立即关闭罐根阀" in risks
    assert page.locator("#post-risks .risk-card.edge-orange").count() == 1
    assert page.locator("#phones a[href='tel:0371-66660000']").is_visible()
    # Readable on the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "post-page-phone")
    page.close()
