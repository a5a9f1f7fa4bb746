"""``notify``: who gets an inbox message, which deliveries are queued, and when sending starts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from dualprev.notifications.actions import notify
from dualprev.notifications.choices import ChannelKind, DeliveryStatus, NotificationKind
from dualprev.notifications.models import Delivery, Notification
from dualprev.notifications.testing import make_channel

pytestmark = pytest.mark.django_db


def _notify(cast: Any, recipients: list[Any], kind: str = "assigned", **extra: Any) -> list[Any]:
    return notify(
        enterprise_id=cast.a.enterprise.pk,
        recipients=recipients,
        kind=kind,
        title="隐患整改任务：YH-2026-0001 消防通道堆放杂物",
        body="整改期限：2026-05-01",
        url="/hazards/x/",
        **extra,
    )


def test_only_the_given_recipients_of_the_enterprise_get_a_message(cast: Any) -> None:
    Notification.objects.all().delete()
    notes = _notify(
        cast,
        [cast.worker, cast.team_leader, cast.worker, cast.outsider, cast.district_regulator, None],
    )
    assert [n.recipient for n in notes] == [cast.worker, cast.team_leader]
    rows = Notification.objects.all()
    assert {(n.recipient_id, n.enterprise_id) for n in rows} == {
        (cast.worker.pk, cast.a.enterprise.pk),
        (cast.team_leader.pk, cast.a.enterprise.pk),
    }
    note = rows.get(recipient=cast.worker)
    assert note.kind == NotificationKind.ASSIGNED and note.read_at is None
    assert note.body == "整改期限：2026-05-01" and note.url == "/hazards/x/"


def test_recipients_may_be_given_by_id_and_inactive_members_get_nothing(cast: Any) -> None:
    Notification.objects.all().delete()
    cast.team_leader.membership.is_active = False
    cast.team_leader.membership.save()
    notes = _notify(cast, [cast.worker.pk, cast.team_leader.pk])
    assert [n.recipient_id for n in notes] == [cast.worker.pk]


def test_an_unknown_kind_is_refused(cast: Any) -> None:
    with pytest.raises(ValueError):
        _notify(cast, [cast.worker], kind="asigned")


def test_without_email_configured_only_the_inbox_is_written(cast: Any) -> None:
    cast.worker.email = "worker@example.com"
    cast.worker.save()
    Delivery.objects.all().delete()
    _notify(cast, [cast.worker])
    assert not Delivery.objects.exists()


def test_each_recipient_with_an_address_gets_an_email_delivery(cast: Any, settings: Any) -> None:
    settings.DUALPREV_EMAIL_ENABLED = True
    cast.worker.email = "worker@example.com"
    cast.worker.save()
    notes = _notify(cast, [cast.worker, cast.team_leader])  # the team leader has no address
    deliveries = list(Delivery.objects.all())
    assert len(deliveries) == 1
    mail = deliveries[0]
    assert mail.medium == ChannelKind.EMAIL and mail.channel is None
    assert mail.target == "worker@example.com" and mail.notification == notes[0]
    assert mail.status == DeliveryStatus.PENDING and mail.attempts == 0
    assert mail.next_attempt_at is not None
    assert "隐患整改任务" in mail.payload["subject"]


def test_a_group_robot_gets_one_message_per_event_not_one_per_recipient(cast: Any) -> None:
    wecom = make_channel(cast.a.enterprise, ChannelKind.WECOM, name="安全群")
    make_channel(cast.a.enterprise, ChannelKind.DINGTALK, name="停用的群", enabled=False)
    make_channel(
        cast.a.enterprise,
        ChannelKind.FEISHU,
        name="只收逾期",
        event_kinds=[NotificationKind.OVERDUE],
    )
    make_channel(cast.b.enterprise, ChannelKind.WECOM, name="乙公司群")
    Delivery.objects.all().delete()
    _notify(cast, [cast.worker, cast.team_leader, cast.owner])
    robot = Delivery.objects.get()
    assert robot.channel == wecom and robot.enterprise == cast.a.enterprise
    assert robot.notification is None and robot.target == "安全群"
    assert robot.payload["msgtype"] == "markdown"
    assert "甲化工有限公司" in robot.payload["markdown"]["content"]


def test_a_channel_carrying_the_kind_gets_it(cast: Any) -> None:
    channel = make_channel(
        cast.a.enterprise, ChannelKind.FEISHU, event_kinds=[NotificationKind.OVERDUE]
    )
    Delivery.objects.all().delete()
    _notify(cast, [cast.worker], kind=NotificationKind.OVERDUE)
    assert Delivery.objects.get().channel == channel


def test_a_robot_message_is_sent_even_when_no_recipient_is_left(cast: Any) -> None:
    """The group hears about the event even if nobody in particular is to be told."""
    make_channel(cast.a.enterprise, ChannelKind.WECOM)
    Delivery.objects.all().delete()
    assert _notify(cast, []) == []
    assert Delivery.objects.count() == 1


def test_sending_is_queued_only_after_the_transaction_commits(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_channel(cast.a.enterprise, ChannelKind.WECOM)
    with django_capture_on_commit_callbacks() as callbacks:
        _notify(cast, [cast.worker])
    assert len(callbacks) == 1  # enqueue the send job

    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                _notify(cast, [cast.worker])
                raise RuntimeError("the hazard action failed")
        except RuntimeError:
            pass
    assert callbacks == []


def test_a_message_from_notify_reaches_the_robot_through_the_task_queue(
    cast: Any, settings: Any, robot: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """End to end with the immediate task backend: commit → enqueue → send."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    make_channel(
        cast.a.enterprise, ChannelKind.WECOM, url=robot.url("/cgi-bin/webhook/send?key=k1")
    )
    with django_capture_on_commit_callbacks(execute=True):
        _notify(cast, [cast.worker])
    assert len(robot.requests) == 1
    assert robot.requests[0].body["msgtype"] == "markdown"
    delivery = Delivery.objects.get(channel__isnull=False)
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    assert delivery.sent_at is not None
