"""Deadline follow-up with time-machine: a reminder a day before the deadline (once), overdue
just after it, one escalation one org level up per three days overdue — caught up after an
outage and stopping at the root — and the hazards it must never touch.

The cast is built at NOW: enterprise A's hazard under rectification was confirmed then with a
7-day deadline (liable: the team leader; responsible unit: the team, under the production
department, under the company)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import F

from dualprev.accounts.choices import EnterpriseRole
from dualprev.accounts.models import Membership
from dualprev.core.testing import Cast, make_user
from dualprev.hazards import deadlines
from dualprev.hazards.actions import (
    accept_hazard,
    cancel_hazard,
    confirm_hazard,
    submit_rectification,
)
from dualprev.hazards.choices import CancelReason, EventAction, HazardStatus
from dualprev.hazards.deadlines import follow_deadlines
from dualprev.hazards.models import Hazard, HazardSettings
from dualprev.hazards.testing import graded, photo
from dualprev.orgs.models import OrgUnit

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
DEADLINE = NOW + dt.timedelta(days=7)
FOLLOW_UP = (EventAction.REMIND, EventAction.OVERDUE, EventAction.ESCALATE)
NOTHING = {"reminded": 0, "overdue": 0, "escalated": 0, "skipped": 0}

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The notifications the job sends (recorded instead of delivered)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(deadlines, "notify", lambda **kwargs: calls.append(kwargs))
    return calls


@pytest.fixture
def hazard(cast: Cast) -> Hazard:
    """A's hazard under rectification; the 重大 hazard (same deadline) is moved out of the way
    so the job's counts are this hazard's."""
    Hazard.objects.filter(pk=cast.a.risks["hazard_major"].pk).update(
        deadline=NOW + dt.timedelta(days=365)
    )
    found = cast.a.risks["hazard_rectifying"]
    assert found.deadline == DEADLINE and found.responsible_unit == cast.a.team
    return found


def at(time_machine: Any, when: dt.datetime) -> dict[str, int]:
    time_machine.move_to(when, tick=False)
    return follow_deadlines()


def follow_up(hazard: Hazard) -> list[tuple[str, Any]]:
    """The job's events on the hazard: (action, escalation level or None)."""
    return [
        (e.action, e.data.get("escalation_level"))
        for e in hazard.events.filter(action__in=FOLLOW_UP).order_by("at", "pk")
    ]


def recipients(calls: list[dict[str, Any]], kind: str) -> list[set[str]]:
    return [{u.username for u in c["recipients"]} for c in calls if c["kind"] == kind]


def test_five_days_into_a_seven_day_deadline_nobody_is_reminded(time_machine, hazard, sent):
    assert at(time_machine, NOW + dt.timedelta(days=5)) == NOTHING
    assert at(time_machine, DEADLINE - dt.timedelta(hours=24, minutes=1)) == NOTHING
    hazard.refresh_from_db()
    assert hazard.reminded_at is None and sent == [] and follow_up(hazard) == []


def test_the_liable_person_is_reminded_once_a_day_before_the_deadline(
    time_machine, hazard, sent, cast
):
    reminder_time = DEADLINE - dt.timedelta(hours=24)
    assert at(time_machine, reminder_time)["reminded"] == 1
    assert at(time_machine, reminder_time) == NOTHING
    assert at(time_machine, DEADLINE - dt.timedelta(hours=1)) == NOTHING
    hazard.refresh_from_db()
    assert hazard.reminded_at == reminder_time
    assert follow_up(hazard) == [(EventAction.REMIND, None)]
    assert recipients(sent, "due_soon") == [{cast.team_leader.username}]
    assert sent[0]["url"] == f"/hazards/{hazard.public_id}/"
    assert hazard.number in sent[0]["title"]
    event = hazard.events.get(action=EventAction.REMIND)
    assert event.actor is None and event.to_status == HazardStatus.RECTIFYING


def test_the_hazard_is_overdue_just_after_the_deadline(time_machine, hazard, sent, cast):
    assert at(time_machine, DEADLINE)["overdue"] == 0  # overdue means *after* the deadline
    counts = at(time_machine, DEADLINE + dt.timedelta(minutes=1))
    assert counts == NOTHING | {"overdue": 1}  # no late reminder: the overdue notice replaces it
    hazard.refresh_from_db()
    assert hazard.overdue_at == DEADLINE + dt.timedelta(minutes=1)
    assert hazard.escalation_level == 0 and hazard.escalated_to is None
    assert hazard.status == HazardStatus.RECTIFYING  # overdue is a mark, not a state
    assert recipients(sent, "overdue") == [
        {cast.team_leader.username, cast.owner.username, cast.safety_officer.username}
    ]
    assert at(time_machine, DEADLINE + dt.timedelta(days=2)) == NOTHING


