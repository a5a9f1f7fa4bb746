"""Group robots, sent to a local HTTP receiver: each platform's JSON body and signature, and
what counts as a failure (HTTP errors, errcode/code ≠ 0, no connection) with its retry."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import unquote

import pytest
import time_machine
from django.utils import timezone

from dualprev.notifications.actions import notify
from dualprev.notifications.choices import ChannelKind, DeliveryStatus
from dualprev.notifications.models import Delivery
from dualprev.notifications.tasks import retry_deliveries
from dualprev.notifications.testing import make_channel
from dualprev.notifications.tests.servers import refused_url

pytestmark = pytest.mark.django_db

DING_SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
FEISHU_SECRET = "fs-secret-5e3d587e"


def _event(cast: Any, kind: str = "rejected") -> None:
    Delivery.objects.all().delete()
    notify(
        enterprise_id=cast.a.enterprise.pk,
        recipients=[cast.team_leader],
        kind=kind,
        title="整改验收未通过：YH-2026-0007 储罐[保温]层破损",
        body="保温层接缝未密封 <b>复查</b>",
        url="/hazards/abc/",
    )


def _run() -> dict[str, int]:
    return retry_deliveries.call()


def test_a_wecom_robot_gets_a_markdown_message(cast: Any, robot: Any, base_url: str) -> None:
    make_channel(
        cast.a.enterprise, ChannelKind.WECOM, url=robot.url("/cgi-bin/webhook/send?key=abc-1234")
    )
    _event(cast)
    assert _run()["sent"] == 1
    (request,) = robot.requests
    assert request.path == "/cgi-bin/webhook/send" and request.query == {"key": "abc-1234"}
    assert request.headers["content-type"].startswith("application/json")
    assert request.body["msgtype"] == "markdown"
    content = request.body["markdown"]["content"]
    assert content.startswith("**【验收未通过】整改验收未通过：YH-2026-0007 储罐［保温］层破损**")
    # User-written text cannot smuggle in Markdown links or tags.
    assert "＜b＞复查＜/b＞" in content and "<b>" not in content
    assert "[查看详情](https://aq.example.com/hazards/abc/)" in content
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT and delivery.payload == request.body


def test_a_signed_dingtalk_robot_gets_markdown_with_a_valid_signature(
    cast: Any, robot: Any
) -> None:
    make_channel(
        cast.a.enterprise,
        ChannelKind.DINGTALK,
        url=robot.url("/robot/send?access_token=tok123"),
        secret=DING_SECRET,
    )
    _event(cast)
    before = int(time.time() * 1000)
    assert _run()["sent"] == 1
    (request,) = robot.requests
    assert request.body["msgtype"] == "markdown"
    assert request.body["markdown"]["title"].startswith("【验收未通过】")
    assert "保温层接缝未密封" in request.body["markdown"]["text"]
    assert request.query["access_token"] == "tok123"
    timestamp = request.query["timestamp"]
    assert abs(int(timestamp) - before) < 60_000  # milliseconds, now
    expected = base64.b64encode(
        hmac.new(
            DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(), hashlib.sha256
        ).digest()
    ).decode()
    assert request.query["sign"] == expected  # parse_qs already URL-decoded it
    # The log keeps what was sent, never the secret or the signature.
    delivery = Delivery.objects.get()
    assert DING_SECRET not in str(delivery.payload) and "sign" not in delivery.payload


def test_the_dingtalk_signature_is_url_encoded_in_the_address(cast: Any, robot: Any) -> None:
    from dualprev.notifications.formats import signed_request

    url, _ = signed_request("dingtalk", "https://x/robot/send?access_token=t", {}, DING_SECRET, 1.5)
    sign = url.split("&sign=")[1]
    assert "+" not in sign and "/" not in sign and "=" not in sign
    assert unquote(sign).endswith("=")


def test_a_signed_feishu_bot_gets_a_post_with_timestamp_and_sign_in_the_body(
    cast: Any, robot: Any, base_url: str
) -> None:
    robot.answer((200, {"code": 0, "msg": "success", "data": {}}))
    make_channel(
        cast.a.enterprise,
        ChannelKind.FEISHU,
        url=robot.url("/open-apis/bot/v2/hook/5e3d587e-d78e"),
        secret=FEISHU_SECRET,
    )
    _event(cast)
    assert _run()["sent"] == 1
    (request,) = robot.requests
    body = request.body
    assert body["msg_type"] == "post"
    post = body["content"]["post"]["zh_cn"]
    assert post["title"] == "【验收未通过】整改验收未通过：YH-2026-0007 储罐[保温]层破损"
    assert [{"tag": "text", "text": "保温层接缝未密封 <b>复查</b>"}] in post["content"]
    assert [
        {"tag": "a", "text": "查看详情", "href": "https://aq.example.com/hazards/abc/"}
    ] in post["content"]
    timestamp = body["timestamp"]
    assert isinstance(timestamp, str) and abs(int(timestamp) - time.time()) < 60  # seconds
    key = f"{timestamp}\n{FEISHU_SECRET}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    stored = Delivery.objects.get().payload
    assert "sign" not in stored and "timestamp" not in stored and stored["msg_type"] == "post"


def test_an_unsigned_feishu_bot_gets_no_signature(cast: Any, robot: Any) -> None:
    robot.answer((200, {"StatusCode": 0, "StatusMessage": "success"}))
    make_channel(cast.a.enterprise, ChannelKind.FEISHU, url=robot.url("/open-apis/bot/v2/hook/x"))
    _event(cast)
    assert _run()["sent"] == 1
    assert "sign" not in robot.requests[0].body


@pytest.mark.parametrize(
    ("kind", "answer", "error"),
    [
        (ChannelKind.WECOM, (200, {"errcode": 93000, "errmsg": "invalid webhook url"}), "93000"),
        (ChannelKind.DINGTALK, (200, {"errcode": 310000, "errmsg": "sign not match"}), "310000"),
        (ChannelKind.FEISHU, (200, {"code": 19021, "msg": "sign match fail"}), "19021"),
        (ChannelKind.WECOM, (500, {"error": "boom"}), "HTTP 500"),
        (ChannelKind.DINGTALK, (200, b"<html>gateway</html>"), "JSON"),
        (ChannelKind.FEISHU, (302, b"", {"Location": "http://127.0.0.1:1/elsewhere"}), "HTTP 302"),
    ],
)
def test_a_refusal_is_a_failure_retried_after_a_minute(
    cast: Any, robot: Any, kind: str, answer: Any, error: str
) -> None:
    robot.answer(answer)
    make_channel(cast.a.enterprise, kind, url=robot.url("/hook?key=k"))
    _event(cast)
    started = timezone.now()
    assert _run()["failed"] == 1
    assert len(robot.requests) == 1  # a redirect is not followed
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert error in delivery.last_error
    assert delivery.next_attempt_at is not None
    wait = delivery.next_attempt_at - started
    assert dt.timedelta(seconds=55) < wait < dt.timedelta(seconds=70)
    assert _run() == {"sent": 0, "failed": 0, "dead": 0, "skipped": 0}  # not due yet


def test_no_connection_is_a_failure_too(cast: Any, local_robots: None) -> None:
    make_channel(cast.a.enterprise, ChannelKind.WECOM, url=refused_url())
    _event(cast)
    assert _run()["failed"] == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "无法连接" in delivery.last_error


def test_retries_back_off_and_give_up_after_five_tries(cast: Any, robot: Any) -> None:
    robot.answer((503, {"errcode": -1}))
    make_channel(cast.a.enterprise, ChannelKind.WECOM, url=robot.url("/hook?key=k"))
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        _event(cast)
        waits = []
        for expected_attempts in range(1, 6):
            _run()
            delivery = Delivery.objects.get()
            assert delivery.attempts == expected_attempts
            if delivery.next_attempt_at:
                waits.append(delivery.next_attempt_at - timezone.now())
                clock.move_to(delivery.next_attempt_at)
        assert waits == [
            dt.timedelta(minutes=1),
            dt.timedelta(minutes=5),
            dt.timedelta(minutes=30),
            dt.timedelta(hours=2),
        ]
        assert delivery.status == DeliveryStatus.DEAD and delivery.next_attempt_at is None
        assert "HTTP 503" in delivery.last_error
        clock.shift(dt.timedelta(days=2))
        assert _run()["sent"] + _run()["failed"] == 0
    assert len(robot.requests) == 5


def test_a_retry_that_succeeds_clears_the_error(cast: Any, robot: Any) -> None:
    robot.answer((500, {}), (200, {"errcode": 0, "errmsg": "ok"}))
    make_channel(cast.a.enterprise, ChannelKind.WECOM, url=robot.url("/hook?key=k"))
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _event(cast)
        _run()
        clock.shift(dt.timedelta(minutes=1))
        assert _run()["sent"] == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert delivery.last_error == ""


def test_a_channel_disabled_before_sending_gets_nothing(cast: Any, robot: Any) -> None:
    channel = make_channel(cast.a.enterprise, ChannelKind.WECOM, url=robot.url("/hook?key=k"))
    _event(cast)
    channel.enabled = False
    channel.save()
    assert _run()["dead"] == 1
    assert robot.requests == []
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DEAD and "停用" in delivery.last_error
