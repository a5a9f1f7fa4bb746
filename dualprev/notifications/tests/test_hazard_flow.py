"""The hazard workflow tells the right people through ``notify``: whoever is to act next gets
an inbox message (and the group robot hears about it once)."""

from __future__ import annotations

from typing import Any

import pytest

from dualprev.hazards.actions import (
    ReportInput,
    accept_hazard,
    confirm_hazard,
    reject_rectification,
    report_hazard,
    submit_rectification,
)
from dualprev.hazards.testing import graded, photo
from dualprev.notifications.choices import ChannelKind, NotificationKind
from dualprev.notifications.models import Delivery, Notification
from dualprev.notifications.testing import make_channel

pytestmark = pytest.mark.django_db


def _inbox(user: Any) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("kind", "title")
    )


def test_a_report_tells_the_managers(cast: Any) -> None:
    Notification.objects.all().delete()
    hazard = report_hazard(
        enterprise_id=cast.a.enterprise.pk,
        reporter=cast.worker,
        data=ReportInput(name="配电室门未关", description="配电室门敞开"),
    )
    for manager in (cast.safety_officer, cast.owner):
        assert _inbox(manager) == [
            (NotificationKind.REPORTED, f"新隐患待确认：{hazard.number} 配电室门未关")
        ]
    assert _inbox(cast.worker) == [] and _inbox(cast.outsider) == []


def test_confirming_a_graded_hazard_assigns_it_to_the_liable_person(cast: Any) -> None:
    hazard = cast.a.risks["hazard"]
    graded(hazard, cast.safety_officer, cast.team_leader, unit=cast.a.team)
    Notification.objects.all().delete()
    confirm_hazard(hazard=hazard, acting_user=cast.safety_officer)
    (note,) = Notification.objects.all()
    assert note.recipient == cast.team_leader and note.kind == NotificationKind.ASSIGNED
    assert note.title == f"隐患整改任务：{hazard.number} 消防通道堆放杂物"
    assert note.body.startswith("整改期限：")
    assert note.url == f"/hazards/{hazard.public_id}/"
    assert note.enterprise == cast.a.enterprise


def test_the_rest_of_the_loop_tells_acceptors_the_rectifier_and_the_reporter(
    cast: Any, robot: Any
) -> None:
    make_channel(cast.a.enterprise, ChannelKind.WECOM, url=robot.url("/send?key=k"))
    hazard = cast.a.risks["hazard_rectifying"]  # liable: the team leader; reported by the worker
    Notification.objects.all().delete()
    Delivery.objects.all().delete()

    submit_rectification(
        hazard=hazard, acting_user=cast.team_leader, note="已更换", photos=[photo()]
    )
    pending = Notification.objects.filter(kind=NotificationKind.PENDING_ACCEPT)
    assert cast.team_leader.pk not in pending.values_list("recipient_id", flat=True)
    assert cast.safety_officer.pk in pending.values_list("recipient_id", flat=True)
    # The group robot gets the event once, however many acceptors were told.
    assert Delivery.objects.filter(event_kind=NotificationKind.PENDING_ACCEPT).count() == 1

    reject_rectification(hazard=hazard, acting_user=cast.safety_officer, reason="接缝未密封")
    assert (NotificationKind.REJECTED, f"整改验收未通过：{hazard.number} 储罐保温层破损") in _inbox(
        cast.team_leader
    )
    assert Notification.objects.get(kind=NotificationKind.REJECTED).body == "接缝未密封"

    submit_rectification(
        hazard=hazard, acting_user=cast.team_leader, note="接缝已密封", photos=[photo()]
    )
    accept_hazard(hazard=hazard, acting_user=cast.safety_officer, comment="整改合格")
    accepted = Notification.objects.filter(kind=NotificationKind.ACCEPTED)
    assert set(accepted.values_list("recipient_id", flat=True)) == {
        cast.worker.pk,
        cast.team_leader.pk,
    }
    assert accepted.count() == 2  # liable person and rectifier are one person: one message
