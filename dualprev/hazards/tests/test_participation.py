"""全员参与 figures and points: only confirmed hazards and checks that counted earn points, by
period, and the board is one query however many people there are."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from dualprev.accounts.choices import EnterpriseRole
from dualprev.accounts.models import Membership
from dualprev.core.testing import make_user
from dualprev.hazards.actions import (
    ReportInput,
    cancel_hazard,
    confirm_hazard,
    report_hazard,
)
from dualprev.hazards.models import Hazard, HazardSettings
from dualprev.hazards.participation import (
    figures,
    leaderboard,
    my_figures,
    period_for,
    rules_for,
)
from dualprev.hazards.testing import graded
from dualprev.inspections.actions import CheckInput, close_missed, submit_check
from dualprev.inspections.models import CheckOccurrence, CheckRecord
from dualprev.reference.choices import CheckStatus, HazardLevel

pytestmark = pytest.mark.django_db

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BJ)


def member(cast: Any, name: str, unit: Any = None, role: str = EnterpriseRole.WORKER) -> Any:
    user = make_user(f"p_{uuid.uuid4().hex[:10]}", name)
    Membership.objects.create(
        enterprise=cast.a.enterprise, user=user, role=role, org_unit=unit or cast.a.team
    )
    return user


def window(cast: Any, user: Any, start: dt.datetime, hours: int = 2) -> CheckOccurrence:
    """A due check for ``user`` on enterprise A's measure, [start, start + hours)."""
    world = cast.a
    return CheckOccurrence.objects.create(
        enterprise=world.enterprise,
        task=world.risks["check_task"],
        measure=world.risks["measure"],
        risk_object=world.risks["object"],
        assignee=user,
        window_start=start,
        window_end=start + dt.timedelta(hours=hours),
    )


def check(occurrence: CheckOccurrence, user: Any, when: dt.datetime, status: int = 0) -> Any:
    with time_machine.travel(when, tick=False):
        return submit_check(
            occurrence=occurrence,
            checked_by=user,
            data=CheckInput(client_id=uuid.uuid4(), status=status, note="已查"),
        )


def checks_done(cast: Any, user: Any, n: int, day: dt.datetime) -> None:
    for i in range(n):
        start = day + dt.timedelta(hours=2 * i)
        check(window(cast, user, start), user, start + dt.timedelta(minutes=30))


def report(cast: Any, user: Any, name: str = "配电箱门未关", **extra: Any) -> Hazard:
    return report_hazard(
        enterprise_id=cast.a.enterprise.pk,
        reporter=user,
        data=ReportInput(name=name, description=name, **extra),
    )


def confirmed(cast: Any, user: Any, level: int = HazardLevel.GENERAL) -> Hazard:
    hazard = report(cast, user)
    graded(hazard, cast.safety_officer, cast.team_leader, unit=cast.a.team, level=level)
    confirm_hazard(hazard=hazard, acting_user=cast.safety_officer)
    return hazard


def row_of(board: Any, user: Any) -> Any:
    return next(r for r in board.people if r.user_id == user.pk)


def board_now(cast: Any, unit: Any = None) -> Any:
    return leaderboard(cast.a.enterprise.pk, period_for("month"), unit)


# --- What earns points ---------------------------------------------------------------------


def test_a_spammer_with_fifty_unconfirmed_or_cancelled_reports_earns_nothing(cast) -> None:
    with time_machine.travel(at("2026-03-10 09:00"), tick=False):
        spammer = member(cast, "刷分者")
        diligent = member(cast, "认真排查员")
    with time_machine.travel(at("2026-03-10 09:00")):
        spam = [report(cast, spammer, f"无效上报{i}") for i in range(50)]
        for hazard in spam[:25]:
            cancel_hazard(
                hazard=hazard,
                acting_user=cast.safety_officer,
                reason="not_a_hazard",
                note="不是隐患",
            )
    checks_done(cast, diligent, 3, at("2026-03-11 08:00"))
    with time_machine.travel(at("2026-03-20 12:00"), tick=False):
        board = board_now(cast)
    spam_row, diligent_row = row_of(board, spammer), row_of(board, diligent)
    assert (spam_row.reports, spam_row.confirmed, spam_row.points) == (50, 0, 0)
    assert (diligent_row.checks, diligent_row.points) == (3, 3)
    assert diligent_row.rank < spam_row.rank
    assert board.people.index(diligent_row) < board.people.index(spam_row)


