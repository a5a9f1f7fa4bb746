"""The 隐患治理台账 Excel: one row per hazard of the enterprise (the register's filters apply),
every column read back cell by cell, text never turned into a formula, the national codes in
their own columns, and only the enterprise's own hazards."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from dualprev.core.testing import Cast
from dualprev.hazards.actions import ReportInput, accept_hazard, report_hazard, submit_rectification
from dualprev.hazards.exporters import export_ledger, ledger_queryset
from dualprev.hazards.models import Hazard
from dualprev.hazards.testing import photo

pytestmark = pytest.mark.django_db

URL = "/hazards/ledger.xlsx"
HEADERS = [
    "序号",
    "隐患编号",
    "隐患名称",
    "隐患描述",
    "部位",
    "风险点",
    "隐患等级",
    "治理类型",
    "隐患类型",
    "隐患来源",
    "发现人",
    "发现时间",
    "整改措施",
    "责任单位",
    "责任人",
    "整改资金（万元）",
    "整改期限",
    "整改完成时间",
    "验收人",
    "验收时间",
    "验收意见",
    "状态",
    "是否逾期",
    "dangerLevel",
    "dangerManageType",
    "dangerSrc",
    "hazardDangerType",
    "dangerState",
]


def _download(user: Any, query: str = "") -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return response.content


def _rows(data: bytes) -> tuple[str, list[str], list[dict[str, Any]]]:
    """The title, the headers and the data rows (as dicts by header) of the first sheet."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    headers = [str(v) for v in values[1]]
    return str(values[0][0]), headers, [dict(zip(headers, row, strict=True)) for row in values[2:]]


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def test_the_ledger_has_one_row_per_hazard_with_every_column(cast: Cast) -> None:
    a = cast.a
    hazard = a.risks["hazard_rectifying"]
    title, headers, rows = _rows(_download(cast.safety_officer))
    assert "甲化工有限公司 隐患治理台账" in title
    assert headers == HEADERS
    assert len(rows) == Hazard.objects.filter(enterprise=a.enterprise).count() == 3
    assert [r["序号"] for r in rows] == [1, 2, 3]
    row = next(r for r in rows if r["隐患编号"] == hazard.number)
    expected = {
        "隐患名称": "储罐保温层破损",
        "隐患描述": "1号罐保温层破损",
        "部位": None,
        "风险点": "A储罐区",
        "隐患等级": "一般",
        "治理类型": "限期整改",
        "隐患类型": "设备",
        "隐患来源": "其他",
        "发现人": "Aworker",
        "整改措施": "更换破损保温层",
        "责任单位": "A生产部 / A甲班组",
        "责任人": "Aleader",
        "整改资金（万元）": 0.5,
        "整改完成时间": None,
        "验收人": None,
        "验收时间": None,
        "验收意见": None,
        "状态": "整改中",
        "是否逾期": "否",
        "dangerLevel": 0,
        "dangerManageType": 1,
        "dangerSrc": 10,
        "hazardDangerType": 7,
        "dangerState": 0,
    }
    for header, value in expected.items():
        assert row[header] == value, header
    assert row["发现时间"].replace(microsecond=0) == _local(hazard.found_at)
    assert row["整改期限"].replace(microsecond=0) == _local(hazard.deadline)
    reported = next(r for r in rows if r["隐患编号"] == a.risks["hazard"].number)
    assert reported["状态"] == "待确认" and reported["dangerState"] is None
    assert reported["dangerLevel"] is None  # not graded yet
    major = next(r for r in rows if r["隐患编号"] == a.risks["hazard_major"].number)
    assert major["隐患等级"] == "重大" and major["dangerLevel"] == 1


def test_an_accepted_hazard_shows_its_acceptance_and_a_late_one_is_marked(cast: Cast) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    late = hazard.deadline + dt.timedelta(days=2)
    with time_machine.travel(late, tick=False):
        submit_rectification(
            hazard=hazard, acting_user=cast.team_leader, note="已更换", photos=[photo()]
        )
        accept_hazard(hazard=hazard, acting_user=cast.safety_officer, comment="合格")
        _title, _headers, rows = _rows(_download(cast.safety_officer))
    row = next(r for r in rows if r["隐患编号"] == hazard.number)
    assert row["验收人"] == "Asafety" and row["验收意见"] == "合格"
    assert row["验收时间"] == _local(late) and row["整改完成时间"] == _local(late)
    assert row["状态"] == "已销号" and row["dangerState"] == 9
    assert row["是否逾期"] == "是（逾期销号）"


