"""The regulator's hazard pages: the jurisdiction overview (grade × state, overdue hazards with
reminders and escalation, 重大 hazards with their reports), the report inbox and its
acknowledgement, and the hazard lines on the regulator home and an enterprise's page.

The cast: 二七区 has enterprises A (危化) and B (乳业), 中原区 has C. A has a reported hazard, one
under rectification (7-day deadline) and a confirmed 重大 hazard reported to the district; B
and C each have a reported hazard."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dualprev.core.testing import Cast
from dualprev.hazards.choices import EventAction, HazardStatus, RegulatorReportKind
from dualprev.hazards.models import Hazard, RegulatorReport
from dualprev.reference.choices import HazardLevel

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
OVERVIEW = "/regulator/hazards/"
INBOX = "/regulator/hazard-reports/"
A_NAME, B_NAME, C_NAME = "甲化工有限公司", "乙乳业有限公司", "丙公交有限公司"


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def report_url(report: RegulatorReport, action: str = "") -> str:
    name = "supervision:hazard_report_acknowledge" if action else "supervision:hazard_report_detail"
    return reverse(name, args=[report.public_id])


def report_of_b(cast: Cast) -> RegulatorReport:
    """A report of enterprise B (乳业), so the dairy industry department has one to read."""
    hazard = cast.b.risks["hazard"]
    return RegulatorReport.objects.create(
        enterprise=cast.b.enterprise,
        hazard=hazard,
        kind=RegulatorReportKind.MAJOR_REPORT,
        content={"number": hazard.number, "name": hazard.name, "status": hazard.status},
        submitted_by=cast.b.users["safety"],
        submitted_at=timezone.now(),
    )


def test_the_district_regulator_sees_a_and_b_but_not_c(cast):
    response = as_user(cast.district_regulator).get(OVERVIEW)
    assert response.status_code == 200
    table = response.context["table"]
    assert table["reported"] == 2  # A's and B's reported hazards; C is in another district
    assert [(row["label"], row["cells"]) for row in table["rows"]] == [
        ("一般", [1, 0, 0]),
        ("重大", [1, 0, 0]),
    ]
    assert (table["open"], table["major_open"], table["overdue"]) == (4, 1, 0)
    assert [h.number for h in response.context["major_page"]] == [
        cast.a.risks["hazard_major"].number
    ]
    body = response.content.decode()
    assert C_NAME not in body
    assert "重大事故隐患报告" in body and "待签收" in body

    other = as_user(cast.other_district_regulator).get(OVERVIEW)
    assert other.context["table"]["reported"] == 1
    assert other.context["table"]["rows"] == [
        {"level": HazardLevel.GENERAL, "label": "一般", "cells": [0, 0, 0], "total": 0},
        {"level": HazardLevel.MAJOR, "label": "重大", "cells": [0, 0, 0], "total": 0},
    ]
    assert A_NAME not in other.content.decode()


def test_another_districts_regulator_cannot_open_as_hazard_or_report(cast):
    report = cast.a.risks["regulator_report"]
    hazard = cast.a.risks["hazard_major"]
    other = as_user(cast.other_district_regulator)
    assert other.get(report_url(report)).status_code == 404
    assert other.get(reverse("hazards:detail", args=[hazard.public_id])).status_code == 404
    assert other.post(report_url(report, "ack")).status_code == 404
    assert other.get(INBOX).context["page_obj"].paginator.count == 0
    mine = as_user(cast.district_regulator)
    assert mine.get(report_url(report)).status_code == 200
    assert [r.pk for r in mine.get(INBOX).context["page_obj"]] == [report.pk]


def test_an_industry_department_sees_only_its_industrys_hazards(cast):
    own = report_of_b(cast)
    industry = as_user(cast.industry_dept)  # dairy only: B, not A (危化)
    response = industry.get(OVERVIEW)
    assert response.context["table"]["reported"] == 1  # B's hazard, awaiting confirmation
    assert response.context["table"]["total"] == 0  # A's confirmed hazards are not theirs
    assert list(response.context["major_page"]) == []
    assert A_NAME not in response.content.decode()
    assert [r.pk for r in industry.get(INBOX).context["page_obj"]] == [own.pk]
    assert industry.get(report_url(cast.a.risks["regulator_report"])).status_code == 404
    assert industry.get(report_url(own)).status_code == 200


def test_acknowledging_a_report_is_recorded_on_the_hazard_once(cast):
    report = cast.a.risks["regulator_report"]
    hazard = cast.a.risks["hazard_major"]
    client = as_user(cast.district_regulator)
    page = client.get(report_url(report))
    assert page.context["may_acknowledge"] is True
    response = client.post(report_url(report, "ack"), {"note": "已阅，请按方案治理"}, follow=True)
    assert response.redirect_chain[-1][0] == report_url(report)
    assert "已签收“重大事故隐患报告”" in response.content.decode()
    report.refresh_from_db()
    assert report.acknowledged_by == cast.district_regulator
    assert report.regulator_note == "已阅，请按方案治理"
    event = hazard.events.get(action=EventAction.REGULATOR_ACK)
    assert event.actor == cast.district_regulator and event.note == "已阅，请按方案治理"
    assert event.data == {"report": report.pk, "kind": RegulatorReportKind.MAJOR_REPORT}

    again = as_user(cast.street_staff).post(
        report_url(report, "ack"), {"note": "再签"}, follow=True
    )
    assert "该报告已签收。" in again.content.decode()
    report.refresh_from_db()
    assert report.acknowledged_by == cast.district_regulator and report.regulator_note == (
        "已阅，请按方案治理"
    )
    assert hazard.events.filter(action=EventAction.REGULATOR_ACK).count() == 1
    detail = client.get(report_url(report))
    assert detail.context["may_acknowledge"] is False
    assert "已阅，请按方案治理" in detail.content.decode()


def test_street_staff_acknowledge_without_a_note(cast):
    report = cast.a.risks["regulator_report"]
    response = as_user(cast.street_staff).post(report_url(report, "ack"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.acknowledged_by == cast.street_staff and report.regulator_note == ""


def test_an_overlong_note_is_refused_and_nothing_is_written(cast):
    report = cast.a.risks["regulator_report"]
    response = as_user(cast.district_regulator).post(
        report_url(report, "ack"), {"note": "阅" * 1001}, follow=True
    )
    assert "意见不能超过 1000 个字。" in response.content.decode()
    report.refresh_from_db()
    assert report.acknowledged_at is None
    assert not cast.a.risks["hazard_major"].events.filter(action=EventAction.REGULATOR_ACK).exists()


def test_read_only_regulators_read_reports_but_get_403_on_acknowledging(cast):
    a_report = cast.a.risks["regulator_report"]
    b_report = report_of_b(cast)
    city = as_user(cast.city_readonly)
    page = city.get(report_url(a_report))
    assert page.status_code == 200 and page.context["may_acknowledge"] is False
    assert "您的角色只能查看" in page.content.decode()
    assert city.post(report_url(a_report, "ack"), {"note": "x"}).status_code == 403
    assert as_user(cast.industry_dept).post(report_url(b_report, "ack")).status_code == 403
    for report in (a_report, b_report):
        report.refresh_from_db()
        assert report.acknowledged_at is None


def test_enterprise_users_cannot_use_the_regulator_hazard_pages(cast):
    report = cast.a.risks["regulator_report"]
    for user in (cast.safety_officer, cast.owner, cast.worker):
        client = as_user(user)
        assert client.get(OVERVIEW).status_code == 403
        assert client.get(INBOX).status_code == 403
        assert client.get(report_url(report)).status_code == 404
        assert client.post(report_url(report, "ack")).status_code == 404
    assert Client().get(OVERVIEW).status_code == 302  # anonymous: to the login page
    report.refresh_from_db()
    assert report.acknowledged_at is None


def test_the_inbox_puts_unacknowledged_reports_first_and_filters(cast):
    from dualprev.hazards.actions import acknowledge_report

    first = cast.a.risks["regulator_report"]
    hazard = cast.a.risks["hazard_major"]
    later = RegulatorReport.objects.create(
        enterprise=cast.a.enterprise,
        hazard=hazard,
        kind=RegulatorReportKind.RESUMPTION,
        content={"number": hazard.number, "resumption_text": "申请恢复装卸作业"},
        submitted_by=cast.safety_officer,
        submitted_at=first.submitted_at + dt.timedelta(hours=1),
    )
    acknowledge_report(report=later, acting_user=cast.district_regulator)
    b_report = report_of_b(cast)
    client = as_user(cast.district_regulator)
    rows = list(client.get(INBOX).context["page_obj"])
    assert [r.pk for r in rows] == [b_report.pk, first.pk, later.pk]
    assert client.get(INBOX).context["pending"] == 2
    pending = client.get(INBOX, {"state": "pending"}).context["page_obj"]
    assert [r.pk for r in pending] == [b_report.pk, first.pk]
    done = client.get(INBOX, {"state": "done", "kind": "resumption"}).context["page_obj"]
    assert [r.pk for r in done] == [later.pk]
    assert client.get(INBOX, {"state": "nonsense"}).status_code == 200


def test_a_report_shows_its_snapshot_in_words(cast):
    report = cast.a.risks["regulator_report"]
    response = as_user(cast.district_regulator).get(report_url(report))
    sections = dict(response.context["sections"])
    basics = dict(sections["隐患基本情况"])
    assert basics["隐患编号"] == cast.a.risks["hazard_major"].number
    assert basics["报告时状态"] == "待确认"  # the state when it was reported
    deadline = timezone.localtime(cast.a.risks["hazard_major"].deadline)
    assert basics["整改期限"] == f"{deadline:%Y-%m-%d %H:%M}"
    plan = dict(sections["治理方案及报告分析"])
    assert plan["治理的目标和任务"] == "消除储罐区可燃气体检测报警缺失隐患"
    assert plan["已局部或全部停产停业"] == "是"
    assert dict(sections["临时管控措施"]) == {"临时管控措施": "停止装卸作业，设专人监护"}
    body = response.content.decode()
    assert reverse("hazards:detail", args=[report.hazard.public_id]) in body


@pytest.mark.time_machine(NOW, tick=False)
def test_overdue_hazards_show_days_overdue_reminders_and_escalation(
    cast, time_machine, monkeypatch
):
    from dualprev.hazards import deadlines

    monkeypatch.setattr(deadlines, "notify", lambda **kwargs: None)
    rectifying = cast.a.risks["hazard_rectifying"]
    time_machine.move_to(NOW + dt.timedelta(days=6, hours=12), tick=False)
    deadlines.follow_deadlines()
    time_machine.move_to(NOW + dt.timedelta(days=11), tick=False)
    deadlines.follow_deadlines()
    response = as_user(cast.district_regulator).get(OVERVIEW)
    rows = {h.number: h for h in response.context["page_obj"]}
    assert set(rows) == {rectifying.number, cast.a.risks["hazard_major"].number}
    row = rows[rectifying.number]
    assert (row.days_overdue, row.escalation_level, row.escalated_to) == (4, 1, cast.a.department)
    assert response.context["table"]["overdue"] == 2
    body = response.content.decode()
    assert "已升级 1 级：A生产部" in body and "03-08 21:00 已提醒" in body
    home = as_user(cast.district_regulator).get(reverse("supervision:home"))
    assert home.context["hazard_line"] == {"overdue": 2, "major_open": 1, "pending_reports": 1}
    card = as_user(cast.district_regulator).get(
        reverse("supervision:enterprise_detail", args=[cast.a.enterprise.public_id])
    )
    assert card.context["hazard_card"]["counts"]["overdue"] == 2
    assert {h.days_overdue for h in card.context["hazard_card"]["watch"]} == {4}


def test_the_enterprise_page_has_a_hazard_card_linking_to_its_hazards(cast):
    client = as_user(cast.district_regulator)
    enterprise = cast.a.enterprise
    response = client.get(reverse("supervision:enterprise_detail", args=[enterprise.public_id]))
    card = response.context["hazard_card"]
    assert card["counts"] == {
        "open": 3,
        "reported": 1,
        "rectifying": 2,
        "pending_accept": 0,
        "overdue": 0,
        "major_open": 1,
        "accepted": 0,
    }
    assert card["pending_reports"] == 1
    assert [h.number for h in card["watch"]] == [cast.a.risks["hazard_major"].number]
    link = f"{OVERVIEW}?enterprise={enterprise.public_id}"
    assert link in response.content.decode()
    only_a = client.get(OVERVIEW, {"enterprise": str(enterprise.public_id)})
    assert only_a.context["enterprise"] == enterprise
    assert only_a.context["table"]["reported"] == 1
    assert B_NAME not in only_a.content.decode()
    not_mine = client.get(OVERVIEW, {"enterprise": str(cast.c.enterprise.public_id)})
    assert not_mine.context["table"]["total"] == 0 and not_mine.context["enterprise"] is None
    assert C_NAME not in not_mine.content.decode()


def test_the_overview_filters_by_street_and_industry(cast):
    client = as_user(cast.district_regulator)
    by_industry = client.get(OVERVIEW, {"industry": cast.b.enterprise.industry_id})
    assert by_industry.context["table"]["reported"] == 1
    assert list(by_industry.context["major_page"]) == []
    by_street = client.get(OVERVIEW, {"region": cast.a.enterprise.region_id})
    assert by_street.context["table"]["major_open"] == 1
    assert by_street.context["table"]["reported"] == 1


def test_the_regulator_home_has_the_hazard_line_and_the_menu_the_pages(cast):
    response = as_user(cast.district_regulator).get(reverse("supervision:home"))
    assert response.context["hazard_line"] == {"overdue": 0, "major_open": 1, "pending_reports": 1}
    body = response.content.decode()
    assert f'href="{OVERVIEW}"' in body and f'href="{INBOX}"' in body
    assert "隐患报告签收" not in as_user(cast.safety_officer).get("/").content.decode()


def _many_hazards(cast: Cast, n: int, first: int) -> None:
    """``n`` more overdue 重大 hazards of A and B, each escalated once and with a report (test
    data written directly: the pages only read them)."""
    now = timezone.now()
    for i in range(first, first + n):
        world = cast.a if i % 2 else cast.b
        hazard = Hazard.objects.create(
            enterprise=world.enterprise,
            number=f"YH-2026-9{i:03d}",
            status=HazardStatus.RECTIFYING if i % 3 else HazardStatus.PENDING_ACCEPT,
            channel="office",
            name=f"测试隐患{i}",
            description="测试",
            found_at=now - dt.timedelta(days=20),
            registered_at=now - dt.timedelta(days=19),
            level=HazardLevel.MAJOR,
            deadline=now - dt.timedelta(days=i + 1),
            reminded_at=now - dt.timedelta(days=i + 2),
            escalation_level=1,
            escalated_to=world.department,
            liable_person=world.users["dept"],
            responsible_unit=world.department,
        )
        RegulatorReport.objects.create(
            enterprise=world.enterprise,
            hazard=hazard,
            kind=RegulatorReportKind.MAJOR_REPORT,
            content={"number": hazard.number},
            submitted_by=world.users["safety"],
            submitted_at=now,
        )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("url", "most"), [(OVERVIEW, 20), (INBOX, 12)])
def test_the_query_count_does_not_grow_with_rows(cast, url, most):
    client = as_user(cast.district_regulator)
    _many_hazards(cast, 2, first=0)
    few = _queries(client, url)
    _many_hazards(cast, 12, first=2)
    many = _queries(client, url)
    assert many == few <= most