def test_confirmed_hazards_earn_the_configured_points_by_level(cast) -> None:
    HazardSettings.objects.create(
        enterprise=cast.a.enterprise,
        larger_tier_enabled=True,
        points_check=2,
        points_hazard_general=3,
        points_hazard_larger=7,
        points_hazard_major=11,
    )
    finder = member(cast, "隐患发现能手")
    confirmed(cast, finder, HazardLevel.GENERAL)
    confirmed(cast, finder, HazardLevel.GENERAL)
    confirmed(cast, finder, HazardLevel.LARGER)
    report(cast, finder, "还没确认的")
    row = row_of(board_now(cast), finder)
    assert (row.confirmed_general, row.confirmed_larger, row.confirmed_major) == (2, 1, 0)
    assert row.reports == 4 and row.confirmed == 3
    assert row.points == 2 * 3 + 7
    rules = rules_for(cast.a.enterprise.pk)
    assert (rules.check, rules.general, rules.larger, rules.major) == (2, 3, 7, 11)


def test_a_major_hazard_earns_the_major_points_for_its_reporter(cast) -> None:
    # The cast's 重大 hazard was reported by the safety officer and confirmed.
    row = row_of(board_now(cast), cast.safety_officer)
    assert row.confirmed_major == 1
    assert row.points == 20  # default points_hazard_major


def test_the_default_points_are_one_per_check_and_five_per_general_hazard(cast) -> None:
    # The worker's cast data: one counted check (special inspection) and one confirmed 一般
    # hazard (under rectification); their other report is still waiting.
    row = row_of(board_now(cast), cast.worker)
    assert (row.checks, row.confirmed, row.reports) == (1, 1, 2)
    assert row.points == 1 + 5


def test_late_checks_and_system_not_checked_records_earn_nothing(cast) -> None:
    worker = member(cast, "迟到者")
    late = window(cast, worker, at("2026-03-02 08:00"))
    outcome = check(late, worker, at("2026-03-02 11:00"))
    assert outcome.record.is_late and not outcome.counted
    missed = window(cast, worker, at("2026-03-03 08:00"))
    close_missed(now=at("2026-03-03 12:00"))
    missed.refresh_from_db()
    assert missed.record is not None and missed.record.status == CheckStatus.NOT_CHECKED
    on_time = window(cast, worker, at("2026-03-04 08:00"))
    check(on_time, worker, at("2026-03-04 08:30"))
    with time_machine.travel(at("2026-03-20 12:00"), tick=False):
        row = row_of(board_now(cast), worker)
    # The late check, two 未排查 placeholders (the late window closed as missed too) and the
    # check made in time: only the last one earns.
    assert CheckRecord.objects.filter(occurrence__assignee=worker).count() == 4
    assert row.checks == 1 and row.points == 1


def test_a_second_record_for_an_already_done_check_does_not_count_again(cast) -> None:
    worker = member(cast, "重复提交者")
    occurrence = window(cast, worker, at("2026-03-02 08:00"))
    check(occurrence, worker, at("2026-03-02 08:10"))
    second = check(occurrence, worker, at("2026-03-02 08:20"))
    assert not second.counted
    with time_machine.travel(at("2026-03-20 12:00"), tick=False):
        assert row_of(board_now(cast), worker).checks == 1


# --- Periods --------------------------------------------------------------------------------


def test_periods_are_local_calendar_month_quarter_and_year() -> None:
    now = at("2026-05-31 23:59")
    month, quarter, year = (period_for(k, now) for k in ("month", "quarter", "year"))
    assert (month.start, month.end) == (at("2026-05-01 00:00"), at("2026-06-01 00:00"))
    assert (quarter.start, quarter.end) == (at("2026-04-01 00:00"), at("2026-07-01 00:00"))
    assert (year.start, year.end) == (at("2026-01-01 00:00"), at("2027-01-01 00:00"))
    assert period_for("nonsense", now) == month
    december = period_for("month", at("2026-12-15 10:00"))
    assert december.end == at("2027-01-01 00:00")
    assert (month.label, quarter.label, year.label) == ("2026年5月", "2026年第2季度", "2026年")


def test_points_count_in_the_period_of_the_confirmation_and_of_the_check(cast) -> None:
    worker = member(cast, "跨月者")
    with time_machine.travel(at("2026-03-31 23:00"), tick=False):
        hazard = report(cast, worker)
        graded(hazard, cast.safety_officer, cast.team_leader, unit=cast.a.team)
    with time_machine.travel(at("2026-03-31 23:50"), tick=False):
        confirm_hazard(hazard=hazard, acting_user=cast.safety_officer)
    last_window = window(cast, worker, at("2026-03-31 23:00"), hours=2)
    check(last_window, worker, at("2026-04-01 00:10"))  # in time, but made in April
    enterprise_id = cast.a.enterprise.pk

    def points(key: str, now: str) -> tuple[int, int, int]:
        with time_machine.travel(at(now), tick=False):
            row = row_of(leaderboard(enterprise_id, period_for(key)), worker)
        return row.confirmed, row.checks, row.points

    assert points("month", "2026-03-31 23:59") == (1, 0, 5)
    assert points("month", "2026-04-01 00:30") == (0, 1, 1)
    assert points("quarter", "2026-04-01 00:30") == (0, 1, 1)
    assert points("quarter", "2026-03-15 00:00") == (1, 0, 5)
    assert points("year", "2026-12-31 23:59") == (1, 1, 6)
    assert points("year", "2027-01-01 00:00") == (0, 0, 0)


