"""The retry job is idempotent: a delivery is claimed by one run only, even when two runs (or
the after-commit job and the retry job) reach it together."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from dualprev.notifications.actions import notify
from dualprev.notifications.choices import ChannelKind, DeliveryStatus
from dualprev.notifications.models import Delivery
from dualprev.notifications.sending import claim, send_now
from dualprev.notifications.tasks import retry_deliveries, send_deliveries
from dualprev.notifications.testing import make_channel

pytestmark = pytest.mark.django_db


def _events(cast: Any, n: int) -> None:
    Delivery.objects.all().delete()
    for i in range(n):
        notify(
            enterprise_id=cast.a.enterprise.pk,
            recipients=[cast.worker],
            kind="overdue",
            title=f"整改已逾期：YH-2026-{i:04d}",
        )


def test_running_the_retry_job_twice_sends_each_message_once(cast: Any, robot: Any) -> None:
    make_channel(cast.a.enterprise, ChannelKind.WECOM, url=robot.url("/hook?key=a"))
    make_channel(cast.a.enterprise, ChannelKind.DINGTALK, url=robot.url("/robot?access_token=b"))
    _events(cast, 3)
    first = retry_deliveries.call()
    second = retry_deliveries.call()
    assert first["sent"] == 6 and second == {"sent": 0, "failed": 0, "dead": 0, "skipped": 0}
    assert len(robot.requests) == 6
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_the_after_commit_job_and_the_retry_job_do_not_both_send(cast: Any, robot: Any) -> None:
    make_channel(cast.a.enterprise, ChannelKind.WECOM, url=robot.url("/hook?key=a"))
    _events(cast, 2)
    ids = list(Delivery.objects.values_list("pk", flat=True))
    assert send_deliveries.call(ids)["sent"] == 2
    assert retry_deliveries.call()["sent"] == 0
    assert send_deliveries.call(ids)["skipped"] == 2
    assert len(robot.requests) == 2


def test_a_claimed_delivery_cannot_be_claimed_again(cast: Any) -> None:
    """What two workers racing for one row get: the second conditional update matches nothing."""
    make_channel(cast.a.enterprise, ChannelKind.WECOM)
    _events(cast, 1)
    delivery = Delivery.objects.get()
    now = timezone.now()
    mine = claim(delivery.pk, now)
    assert mine is not None and mine.attempts == 1
    assert claim(delivery.pk, now) is None
    assert claim(delivery.pk, now + dt.timedelta(minutes=1)) is None
    assert send_now([delivery.pk], now)["skipped"] == 1
    # A worker that died mid-send leaves it to be tried again after the lease.
    assert claim(delivery.pk, now + dt.timedelta(minutes=6)) is not None


def test_deliveries_that_are_not_due_are_left_alone(cast: Any, robot: Any) -> None:
    make_channel(cast.a.enterprise, ChannelKind.WECOM, url=robot.url("/hook?key=a"))
    _events(cast, 1)
    Delivery.objects.update(
        status=DeliveryStatus.FAILED, next_attempt_at=timezone.now() + dt.timedelta(minutes=4)
    )
    assert retry_deliveries.call()["sent"] == 0
    assert robot.requests == []