def test_an_open_hazard_past_its_deadline_is_marked_overdue(cast: Cast) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    with time_machine.travel(hazard.deadline + dt.timedelta(minutes=1), tick=False):
        _title, _headers, rows = _rows(_download(cast.safety_officer))
    assert next(r for r in rows if r["隐患编号"] == hazard.number)["是否逾期"] == "是"


def test_text_that_looks_like_a_formula_stays_text(cast: Cast) -> None:
    report_hazard(
        enterprise_id=cast.a.enterprise.pk,
        reporter=cast.worker,
        data=ReportInput(
            name="=SUM(1,2)",
            description='=HYPERLINK("http://evil.example","点我")',
            location="+1-1",
        ),
    )
    data = _download(cast.safety_officer)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [c for row in sheet.iter_rows(min_row=3) for c in row if c.value == "=SUM(1,2)"]
    assert len(cells) == 1 and cells[0].data_type == "s"
    row = [c for c in sheet[cells[0].row]]
    assert row[3].value == '=HYPERLINK("http://evil.example","点我")' and row[3].data_type == "s"
    # calamine (what the importers use) reads the same characters back.
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    read = next(row for row in calamine if "=SUM(1,2)" in row)
    assert read[2:5] == ["=SUM(1,2)", '=HYPERLINK("http://evil.example","点我")', "+1-1"]


def test_the_register_filters_apply_to_the_ledger(cast: Cast) -> None:
    a = cast.a
    _t, _h, rectifying = _rows(_download(cast.safety_officer, "?status=rectifying"))
    assert {r["隐患编号"] for r in rectifying} == {
        a.risks["hazard_rectifying"].number,
        a.risks["hazard_major"].number,
    }
    _t, _h, major = _rows(_download(cast.safety_officer, "?level=1"))
    assert [r["隐患编号"] for r in major] == [a.risks["hazard_major"].number]
    today = timezone.localdate()
    title, _h, none = _rows(
        _download(cast.safety_officer, f"?found_to={today - dt.timedelta(days=1):%Y-%m-%d}")
    )
    assert none == [] and "已按筛选条件导出" in title
    _t, _h, everything = _rows(_download(cast.safety_officer, f"?found_from={today:%Y-%m-%d}"))
    assert len(everything) == 3


def test_the_ledger_is_for_hazard_managers_of_the_enterprise_only(cast: Cast) -> None:
    worker = Client()
    worker.force_login(cast.worker)
    assert worker.get(URL).status_code == 403
    regulator = Client()
    regulator.force_login(cast.district_regulator)
    assert regulator.get(URL).status_code == 403
    _title, _headers, rows = _rows(_download(cast.outsider))
    assert [r["隐患编号"] for r in rows] == [cast.b.risks["hazard"].number]
    assert all("甲化工" not in str(v) for r in rows for v in r.values())


def test_the_export_keeps_money_as_a_number(cast: Cast) -> None:
    Hazard.objects.filter(pk=cast.a.risks["hazard_major"].pk).update(cost=Decimal("12.3456"))
    rows = ledger_queryset(Hazard.objects.filter(enterprise=cast.a.enterprise))
    data = export_ledger(cast.a.enterprise, rows)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    money = next(row[15] for row in sheet.iter_rows(min_row=3) if row[1].value.endswith("0003"))
    assert money.value == pytest.approx(12.3456) and money.data_type == "n"


def test_the_larger_tier_reads_as_such_and_uploads_as_general(cast: Cast) -> None:
    Hazard.objects.filter(pk=cast.a.risks["hazard_rectifying"].pk).update(level=2)
    _title, _headers, rows = _rows(_download(cast.safety_officer))
    row = next(r for r in rows if r["隐患编号"] == cast.a.risks["hazard_rectifying"].number)
    assert (row["隐患等级"], row["dangerLevel"]) == ("较大", 0)


def test_the_ledger_reads_every_row_in_one_query(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    rows = ledger_queryset(Hazard.objects.filter(enterprise=cast.a.enterprise))
    with django_assert_num_queries(1):
        export_ledger(cast.a.enterprise, rows.iterator(chunk_size=1000))
