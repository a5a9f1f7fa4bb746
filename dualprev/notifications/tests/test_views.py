"""The pages: the inbox (own messages only), the header badge, the channel settings and the
delivery log (company roles of the enterprise only)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dualprev.notifications.actions import notify
from dualprev.notifications.choices import ChannelKind, DeliveryStatus, NotificationKind
from dualprev.notifications.models import Delivery, Notification, NotificationChannel
from dualprev.notifications.tasks import retry_deliveries
from dualprev.notifications.testing import make_channel

pytestmark = pytest.mark.django_db

HOME = "/enterprise/"  # the enterprise home page: any page shows the header badge


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _message(cast: Any, user: Any, title: str, kind: str = "assigned", url: str = "") -> Any:
    (note,) = notify(
        enterprise_id=cast.a.enterprise.pk, recipients=[user], kind=kind, title=title, url=url
    )
    return note


# --- Inbox -----------------------------------------------------------------------------------


def test_the_inbox_lists_my_messages_unread_first(cast: Any) -> None:
    Notification.objects.all().delete()
    old = _message(cast, cast.worker, "已读的旧消息")
    Notification.objects.filter(pk=old.pk).update(read_at="2026-01-01T00:00:00Z")
    _message(cast, cast.worker, "未读的第一条")
    _message(cast, cast.worker, "未读的第二条", kind="overdue")
    _message(cast, cast.team_leader, "班组长的消息")
    body = _client(cast.worker).get("/inbox/").content.decode()
    assert body.index("未读的第二条") < body.index("未读的第一条") < body.index("已读的旧消息")
    assert "班组长的消息" not in body
    assert "2 条未读" in body and 'id="inbox-unread">2<' in body
    assert "整改已逾期" in body  # the kind's label


def test_the_unread_filter_and_pagination(cast: Any) -> None:
    Notification.objects.all().delete()
    for i in range(25):
        _message(cast, cast.worker, f"消息{i:02d}")
    Notification.objects.filter(title="消息00").update(read_at="2026-01-01T00:00:00Z")
    client = _client(cast.worker)
    first = client.get("/inbox/").content.decode()
    assert first.count('class="msg unread"') == 20 and "第 1 / 2 页，共 25 条" in first
    unread = client.get("/inbox/?unread=1&page=2").content.decode()
    assert unread.count('class="msg unread"') == 4 and "消息00" not in unread


def test_opening_a_message_marks_it_read_and_goes_to_its_page(cast: Any) -> None:
    hazard_url = f"/hazards/{cast.a.risks['hazard'].public_id}/"
    note = _message(cast, cast.worker, "整改任务", url=hazard_url)
    client = _client(cast.worker)
    response = client.post("/inbox/open/", {"id": note.public_id})
    assert response.status_code == 302 and response.headers["Location"] == hazard_url
    note.refresh_from_db()
    first_read = note.read_at
    assert first_read is not None
    client.post("/inbox/open/", {"id": note.public_id})
    note.refresh_from_db()
    assert note.read_at == first_read  # read once


def test_a_message_without_a_local_page_opens_to_the_inbox(cast: Any) -> None:
    note = _message(cast, cast.worker, "外部链接", url="https://evil.example.com/")
    response = _client(cast.worker).post("/inbox/open/", {"id": note.public_id})
    assert response.headers["Location"] == "/inbox/"


def test_someone_elses_message_is_not_found(cast: Any) -> None:
    note = _message(cast, cast.team_leader, "班组长的消息")
    for user in (cast.worker, cast.outsider, cast.district_regulator, cast.safety_officer):
        assert _client(user).post("/inbox/open/", {"id": note.public_id}).status_code == 404
    assert _client(cast.worker).post("/inbox/open/", {"id": "not-a-uuid"}).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_opening_is_post_only(cast: Any) -> None:
    assert _client(cast.worker).get("/inbox/open/").status_code == 405
    assert _client(cast.worker).get("/inbox/read-all/").status_code == 405


def test_mark_all_read_touches_only_my_messages(cast: Any) -> None:
    mine = [_message(cast, cast.worker, f"我的{i}") for i in range(3)]
    theirs = _message(cast, cast.team_leader, "班组长的")
    client = _client(cast.worker)
    response = client.post("/inbox/read-all/", follow=True)
    assert "已将" in response.content.decode()
    assert all(Notification.objects.get(pk=n.pk).read_at is not None for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert 'id="inbox-unread"' not in client.get("/inbox/").content.decode()


def test_the_header_badge_counts_unread_messages_with_one_query(cast: Any) -> None:
    client = _client(cast.worker)
    before = Notification.objects.filter(recipient=cast.worker, read_at__isnull=True).count()
    _message(cast, cast.worker, "新任务")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(HOME).content.decode()
    assert f'id="inbox-unread">{before + 1}<' in page
    counts = [q["sql"] for q in queries if '"notifications_notification"' in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0]
    # Pages that are not full pages (here a redirect) never run it.
    with CaptureQueriesContext(connection) as queries:
        client.post("/inbox/open/", {})
    assert not [q for q in queries if '"notifications_notification"' in q["sql"]]


def test_a_regulator_has_no_inbox_badge(cast: Any) -> None:
    page = _client(cast.district_regulator).get("/regulator/").content.decode()
    assert "inbox-link" not in page
    assert "还没有消息" in _client(cast.district_regulator).get("/inbox/").content.decode()


def test_a_member_who_moved_on_does_not_read_the_old_enterprises_messages(cast: Any) -> None:
    from dualprev.accounts.models import Membership

    _message(cast, cast.worker, "甲公司的任务")
    Membership.objects.filter(user=cast.worker).update(enterprise=cast.b.enterprise)
    body = _client(cast.worker).get("/inbox/").content.decode()
    assert "甲公司的任务" not in body


# --- Channels --------------------------------------------------------------------------------

DING_URL = "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789WXYZ"


def _channel_post(client: Client, url: str = "/notifications/channels/new/", **values: Any) -> Any:
    data = {
        "name": "安全生产群",
        "kind": "dingtalk",
        "webhook_url": DING_URL,
        "secret": "SECdeadbeef",
        "event_kinds": ["assigned", "overdue", "escalated"],
        "enabled": "on",
    } | values
    return client.post(url, data)


def test_a_safety_officer_adds_a_signed_dingtalk_robot(cast: Any) -> None:
    client = _client(cast.safety_officer)
    response = _channel_post(client)
    assert response.status_code == 302
    channel = NotificationChannel.objects.get(name="安全生产群")
    assert channel.enterprise == cast.a.enterprise and channel.created_by == cast.safety_officer
    assert channel.webhook_url == DING_URL and channel.secret == "SECdeadbeef"
    assert channel.event_kinds == ["assigned", "overdue", "escalated"]
    page = client.get("/notifications/channels/").content.decode()
    assert "https://oapi.dingtalk.com/…WXYZ" in page
    assert "abcdef0123456789" not in page and "SECdeadbeef" not in page
    assert "加签" in page and "整改已逾期" in page


def test_editing_keeps_the_address_and_secret_left_blank(cast: Any) -> None:
    client = _client(cast.safety_officer)
    _channel_post(client)
    channel = NotificationChannel.objects.get(name="安全生产群")
    form = client.get(f"/notifications/channels/{channel.public_id}/edit/").content.decode()
    assert "abcdef0123456789" not in form and "SECdeadbeef" not in form
    assert "…WXYZ" in form
    kinds = NotificationKind.values
    _channel_post(
        client,
        f"/notifications/channels/{channel.public_id}/edit/",
        name="安全群（改名）",
        webhook_url="",
        secret="",
        event_kinds=kinds,
    )
    channel.refresh_from_db()
    assert channel.name == "安全群（改名）"
    assert channel.webhook_url == DING_URL and channel.secret == "SECdeadbeef"
    assert channel.event_kinds == []  # every kind ticked = all, including later ones
    _channel_post(
        client,
        f"/notifications/channels/{channel.public_id}/edit/",
        webhook_url="",
        secret="",
        clear_secret="on",
    )
    channel.refresh_from_db()
    assert channel.secret == ""


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"webhook_url": "ftp://oapi.dingtalk.com/robot"}, "https://"),
        ({"webhook_url": "javascript:alert(1)"}, "https://"),
        ({"webhook_url": "https://x.example.com/" + "a" * 500}, "500"),
        ({"webhook_url": ""}, "请填写机器人的 Webhook 地址"),
        ({"kind": "wecom", "secret": "abc"}, "没有加签"),
        ({"kind": "email", "email": ""}, "请填写接收消息的邮箱地址"),
        ({"event_kinds": []}, "请至少选择一种消息类型"),
        ({"kind": "sms"}, "选择一个有效的选项"),
    ],
)
def test_bad_channel_input_gets_a_clear_message_and_saves_nothing(
    cast: Any, values: dict[str, Any], error: str
) -> None:
    response = _channel_post(_client(cast.safety_officer), **values)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not NotificationChannel.objects.exists()


def test_a_group_mailbox_needs_email_configured_on_the_server(cast: Any, settings: Any) -> None:
    client = _client(cast.safety_officer)
    mailbox = {"kind": "email", "email": "aq-group@example.com", "webhook_url": "", "secret": ""}
    response = _channel_post(client, **mailbox)
    assert "服务器未配置邮件发送" in response.content.decode()
    settings.DUALPREV_EMAIL_ENABLED = True
    assert _channel_post(client, **mailbox).status_code == 302
    channel = NotificationChannel.objects.get()
    assert channel.kind == ChannelKind.EMAIL and channel.email == "aq-group@example.com"
    assert channel.webhook_url == "" and channel.secret == ""


def test_a_duplicate_name_is_refused(cast: Any) -> None:
    client = _client(cast.safety_officer)
    _channel_post(client)
    response = _channel_post(client)
    assert "同名" in response.content.decode()
    assert NotificationChannel.objects.count() == 1


def test_disabling_a_channel_stops_its_messages(cast: Any) -> None:
    channel = make_channel(cast.a.enterprise, ChannelKind.WECOM)
    client = _client(cast.safety_officer)
    client.post(f"/notifications/channels/{channel.public_id}/toggle/", {"enabled": "0"})
    channel.refresh_from_db()
    assert not channel.enabled
    Delivery.objects.all().delete()
    _message(cast, cast.worker, "整改任务")
    assert not Delivery.objects.exists()
    client.post(f"/notifications/channels/{channel.public_id}/toggle/", {"enabled": "1"})
    channel.refresh_from_db()
    assert channel.enabled


def test_the_test_button_sends_to_the_robot_and_logs_it(cast: Any, robot: Any) -> None:
    channel = make_channel(
        cast.a.enterprise, ChannelKind.WECOM, name="测试群", url=robot.url("/send?key=k9")
    )
    client = _client(cast.safety_officer)
    response = client.post(f"/notifications/channels/{channel.public_id}/test/", follow=True)
    body = response.content.decode()
    assert "测试消息已发送到“测试群”" in body
    (request,) = robot.requests
    assert "测试消息" in request.body["markdown"]["content"]
    delivery = Delivery.objects.get(event_kind="test")
    assert delivery.status == DeliveryStatus.SENT and delivery.channel == channel
    assert "测试群" in body and "已发送" in body  # the log, filtered to the channel


def test_a_failed_test_message_says_why_and_is_not_retried(cast: Any, robot: Any) -> None:
    robot.answer((200, {"errcode": 93000, "errmsg": "invalid webhook url"}))
    channel = make_channel(cast.a.enterprise, ChannelKind.WECOM, url=robot.url("/send?key=k9"))
    response = _client(cast.safety_officer).post(
        f"/notifications/channels/{channel.public_id}/test/", follow=True
    )
    assert "测试消息发送失败：机器人拒绝：错误码 93000" in response.content.decode()
    delivery = Delivery.objects.get(event_kind="test")
    assert delivery.status == DeliveryStatus.DEAD and delivery.attempts == 1
    assert retry_deliveries.call()["failed"] == 0


def test_read_only_roles_cannot_manage_channels(cast: Any) -> None:
    channel = make_channel(cast.a.enterprise, ChannelKind.WECOM)
    for user in (cast.worker, cast.team_leader, cast.a.users["dept"]):
        client = _client(user)
        assert client.get("/notifications/channels/").status_code == 403
        assert _channel_post(client).status_code == 403
        toggle = f"/notifications/channels/{channel.public_id}/toggle/"
        assert client.post(toggle, {"enabled": "0"}).status_code == 403
        assert client.get("/notifications/deliveries/").status_code == 403
    channel.refresh_from_db()
    assert channel.enabled and NotificationChannel.objects.count() == 1


def test_another_enterprise_cannot_see_or_touch_the_channel(cast: Any) -> None:
    channel = make_channel(cast.a.enterprise, ChannelKind.WECOM, name="甲公司安全群")
    client = _client(cast.outsider)
    assert "甲公司安全群" not in client.get("/notifications/channels/").content.decode()
    for action in ("edit", "toggle", "test"):
        url = f"/notifications/channels/{channel.public_id}/{action}/"
        assert client.post(url, {"enabled": "0"}).status_code == 404
    channel.refresh_from_db()
    assert channel.enabled and not Delivery.objects.filter(channel=channel).exists()


# --- Delivery log ----------------------------------------------------------------------------


def test_the_delivery_log_shows_status_attempts_and_errors_of_my_enterprise_only(
    cast: Any, robot: Any
) -> None:
    robot.answer((500, {}))
    make_channel(
        cast.a.enterprise, ChannelKind.WECOM, name="甲-企业微信", url=robot.url("/s?key=1")
    )
    make_channel(
        cast.b.enterprise, ChannelKind.WECOM, name="乙-企业微信", url=robot.url("/s?key=2")
    )
    Delivery.objects.all().delete()
    _message(cast, cast.worker, "甲公司的整改任务")
    notify(
        enterprise_id=cast.b.enterprise.pk, recipients=[], kind="assigned", title="乙公司的整改任务"
    )
    retry_deliveries.call()
    page = _client(cast.safety_officer).get("/notifications/deliveries/").content.decode()
    assert "甲公司的整改任务" in page and "乙公司的整改任务" not in page
    assert "失败待重试" in page and "HTTP 500" in page and "1 / 5" in page
    other = _client(cast.outsider).get("/notifications/deliveries/").content.decode()
    assert "乙公司的整改任务" in other and "甲公司的整改任务" not in other


def test_the_delivery_log_filters(cast: Any, robot: Any) -> None:
    wecom = make_channel(cast.a.enterprise, ChannelKind.WECOM, name="群A", url=robot.url("/a?k=1"))
    make_channel(cast.a.enterprise, ChannelKind.FEISHU, name="群B", url=robot.url("/b/hook"))
    robot.answer((200, {"errcode": 0}), (200, {"code": 19001, "msg": "param invalid"}))
    Delivery.objects.all().delete()
    _message(cast, cast.worker, "整改任务一")
    retry_deliveries.call()
    client = _client(cast.safety_officer)
    failed = client.get("/notifications/deliveries/?status=failed").content.decode()
    assert failed.count('data-status="failed"') == 1 and 'data-status="sent"' not in failed
    by_channel = client.get(
        f"/notifications/deliveries/?channel={wecom.public_id}"
    ).content.decode()
    assert by_channel.count("<tr data-status") == 1
    by_medium = client.get("/notifications/deliveries/?medium=feishu").content.decode()
    assert by_medium.count("<tr data-status") == 1 and "群B" in by_medium
    nonsense = client.get("/notifications/deliveries/?status=bogus&channel=xyz").content.decode()
    assert nonsense.count("<tr data-status") == 2  # bad filters are ignored
