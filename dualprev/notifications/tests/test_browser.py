"""In a real browser: the team leader reads the inbox on a phone (390×844) and opens a task;
the safety officer manages the group robots and reads the delivery log on a laptop (1280)."""

from __future__ import annotations

from typing import Any

import pytest

from dualprev.notifications.tests.servers import LocalRobot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture
def world(transactional_db: Any, settings: Any) -> Any:
    """The cast, a robot on 127.0.0.1 that refuses every other message, three channels of
    enterprise A and a morning's worth of messages for the team leader."""
    from dualprev.core.testing import build_cast, ensure_seed_data
    from dualprev.notifications.actions import notify
    from dualprev.notifications.choices import ChannelKind
    from dualprev.notifications.models import Notification
    from dualprev.notifications.tasks import retry_deliveries
    from dualprev.notifications.testing import make_channel

    settings.DUALPREV_BASE_URL = "https://aq.example.com"
    settings.DUALPREV_WEBHOOK_ALLOWED_HOSTS = ["http://127.0.0.1"]  # the local robot
    ensure_seed_data()
    cast = build_cast()
    with LocalRobot() as robot:
        robot.answer(
            (200, {"errcode": 0, "errmsg": "ok"}),
            (200, {"errcode": 310000, "errmsg": "sign not match"}),
            (200, {"errcode": 0, "errmsg": "ok"}),
        )
        a = cast.a.enterprise
        make_channel(
            a,
            ChannelKind.WECOM,
            name="安全生产管理群",
            url=robot.url("/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"),
        )
        make_channel(
            a,
            ChannelKind.DINGTALK,
            name="设备部钉钉群",
            url=robot.url(
                "/robot/send?access_token=b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4"
            ),
            secret="SEC0123456789abcdef",
            event_kinds=["assigned", "overdue", "escalated"],
        )
        make_channel(
            a,
            ChannelKind.FEISHU,
            name="飞书值班群",
            enabled=False,
            url="https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e-d78e-4a07-bd07-265f269f86fd",
        )
        hazard = cast.a.risks["hazard_rectifying"]
        url = f"/hazards/{hazard.public_id}/"
        for kind, title, body in [
            ("accepted", f"隐患已验收销号：{hazard.number} 储罐保温层破损", ""),
            (
                "rejected",
                f"整改验收未通过：{hazard.number} 储罐保温层破损",
                "保温层接缝未密封，请重新处理后提交",
            ),
            ("due_soon", f"整改即将到期：{hazard.number} 储罐保温层破损", "整改期限：明天 18:00"),
            (
                "overdue",
                f"整改已逾期：{hazard.number} 储罐保温层破损",
                "已逾期 1 天，请尽快完成整改",
            ),
        ]:
            notify(
                enterprise_id=a.pk,
                recipients=[cast.team_leader],
                kind=kind,
                title=title,
                body=body,
                url=url,
            )
        Notification.objects.filter(recipient=cast.team_leader, kind="accepted").update(
            read_at="2026-01-01T00:00:00Z"
        )
        retry_deliveries.call()
        yield cast, robot


def _login(context: Any, live_server: Any, user: Any) -> Any:
    from dualprev.core.testing import PASSWORD

    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_the_team_leader_reads_the_inbox_on_a_phone(
    browser: Any, live_server: Any, screenshot: Any, world: Any
) -> None:
    from dualprev.notifications.models import Notification

    cast, _ = world
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = _login(context, live_server, cast.team_leader)
    unread = Notification.objects.filter(recipient=cast.team_leader, read_at__isnull=True).count()
    assert page.inner_text("#inbox-unread") == str(unread)
    page.click(".inbox-link")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/inbox/")
    screenshot(page, "notifications-inbox-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the inbox scrolls sideways on a phone"
    first = page.locator(".msg").first
    assert "整改已逾期" in first.inner_text()  # unread first, newest first
    first.locator("button").click()
    page.wait_for_load_state("networkidle")
    hazard = cast.a.risks["hazard_rectifying"]
    assert page.url.endswith(f"/hazards/{hazard.public_id}/")
    assert Notification.objects.get(recipient=cast.team_leader, kind="overdue").read_at
    assert page.inner_text("#inbox-unread") == str(unread - 1)
    context.close()


def test_the_safety_officer_manages_robots_and_reads_the_log(
    browser: Any, live_server: Any, screenshot: Any, world: Any
) -> None:
    cast, robot = world
    context = browser.new_context(viewport=LAPTOP)
    page = _login(context, live_server, cast.safety_officer)
    page.goto(f"{live_server.url}/notifications/channels/")
    body = page.inner_text("main")
    assert "安全生产管理群" in body and "…5aaa" in body and "693a91f6" not in body
    screenshot(page, "notifications-channels-laptop")

    page.click("#add-channel")
    page.select_option("#id_kind", "wecom")
    assert page.is_hidden("#field-secret") and page.is_visible("#field-webhook_url")
    page.select_option("#id_kind", "email")
    assert page.is_hidden("#field-webhook_url") and page.is_visible("#field-email")
    page.select_option("#id_kind", "dingtalk")
    assert page.is_visible("#field-secret")
    page.fill("#id_name", "安全生产管理群")
    page.fill("#id_webhook_url", "ftp://example.com/robot")
    page.click("#channel-form button[type=submit]")
    assert "https://" in page.inner_text("#field-webhook_url")
    assert "同名" in page.inner_text("main")
    screenshot(page, "notifications-channel-form-errors")

    page.goto(f"{live_server.url}/notifications/channels/")
    row = page.locator("tr", has_text="安全生产管理群")
    row.get_by_role("button", name="发送测试消息").click()
    page.wait_for_load_state("networkidle")
    assert "测试消息已发送" in page.inner_text(".messages")
    assert "测试消息" in robot.requests[-1].body["markdown"]["content"]

    page.goto(f"{live_server.url}/notifications/deliveries/")
    log = page.inner_text("#delivery-table")
    assert "失败待重试" in log and "310000" in log and "已发送" in log
    screenshot(page, "notifications-deliveries-laptop")
    context.close()
