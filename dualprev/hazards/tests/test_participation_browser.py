"""In a real browser: the 积分排行 at laptop and phone width, 我的积分 on a phone, and a risk
event with repeated hazards (its hazard history and the reassessment flag) and its mark in the
register."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("PARTICIPATION_SHOTS", "")  # also copy screenshots here when set


@pytest.fixture
def world(transactional_db: Any, settings: Any, tmp_path: Path) -> Any:
    """The cast plus two more departments of people who did checks and found hazards this
    month, and a risk event with three hazards in the last 90 days (one more cancelled)."""
    from django.utils import timezone

    from dualprev.accounts.choices import EnterpriseRole
    from dualprev.accounts.models import Membership
    from dualprev.core.testing import build_cast, ensure_seed_data, make_user
    from dualprev.hazards.actions import ReportInput, cancel_hazard, confirm_hazard, report_hazard
    from dualprev.hazards.testing import graded
    from dualprev.inspections.actions import CheckInput, submit_check
    from dualprev.inspections.models import CheckOccurrence
    from dualprev.orgs.models import OrgUnit

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_seed_data()
    cast = build_cast()
    a = cast.a
    now = timezone.now()
    units = {
        "设备部": OrgUnit.objects.create(
            enterprise=a.enterprise, name="A设备部", level="department", parent=a.company
        ),
        "安环部": OrgUnit.objects.create(
            enterprise=a.enterprise, name="A安全环保部", level="department", parent=a.company
        ),
    }
    people = [
        ("张建国", "设备部", 6, 1),
        ("李娜", "设备部", 3, 0),
        ("王磊", "安环部", 2, 2),
        ("赵敏", "安环部", 0, 0),
    ]
    minute = 0
    for name, unit, checks, hazards in people:
        user = make_user(f"w_{uuid.uuid4().hex[:8]}", name)
        Membership.objects.create(
            enterprise=a.enterprise, user=user, role=EnterpriseRole.WORKER, org_unit=units[unit]
        )
        for _ in range(checks):
            minute += 1
            occurrence = CheckOccurrence.objects.create(
                enterprise=a.enterprise,
                task=a.risks["check_task"],
                measure=a.risks["measure"],
                risk_object=a.risks["object"],
                assignee=user,
                window_start=now - dt.timedelta(hours=1, minutes=minute),
                window_end=now + dt.timedelta(hours=1),
            )
            submit_check(
                occurrence=occurrence,
                checked_by=user,
                data=CheckInput(client_id=uuid.uuid4(), status=0),
            )
        for i in range(hazards):
            hazard = report_hazard(
                enterprise_id=a.enterprise.pk,
                reporter=user,
                data=ReportInput(name=f"{name}发现的隐患{i + 1}", description="现场发现"),
            )
            graded(hazard, cast.safety_officer, cast.team_leader, unit=a.team)
            confirm_hazard(hazard=hazard, acting_user=cast.safety_officer)
        # A report nobody confirmed earns nothing.
        report_hazard(
            enterprise_id=a.enterprise.pk,
            reporter=user,
            data=ReportInput(name=f"{name}的待确认上报", description="待确认"),
        )
    event = a.risks["event"]
    for days, name in ((5, "储罐液位计显示失灵"), (20, "高液位报警联锁被旁路")):
        report_hazard(
            enterprise_id=a.enterprise.pk,
            reporter=cast.worker,
            data=ReportInput(
                name=name,
                description=name,
                risk_event=event,
                found_at=now - dt.timedelta(days=days),
            ),
        )
    duplicate = report_hazard(
        enterprise_id=a.enterprise.pk,
        reporter=cast.worker,
        data=ReportInput(name="液位计失灵（重复上报）", description="同上", risk_event=event),
    )
    cancel_hazard(
        hazard=duplicate,
        acting_user=cast.safety_officer,
        reason="duplicate",
        duplicate_of=a.risks["hazard_rectifying"],
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


def shoot(page: Any, screenshot: Any, name: str) -> None:
    screenshot(page, f"participation-{name}")
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_the_leaderboard_and_my_points(
    browser: Any, live_server: Any, screenshot: Any, world: Any
) -> None:
    page = login(browser, live_server, world.safety_officer, LAPTOP)
    page.goto(f"{live_server.url}/hazards/leaderboard/")
    rows = page.locator("#people-board tbody tr")
    assert rows.count() == 9
    first = rows.nth(0).inner_text()
    assert "Asafety" in first and "20" in first  # the cast's 重大 hazard
    # 王磊: 2 checks + 2 hazards = 12; 张建国: 6 checks + 1 hazard = 11; then the worker (6).
    assert "王磊" in rows.nth(1).inner_text() and "张建国" in rows.nth(2).inner_text()
    assert "Aworker" in rows.nth(3).inner_text()
    departments = page.locator("#department-board tbody tr")
    assert departments.count() == 4
    shoot(page, screenshot, "leaderboard-1280")

    with page.expect_navigation():
        page.select_option("#unit-filter", label="\u3000A设备部")
    assert "unit=" in page.url
    names = page.locator("#people-board tbody td.who").all_inner_texts()
    assert names == ["张建国", "李娜"]
    page.close()

    phone = login(browser, live_server, world.worker, PHONE)
    phone.goto(f"{live_server.url}/hazards/leaderboard/")
    assert no_horizontal_scroll(phone)
    assert phone.locator("#people-board tr.me").count() == 1
    shoot(phone, screenshot, "leaderboard-390")

    phone.goto(f"{live_server.url}/hazards/my-points/")
    assert no_horizontal_scroll(phone)
    assert phone.locator("#my-points .big").first.inner_text() == "6"
    assert "储罐保温层破损" in phone.locator("#recent-confirmed").inner_text()
    shoot(phone, screenshot, "my-points-390")
    phone.close()


def test_a_risk_event_with_repeated_hazards(
    browser: Any, live_server: Any, screenshot: Any, world: Any
) -> None:
    event = world.a.risks["event"]
    page = login(browser, live_server, world.safety_officer, LAPTOP)
    page.goto(f"{live_server.url}/risks/events/{event.public_id}/")
    assert "近 90 天发生 3 条隐患，建议重新评价" in page.locator("#repeat-flag").inner_text()
    history = page.locator("#hazard-history + .table-wrap tbody tr")
    assert history.count() == 4  # three counted and the cancelled duplicate
    shoot(page, screenshot, "event-hazard-history-1280")

    page.goto(f"{live_server.url}/risks/")
    assert page.locator(".repeat-mark").count() == 1
    shoot(page, screenshot, "register-flag-1280")

    page.goto(f"{live_server.url}/risks/events/{event.public_id}/")
    page.click("text=记为重新辨识触发事项")
    page.wait_for_load_state("networkidle")
    assert "已记为重新辨识触发事项" in page.inner_text(".messages")
    page.close()

    phone = login(browser, live_server, world.safety_officer, PHONE)
    phone.goto(f"{live_server.url}/risks/events/{event.public_id}/")
    assert no_horizontal_scroll(phone)
    shoot(phone, screenshot, "event-hazard-history-390")
    phone.close()
