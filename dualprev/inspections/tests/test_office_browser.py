"""The office pages in a real browser: every page at laptop width (screenshots under
test-artifacts/office-*.png), the task form's show/hide of the hourly window and the 包保
number, and the main leader filing the daily commitment on a phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: Any) -> Any:
    """The persona cast with a little more to show: a second (包保) task, a current stop."""
    from dualprev.core.testing import build_cast, ensure_seed_data
    from dualprev.inspections.models import CheckTask, Deactivation
    from dualprev.reference.choices import CheckCycleUnit, WorkType

    ensure_seed_data()
    cast = build_cast()
    CheckTask.objects.create(
        enterprise=cast.a.enterprise,
        measure=cast.a.risks["measure"],
        content="技术负责人检查液位联锁回路测试记录",
        cycle=1,
        cycle_unit=CheckCycleUnit.WEEK,
        task_start=timezone.now(),
        work_type=WorkType.TECHNICAL_LEADER,
        task_num=3,
        assignee=cast.safety_officer,
        is_default=False,
    )
    Deactivation.objects.create(
        enterprise=cast.a.enterprise,
        risk_unit=cast.a.risks["unit"],
        kind="stopped",
        start=timezone.now() + dt.timedelta(days=5),
        reason="计划停车检修",
        recorded_by=cast.safety_officer,
    )
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


def test_every_office_page_at_laptop_width(
    browser: Any, live_server: Any, screenshot: Any, world: Any
) -> None:
    a = world.a.risks
    special, task = a["special_inspection"], a["check_task"]
    pages = {
        "hub": reverse("inspections:index"),
        "tasks": reverse("inspections:task_list"),
        "task-edit": reverse("inspections:task_edit", args=[task.public_id]),
        "task-new": reverse("inspections:task_create", args=[a["measure"].public_id]),
        "settings": reverse("inspections:settings"),
        "deactivations": reverse("inspections:deactivation_list"),
        "deactivation-new": reverse("inspections:deactivation_create"),
        "special": reverse("inspections:special_list"),
        "special-new": reverse("inspections:special_create"),
        "special-detail": reverse("inspections:special_detail", args=[special.public_id]),
        "special-add-measures": reverse(
            "inspections:special_add_measures", args=[special.public_id]
        ),
        "special-add-library": reverse("inspections:special_add_library", args=[special.public_id]),
        "special-add-text": reverse("inspections:special_add_text", args=[special.public_id]),
        "commitments": reverse("inspections:commitment_list"),
        "commitment-today": reverse("inspections:commitment_today"),
        "commitment-detail": reverse(
            "inspections:commitment_detail", args=[a["commitment"].public_id]
        ),
        "event": reverse("risks:event_detail", args=[a["event"].public_id]),
    }
    page = login(browser, live_server, world.safety_officer, {"width": 1280, "height": 900})
    for name, path in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, name
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, name
        screenshot(page, f"office-{name}")
    page.close()


def test_the_task_form_shows_the_window_and_number_only_when_they_apply(
    browser: Any, live_server: Any, world: Any
) -> None:
    task = world.a.risks["check_task"]
    page = login(browser, live_server, world.safety_officer, {"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{reverse('inspections:task_edit', args=[task.public_id])}")
    assert not page.locator("#work-window").is_visible()
    assert not page.locator("#defend-num").is_visible()
    page.select_option("#id_cycle_unit", "小时")
    assert page.locator("#work-window").is_visible()
    page.select_option("#id_work_type", "1")
    assert page.locator("#defend-num").is_visible()
    # Saving an hourly 包保 task without window, number or person explains all three.
    page.select_option("#id_post", "")
    page.click("#task-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    text = page.inner_text("#task-form")
    assert "按小时排查的任务必须填写每日工作时段。" in text
    assert "主要负责人任务的清单序号必须在 1–9 之间。" in text
    assert "请选择执行岗位或执行人（二选一）。" in text
    page.close()


def test_the_main_leader_files_the_daily_commitment_on_a_phone(
    browser: Any, live_server: Any, screenshot: Any, world: Any
) -> None:
    from dualprev.inspections.models import SafetyCommitment

    SafetyCommitment.objects.filter(enterprise=world.a.enterprise).delete()
    page = login(browser, live_server, world.owner, {"width": 390, "height": 844})
    page.goto(f"{live_server.url}{reverse('inspections:index')}")
    banner = page.locator("#commitment-banner")
    assert banner.get_attribute("data-state") in ("due", "overdue")
    screenshot(page, "office-hub-phone")
    banner.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.input_value("#id_leader_name") == world.owner.display_name
    assert "安全风险研判" in page.input_value("#id_commitment")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#id_hot_work", "2")
    page.fill("#id_contractors_on_site", "8")
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar belongs at the top
    screenshot(page, "office-commitment-form-phone")
    page.click("#commitment-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#commitment-banner").get_attribute("data-state") == "filed"
    assert "已提交今日安全风险研判与承诺" in page.inner_text(".messages")
    screenshot(page, "office-commitments-phone")
    row = SafetyCommitment.objects.get(enterprise=world.a.enterprise)
    assert (row.hot_work, row.contractors_on_site, row.committed_by) == (2, 8, world.owner)
    page.close()
