"""E-mail, sent by Django's SMTP backend to a local SMTP server started by the test."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from dualprev.notifications.actions import notify
from dualprev.notifications.choices import ChannelKind, DeliveryStatus
from dualprev.notifications.models import Delivery, Notification
from dualprev.notifications.tasks import retry_deliveries
from dualprev.notifications.testing import make_channel

pytestmark = pytest.mark.django_db


def _event(cast: Any, recipients: list[Any]) -> list[Notification]:
    Delivery.objects.all().delete()
    return notify(
        enterprise_id=cast.a.enterprise.pk,
        recipients=recipients,
        kind="pending_accept",
        title="隐患整改待验收：YH-2026-0003 配电室门未关",
        body="整改说明：已更换门锁",
        url="/hazards/p/",
    )


def test_each_recipient_with_an_address_gets_an_email(cast: Any, smtp: Any, base_url: str) -> None:
    cast.safety_officer.email = "anquan@jia-chem.example.com"
    cast.safety_officer.save()
    notes = _event(cast, [cast.safety_officer, cast.owner])  # the owner has no address
    assert retry_deliveries.call()["sent"] == 1
    (mail,) = smtp.received
    assert mail.rcpt_to == ["anquan@jia-chem.example.com"]
    assert mail.mail_from == "dualprev@test.local"
    assert mail.subject == "[双重预防信息平台] 隐患整改待验收：YH-2026-0003 配电室门未关"
    assert "【待验收】隐患整改待验收：YH-2026-0003" in mail.text
    assert "整改说明：已更换门锁" in mail.text
    assert "https://aq.example.com/hazards/p/" in mail.text
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.notification == notes[0] and notes[0].recipient == cast.safety_officer
    # Both still get the inbox message.
    assert Notification.objects.filter(title__startswith="隐患整改待验收").count() == 2


def test_a_group_mailbox_gets_one_email_per_event(cast: Any, smtp: Any) -> None:
    make_channel(cast.a.enterprise, ChannelKind.EMAIL, email="aq-group@jia-chem.example.com")
    _event(cast, [cast.safety_officer, cast.owner, cast.worker])
    retry_deliveries.call()
    assert [m.rcpt_to for m in smtp.received] == [["aq-group@jia-chem.example.com"]]
    assert "甲化工有限公司" in smtp.received[0].text


def test_a_refused_address_is_retried_later(cast: Any, smtp: Any) -> None:
    cast.worker.email = "nobody@example.com"
    cast.worker.save()
    smtp.refuse.add("nobody@example.com")
    with time_machine.travel(timezone.now(), tick=False):
        _event(cast, [cast.worker])
        assert retry_deliveries.call()["failed"] == 1
        delivery = Delivery.objects.get()
        assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
        assert "拒绝" in delivery.last_error and "nobody@example.com" in delivery.last_error
        assert delivery.next_attempt_at == timezone.now() + dt.timedelta(minutes=1)
    assert smtp.received == []


def test_no_smtp_server_is_a_failure(cast: Any, smtp: Any, settings: Any) -> None:
    from dualprev.notifications.tests.servers import refused_url

    settings.EMAIL_PORT = int(refused_url().split(":")[2].split("/")[0])
    cast.worker.email = "worker@example.com"
    cast.worker.save()
    _event(cast, [cast.worker])
    assert retry_deliveries.call()["failed"] == 1
    assert "邮件发送失败" in Delivery.objects.get().last_error