def test_an_overdue_hazard_escalates_one_level_every_three_days_and_stops_at_the_root(
    time_machine, hazard, sent, cast
):
    at(time_machine, DEADLINE - dt.timedelta(hours=3))
    at(time_machine, DEADLINE + dt.timedelta(hours=1))
    assert at(time_machine, DEADLINE + dt.timedelta(days=3, minutes=-1)) == NOTHING
    assert at(time_machine, DEADLINE + dt.timedelta(days=3))["escalated"] == 1
    hazard.refresh_from_db()
    assert (hazard.escalation_level, hazard.escalated_to) == (1, cast.a.department)
    assert at(time_machine, DEADLINE + dt.timedelta(days=5)) == NOTHING
    assert at(time_machine, DEADLINE + dt.timedelta(days=6))["escalated"] == 1
    hazard.refresh_from_db()
    assert (hazard.escalation_level, hazard.escalated_to) == (2, cast.a.company)
    # The company is the root: nothing above it, however long the hazard stays overdue.
    assert at(time_machine, DEADLINE + dt.timedelta(days=9)) == NOTHING
    assert at(time_machine, DEADLINE + dt.timedelta(days=40)) == NOTHING
    assert follow_up(hazard) == [
        (EventAction.REMIND, None),
        (EventAction.OVERDUE, None),
        (EventAction.ESCALATE, 1),
        (EventAction.ESCALATE, 2),
    ]
    # The department head, then the company's leaders, are told.
    assert recipients(sent, "escalated") == [{cast.a.users["dept"].username}, {cast.owner.username}]
    assert next(c["title"] for c in sent if c["kind"] == "escalated").startswith(
        "逾期隐患升级至A生产部"
    )


def workshop_between_team_and_department(cast: Cast) -> tuple[OrgUnit, Any]:
    """Put a workshop (with its head) between A's team and the department."""
    a = cast.a
    workshop = OrgUnit.objects.create(
        enterprise=a.enterprise, name="A一车间", level="workshop", parent=a.department
    )
    OrgUnit.objects.filter(pk=a.team.pk).update(parent=workshop)
    head = make_user("a_workshop", "A车间主任")
    Membership.objects.create(
        enterprise=a.enterprise, user=head, role=EnterpriseRole.DEPT_HEAD, org_unit=workshop
    )
    return workshop, head


def test_after_a_ten_day_outage_the_job_catches_up_one_event_per_level(
    time_machine, hazard, sent, cast
):
    workshop, head = workshop_between_team_and_department(cast)
    assert at(time_machine, DEADLINE - dt.timedelta(hours=20))["reminded"] == 1
    # The job is down from here until ten days after the deadline.
    counts = at(time_machine, DEADLINE + dt.timedelta(days=10))
    assert counts == NOTHING | {"overdue": 1, "escalated": 3}
    hazard.refresh_from_db()
    assert (hazard.escalation_level, hazard.escalated_to) == (3, cast.a.company)
    events = hazard.events.filter(action=EventAction.ESCALATE).order_by("pk")
    assert [(e.data["escalation_level"], e.data["escalated_to_id"]) for e in events] == [
        (1, workshop.pk),
        (2, cast.a.department.pk),
        (3, cast.a.company.pk),
    ]
    assert all(e.data["days_overdue"] == 10 for e in events)
    assert recipients(sent, "escalated") == [
        {head.username},
        {cast.a.users["dept"].username},
        {cast.owner.username},
    ]
    assert at(time_machine, DEADLINE + dt.timedelta(days=13)) == NOTHING


def test_a_unit_without_heads_passes_the_escalation_to_the_next_unit_up_with_heads(
    time_machine, hazard, sent, cast
):
    workshop = OrgUnit.objects.create(
        enterprise=cast.a.enterprise, name="A二车间", level="workshop", parent=cast.a.department
    )
    OrgUnit.objects.filter(pk=cast.a.team.pk).update(parent=workshop)
    at(time_machine, DEADLINE + dt.timedelta(days=3))
    hazard.refresh_from_db()
    assert hazard.escalated_to == workshop  # the record: one level per period
    assert recipients(sent, "escalated") == [{cast.a.users["dept"].username}]


def test_without_heads_up_to_the_root_the_hazard_managers_are_told(
    time_machine, hazard, sent, cast
):
    Membership.objects.filter(
        enterprise=cast.a.enterprise,
        role__in=[EnterpriseRole.DEPT_HEAD, EnterpriseRole.MAIN_LEADER],
    ).update(is_active=False)
    at(time_machine, DEADLINE + dt.timedelta(days=3))
    assert recipients(sent, "escalated") == [{cast.safety_officer.username}]


