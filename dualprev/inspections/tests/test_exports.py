"""Excel exports opened with openpyxl and read cell by cell: the completion rates of each
dimension, the 未排查 list, the finding rates and the 隐患排查清单."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from dualprev.core.testing import Cast
from dualprev.inspections.models import CheckTask
from dualprev.inspections.tests.reports_world import ReportWorld, build_report_world
from dualprev.reference.choices import CheckCycleUnit, DangerSrc, WorkDayType, WorkType

pytestmark = pytest.mark.django_db

MARCH_QUERY = "start=2026-03-01&end=2026-03-31"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(cast: Cast) -> ReportWorld:
    return build_report_world(cast)


def _sheet(user: Any, url: str) -> tuple[Any, list[list[Any]]]:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    return ws, [list(row) for row in ws.iter_rows(values_only=True)]


def test_the_rates_export_by_post_has_the_headers_and_the_figures(world: ReportWorld) -> None:
    ws, rows = _sheet(
        world.cast.safety_officer, f"/inspections/reports/export/?{MARCH_QUERY}&by=post"
    )
    assert ws.title == "完成率"
    assert rows[0][0] == "甲化工有限公司 隐患排查完成率（按岗位，2026-03-01 ~ 2026-03-31）"
    assert rows[1] == ["岗位", "所属单位", "应排查", "按时完成", "未排查", "完成率", "进行中"]
    # Posts by org unit (name order), the checks without a post last.
    assert rows[2] == ["A装卸工岗", "A储运部", 2, 1, 1, 0.5, 0]
    assert rows[3][:5] == ["A操作工岗", "A甲班组", 8, 5, 3]
    assert rows[3][5] == pytest.approx(0.625)
    assert rows[3][6] == 1
    assert ws.cell(row=4, column=6).number_format == "0.0%"
    assert rows[4] == ["（未指定岗位）", None, 1, 0, 1, 0, 0]  # empty cells read back as None
    assert len(rows) == 2 + 3


def test_the_rates_export_by_department_indents_sub_units(world: ReportWorld) -> None:
    _ws, rows = _sheet(
        world.cast.safety_officer, f"/inspections/reports/export/?{MARCH_QUERY}&by=department"
    )
    assert rows[1][0] == "部门/班组"
    assert [r[0] for r in rows[2:]] == ["甲化工有限公司", "　A储运部", "　A生产部", "　　A甲班组"]
    assert rows[2][1:] == [11, 6, 5, pytest.approx(6 / 11), 1]


def test_the_rates_export_by_person_shows_a_dash_when_nothing_was_due(world: ReportWorld) -> None:
    _ws, rows = _sheet(
        world.cast.safety_officer, f"/inspections/reports/export/?{MARCH_QUERY}&by=person"
    )
    assert rows[1][:3] == ["人员", "所属单位", "角色"]
    by_name = {r[0]: r for r in rows[2:]}
    assert by_name["Aworker"][3:] == [8, 5, 3, 0.625, 1]
    assert by_name["Aowner"][3:] == [0, 0, 0, "—", 0]


def test_the_rates_export_by_measure(world: ReportWorld) -> None:
    _ws, rows = _sheet(
        world.cast.safety_officer, f"/inspections/reports/export/?{MARCH_QUERY}&by=measure"
    )
    assert rows[1][:3] == ["风险点", "风险事件", "管控措施"]
    assert rows[2][:7] == ["A储罐区", "A储罐泄漏引发火灾爆炸", "A液位高高联锁投用", 5, 3, 2, 0.6]
    assert rows[-1][:5] == ["A装卸站", "A装卸时静电引燃", "A静电接地夹完好", 2, 1]


def test_the_rates_export_keeps_the_scope_of_the_person_asking(world: ReportWorld) -> None:
    _ws, rows = _sheet(world.cast.worker, f"/inspections/reports/export/?{MARCH_QUERY}&by=person")
    assert [r[0] for r in rows[2:]] == ["Aworker"]


def test_an_export_with_a_bad_period_goes_back_to_the_page(world: ReportWorld) -> None:
    client = Client()
    client.force_login(world.cast.safety_officer)
    response = client.get("/inspections/reports/export/?start=2026-03-31&end=2026-03-01")
    assert response.status_code == 302
    assert response["Location"].startswith("/inspections/reports/?")


def test_the_missed_export_lists_every_missed_check(world: ReportWorld) -> None:
    ws, rows = _sheet(
        world.cast.safety_officer, f"/inspections/reports/missed/export/?{MARCH_QUERY}"
    )
    assert ws.title == "未排查清单"
    assert rows[1] == [
        "序号",
        "风险点",
        "管控措施",
        "排查内容",
        "排查时段",
        "岗位/人员",
        "排查类型",
    ]
    assert len(rows) == 2 + 5
    assert rows[2] == [
        1,
        "A储罐区",
        "A液位高高联锁投用",
        "检查：A液位高高联锁投用",
        "2026-03-05",
        "A操作工岗",
        "日常排查",
    ]
    assert ["A储罐区", "A防火堤无破损", "检查：A防火堤无破损", "2026-03-02", "Aleader"] in [
        r[1:6] for r in rows
    ]


def test_the_missed_export_applies_the_filters(world: ReportWorld) -> None:
    url = f"/inspections/reports/missed/export/?{MARCH_QUERY}&post={world.post2.public_id}"
    _ws, rows = _sheet(world.cast.safety_officer, url)
    assert [r[2] for r in rows[2:]] == ["A静电接地夹完好"]


def test_the_findings_export(world: ReportWorld) -> None:
    ws, rows = _sheet(
        world.cast.safety_officer, f"/inspections/reports/findings/export/?{MARCH_QUERY}"
    )
    assert ws.title == "隐患发现率"
    assert rows[1] == [
        "风险点",
        "风险事件",
        "管控措施",
        "排查记录",
        "存在隐患",
        "正常",
        "其他",
        "隐患发现率",
    ]
    assert rows[2] == ["A储罐区", "A储罐泄漏引发火灾爆炸", "A液位高高联锁投用", 4, 1, 3, 0, 0.25]
    assert rows[3][2:] == ["A可燃气体报警仪完好", 2, 0, 1, 1, 0]
    assert len(rows) == 2 + 3


# --- the 隐患排查清单 -------------------------------------------------------------------------

CHECKLIST_HEADERS = [
    "序号",
    "风险点编号",
    "风险点名称",
    "分析单元",
    "风险事件",
    "管控措施",
    "排查内容",
    "排查周期",
    "周期单位",
    "工作时段",
    "工作日类型",
    "任务类型",
    "包保任务序号",
    "排查类型",
    "执行岗位",
    "执行人",
    "管控层级",
    "责任部门",
]


def test_the_checklist_has_the_national_columns_and_one_row_per_active_task(
    world: ReportWorld,
) -> None:
    t4 = world.tasks["T4"]
    t4.cycle, t4.cycle_unit = 2, CheckCycleUnit.HOUR
    t4.work_start, t4.work_end = (
        t4.task_start.time().replace(hour=8),
        t4.task_start.time().replace(hour=20),
    )
    t4.work_day_type = WorkDayType.STATUTORY_WORKDAY
    t4.work_type, t4.task_num = WorkType.TECHNICAL_LEADER, 3
    t4.inspection_type = DangerSrc.DAILY
    t4.save()
    CheckTask.objects.filter(pk=world.tasks["T5"].pk).update(is_active=False)
    ws, rows = _sheet(world.cast.safety_officer, "/inspections/checklist.xlsx")
    assert ws.title == "隐患排查清单"
    assert rows[0][0].startswith("甲化工有限公司 隐患排查清单")
    assert rows[1] == CHECKLIST_HEADERS
    data = rows[2:]
    # The cast's default task of M1, T1, T2, T4 (R1, register order) then T3 (R2); T5 is off.
    assert [r[0] for r in data] == [1, 2, 3, 4, 5]
    assert [r[6] for r in data[1:]] == [
        "检查：A液位高高联锁投用",
        "检查：A可燃气体报警仪完好",
        "检查：A防火堤无破损",
        "检查：A静电接地夹完好",
    ]
    t1 = data[1]
    assert t1[1:] == [
        None,
        "A储罐区",
        "A1号储罐",
        "A储罐泄漏引发火灾爆炸",
        "A液位高高联锁投用",
        "检查：A液位高高联锁投用",
        1,
        "天",
        None,
        "每天",
        "日常任务",
        None,
        "日常排查",
        "A操作工岗",
        None,
        None,
        "A生产部",
    ]
    t4_row = data[3]
    assert t4_row[7:17] == [
        2,
        "小时",
        "08:00–20:00",
        "法定工作日",
        "技术负责人任务",
        3,
        "日常排查",
        None,
        "Aleader",
        None,
    ]


def test_the_checklist_can_be_limited_to_one_department(world: ReportWorld) -> None:
    url = f"/inspections/checklist.xlsx?unit={world.dept2.public_id}"
    _ws, rows = _sheet(world.cast.safety_officer, url)
    assert "A储运部" in rows[0][0]
    assert [r[5] for r in rows[2:]] == ["A静电接地夹完好"]


def test_the_checklist_refuses_another_enterprises_department(world: ReportWorld) -> None:
    client = Client()
    client.force_login(world.cast.safety_officer)
    response = client.get(f"/inspections/checklist.xlsx?unit={world.cast.b.department.public_id}")
    assert response.status_code == 404


def test_another_enterprise_gets_its_own_checklist(world: ReportWorld) -> None:
    _ws, rows = _sheet(world.cast.outsider, "/inspections/checklist.xlsx")
    assert rows[0][0].startswith("乙乳业有限公司")
    assert all("A" not in str(r[2]) for r in rows[2:])
    assert len(rows) == 2 + 1  # B's default task
