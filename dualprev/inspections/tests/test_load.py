"""The daily task load (task-load governor): walks per person (one per risk point and window,
the rule of ``queries.walks``), items, done / missed / open, scoped to what each manager
manages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from dualprev.core.testing import Cast
from dualprev.inspections import reports
from dualprev.inspections.models import CheckOccurrence
from dualprev.inspections.queries import person_q, walks
from dualprev.inspections.tests.reports_world import (
    ReportWorld,
    at,
    build_report_world,
    day_window,
    make_occurrence,
    make_task,
)

pytestmark = pytest.mark.django_db

MARCH_2 = dt.date(2026, 3, 2)


@pytest.fixture
def world(cast: Cast) -> ReportWorld:
    return build_report_world(cast)


def _load(user: Any, day: dt.date = MARCH_2) -> dict[str, tuple[int, int, int, int, int]]:
    rows = reports.daily_load(user, reports.scope_for(user), day)
    return {
        r.membership.user.display_name: (
            r.walks,
            r.items,
            r.tally.done,
            r.tally.missed,
            r.tally.open,
        )
        for r in rows
    }


def test_items_at_one_point_in_one_window_are_one_walk(world: ReportWorld) -> None:
    load = _load(world.cast.safety_officer)
    # worker: R1 all day (T1 + T2) and R1 08:00–10:00 (T5): 2 walks, 3 items, all done.
    assert load["Aworker"] == (2, 3, 3, 0, 0)
    assert load["Aleader"] == (1, 1, 0, 1, 0)
    assert load["A装卸工"] == (1, 1, 1, 0, 0)
    assert load["Aowner"] == (0, 0, 0, 0, 0)


def test_the_walk_count_is_the_same_as_queries_walks(world: ReportWorld) -> None:
    r2_for_p1 = make_task(world.measures["M3"], post=world.cast.a.post)
    for day in (2, 3, 30):
        make_occurrence(world.tasks["T4"], at(day, 8), at(day, 10))  # another window at R1
        make_occurrence(r2_for_p1, *day_window(day))  # the worker's post at R2
    for user in (world.cast.worker, world.worker2, world.cast.team_leader):
        for day in (2, 3, 30):
            start, end = at(day), at(day) + dt.timedelta(days=1)
            mine = list(
                CheckOccurrence.objects.filter(
                    pk__in=CheckOccurrence.objects.filter(person_q(user)).values("pk"),
                    window_start__lt=end,
                    window_end__gt=start,
                )
                .exclude(status="cancelled")
                .select_related("risk_object")
            )
            row = _load(world.cast.safety_officer, dt.date(2026, 3, day))[user.display_name]
            assert row[0] == len(walks(mine)), (user, day)
            assert row[1] == len(mine), (user, day)


def test_a_day_with_an_open_check_shows_it_as_open(world: ReportWorld) -> None:
    assert _load(world.cast.safety_officer, dt.date(2026, 3, 30))["Aworker"] == (1, 1, 0, 0, 1)


def test_cancelled_checks_are_no_load(world: ReportWorld) -> None:
    assert _load(world.cast.safety_officer, dt.date(2026, 3, 6))["Aworker"] == (0, 0, 0, 0, 0)


def test_a_department_head_sees_the_people_of_their_department(world: ReportWorld) -> None:
    assert set(_load(world.cast.a.users["dept"])) == {"Adept", "Aleader", "Aworker"}


def test_a_team_leader_sees_their_team(world: ReportWorld) -> None:
    assert _load(world.cast.team_leader) == {
        "Aleader": (1, 1, 0, 1, 0),
        "Aworker": (2, 3, 3, 0, 0),
    }


def test_a_worker_sees_only_their_own_row(world: ReportWorld) -> None:
    assert _load(world.cast.worker) == {"Aworker": (2, 3, 3, 0, 0)}
    client = Client()
    client.force_login(world.cast.worker)
    body = client.get("/inspections/load/?date=2026-03-02").content.decode()
    assert body.count("<tr>") == 1 + 1
    assert "Aworker" in body and "Aleader" not in body and "A装卸工" not in body


def test_another_enterprise_sees_its_own_people_only(world: ReportWorld) -> None:
    load = _load(world.cast.outsider)
    assert set(load) == {"Bowner", "Bsafety", "Bdept", "Bleader", "Bworker"}
    assert all(row == (0, 0, 0, 0, 0) for row in load.values())


def _row(body: str, name: str) -> list[str]:
    match = re.search(rf"<td>{re.escape(name)}<div.*?</tr>", body, re.S)
    assert match, name
    cells = re.findall(r'<td class="num">(.*?)</td>', match.group(0), re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


def test_the_page_shows_each_persons_load(world: ReportWorld) -> None:
    client = Client()
    client.force_login(world.cast.safety_officer)
    body = client.get("/inspections/load/?date=2026-03-02").content.decode()
    assert _row(body, "Aworker") == ["2", "3", "3", "0", "0"]
    assert _row(body, "Aleader") == ["1", "1", "0", "1", "0"]
    assert 'value="2026-03-02"' in body


def test_the_page_defaults_to_today_and_explains_a_bad_date(
    world: ReportWorld, time_machine: Any
) -> None:
    time_machine.move_to(at(2, 15), tick=False)
    client = Client()
    client.force_login(world.cast.safety_officer)
    body = client.get("/inspections/load/").content.decode()
    assert 'value="2026-03-02"' in body and _row(body, "Aworker")[0] == "2"
    body = client.get("/inspections/load/?date=2026-02-30").content.decode()
    assert "日期格式不正确" in body and 'value="2026-03-02"' in body