def _can_open(user: Any, hazard: Hazard) -> bool:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    return client.get(reverse("hazards:detail", args=[hazard.public_id])).status_code == 200


def test_an_escalation_to_a_team_tells_the_department_head_not_the_team_leader(
    time_machine, hazard, sent, cast
):
    """The responsible unit is a group under A's team, the liable person the worker: the team
    leader has no part in the hazard and cannot open it, so the department head is told."""
    group = OrgUnit.objects.create(
        enterprise=cast.a.enterprise, name="A甲班组一组", level="team", parent=cast.a.team
    )
    # A team leader placed on the department itself is no recipient either.
    leader_at_department = make_user("a_dept_leader", "A部门班长")
    Membership.objects.create(
        enterprise=cast.a.enterprise,
        user=leader_at_department,
        role=EnterpriseRole.TEAM_LEADER,
        org_unit=cast.a.department,
    )
    Hazard.objects.filter(pk=hazard.pk).update(responsible_unit=group, liable_person=cast.worker)
    hazard.refresh_from_db()
    assert not _can_open(cast.team_leader, hazard)

    assert at(time_machine, DEADLINE + dt.timedelta(days=3))["escalated"] == 1
    hazard.refresh_from_db()
    assert (hazard.escalation_level, hazard.escalated_to) == (1, cast.a.team)
    assert recipients(sent, "escalated") == [{cast.a.users["dept"].username}]

    at(time_machine, DEADLINE + dt.timedelta(days=6))
    at(time_machine, DEADLINE + dt.timedelta(days=9))
    hazard.refresh_from_db()
    assert (hazard.escalation_level, hazard.escalated_to) == (3, cast.a.company)
    assert recipients(sent, "escalated") == [
        {cast.a.users["dept"].username},
        {cast.a.users["dept"].username},
        {cast.owner.username},
    ]
    # Everyone told of the hazard can open it.
    told = {u.pk: u for call in sent for u in call["recipients"]}
    assert told and all(_can_open(user, hazard) for user in told.values())
    assert cast.team_leader.pk not in told and leader_at_department.pk not in told


def test_without_a_responsible_unit_the_liable_persons_unit_is_the_start(
    time_machine, hazard, sent, cast
):
    Hazard.objects.filter(pk=hazard.pk).update(responsible_unit=None)
    at(time_machine, DEADLINE + dt.timedelta(days=3))
    hazard.refresh_from_db()
    assert hazard.escalated_to == cast.a.department  # the team leader's team, one level up


def test_a_hazard_waiting_for_acceptance_is_overdue_but_not_reminded(
    time_machine, hazard, sent, cast
):
    time_machine.move_to(NOW + dt.timedelta(days=1), tick=False)
    submit_rectification(
        hazard=hazard, acting_user=cast.team_leader, note="已更换保温层", photos=[photo()]
    )
    assert at(time_machine, DEADLINE - dt.timedelta(hours=2)) == NOTHING
    assert at(time_machine, DEADLINE + dt.timedelta(hours=2))["overdue"] == 1
    assert at(time_machine, DEADLINE + dt.timedelta(days=3))["escalated"] == 1
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.PENDING_ACCEPT
    assert follow_up(hazard) == [(EventAction.OVERDUE, None), (EventAction.ESCALATE, 1)]
    assert "待验收" in next(c for c in sent if c["kind"] == "overdue")["body"]


def test_accepted_cancelled_and_unconfirmed_hazards_are_never_touched(
    time_machine, hazard, sent, cast
):
    submit_rectification(
        hazard=hazard, acting_user=cast.team_leader, note="已更换保温层", photos=[photo()]
    )
    hazard.refresh_from_db()
    accept_hazard(hazard=hazard, acting_user=cast.safety_officer, comment="整改合格")
    cancelled = graded(
        cast.a.risks["hazard"], cast.safety_officer, cast.team_leader, unit=cast.a.team
    )
    cancel_hazard(
        hazard=cancelled,
        acting_user=cast.safety_officer,
        reason=CancelReason.NOT_A_HAZARD,
        note="误报",
    )
    unconfirmed = graded(
        cast.b.risks["hazard"], cast.b.users["safety"], cast.b.users["leader"], unit=cast.b.team
    )
    assert {h.deadline for h in (hazard, cancelled, unconfirmed)} == {DEADLINE}
    for when in (DEADLINE - dt.timedelta(hours=1), DEADLINE + dt.timedelta(days=30)):
        assert at(time_machine, when) == NOTHING
    for each in (hazard, cancelled, unconfirmed):
        each.refresh_from_db()
        assert follow_up(each) == []
        assert (each.reminded_at, each.overdue_at, each.escalation_level) == (None, None, 0)
    assert sent == []