# --- Ranking, departments and tenancy ----------------------------------------------------------


def test_ties_share_a_rank_and_the_next_rank_skips(cast) -> None:
    first, second, third = member(cast, "甲"), member(cast, "乙"), member(cast, "丙")
    day = at("2026-03-02 08:00")
    checks_done(cast, first, 2, day)
    checks_done(cast, second, 2, day + dt.timedelta(days=1))
    checks_done(cast, third, 1, day + dt.timedelta(days=2))
    with time_machine.travel(at("2026-03-20 12:00"), tick=False):
        board = board_now(cast)
    ranks = {u: row_of(board, u).rank for u in (first, second, third)}
    assert ranks[first] == ranks[second] == 1 and ranks[third] == 3


def test_the_department_filter_ranks_only_its_subtree(cast) -> None:
    from dualprev.orgs.models import OrgUnit

    world = cast.a
    other_dept = OrgUnit.objects.create(
        enterprise=world.enterprise, name="A设备部", level="department", parent=world.company
    )
    fitter = member(cast, "设备部钳工", unit=other_dept)
    checks_done(cast, fitter, 4, at("2026-03-02 08:00"))
    with time_machine.travel(at("2026-03-20 12:00"), tick=False):
        production = board_now(cast, world.department)
        equipment = board_now(cast, other_dept)
        whole = board_now(cast)
    production_ids = {r.user_id for r in production.people}
    assert production_ids == {
        world.users["dept"].pk,
        world.users["leader"].pk,
        world.users["worker"].pk,
    }
    assert [r.user_id for r in equipment.people] == [fitter.pk]
    assert equipment.people[0].rank == 1 and row_of(whole, fitter).rank == 1
    departments = {d.label: d for d in whole.departments}
    assert departments["A设备部"].people == 1 and departments["A设备部"].points == 4
    assert departments["A生产部"].people == 3
    assert departments["甲化工有限公司（本部）"].people == 2  # owner and safety officer
    assert whole.departments[0].label == "A设备部"  # best average first
    assert row_of(whole, cast.worker).unit_path == "A生产部 / A甲班组"


def test_other_enterprises_people_and_their_work_never_appear(cast) -> None:
    b_worker = cast.b.users["worker"]
    board = board_now(cast)
    ids = {r.user_id for r in board.people}
    assert b_worker.pk not in ids and cast.outsider.pk not in ids
    assert ids == set(
        Membership.objects.filter(enterprise=cast.a.enterprise, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    # B's own board: its worker reported one hazard; nothing of A's counts there.
    b_row = next(
        r
        for r in leaderboard(cast.b.enterprise.pk, period_for("month")).people
        if r.user_id == b_worker.pk
    )
    assert (b_row.reports, b_row.confirmed, b_row.checks) == (1, 0, 0)


def test_people_who_left_are_not_ranked(cast) -> None:
    leaver = member(cast, "已离职")
    Membership.objects.filter(user=leaver).update(is_active=False)
    assert leaver.pk not in {r.user_id for r in board_now(cast).people}
    mine = my_figures(leaver, cast.a.enterprise.pk, period_for("month"))
    assert mine.row is None


def test_my_figures_give_my_rank_in_the_whole_enterprise(cast) -> None:
    mine = my_figures(cast.worker, cast.a.enterprise.pk, period_for("month"))
    assert mine.row is not None
    assert mine.row.points == 6 and mine.pending == 1
    # Only the safety officer (20 points for the 重大 hazard) is ahead.
    assert mine.row.rank == 2
    assert mine.of == Membership.objects.filter(enterprise=cast.a.enterprise).count()


@pytest.mark.parametrize("people", [5, 50])
def test_the_board_is_a_constant_number_of_queries(
    cast, people, django_assert_max_num_queries
) -> None:
    users = [member(cast, f"员工{i:02d}") for i in range(people)]
    day = at("2026-03-02 08:00")
    for i, user in enumerate(users[:5]):
        checks_done(cast, user, 1 + i % 2, day + dt.timedelta(days=i))
    with time_machine.travel(at("2026-03-20 12:00"), tick=False):
        with django_assert_max_num_queries(3):  # settings, units, figures
            board = board_now(cast, cast.a.department)
        assert len(board.people) == people + 3
        with django_assert_max_num_queries(1):
            values = list(figures(cast.a.enterprise.pk, period_for("month"), board.rules))
    assert len(values) == people + 5
    assert timezone.is_aware(board.period.start)
