"""The hazard office pages in a real browser: the register at laptop and phone width, one
hazard's page in each state (reported with the grading form, rectifying, pending acceptance,
accepted with its full timeline, 重大 with its plan) and the settings — screenshots under
test-artifacts/hazards-office-*.png. The liable person submits the fix on a phone."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("HAZARD_OFFICE_SHOTS", "")  # also copy screenshots here when set


@pytest.fixture
def world(transactional_db: Any) -> Any:
    """The persona cast, plus one hazard waiting for acceptance and one accepted after a
    rejection (so its timeline has every step)."""
    from dualprev.core.testing import build_cast, ensure_seed_data
    from dualprev.hazards.actions import (
        ReportInput,
        accept_hazard,
        confirm_hazard,
        reject_rectification,
        report_hazard,
        submit_rectification,
    )
    from dualprev.hazards.testing import graded, photo

    ensure_seed_data()
    cast = build_cast()
    a = cast.a

    def rectifying(name: str, description: str) -> Any:
        hazard = report_hazard(
            enterprise_id=a.enterprise.pk,
            reporter=cast.worker,
            data=ReportInput(name=name, description=description, location="罐区", photos=[photo()]),
        )
        graded(hazard, cast.safety_officer, cast.team_leader, unit=a.team)
        confirm_hazard(hazard=hazard, acting_user=cast.safety_officer)
        return hazard

    pending = rectifying("泵房地面油污", "2号泵房地面有油污，易滑倒")
    submit_rectification(
        hazard=pending,
        acting_user=cast.team_leader,
        note="已清理油污并铺设防滑垫",
        photos=[photo()],
    )
    closed = rectifying("安全阀铅封缺失", "3号罐安全阀铅封缺失")
    submit_rectification(
        hazard=closed, acting_user=cast.team_leader, note="已补铅封", photos=[photo()]
    )
    reject_rectification(
        hazard=closed, acting_user=cast.safety_officer, reason="未附校验记录，请补充"
    )
    submit_rectification(
        hazard=closed,
        acting_user=cast.team_leader,
        note="已补铅封并附校验记录",
        photos=[photo()],
    )
    accept_hazard(hazard=closed, acting_user=cast.safety_officer, comment="整改合格，同意销号")
    a.risks["hazard_pending"] = pending
    a.risks["hazard_closed"] = closed
    return cast


def login(browser: Any, live_server: Any, user: Any, viewport: dict[str, int]) -> Any:
    from dualprev.core.testing import PASSWORD

    page = browser.new_page(viewport=viewport, locale="zh-CN")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def shoot(page: Any, screenshot: Any, name: str) -> None:
    screenshot(page, f"hazards-office-{name}")
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_the_register_and_every_state_at_laptop_width(
    browser: Any, live_server: Any, screenshot: Any, world: Any
) -> None:
    a = world.a.risks
    page = login(browser, live_server, world.safety_officer, LAPTOP)
    page.goto(live_server.url + reverse("hazards:index"))
    assert page.locator("#hazard-table tbody tr").count() == 5
    assert page.locator("#status-tabs a.active").inner_text().startswith("全部")
    shoot(page, screenshot, "register-1280")

    for name, key in (
        ("detail-reported", "hazard"),
        ("detail-rectifying", "hazard_rectifying"),
        ("detail-pending", "hazard_pending"),
        ("detail-accepted", "hazard_closed"),
        ("detail-major", "hazard_major"),
    ):
        page.goto(live_server.url + reverse("hazards:detail", args=[a[key].public_id]))
        shoot(page, screenshot, name)
    # The accepted hazard's timeline holds every step, the rejection included.
    page.goto(live_server.url + reverse("hazards:detail", args=[a["hazard_closed"].public_id]))
    actions = page.locator("#timeline > li").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions == ["report", "grade", "confirm", "submit", "reject", "submit", "accept"]

    page.goto(live_server.url + reverse("hazards:settings"))
    shoot(page, screenshot, "settings")
    page.close()


def test_the_register_and_the_fix_on_a_phone(
    browser: Any, live_server: Any, screenshot: Any, world: Any
) -> None:
    from dualprev.hazards.choices import HazardStatus
    from dualprev.inspections.testing import sample_jpeg

    page = login(browser, live_server, world.safety_officer, PHONE)
    page.goto(live_server.url + reverse("hazards:index"))
    assert no_horizontal_scroll(page)
    shoot(page, screenshot, "register-390")
    page.close()

    hazard = world.a.risks["hazard_rectifying"]
    page = login(browser, live_server, world.team_leader, PHONE)
    page.goto(live_server.url + reverse("hazards:detail", args=[hazard.public_id]))
    assert no_horizontal_scroll(page)
    # The action comes first on a phone: the submit form is above the hazard's details.
    assert (
        page.locator("#submit-form").bounding_box()["y"]
        < page.locator("#info-title").bounding_box()["y"]
    )
    shoot(page, screenshot, "detail-rectifying-390")
    page.fill("#submit-form textarea[name=note]", "已更换保温层并密封接缝")
    page.set_input_files(
        "#submit-photos",
        files=[{"name": "fix.jpg", "mimeType": "image/jpeg", "buffer": sample_jpeg()}],
    )
    page.click("#submit-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已提交整改" in page.inner_text(".messages")
    shoot(page, screenshot, "detail-submitted-390")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.PENDING_ACCEPT
    assert hazard.photos.filter(kind="after").count() == 1
    page.close()
