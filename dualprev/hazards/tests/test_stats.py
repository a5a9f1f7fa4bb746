"""Hazard statistics (16号令 quarterly and annual report): every figure hand-computed on a small
world of hazards found, fixed and accepted at known times in 2025 (time-machine), over an
enterprise's hazards and over a regulator's jurisdiction; the period picker's errors; the page,
the Excel and the printable form.

The world (enterprise A, 较大 tier on; local times, Asia/Shanghai). Columns: found, grade,
治理类型 (限期/即改), type code, source code, funds (万元), what happens.

- H1 01-10 一般 限期 3 1 1.5  deadline 01-20, accepted 01-18 (on time)
- H2 02-05 较大 限期 7 3 2    deadline 02-15, accepted 02-20 (late)
- H3 03-01 一般 即改 5 1 —    fixed on the spot, accepted 03-01 15:00
- H4 03-10 重大 限期 2 8 10   deadline 05-31, accepted 06-10 (late)
- H5 03-20 —    —    — 10 —   cancelled: not a hazard
- H6 03-25 一般 限期 1 1 0.8  deadline 03-28, never fixed
- H7 03-30 —    —    — 10 —   still awaiting confirmation
- H8 04-15 一般 即改 4 4 —    confirmed, fixed and accepted 07-02
- H9 05-10 一般 限期 3 2 0.3  deadline 05-20, submitted 05-19, pending acceptance
- B1 02-01 一般 即改 5 1 —    enterprise B, fixed on the spot, accepted the same day

All in 2025.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from dualprev.conftest import ARTIFACTS
from dualprev.core.testing import Cast
from dualprev.hazards.actions import (
    ReportInput,
    accept_hazard,
    apply_resumption,
    approve_major_plan,
    cancel_hazard,
    confirm_fixed,
    confirm_hazard,
    record_evaluation,
    report_hazard,
    report_to_regulator,
    save_hazard_fields,
    save_major_plan,
    submit_rectification,
)
from dualprev.hazards.choices import EventAction
from dualprev.hazards.models import Hazard, HazardSettings
from dualprev.hazards.stats import (
    PeriodError,
    StatsPeriod,
    hazard_statistics,
    parse_period,
    period_statistics,
)
from dualprev.hazards.testing import MAJOR_PLAN, photo
from dualprev.reference.choices import DangerManageType, DangerSrc, HazardDangerType, HazardLevel

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has no daylight saving


def at(year: int, month: int, day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


def _report(
    cast: Cast, world: Any, name: str, found: dt.datetime, source: int, **extra: Any
) -> Hazard:
    with time_machine.travel(found, tick=False):
        return report_hazard(
            enterprise_id=world.enterprise.pk,
            reporter=world.users["worker"],
            data=ReportInput(name=name, description=f"{name}的描述", photos=[photo()], **extra),
            source=source,
        )


def _grade(world: Any, hazard: Hazard, when: dt.datetime, **changes: Any) -> None:
    with time_machine.travel(when, tick=False):
        save_hazard_fields(
            hazard=hazard,
            acting_user=world.users["safety"],
            changes={"liable_person": world.users["leader"], "responsible_unit": world.team}
            | changes,
            action=EventAction.GRADE,
        )


def _deadline_plan(deadline: dt.datetime, cost: str) -> dict[str, Any]:
    return {
        "manage_type": DangerManageType.DEADLINE,
        "rectification_measures": "按方案整改",
        "cost": Decimal(cost),
        "deadline": deadline,
        "contingency_plan": "整改前加强巡检",
    }


def _confirm(world: Any, hazard: Hazard, when: dt.datetime) -> None:
    with time_machine.travel(when, tick=False):
        confirm_hazard(hazard=hazard, acting_user=world.users["safety"])


def _submit(hazard: Hazard, user: Any, when: dt.datetime) -> None:
    with time_machine.travel(when, tick=False):
        submit_rectification(hazard=hazard, acting_user=user, note="已整改", photos=[photo()])


def _accept(hazard: Hazard, user: Any, when: dt.datetime) -> None:
    with time_machine.travel(when, tick=False):
        accept_hazard(hazard=hazard, acting_user=user, comment="整改合格")


def _on_the_spot(cast: Cast, world: Any, name: str, found: dt.datetime, danger: int) -> Hazard:
    hazard = _report(
        cast,
        world,
        name,
        found,
        DangerSrc.DAILY,
        fixed_on_spot=True,
        fix_note="当场整改完毕",
        after_photos=[photo()],
    )
    _grade(
        world,
        hazard,
        found + dt.timedelta(minutes=30),
        level=HazardLevel.GENERAL,
        manage_type=DangerManageType.IMMEDIATE,
        danger_type=danger,
    )
    with time_machine.travel(found + dt.timedelta(hours=1), tick=False):
        confirm_fixed(hazard=hazard, acting_user=world.users["safety"])
    return hazard


@pytest.fixture
def world(cast: Cast) -> dict[str, Hazard]:
    a = cast.a
    HazardSettings.objects.create(enterprise=a.enterprise, larger_tier_enabled=True)
    leader, safety, owner = a.users["leader"], a.users["safety"], a.users["owner"]
    h: dict[str, Hazard] = {}

    h["H1"] = _report(cast, a, "H1配电柜门未关", at(2025, 1, 10, 9), DangerSrc.DAILY)
    _grade(
        a,
        h["H1"],
        at(2025, 1, 10, 10),
        level=HazardLevel.GENERAL,
        danger_type=HazardDangerType.ELECTRICAL,
        **_deadline_plan(at(2025, 1, 20, 18), "1.5"),
    )
    _confirm(a, h["H1"], at(2025, 1, 10, 11))
    _submit(h["H1"], leader, at(2025, 1, 17, 16))
    _accept(h["H1"], safety, at(2025, 1, 18, 10))

    h["H2"] = _report(cast, a, "H2泵体漏油", at(2025, 2, 5, 9), DangerSrc.SPECIALIST)
    _grade(
        a,
        h["H2"],
        at(2025, 2, 5, 10),
        level=HazardLevel.LARGER,
        danger_type=HazardDangerType.EQUIPMENT,
        **_deadline_plan(at(2025, 2, 15, 18), "2"),
    )
    _confirm(a, h["H2"], at(2025, 2, 5, 11))
    _submit(h["H2"], leader, at(2025, 2, 19, 16))
    _accept(h["H2"], safety, at(2025, 2, 20, 10))

    h["H3"] = _on_the_spot(cast, a, "H3灭火器过期", at(2025, 3, 1, 9), HazardDangerType.FIRE)
    _accept(h["H3"], safety, at(2025, 3, 1, 15))

    h["H4"] = _report(cast, a, "H4反应釜无紧急切断", at(2025, 3, 10, 9), DangerSrc.EXTERNAL_EXPERT)
    _grade(
        a,
        h["H4"],
        at(2025, 3, 10, 10),
        level=HazardLevel.MAJOR,
        danger_type=HazardDangerType.PROCESS,
        liable_person=a.users["dept"],
        responsible_unit=a.department,
        interim_measures="降负荷运行，专人监护",
        **_deadline_plan(at(2025, 5, 31, 18), "10"),
    )
    with time_machine.travel(at(2025, 3, 11, 9), tick=False):
        save_major_plan(hazard=h["H4"], acting_user=safety, values=MAJOR_PLAN)
        approve_major_plan(hazard=h["H4"], acting_user=owner)
        report_to_regulator(hazard=h["H4"], acting_user=safety)
    _confirm(a, h["H4"], at(2025, 3, 12, 9))
    _submit(h["H4"], a.users["dept"], at(2025, 6, 5, 9))
    with time_machine.travel(at(2025, 6, 8, 9), tick=False):
        record_evaluation(
            hazard=h["H4"], acting_user=safety, by="own_experts", org="专家组", conclusion="合格"
        )
        apply_resumption(hazard=h["H4"], acting_user=safety, text="申请恢复生产")
    _accept(h["H4"], owner, at(2025, 6, 10, 10))

    h["H5"] = _report(cast, a, "H5误报", at(2025, 3, 20, 9), DangerSrc.OTHER)
    with time_machine.travel(at(2025, 3, 20, 10), tick=False):
        cancel_hazard(
            hazard=h["H5"], acting_user=safety, reason="not_a_hazard", note="经核实不构成隐患"
        )

    h["H6"] = _report(cast, a, "H6护栏缺失", at(2025, 3, 25, 9), DangerSrc.DAILY)
    _grade(
        a,
        h["H6"],
        at(2025, 3, 25, 10),
        level=HazardLevel.GENERAL,
        danger_type=HazardDangerType.SAFETY,
        **_deadline_plan(at(2025, 3, 28, 18), "0.8"),
    )
    _confirm(a, h["H6"], at(2025, 3, 25, 11))

    h["H7"] = _report(cast, a, "H7待确认", at(2025, 3, 30, 9), DangerSrc.OTHER)

    h["H8"] = _report(cast, a, "H8压力表失准", at(2025, 4, 15, 9), DangerSrc.SEASONAL)
    _grade(
        a,
        h["H8"],
        at(2025, 4, 15, 10),
        level=HazardLevel.GENERAL,
        manage_type=DangerManageType.IMMEDIATE,
        danger_type=HazardDangerType.INSTRUMENT,
    )
    _confirm(a, h["H8"], at(2025, 4, 15, 11))
    _submit(h["H8"], leader, at(2025, 7, 2, 9))
    _accept(h["H8"], safety, at(2025, 7, 2, 10))

    h["H9"] = _report(cast, a, "H9电缆破皮", at(2025, 5, 10, 9), DangerSrc.COMPREHENSIVE)
    _grade(
        a,
        h["H9"],
        at(2025, 5, 10, 10),
        level=HazardLevel.GENERAL,
        danger_type=HazardDangerType.ELECTRICAL,
        **_deadline_plan(at(2025, 5, 20, 18), "0.3"),
    )
    _confirm(a, h["H9"], at(2025, 5, 10, 11))
    _submit(h["H9"], leader, at(2025, 5, 19, 16))

    h["B1"] = _on_the_spot(cast, cast.b, "B1消防器材缺失", at(2025, 2, 1, 9), HazardDangerType.FIRE)
    _accept(h["B1"], cast.b.users["safety"], at(2025, 2, 1, 15))
    return h


def _a_hazards(cast: Cast) -> Any:
    return Hazard.objects.filter(enterprise=cast.a.enterprise)


def _row(rows: list[dict[str, Any]], code: int) -> tuple[int, int, int]:
    found = next(r for r in rows if r["code"] == code)
    return found["count"], found["rectified"], found["on_time"]


# --- Periods ---------------------------------------------------------------------------------


def test_periods_are_quarters_or_years_with_their_due_dates() -> None:
    q3 = parse_period("2026Q3")
    assert (q3.start, q3.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert q3.lower == at(2026, 7, 1) and q3.upper == at(2026, 10, 1)
    assert q3.key == "2026Q3" and q3.label == "2026年第3季度"
    assert q3.due_date == dt.date(2026, 10, 15)  # the 15th of the next quarter's first month
    q4 = parse_period("2026q4")
    assert q4.end == dt.date(2026, 12, 31) and q4.due_date == dt.date(2027, 1, 15)
    year = parse_period(" 2026 ")
    assert (year.start, year.end, year.label) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        "2026年度",
    )
    assert year.due_date == dt.date(2027, 1, 31)
    assert parse_period("", today=dt.date(2026, 11, 30)) == StatsPeriod(2026, 4)
    assert StatsPeriod(2026, 1).previous() == StatsPeriod(2025, 4)
    assert StatsPeriod(2026, 4).following() == StatsPeriod(2027, 1)
    assert StatsPeriod(2026).previous() == StatsPeriod(2025)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026Q5", "季度须为 1 至 4"),
        ("2026Q0", "季度须为 1 至 4"),
        ("abc", "格式不正确"),
        ("2026-03", "格式不正确"),
        ("1999", "统计年份须在 2000 至 2100 年之间"),
    ],
)
def test_a_bad_period_is_refused_with_a_chinese_message(value: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        parse_period(value)


# --- The figures -------------------------------------------------------------------------------


def test_the_first_quarter_figures(cast: Cast, world: dict[str, Hazard]) -> None:
    q1 = StatsPeriod(2025, 1)
    s = hazard_statistics(_a_hazards(cast), q1.lower, q1.upper)
    assert s["reported"] == 7  # H1–H7
    assert s["confirmed"] == 5  # not H5 (cancelled) nor H7 (awaiting confirmation)
    assert s["rectified"] == 4  # H1, H2, H3, H4 (accepted since)
    assert s["rectification_rate"] == pytest.approx(0.8)
    assert s["on_time"] == 2  # H1 before its deadline, H3 (即查即改) within the quarter
    assert s["on_time_rate"] == pytest.approx(0.5)
    assert s["cost_total"] == Decimal("14.3")  # 1.5 + 2 + 10 + 0.8
    assert s["majors_planned"] == 1
    assert s["cutoff"] == at(2025, 4, 1)
    assert s["open_at_cutoff"] == 2  # H4 (accepted in June) and H6
    assert s["overdue_open"] == 1  # H6 (H4's deadline was still ahead)

    level = s["by_level"]
    assert [r["label"] for r in level] == ["一般", "较大", "重大"]
    assert _row(level, HazardLevel.GENERAL) == (3, 2, 2)  # H1, H3, H6
    assert _row(level, HazardLevel.LARGER) == (1, 1, 0)  # H2, late
    assert _row(level, HazardLevel.MAJOR) == (1, 1, 0)  # H4, late
    assert next(r for r in level if r["code"] == 0)["rate"] == pytest.approx(2 / 3)

    assert _row(s["by_manage_type"], DangerManageType.IMMEDIATE) == (1, 1, 1)
    assert _row(s["by_manage_type"], DangerManageType.DEADLINE) == (4, 3, 1)

    types = {r["code"]: (r["count"], r["rectified"], r["on_time"]) for r in s["by_danger_type"]}
    assert list(types) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert types == {
        1: (1, 0, 0),  # H6
        2: (1, 1, 0),  # H4
        3: (1, 1, 1),  # H1
        4: (0, 0, 0),
        5: (1, 1, 1),  # H3
        6: (0, 0, 0),
        7: (1, 1, 0),  # H2
        8: (0, 0, 0),
    }
    sources = {r["code"]: r["count"] for r in s["by_source"]}
    assert list(sources) == list(range(1, 11))
    assert sources == {1: 3, 2: 0, 3: 1, 4: 0, 5: 0, 6: 0, 7: 0, 8: 1, 9: 0, 10: 0}
    assert _row(s["by_source"], DangerSrc.DAILY) == (3, 2, 2)

    states = {r["code"]: (r["count"], r["national"]) for r in s["by_status"]}
    assert states == {
        "reported": (1, None),  # H7
        "rectifying": (1, 0),  # H6
        "pending_accept": (0, 1),
        "accepted": (4, 9),  # H1–H4
        "cancelled": (1, None),  # H5
    }
    assert [m["number"] for m in s["majors"]] == [world["H4"].number]
    major = s["majors"][0]
    assert major["status"] == "accepted" and major["plan_approved"] is True
    assert major["cost"] == Decimal("10") and major["liable_person"] == "Adept"


def test_the_second_quarter_counts_open_hazards_from_before(
    cast: Cast, world: dict[str, Hazard]
) -> None:
    q2 = StatsPeriod(2025, 2)
    s = hazard_statistics(_a_hazards(cast), q2.lower, q2.upper)
    assert (s["reported"], s["confirmed"], s["rectified"]) == (2, 2, 1)  # H8, H9; H8 accepted
    assert s["rectification_rate"] == pytest.approx(0.5)
    # H8 is 即查即改 but was accepted on 2 July, after the quarter: not on time.
    assert s["on_time"] == 0 and s["on_time_rate"] == 0.0
    assert s["cost_total"] == Decimal("0.3")
    assert s["open_at_cutoff"] == 3  # H6, H8 (accepted in July), H9
    assert s["overdue_open"] == 2  # H6 and H9 (pending acceptance is still open)
    assert s["majors_planned"] == 0
    # H4 was found in Q1 but open during Q2 (accepted 10 June): it is on the 重大 list.
    assert [m["number"] for m in s["majors"]] == [world["H4"].number]
    states = {r["code"]: r["count"] for r in s["by_status"]}
    assert states == {
        "reported": 0,
        "rectifying": 0,
        "pending_accept": 1,
        "accepted": 1,
        "cancelled": 0,
    }


def test_the_year_figures(cast: Cast, world: dict[str, Hazard]) -> None:
    s = period_statistics(_a_hazards(cast), StatsPeriod(2025))
    assert (s["reported"], s["confirmed"], s["rectified"]) == (9, 7, 5)
    assert s["rectification_rate"] == pytest.approx(5 / 7)
    assert s["on_time"] == 3  # H1, H3, and H8 (即查即改, accepted within the year)
    assert s["on_time_rate"] == pytest.approx(0.6)
    assert s["cost_total"] == Decimal("14.6")
    assert (s["open_at_cutoff"], s["overdue_open"]) == (2, 2)  # H6, H9
    assert _row(s["by_level"], HazardLevel.GENERAL) == (5, 3, 3)
    assert s["period"] == StatsPeriod(2025)


def test_a_period_without_hazards_has_no_rates(cast: Cast, world: dict[str, Hazard]) -> None:
    q4 = StatsPeriod(2024, 4)
    s = hazard_statistics(_a_hazards(cast), q4.lower, q4.upper)
    assert (s["reported"], s["confirmed"], s["rectified"]) == (0, 0, 0)
    assert s["rectification_rate"] is None and s["on_time_rate"] is None
    assert s["cost_total"] == Decimal("0") and s["majors"] == []


def test_a_period_not_over_yet_is_cut_off_now(cast: Cast, world: dict[str, Hazard]) -> None:
    q1 = StatsPeriod(2025, 1)
    s = hazard_statistics(_a_hazards(cast), q1.lower, q1.upper, now=at(2025, 3, 26, 12))
    assert s["cutoff"] == at(2025, 3, 26, 12)
    assert s["overdue_open"] == 0  # H6's deadline (28 March) is still ahead
    assert s["open_at_cutoff"] == 2  # H4 and H6


def test_a_regulator_jurisdiction_adds_up_its_enterprises(
    cast: Cast, world: dict[str, Hazard]
) -> None:
    q1 = StatsPeriod(2025, 1)
    district = hazard_statistics(
        Hazard.objects.visible_to(cast.district_regulator), q1.lower, q1.upper
    )
    assert (district["reported"], district["confirmed"], district["rectified"]) == (8, 6, 5)
    assert district["on_time"] == 3  # B1 too
    other = hazard_statistics(
        Hazard.objects.visible_to(cast.other_district_regulator), q1.lower, q1.upper
    )
    assert other["reported"] == 0


def test_the_statistics_take_a_fixed_number_of_queries(
    cast: Cast, world: dict[str, Hazard], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        period_statistics(_a_hazards(cast), StatsPeriod(2025))


# --- The page, the Excel and the printable form --------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_the_quarter(cast: Cast, world: dict[str, Hazard]) -> None:
    response = _client(cast.safety_officer).get("/hazards/stats/?period=2025Q1")
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures["reported"], figures["rectified"], figures["overdue_open"]) == (7, 4, 1)
    html = response.content.decode()
    for text in ("2025年第1季度", "80.0%", "50.0%", "14.3", world["H4"].number, "2025-04-15"):
        assert text in html, text
    assert 'href="/hazards/stats.xlsx?period=2025Q1"' in html
    assert "found_from=2025-01-01&amp;found_to=2025-03-31" in html


@pytest.mark.parametrize("value", ["2026Q5", "abc"])
def test_the_page_refuses_a_bad_period(cast: Cast, value: str) -> None:
    client = _client(cast.safety_officer)
    response = client.get(f"/hazards/stats/?period={value}")
    assert response.status_code == 400
    assert "统计期间" in response.content.decode() or "季度须为" in response.content.decode()
    for export in ("stats.xlsx", "stats.pdf"):
        refused = client.get(f"/hazards/{export}?period={value}")
        assert refused.status_code == 400
        assert refused["Content-Type"].startswith("text/plain")
        assert ("格式不正确" in refused.content.decode()) or (
            "季度须为" in refused.content.decode()
        )


def test_the_statistics_are_for_hazard_managers(cast: Cast) -> None:
    for url in ("/hazards/stats/", "/hazards/stats.xlsx", "/hazards/stats.pdf"):
        assert _client(cast.worker).get(url).status_code == 403
        assert _client(cast.district_regulator).get(url).status_code == 403
    page = _client(cast.outsider).get("/hazards/stats/")
    assert page.status_code == 200 and "甲化工" not in page.content.decode()


def test_the_excel_report_reads_back(cast: Cast, world: dict[str, Hazard]) -> None:
    response = _client(cast.safety_officer).get("/hazards/stats.xlsx?period=2025Q1")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "汇总",
        "按等级",
        "按治理类型",
        "按隐患类型",
        "按隐患来源",
        "按状态",
        "重大隐患",
    ]
    summary = {
        row[0]: row[1] for row in book["汇总"].iter_rows(min_row=3, values_only=True) if row[0]
    }
    assert summary["统计期间"] == "2025-01-01 ~ 2025-03-31"
    assert summary["报送截止日期"] == "2025-04-15"
    assert (summary["上报隐患数"], summary["确认隐患数"], summary["已整改销号数"]) == (7, 5, 4)
    assert summary["整改率"] == pytest.approx(0.8)
    assert summary["按期整改率（占已销号）"] == pytest.approx(0.5)
    assert summary["期末逾期未整改数"] == 1
    assert summary["整改资金合计（万元）"] == pytest.approx(14.3)
    levels = [row for row in book["按等级"].iter_rows(min_row=3, values_only=True)]
    assert levels == [
        ("一般", 3, 2, 2, pytest.approx(2 / 3)),
        ("较大", 1, 1, 0, 1.0),
        ("重大", 1, 1, 0, 1.0),
        ("合计", 5, 4, 2, pytest.approx(0.8)),
    ]
    assert book["按等级"]["E3"].number_format == "0.0%"
    sources = list(book["按隐患来源"].iter_rows(min_row=3, values_only=True))
    assert len(sources) == 11 and sources[0][:2] == ("日常排查", 3)
    majors = list(book["重大隐患"].iter_rows(min_row=3, values_only=True))
    assert [m[0] for m in majors] == [world["H4"].number]
    assert majors[0][3] == dt.datetime(2025, 3, 10, 9) and majors[0][8] == "已批准"


def test_the_printable_form_carries_the_figures(
    cast: Cast, world: dict[str, Hazard], tmp_path: Path
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    response = _client(cast.safety_officer).get("/hazards/stats.pdf?period=2025Q1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "stats.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "生产经营单位事故隐患排查治理情况统计分析表",
        "甲化工有限公司",
        "2025年第1季度",
        "报送单位：二七区应急管理局",
        "报送截止日期：2025-04-15",
        "80.0%",
        "50.0%",
        "14.3",
        world["H4"].number,
        "H4反应釜无紧急切断",
        "外聘专家诊断式排查",
        "主要负责人（签字）",
    ):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "CJK" in fonts
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(path), str(ARTIFACTS / "hazards-doc-stats")],
            check=True,
        )


def test_a_fresh_enterprise_gets_the_current_quarter(cast: Cast) -> None:
    response = _client(cast.outsider).get("/hazards/stats/")
    assert response.status_code == 200
    assert response.context["period"] == StatsPeriod.current_quarter(timezone.localdate())