def test_an_enterprises_own_settings_are_used_and_the_others_keep_the_defaults(
    time_machine, hazard, sent, cast
):
    HazardSettings.objects.create(
        enterprise=cast.a.enterprise, remind_before_hours=48, escalation_period_days=1
    )
    other = graded(
        cast.b.risks["hazard"], cast.b.users["safety"], cast.b.users["leader"], unit=cast.b.team
    )
    confirm_hazard(hazard=other, acting_user=cast.b.users["safety"])
    assert at(time_machine, DEADLINE - dt.timedelta(hours=48, minutes=1)) == NOTHING
    assert at(time_machine, DEADLINE - dt.timedelta(hours=48)) == NOTHING | {"reminded": 1}
    assert at(time_machine, DEADLINE - dt.timedelta(hours=24)) == NOTHING | {"reminded": 1}
    assert at(time_machine, DEADLINE + dt.timedelta(hours=1)) == NOTHING | {"overdue": 2}
    assert at(time_machine, DEADLINE + dt.timedelta(days=1)) == NOTHING | {"escalated": 1}
    assert at(time_machine, DEADLINE + dt.timedelta(days=2)) == NOTHING | {"escalated": 1}
    hazard.refresh_from_db()
    other.refresh_from_db()
    assert (hazard.escalation_level, hazard.escalated_to) == (2, cast.a.company)
    assert hazard.reminded_at == DEADLINE - dt.timedelta(hours=48)
    assert other.reminded_at == DEADLINE - dt.timedelta(hours=24)
    assert other.escalation_level == 0  # B escalates after three days, not one
    assert at(time_machine, DEADLINE + dt.timedelta(days=3)) == NOTHING | {"escalated": 1}
    other.refresh_from_db()
    assert (other.escalation_level, other.escalated_to) == (1, cast.b.department)


def test_a_hazard_changed_at_the_same_moment_is_skipped_and_followed_next_run(
    time_machine, hazard, sent, monkeypatch
):
    real = deadlines.write_event

    def someone_acts_first(**kwargs: Any) -> Any:
        Hazard.objects.filter(pk=kwargs["hazard"].pk).update(version=F("version") + 1)
        return real(**kwargs)

    monkeypatch.setattr(deadlines, "write_event", someone_acts_first)
    assert at(time_machine, DEADLINE - dt.timedelta(hours=2)) == NOTHING | {"skipped": 1}
    hazard.refresh_from_db()
    assert hazard.reminded_at is None and follow_up(hazard) == [] and sent == []
    monkeypatch.setattr(deadlines, "write_event", real)
    assert follow_deadlines()["reminded"] == 1
    assert len(sent) == 1


def test_the_command_prints_what_it_did(time_machine, hazard, sent):
    time_machine.move_to(DEADLINE + dt.timedelta(days=3, hours=1), tick=False)
    out = io.StringIO()
    call_command("follow-hazards", stdout=out)
    text = out.getvalue()
    assert f"{hazard.number}: overdue" in text
    assert f"{hazard.number}: escalated to level 1 (A生产部)" in text
    assert "reminded: 0; overdue: 1; escalations: 1" in text
    out = io.StringIO()
    call_command("follow-hazards", stdout=out)
    assert "reminded: 0; overdue: 0; escalations: 0" in out.getvalue()


def test_the_scheduled_task_runs_the_follow_up(time_machine, hazard, sent):
    from dualprev.core.schedule import ScheduledJob, validate_schedule
    from dualprev.hazards.tasks import follow_hazard_deadlines

    job = ScheduledJob(
        name="follow-hazard-deadlines",
        task_path="dualprev.hazards.tasks.follow_hazard_deadlines",
        cron="*/15 * * * *",
        description="Hazard reminders, overdue marks and escalation.",
    )
    validate_schedule((job,))
    time_machine.move_to(DEADLINE + dt.timedelta(minutes=5), tick=False)
    assert follow_hazard_deadlines.call() == NOTHING | {"overdue": 1}


def test_a_run_with_nothing_due_reads_little(hazard, sent, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert follow_deadlines() == NOTHING


@pytest.mark.django_db(transaction=True)
def test_two_jobs_running_at_once_send_one_notification_per_step(time_machine, hazard, sent):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers (one write lock per file): no concurrent writes")
    import threading

    time_machine.move_to(DEADLINE + dt.timedelta(days=6, hours=1), tick=False)
    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            results.append(follow_deadlines())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r["overdue"] for r in results) == 1
    assert sum(r["escalated"] for r in results) == 2
    assert [c["kind"] for c in sent].count("overdue") == 1
    assert [c["kind"] for c in sent].count("escalated") == 2
    hazard.refresh_from_db()
    assert follow_up(hazard) == [
        (EventAction.OVERDUE, None),
        (EventAction.ESCALATE, 1),
        (EventAction.ESCALATE, 2),
    ]
