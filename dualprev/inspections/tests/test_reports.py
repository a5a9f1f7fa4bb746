"""Completion rates, the 未排查 list and finding rates against the hand-computed month of
``reports_world`` (see its docstring for the table of occurrences and expected figures)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from dualprev.core.testing import Cast
from dualprev.inspections import reports
from dualprev.inspections.choices import OccurrenceStatus
from dualprev.inspections.models import CheckOccurrence, SpecialInspection, SpecialInspectionItem
from dualprev.inspections.reports import Period, Tally
from dualprev.inspections.tests.reports_world import (
    ReportWorld,
    at,
    build_report_world,
    day_window,
    make_occurrence,
    make_task,
)
from dualprev.reference.choices import DangerSrc

pytestmark = pytest.mark.django_db

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
MARCH_QUERY = "start=2026-03-01&end=2026-03-31"


@pytest.fixture
def world(cast: Cast) -> ReportWorld:
    return build_report_world(cast)


def _figures(user: Any, key: str, period: Period = MARCH) -> dict[tuple[str, ...], tuple]:
    scope = reports.scope_for(user)
    qs = reports.period_occurrences(user, scope, period)
    return {
        row.cells: (row.tally.done, row.tally.missed, row.tally.open, row.tally.rate_label)
        for row in reports.rate_rows(key, user, scope, qs)
    }


def _totals(user: Any, period: Period = MARCH) -> Tally:
    scope = reports.scope_for(user)
    return reports.totals(reports.period_occurrences(user, scope, period))


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the figures -----------------------------------------------------------------------------


def test_the_rate_is_done_over_done_plus_missed_and_a_dash_when_nothing_was_due() -> None:
    assert Tally(done=5, missed=3, open=1).rate == pytest.approx(5 / 8)
    assert Tally(done=5, missed=3, open=1).rate_label == "62.5%"
    assert Tally(done=0, missed=0, open=4).rate is None
    assert Tally(done=0, missed=0, open=4).rate_label == "—"
    assert Tally(done=0, missed=2).rate_label == "0.0%"


def test_the_company_totals_count_windows_ending_in_the_period_and_leave_out_cancelled_ones(
    world: ReportWorld,
) -> None:
    totals = _totals(world.cast.safety_officer)
    # Feb 28 (ends Mar 1 00:00) and Apr 1 are outside, Mar 31 (ends Apr 1 00:00) inside,
    # Mar 6 cancelled; Mar 30 is still open (进行中).
    assert (totals.done, totals.missed, totals.open) == (6, 5, 1)
    assert totals.due == 11
    assert totals.rate_label == "54.5%"


def test_rates_by_post_match_the_hand_computed_figures(world: ReportWorld) -> None:
    assert _figures(world.cast.safety_officer, "post") == {
        ("A操作工岗", "A甲班组"): (5, 3, 1, "62.5%"),
        ("A装卸工岗", "A储运部"): (1, 1, 0, "50.0%"),
        ("（未指定岗位）", ""): (0, 1, 0, "0.0%"),
    }


def test_rates_by_department_add_up_each_subtree_in_tree_order(world: ReportWorld) -> None:
    scope = reports.scope_for(world.cast.safety_officer)
    qs = reports.period_occurrences(world.cast.safety_officer, scope, MARCH)
    rows = reports.rates_by_department(world.cast.safety_officer, scope, qs)
    assert [(r.cells[0], r.depth, r.tally.done, r.tally.missed, r.tally.open) for r in rows] == [
        ("甲化工有限公司", 0, 6, 5, 1),
        ("A储运部", 1, 1, 1, 0),
        ("A生产部", 1, 5, 4, 1),  # its team's figures: P1 and the team leader's own task
        ("A甲班组", 2, 5, 4, 1),
    ]


def test_rates_by_person_follow_whose_checks_they_are(world: ReportWorld) -> None:
    figures = _figures(world.cast.safety_officer, "person")
    assert figures[("Aworker", "A甲班组", "岗位员工")] == (5, 3, 1, "62.5%")
    assert figures[("A装卸工", "A储运部", "岗位员工")] == (1, 1, 0, "50.0%")
    assert figures[("Aleader", "A甲班组", "班组长")] == (0, 1, 0, "0.0%")
    # People with nothing due in the period show a dash, not 0 %.
    assert figures[("Aowner", "甲化工有限公司", "主要负责人")] == (0, 0, 0, "—")
    assert len(figures) == 6  # the five cast roles of A and worker2


def test_a_post_check_counts_once_for_a_holder_who_is_also_its_assignee(
    world: ReportWorld,
) -> None:
    # An open check of P1 that is also assigned to the worker, who holds P1.
    make_occurrence(world.tasks["T1"], *day_window(20), assignee=world.cast.worker)
    figures = _figures(world.cast.safety_officer, "person")
    assert figures[("Aworker", "A甲班组", "岗位员工")] == (5, 3, 2, "62.5%")


def test_special_inspections_and_unassigned_points_count_for_their_people(
    world: ReportWorld,
) -> None:
    cast = world.cast
    r2, m3 = world.objects["R2"], world.measures["M3"]
    special = SpecialInspection.objects.create(
        enterprise=cast.a.enterprise,
        name="三月防冻专项",
        inspection_type=DangerSrc.SEASONAL,
        start_date=dt.date(2026, 3, 10),
        end_date=dt.date(2026, 3, 12),
        leader=cast.safety_officer,
    )
    special.members.add(cast.worker, cast.safety_officer)  # the leader is listed as well
    item = SpecialInspectionItem.objects.create(
        enterprise=cast.a.enterprise,
        inspection=special,
        content="检查防冻保温",
        measure=m3,
        risk_object=r2,
    )
    CheckOccurrence.objects.create(
        enterprise=cast.a.enterprise,
        special_item=item,
        measure=m3,
        risk_object=r2,
        window_start=at(10),
        window_end=at(13),
        source_code=DangerSrc.SEASONAL,
        status=OccurrenceStatus.MISSED,
    )
    # A task for nobody in particular: it is the risk point's responsible person's.
    r2.responsible_person = cast.a.users["dept"]
    r2.save()
    make_occurrence(make_task(m3), *day_window(15), status=OccurrenceStatus.DONE)

    figures = _figures(cast.safety_officer, "person")
    assert figures[("Asafety", "甲化工有限公司", "安全管理员")] == (0, 1, 0, "0.0%")  # once
    assert figures[("Aworker", "A甲班组", "岗位员工")] == (5, 4, 1, "55.6%")
    assert figures[("Adept", "A生产部", "部门/车间负责人")] == (1, 0, 0, "100.0%")
    # Both belong to A储运部, the unit responsible for R2.
    assert _figures(cast.safety_officer, "department")[("A储运部",)] == (2, 2, 0, "50.0%")
    totals = _totals(cast.worker)
    assert (totals.done, totals.missed, totals.open) == (5, 4, 1)


def test_rates_by_measure_match_the_hand_computed_figures(world: ReportWorld) -> None:
    assert _figures(world.cast.safety_officer, "measure") == {
        ("A储罐区", "A储罐泄漏引发火灾爆炸", "A液位高高联锁投用"): (3, 2, 0, "60.0%"),
        ("A储罐区", "A储罐泄漏引发火灾爆炸", "A可燃气体报警仪完好"): (2, 1, 1, "66.7%"),
        ("A储罐区", "A储罐泄漏引发火灾爆炸", "A防火堤无破损"): (0, 1, 0, "0.0%"),
        ("A装卸站", "A装卸时静电引燃", "A静电接地夹完好"): (1, 1, 0, "50.0%"),
    }


def test_a_backfilled_late_check_does_not_turn_a_missed_check_into_done(
    world: ReportWorld,
) -> None:
    assert world.late_record is not None and world.late_record.is_late
    assert world.occ["T1-4"].status == OccurrenceStatus.MISSED


def test_a_period_without_due_checks_shows_dashes(world: ReportWorld) -> None:
    january = Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert _totals(world.cast.safety_officer, january).rate_label == "—"
    body = (
        _client(world.cast.safety_officer)
        .get("/inspections/reports/?start=2026-01-01&end=2026-01-31&by=post")
        .content.decode()
    )
    assert 'id="total-rate">—<' in body
    assert "统计期间内没有排查任务" in body


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (at(2), at(3), "2026-03-02"),
        (at(2), at(9), "2026-03-02 ~ 2026-03-08"),
        (at(2, 8), at(2, 10), "2026-03-02 08:00–10:00"),
        (at(2, 20), at(3, 8), "2026-03-02 20:00–次日08:00"),
        (at(2, 8), at(4, 8), "2026-03-02 08:00 ~ 2026-03-04 08:00"),
    ],
)
def test_windows_read_naturally(start: dt.datetime, end: dt.datetime, label: str) -> None:
    assert reports.window_label(start, end) == label


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (at(2), at(3), "全天"),
        (at(2), at(9), "03-02 ~ 03-08"),
        (at(2, 8), at(2, 10), "08:00–10:00"),
        (at(2, 20), at(3, 8), "20:00–次日08:00"),
        (at(1, 20), at(2, 8), "03-01 20:00–08:00"),
        (at(2, 22), at(3), "22:00–24:00"),
    ],
)
def test_a_days_sheet_prints_windows_relative_to_that_day(
    start: dt.datetime, end: dt.datetime, label: str
) -> None:
    assert reports.window_on_day(start, end, dt.date(2026, 3, 2)) == label


# --- who sees what ---------------------------------------------------------------------------


def test_a_department_head_sees_their_department_subtree_only(world: ReportWorld) -> None:
    head = world.cast.a.users["dept"]
    totals = _totals(head)
    assert (totals.done, totals.missed, totals.open) == (5, 4, 1)
    assert [cells[0] for cells in _figures(head, "department")] == ["A生产部", "A甲班组"]
    assert set(_figures(head, "post")) == {("A操作工岗", "A甲班组"), ("（未指定岗位）", "")}
    assert {cells[0] for cells in _figures(head, "person")} == {"Adept", "Aleader", "Aworker"}
    assert "A静电接地夹完好" not in {cells[2] for cells in _figures(head, "measure")}


def test_a_team_leader_sees_their_team(world: ReportWorld) -> None:
    leader = world.cast.team_leader
    assert [cells[0] for cells in _figures(leader, "department")] == ["A甲班组"]
    assert {cells[0] for cells in _figures(leader, "person")} == {"Aleader", "Aworker"}
    totals = _totals(leader)
    assert (totals.done, totals.missed, totals.open) == (5, 4, 1)


def test_a_worker_sees_only_their_own_figures(world: ReportWorld) -> None:
    worker = world.cast.worker
    totals = _totals(worker)
    assert (totals.done, totals.missed, totals.open) == (5, 3, 1)  # P1 only
    assert list(_figures(worker, "person")) == [("Aworker", "A甲班组", "岗位员工")]
    assert set(_figures(worker, "post")) == {("A操作工岗", "A甲班组")}
    body = _client(worker).get(f"/inspections/reports/?{MARCH_QUERY}&by=person").content.decode()
    assert "Aworker" in body and "A装卸工" not in body and "Aleader" not in body


def test_another_enterprise_sees_none_of_these_checks(world: ReportWorld) -> None:
    totals = _totals(world.cast.outsider)
    assert (totals.done, totals.missed, totals.open) == (0, 0, 0)
    body = _client(world.cast.outsider).get(f"/inspections/reports/?{MARCH_QUERY}").content.decode()
    assert "甲化工有限公司" not in body and "A生产部" not in body


def test_regulators_get_nothing_here_for_now(world: ReportWorld) -> None:
    client = _client(world.cast.district_regulator)
    for url in (
        "/inspections/reports/",
        "/inspections/reports/missed/",
        "/inspections/reports/findings/",
        "/inspections/load/",
        "/inspections/checklist.xlsx",
    ):
        assert client.get(url).status_code == 403, url


# --- the page --------------------------------------------------------------------------------


def _row_numbers(body: str, label: str) -> list[str]:
    """The numeric cells of the table row whose first cell is ``label``."""
    match = re.search(rf"<td[^>]*>{re.escape(label)}</td>(.*?)</tr>", body, re.S)
    assert match, f"no row {label!r}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_the_page_shows_the_totals_and_each_dimension(world: ReportWorld) -> None:
    client = _client(world.cast.safety_officer)
    body = client.get(f"/inspections/reports/?{MARCH_QUERY}").content.decode()
    assert 'id="total-rate">54.5%<' in body
    assert _row_numbers(body, "A储运部") == ["2", "1", "1", "50.0%", "0"]
    body = client.get(f"/inspections/reports/?{MARCH_QUERY}&by=post").content.decode()
    assert _row_numbers(body, "A操作工岗") == ["A甲班组", "8", "5", "3", "62.5%", "1"]
    body = client.get(f"/inspections/reports/?{MARCH_QUERY}&by=measure").content.decode()
    assert "A防火堤无破损" in body
    assert (
        'href="/inspections/reports/export/?start=2026-03-01&amp;end=2026-03-31&amp;by=measure"'
        in body
    )


def test_the_period_defaults_to_this_month(world: ReportWorld, time_machine: Any) -> None:
    time_machine.move_to(at(20, 10), tick=False)
    body = _client(world.cast.safety_officer).get("/inspections/reports/").content.decode()
    assert "2026-03-01 ~ 2026-03-31" in body
    assert 'id="total-rate">54.5%<' in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-03-31&end=2026-03-01", "开始日期不能晚于结束日期"),
        ("start=2025-03-01&end=2026-03-01", "统计期间最长为一年"),
        ("start=2026-13-01", "开始日期"),
    ],
)
def test_a_bad_period_is_explained_and_this_month_is_shown_instead(
    world: ReportWorld, time_machine: Any, query: str, message: str
) -> None:
    time_machine.move_to(at(20, 10), tick=False)
    body = _client(world.cast.safety_officer).get(f"/inspections/reports/?{query}").content.decode()
    assert message in body
    assert "已按本月统计" in body
    assert "2026-03-01 ~ 2026-03-31" in body


def test_a_whole_year_is_allowed(world: ReportWorld) -> None:
    response = _client(world.cast.safety_officer).get(
        "/inspections/reports/?start=2025-04-01&end=2026-03-31"
    )
    assert "统计期间最长为一年" not in response.content.decode()
    # March's 6 done / 5 missed, and T1's Feb 28 window (missed) is now inside.
    assert 'id="total-rate">50.0%<' in response.content.decode()


@pytest.mark.parametrize("by", ["department", "post", "person", "measure"])
def test_the_page_query_count_does_not_grow_with_the_occurrences(
    world: ReportWorld, django_assert_num_queries: Any, by: str
) -> None:
    client = _client(world.cast.safety_officer)
    url = f"/inspections/reports/?{MARCH_QUERY}&by={by}"
    client.get(url)  # warm the session and the actor
    # session, user, actor, the grouped figures (+ the org units, + the people), the totals,
    # the header's unread-message COUNT, and the session save (savepoint, update, release).
    expected = {"department": 10, "post": 10, "person": 11, "measure": 9}[by]
    with django_assert_num_queries(expected):
        client.get(url)
    for day in range(7, 28):
        make_occurrence(world.tasks["T1"], *day_window(day))
        make_occurrence(world.tasks["T3"], *day_window(day), status=OccurrenceStatus.MISSED)
    with django_assert_num_queries(expected):
        body = client.get(url).content.decode()
    assert 'id="total-rate">' in body


# --- the 未排查 list -------------------------------------------------------------------------


def test_the_missed_list_shows_each_missed_check_of_the_period(world: ReportWorld) -> None:
    scope = reports.scope_for(world.cast.safety_officer)
    missed = list(reports.missed_occurrences(world.cast.safety_officer, scope, MARCH))
    assert {o.pk for o in missed} == {
        world.occ[k].pk for k in ("T1-4", "T1-5", "T2-3", "T3-3", "T4-2")
    }
    assert missed[0].pk == world.occ["T1-5"].pk  # newest window first
    body = _client(world.cast.safety_officer).get(f"/inspections/reports/missed/?{MARCH_QUERY}")
    text = body.content.decode()
    assert text.count("<tr>") == 1 + 5  # header + rows
    assert "A防火堤无破损" in text and "Aleader" in text  # the person-assigned one
    assert '<td class="nowrap">2026-03-05</td>' in text  # a whole-day window
    # Each missed check links to the 补录 page of its paper sheet (post or person, day).
    post = world.cast.a.post.public_id
    assert f'href="/inspections/backfill/?post={post}&amp;date=2026-03-05"' in text
    leader = world.cast.team_leader.public_id
    assert f'href="/inspections/backfill/?person={leader}&amp;date=2026-03-02"' in text


def test_the_missed_list_filters_by_department_and_post(world: ReportWorld) -> None:
    client = _client(world.cast.safety_officer)
    unit = world.cast.a.department.public_id
    text = client.get(f"/inspections/reports/missed/?{MARCH_QUERY}&unit={unit}").content.decode()
    assert text.count("<tr>") == 1 + 4 and "A静电接地夹完好" not in text
    post = world.post2.public_id
    text = client.get(f"/inspections/reports/missed/?{MARCH_QUERY}&post={post}").content.decode()
    assert text.count("<tr>") == 1 + 1 and "A静电接地夹完好" in text


def test_the_missed_list_refuses_another_enterprises_department(world: ReportWorld) -> None:
    other = world.cast.b.department.public_id
    text = (
        _client(world.cast.safety_officer)
        .get(f"/inspections/reports/missed/?{MARCH_QUERY}&unit={other}")
        .content.decode()
    )
    assert "部门/班组" in text and "选择一个有效的选项" in text
    assert text.count("<tr>") == 1 + 5  # the filter is ignored, not widened


def test_the_missed_list_is_paginated(world: ReportWorld) -> None:
    for day in range(7, 30):
        for task in ("T1", "T3", "T4"):
            make_occurrence(world.tasks[task], *day_window(day), status=OccurrenceStatus.MISSED)
    client = _client(world.cast.safety_officer)
    first = client.get(f"/inspections/reports/missed/?{MARCH_QUERY}").content.decode()
    assert first.count("<tr>") == 1 + 50
    assert "第 1 / 2 页，共 74 条" in first
    second = client.get(f"/inspections/reports/missed/?{MARCH_QUERY}&page=2").content.decode()
    assert second.count("<tr>") == 1 + 24


def test_a_worker_sees_only_their_own_missed_checks(world: ReportWorld) -> None:
    text = (
        _client(world.cast.worker)
        .get(f"/inspections/reports/missed/?{MARCH_QUERY}")
        .content.decode()
    )
    assert text.count("<tr>") == 1 + 3  # T1 Mar 4, Mar 5, T2 Mar 3
    assert "/inspections/backfill/" not in text  # workers do not back-enter
    assert "A静电接地夹完好" not in text and "A防火堤无破损" not in text


# --- finding rates ---------------------------------------------------------------------------


def test_the_finding_rate_counts_hazards_among_real_records(world: ReportWorld) -> None:
    scope = reports.scope_for(world.cast.safety_officer)
    rows = reports.finding_rates(world.cast.safety_officer, scope, MARCH)
    assert [(r.cells[2], r.total, r.hazards, r.normal, r.other, r.rate_label) for r in rows] == [
        ("A液位高高联锁投用", 4, 1, 3, 0, "25.0%"),  # the late record counts: it is real
        ("A可燃气体报警仪完好", 2, 0, 1, 1, "0.0%"),
        ("A静电接地夹完好", 1, 0, 1, 0, "0.0%"),
    ]


def test_the_findings_page_lists_the_measures_and_the_counts(world: ReportWorld) -> None:
    text = (
        _client(world.cast.safety_officer)
        .get(f"/inspections/reports/findings/?{MARCH_QUERY}")
        .content.decode()
    )
    assert "共 7 条排查记录，其中存在隐患 1 条" in text
    assert text.index("A液位高高联锁投用") < text.index("A静电接地夹完好")
    assert "25.0%" in text


def test_a_department_head_sees_findings_of_their_department_only(world: ReportWorld) -> None:
    head = world.cast.a.users["dept"]
    rows = reports.finding_rates(head, reports.scope_for(head), MARCH)
    assert [r.cells[2] for r in rows] == ["A液位高高联锁投用", "A可燃气体报警仪完好"]


# --- in a real browser -----------------------------------------------------------------------


@pytest.fixture
def browser_world(transactional_db: Any) -> ReportWorld:
    """The cast and the month of checks, after reloading what a transactional flush removed."""
    from dualprev.core.testing import build_cast, ensure_seed_data

    ensure_seed_data()
    return build_report_world(build_cast())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_oversight_pages_at_laptop_width(
    browser: Any, live_server: Any, screenshot: Any, browser_world: ReportWorld
) -> None:
    from dualprev.core.testing import PASSWORD

    world = browser_world
    page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")

    def login(user: Any) -> None:
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")

    login(world.cast.safety_officer)
    base = f"{live_server.url}/inspections"
    page.goto(f"{base}/reports/?{MARCH_QUERY}")
    assert page.inner_text("#total-rate") == "54.5%"
    assert page.locator("#rates-table tbody tr").count() == 4
    screenshot(page, "reports-rates-department")
    page.click("text=按人员")
    page.wait_for_load_state("networkidle")
    assert "by=person" in page.url and "2026-03-01" in page.url
    assert "Aworker" in page.inner_text("#rates-table")
    screenshot(page, "reports-rates-person")
    page.click("text=按管控措施")
    screenshot(page, "reports-rates-measure")

    page.goto(f"{base}/reports/missed/?{MARCH_QUERY}")
    assert page.locator("#missed-table tbody tr").count() == 5
    screenshot(page, "reports-missed")
    page.goto(f"{base}/reports/findings/?{MARCH_QUERY}")
    assert "25.0%" in page.inner_text("#findings-table")
    screenshot(page, "reports-findings")
    page.goto(f"{base}/load/?date=2026-03-02")
    screenshot(page, "reports-load")
    page.goto(f"{base}/sheets/")
    assert page.locator(".sheet-post").count() == 2
    screenshot(page, "reports-sheets")

    # 补录: choose the post and the day, enter one result with a late time, then correct it.
    page.goto(f"{base}/backfill/")
    page.select_option("#id_post", label="A操作工岗")
    page.fill("#id_date", "2026-03-03")
    page.click("#backfill-select button[type=submit]")
    page.wait_for_load_state("networkidle")
    row = page.locator(f"tr[data-occurrence='{world.occ['T2-3'].public_id}']")
    row.locator("input[type=radio][value='0']").check()
    row.locator("input[type=datetime-local]").fill("2026-03-04T09:00")
    page.click("#backfill-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "超时的检查不计入完成率" in page.inner_text(".backfill-table")
    screenshot(page, "reports-backfill-error")
    row = page.locator(f"tr[data-occurrence='{world.occ['T2-3'].public_id}']")
    row.locator("input[type=datetime-local]").fill("2026-03-03T15:20")
    page.click("#backfill-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已补录 1 条排查记录" in page.inner_text(".messages")
    assert "纸质补录" in page.inner_text("#backfill-done")
    screenshot(page, "reports-backfill-done")

    login(world.cast.worker)
    page.goto(f"{base}/reports/?{MARCH_QUERY}&by=person")
    assert page.locator("#rates-table tbody tr").count() == 1
    assert "纸质结果补录" not in page.inner_text(".report-nav")
    screenshot(page, "reports-rates-worker")
    page.close()


def test_long_report_tables_are_paginated_and_the_export_keeps_every_row(
    client, cast, monkeypatch
) -> None:
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    from dualprev.inspections import views_reports

    monkeypatch.setattr(views_reports, "ROWS_PER_PAGE", 2)
    client.force_login(cast.safety_officer)
    url = reverse("inspections:reports") + "?by=person"
    first = client.get(url)
    people = first.context["page_obj"].paginator.count
    assert people > 2 and len(first.context["page_obj"].object_list) == 2
    body = first.content.decode()
    assert 'class="pagination"' in body and "by=person&amp;page=2" in body
    last = client.get(url + f"&page={first.context['page_obj'].paginator.num_pages}")
    assert len(last.context["page_obj"].object_list) == people - 2 * (
        first.context["page_obj"].paginator.num_pages - 1
    )
    export = client.get(reverse("inspections:reports_export") + "?by=person")
    sheet = load_workbook(io.BytesIO(export.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]]
    assert len(names) >= people  # every person, not just the page
    for name in ("inspections:reports_findings", "inspections:load"):
        assert client.get(reverse(name)).status_code == 200
