"""Robot addresses are limited to the official robot hosts of each kind (over HTTPS), plus the
hosts the operator allows in ``DUALPREV_WEBHOOK_ALLOWED_HOSTS``: a company administrator cannot
point a robot at the server's own network (127.0.0.1, 10.x, the cloud metadata address) and
read the answers through the test button or the delivery log. The rule holds on the form, on
the model, and again before every try, for rows stored before it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from dualprev.notifications.actions import notify
from dualprev.notifications.choices import ChannelKind, DeliveryStatus
from dualprev.notifications.models import Delivery, NotificationChannel, webhook_url_problem
from dualprev.notifications.tasks import retry_deliveries
from dualprev.notifications.testing import make_channel
from dualprev.notifications.tests.servers import LocalRobot

pytestmark = pytest.mark.django_db

OFFICIAL = {
    ChannelKind.WECOM: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx",
    ChannelKind.DINGTALK: "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123",
    ChannelKind.FEISHU: "https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e-d78e",
}
LARK = "https://open.larksuite.com/open-apis/bot/v2/hook/5e3d587e-d78e"
NOT_ALLOWED = "DUALPREV_WEBHOOK_ALLOWED_HOSTS"


def _post(user: Any, url: str = "/notifications/channels/new/", **values: Any) -> str:
    client = Client()
    client.force_login(user)
    data = {
        "name": "安全生产群",
        "kind": "dingtalk",
        "webhook_url": OFFICIAL[ChannelKind.DINGTALK],
        "secret": "",
        "event_kinds": ["assigned"],
        "enabled": "on",
    } | values
    response = client.post(url, data)
    if response.status_code == 302:
        return ""
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("kind", "url", "error"),
    [
        ("wecom", "http://127.0.0.1:8000/cgi-bin/webhook/send?key=k", NOT_ALLOWED),
        ("dingtalk", "https://10.0.0.5/robot/send?access_token=t", NOT_ALLOWED),
        ("dingtalk", "https://192.168.1.1/robot/send?access_token=t", NOT_ALLOWED),
        ("feishu", "http://169.254.169.254/latest/meta-data/", NOT_ALLOWED),
        ("wecom", "https://localhost/send?key=k", NOT_ALLOWED),
        ("dingtalk", "https://oapi.dingtalk.com.evil.example/robot/send", NOT_ALLOWED),
        ("dingtalk", "http://oapi.dingtalk.com/robot/send?access_token=t", "https://"),
        ("dingtalk", "https://oapi.dingtalk.com:8443/robot/send?access_token=t", "端口"),
        ("wecom", OFFICIAL[ChannelKind.DINGTALK], "这是钉钉群机器人的地址"),
        ("dingtalk", OFFICIAL[ChannelKind.FEISHU], "这是飞书群机器人的地址"),
        ("feishu", OFFICIAL[ChannelKind.WECOM], "这是企业微信群机器人的地址"),
        ("dingtalk", "https://oapi.dingtalk.com@127.0.0.1/robot/send", "格式"),
    ],
)
def test_an_address_outside_the_official_robot_hosts_is_refused_with_a_message(
    cast: Any, kind: str, url: str, error: str
) -> None:
    page = _post(cast.safety_officer, kind=kind, webhook_url=url)

    assert error in page
    assert not NotificationChannel.objects.exists()
    assert error in (webhook_url_problem(kind, url) or "")
    channel = NotificationChannel(
        enterprise=cast.a.enterprise, name="群", kind=kind, webhook_url=url, event_kinds=[]
    )
    with pytest.raises(ValidationError) as caught:
        channel.full_clean()
    assert "webhook_url" in caught.value.message_dict


@pytest.mark.parametrize(
    "url",
    [
        "https://oapi.dingtalk.com\t@127.0.0.1/robot/send",
        "https://127.0.0.1\\@oapi.dingtalk.com/robot/send",
        "https://oapi.dingtalk.com\n.evil.example/robot/send",
        " https://oapi.dingtalk.com/robot/send",
        "https://[::1]/robot/send",
        "https://2130706433/robot/send",
        "<URL:https://oapi.dingtalk.com/robot/send>",
    ],
)
def test_addresses_url_parsers_read_differently_are_refused(url: str) -> None:
    assert webhook_url_problem("dingtalk", url) is not None


@pytest.mark.parametrize(
    ("kind", "url"),
    [*OFFICIAL.items(), (ChannelKind.FEISHU, LARK)],
)
def test_each_kind_accepts_its_official_host(cast: Any, kind: str, url: str) -> None:
    assert webhook_url_problem(kind, url) is None
    assert webhook_url_problem(kind, url.replace(".com/", ".com:443/", 1)) is None

    assert _post(cast.safety_officer, kind=kind, webhook_url=url) == ""

    channel = NotificationChannel.objects.get()
    assert (channel.kind, channel.webhook_url) == (kind, url)


def test_the_operator_may_allow_more_hosts(cast: Any, settings: Any) -> None:
    relay = "https://robot-relay.corp.example/wecom/send?key=k"
    plain = "http://robot-relay.corp.example:8080/wecom/send?key=k"
    assert NOT_ALLOWED in (webhook_url_problem("wecom", relay) or "")

    settings.DUALPREV_WEBHOOK_ALLOWED_HOSTS = ["robot-relay.corp.example"]
    assert webhook_url_problem("wecom", relay) is None
    assert webhook_url_problem("dingtalk", relay) is None  # a relay serves every kind
    assert webhook_url_problem("wecom", plain) is not None  # HTTPS only unless said otherwise

    settings.DUALPREV_WEBHOOK_ALLOWED_HOSTS = ["http://Robot-Relay.corp.example/"]
    assert webhook_url_problem("wecom", plain) is None
    assert webhook_url_problem("wecom", "http://127.0.0.1/send") is not None

    assert _post(cast.safety_officer, kind="wecom", webhook_url=plain) == ""
    assert NotificationChannel.objects.get().webhook_url == plain


def test_changing_the_kind_checks_the_stored_address_against_the_new_kind(cast: Any) -> None:
    channel = make_channel(
        cast.a.enterprise, ChannelKind.DINGTALK, url=OFFICIAL[ChannelKind.DINGTALK]
    )

    page = _post(
        cast.safety_officer,
        f"/notifications/channels/{channel.public_id}/edit/",
        kind="wecom",
        webhook_url="",
    )

    assert "这是钉钉群机器人的地址" in page
    channel.refresh_from_db()
    assert channel.kind == ChannelKind.DINGTALK


def _stored_local_channel(cast: Any, robot: LocalRobot) -> NotificationChannel:
    """A channel stored before the rule (written around the form): it points at 127.0.0.1,
    and nothing allows that host."""
    return make_channel(
        cast.a.enterprise, ChannelKind.WECOM, name="旧群", url=robot.url("/send?key=k")
    )


def test_a_stored_address_that_is_not_allowed_is_never_posted_to(cast: Any) -> None:
    with LocalRobot() as robot:
        _stored_local_channel(cast, robot)
        notify(
            enterprise_id=cast.a.enterprise.pk,
            recipients=[cast.team_leader],
            kind="assigned",
            title="隐患整改任务：YH-2026-0001",
        )

        counts = retry_deliveries.call()

        assert robot.requests == []
    assert counts["dead"] == 1
    delivery = Delivery.objects.get(channel__isnull=False)
    assert delivery.status == DeliveryStatus.DEAD and delivery.next_attempt_at is None
    assert delivery.last_error.startswith("机器人地址不在允许范围内，未发送：")
    assert NOT_ALLOWED in delivery.last_error
    assert retry_deliveries.call()["dead"] == 0  # given up for good


def test_the_test_button_does_not_probe_a_stored_internal_address(cast: Any) -> None:
    with LocalRobot() as robot:
        channel = _stored_local_channel(cast, robot)
        client = Client()
        client.force_login(cast.safety_officer)

        page = client.post(
            f"/notifications/channels/{channel.public_id}/test/", follow=True
        ).content.decode()

        assert robot.requests == []
    assert "测试消息发送失败：机器人地址不在允许范围内" in page
    assert Delivery.objects.get(event_kind="test").status == DeliveryStatus.DEAD


def test_the_local_test_receiver_is_reached_only_through_the_setting(
    cast: Any, settings: Any
) -> None:
    settings.DUALPREV_WEBHOOK_ALLOWED_HOSTS = ["http://127.0.0.1"]
    with LocalRobot() as robot:
        _stored_local_channel(cast, robot)
        notify(
            enterprise_id=cast.a.enterprise.pk,
            recipients=[cast.team_leader],
            kind="assigned",
            title="隐患整改任务：YH-2026-0001",
        )

        assert retry_deliveries.call()["sent"] == 1
        assert len(robot.requests) == 1
