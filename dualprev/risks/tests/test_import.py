"""Importing a 风险分级管控清单: our export (round trip), our template, a hand-laid enterprise
sheet, synonym headers, the per-row report in Chinese, and matching on re-import."""

from __future__ import annotations

from typing import Any

import pytest

from dualprev.core.testing import Cast
from dualprev.risks.choices import AssessmentReason
from dualprev.risks.exporters import HEADERS, export_register, export_template, register_rows
from dualprev.risks.importers import run_import
from dualprev.risks.models import Assessment, ControlMeasure, RiskEvent, RiskObject
from dualprev.risks.tests.test_io_support import (
    build_register,
    counts,
    wipe_register,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db


def _comparable(rows: Any) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        row = dict(row)
        row["accident_types"] = sorted(row["accident_types"].split("、"))
        out.append(row)
    return out


def test_a_round_trip_through_an_empty_register_gives_the_same_register(cast: Cast) -> None:
    build_register(cast)
    enterprise = cast.a.enterprise
    before = _comparable(register_rows(enterprise))
    data = export_register(enterprise)
    wipe_register(enterprise)
    assert not RiskObject.objects.filter(enterprise=enterprise).exists()

    report = run_import(data, enterprise, acting_user=cast.safety_officer, commit=True)

    assert report.ok and report.committed, report.as_dict()
    assert report.counts["objects_new"] == 2
    assert report.counts["events_new"] == 3
    assert report.counts["measures_new"] == 5
    assert _comparable(register_rows(enterprise)) == before
    tank = ControlMeasure.objects.get(enterprise=enterprise, description="A液位高高联锁投用")
    assert (tank.classify1, tank.classify2) == (1, "1-4")
    # Exporting again gives the same sheet (the title carries the date only).
    assert len(list(register_rows(enterprise))) == 6
    imported = Assessment.objects.filter(enterprise=enterprise)
    assert imported.count() == 4  # three residual + one inherent (MES event)
    assert set(imported.values_list("reason", flat=True)) == {AssessmentReason.IMPORTED}
    assert set(imported.values_list("assessed_by", flat=True)) == {cast.safety_officer.pk}


def test_reimporting_the_export_matches_everything_and_writes_no_new_history(cast: Cast) -> None:
    build_register(cast)
    data = export_register(cast.a.enterprise)
    before = counts()

    report = run_import(data, cast.a.enterprise, acting_user=cast.safety_officer, commit=True)

    assert report.committed
    assert report.counts["objects_new"] == report.counts["events_new"] == 0
    assert report.counts["measures_matched"] == 5
    assert counts() == before


def test_a_filled_in_template_imports(cast: Cast) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(export_template(cast.a.enterprise)))
    ws = wb["风险分级管控清单"]
    values: dict[str, Any] = dict.fromkeys(HEADERS, "")
    values.update({
        "风险点名称": "A配电室", "风险点类型": "场所", "风险事件": "A触电",
        "可能导致的事故类型": "触电", "评价方法": "LEC", "L": 3, "E": 6, "C": 7,
        "管理措施": "A执行停送电票", "排查内容": "检查操作票", "责任部门": "A生产部",
        "责任岗位": "A操作工岗",
    })  # fmt: skip
    ws.append([values[h] for h in HEADERS])
    buffer = BytesIO()
    wb.save(buffer)

    report = run_import(buffer.getvalue(), cast.a.enterprise, commit=True)

    assert report.committed, report.as_dict()
    event = RiskEvent.objects.get(name="A触电")
    assert event.residual_level == 2  # 126 → 一般 (LEC_A)
    assert event.control_level == "workshop"
    measure = event.measures.get()
    assert (measure.category, measure.check_content, measure.responsible_post) == (
        "management",
        "检查操作票",
        cast.a.post,
    )


def hand_laid_sheet(cast: Cast, *, d_for_first: Any = 90) -> bytes:
    """A typical enterprise sheet laid out by hand (title, two-row merged header with an
    评价 group over L/E/C/D and a 管控措施 group over the categories, a risk point merged down
    its rows, a sign-off row at the bottom)."""
    title = ["甲化工有限公司风险分级管控清单"] + [None] * 14
    head1 = ["序号", "风险点", "危险源", "可能导致的事故", "评价", None, None, None,
             "风险级别", "管控措施", None, None, None, None, "管控级别", "责任单位", "责任人",
             "应急措施"]  # fmt: skip
    head2 = [None, None, None, None, "可能性L", "暴露频率E", "后果C", "D", None,
             "工程技术措施", "管理措施", "培训教育措施", "个体防护措施",
             "应急处置措施"]  # fmt: skip
    rows = [
        [1, "液氨储罐区", "储罐超压泄漏", "中毒、火灾", 3, 6, 7, 126, "一般",
         "安全阀定期校验", "巡检制度", None, None, None, "车间级", "A生产部", "Aleader",
         "启动应急预案"],
        [2, None, "阀门内漏", "中毒", 1, 6, 15, d_for_first, "一般",
         None, "阀门台账管理", "岗位培训", "佩戴防毒面具", "配备洗眼器", "车间级", "A生产部",
         None, "撤离并报告"],
        [3, None, "作业人员未佩戴防护用品", "其他", 1, 3, 3, 9, "低",
         None, None, "班前教育", None, None, None, "A甲班组", None, None],
        [4, "装卸站台", "槽车溜车", "厂（场）内车辆致害", 3, 3, 7, 63, "低",
         "设置车轮挡块", None, None, None, None, "班组", "A甲班组", None, None],
        [None] * 18,
        ["注：风险级别按 LEC 法划分。"] + [None] * 17,
        ["编制人：张三", None, None, None, "审核人：李四", None, None, None, None,
         "日期：2026年11月"],
    ]  # fmt: skip
    merges = ["A1:R1", "E2:H2", "J2:N2", "B4:B6"] + [
        f"{c}2:{c}3" for c in ("A", "B", "C", "D", "I", "O", "P", "Q", "R")
    ]
    return workbook_bytes([title, head1, head2, *rows], merges)


def test_a_hand_laid_enterprise_sheet_imports(cast: Cast) -> None:
    report = run_import(hand_laid_sheet(cast), cast.a.enterprise, commit=True)

    assert report.committed, report.as_dict()
    assert [r.number for r in report.rows] == [4, 5, 6, 7]  # blank, note and sign-off skipped
    tank = RiskObject.objects.get(enterprise=cast.a.enterprise, name="液氨储罐区")
    assert tank.object_type == "place"  # no type column: the default, with a file warning
    assert any("风险点类型" in w for w in report.warnings)
    assert tank.responsible_unit == cast.a.department
    assert tank.responsible_person == cast.team_leader
    unit = tank.units.get()
    assert unit.name == "液氨储罐区"  # no 分析单元 column: one unit named after the point
    events = {e.name: e for e in RiskEvent.objects.filter(unit=unit)}
    assert set(events) == {"储罐超压泄漏", "阀门内漏", "作业人员未佩戴防护用品"}
    leak = events["储罐超压泄漏"]
    assert sorted(a.name for a in leak.accident_types.all()) == ["中毒", "火灾"]
    assert leak.accident_types.get(name="中毒").dataset.edition == "2025"
    assert leak.residual_assessment is not None
    assert leak.residual_assessment.inputs == {"L": "3", "E": "6", "C": "7"}
    assert leak.residual_level == 2
    assert leak.emergency_measures == "启动应急预案"
    assert set(leak.measures.values_list("category", "description")) == {
        ("engineering", "安全阀定期校验"),
        ("management", "巡检制度"),
    }
    valve = events["阀门内漏"]
    assert set(valve.measures.values_list("category", flat=True)) == {
        "management", "training", "ppe", "emergency",
    }  # fmt: skip
    assert valve.emergency_measures == "撤离并报告"
    # 其他 names the 2025 category; 其它伤害 of 1986 is also understood.
    assert events["作业人员未佩戴防护用品"].accident_types.get().name == "其他"
    dock = RiskObject.objects.get(enterprise=cast.a.enterprise, name="装卸站台")
    assert dock.responsible_unit == cast.a.team
    truck = RiskEvent.objects.get(unit__risk_object=dock)
    assert truck.accident_types.get().name == "厂（场）内车辆致害"
    assert truck.control_level == "team"


def test_a_computed_d_that_differs_is_a_warning_and_the_computed_value_wins(cast: Cast) -> None:
    report = run_import(hand_laid_sheet(cast, d_for_first=999), cast.a.enterprise)
    row = next(r for r in report.rows if r.number == 5)
    assert row.status == "warning"
    assert row.messages == ["第 5 行，D：表中为 999，按取值计算为 90，以计算值为准。（提示）"]
    assert report.ok


def test_synonym_headers_are_recognised(cast: Cast) -> None:
    rows: list[list[Any]] = [
        ["风险源名称", "风险描述", "危险有害因素", "事故类型", "可能性", "严重性", "风险等级",
         "管控层级", "责任部门", "责任岗位", "管控措施", "措施类别", "检查内容"],
        ["A锅炉房", "A锅炉超压爆炸", "安全阀失效", "容器爆炸", 4, 5, "重大", "公司",
         "A生产部", "A操作工岗", "A安全阀每年校验", "工程技术", "查校验报告"],
    ]  # fmt: skip
    report = run_import(workbook_bytes(rows), cast.a.enterprise, commit=True)

    assert report.committed, report.as_dict()
    event = RiskEvent.objects.get(name="A锅炉超压爆炸")
    assert event.hazard_description == "安全阀失效"
    assert event.residual_assessment is not None
    assert event.residual_assessment.method == "LS"
    assert event.residual_assessment.inputs == {"L": "4", "S": "5"}
    assert event.residual_level == 0
    measure = event.measures.get()
    assert (measure.category, measure.check_content) == ("engineering", "查校验报告")


def test_errors_name_the_row_and_the_column_in_chinese(cast: Cast) -> None:
    rows: list[list[Any]] = [
        ["风险点名称", "风险事件", "可能导致的事故类型", "可能性L", "暴露频率E", "后果C",
         "风险等级", "责任部门", "责任岗位", "责任人", "管理措施"],
        ["A点1", "A事件1", "火灾", 7, 6, 15, "", "A生产部", "", "", "A措施"],
        ["A点2", "A事件2", "天灾", 3, "经常", 15, "", "不存在的部门", "无此岗位", "查无此人",
         "A措施"],
        ["A点3", "A事件3", "火灾", "", "", "", "重大", "A生产部", "", "", "A措施"],
    ]  # fmt: skip
    before = counts()
    report = run_import(workbook_bytes(rows), cast.a.enterprise, commit=True)

    assert not report.ok and not report.committed
    assert counts() == before
    messages = {r.number: r.messages for r in report.rows}
    assert messages[2] == [
        "第 2 行，可能性L：值 7 不在 LEC 取值表中（可选：10、6、3、1、0.5、0.2、0.1）。"
    ]
    assert "第 3 行，责任部门：“不存在的部门”不是本企业的组织单元。" in messages[3]
    assert "第 3 行，责任人：“查无此人”不是本企业的在职人员。" in messages[3]
    assert "第 3 行，可能导致的事故类型：“天灾”不是 GB 6441 中的事故类型。" in messages[3]
    assert "第 3 行，暴露频率E：“经常”不是数字。" in messages[3]
    assert "第 3 行，责任岗位：“无此岗位”不是本企业的岗位。" in messages[3]
    assert messages[4] == [
        "第 4 行，风险等级：只有风险等级而没有评价取值（如 L、E、C），无法导入等级。"
    ]


def test_a_form_rule_is_reported_on_its_column(cast: Cast) -> None:
    rows: list[list[Any]] = [
        ["风险点名称", "风险点类型", "风险事件", "管理措施", "管控方式", "责任部门"],
        ["A点", "仓库", "A事件", "A措施", "人工巡视", "A生产部"],
    ]
    report = run_import(workbook_bytes(rows), cast.a.enterprise)
    (row,) = report.rows
    assert (
        "第 2 行，风险点类型：“仓库”不是可选的风险点类型"
        "（场所、设备设施、常规作业、特殊作业、管理）。"
    ) in row.messages
    assert (
        "第 2 行，管控方式：“人工巡视”不是可选的管控方式（自动化监控、隐患排查）。" in row.messages
    )


def test_a_given_level_that_differs_from_the_inputs_is_a_warning(cast: Cast) -> None:
    rows: list[list[Any]] = [
        ["风险点名称", "风险事件", "L", "E", "C", "风险等级", "责任部门"],
        ["A点", "A事件", 6, 6, 15, "低", "A生产部"],
    ]
    report = run_import(workbook_bytes(rows), cast.a.enterprise, commit=True)
    (row,) = report.rows
    assert row.status == "warning"
    assert row.messages == [
        "第 2 行，风险等级：表中为“低”，按取值计算为“重大”，以计算值为准。（提示）"
    ]
    assert RiskEvent.objects.get(name="A事件").residual_level == 0


def test_existing_rows_are_matched_by_name_and_measures_by_description(cast: Cast) -> None:
    chain = cast.a.risks
    rows: list[list[Any]] = [
        ["风险点名称", "分析单元", "风险事件", "工程技术措施", "排查内容", "管理措施"],
        [chain["object"].name, chain["unit"].name, chain["event"].name,
         chain["measure"].description, "新的排查内容", "A新增的管理措施"],
    ]  # fmt: skip
    report = run_import(workbook_bytes(rows), cast.a.enterprise, commit=True)

    assert report.committed, report.as_dict()
    assert report.counts["objects_matched"] == 1 and report.counts["events_matched"] == 1
    assert RiskObject.objects.filter(enterprise=cast.a.enterprise).count() == 1
    measures = ControlMeasure.objects.filter(event=chain["event"])
    assert measures.count() == 2
    chain["measure"].refresh_from_db()
    assert chain["measure"].check_content == "新的排查内容"
    assert chain["measure"].classify2 == "1-4"  # not in the sheet: kept
    assert chain["object"].responsible_unit == cast.a.department  # blank cell: kept


def test_a_blank_risk_point_cell_means_same_as_above(cast: Cast) -> None:
    rows: list[list[Any]] = [
        ["风险点名称", "分析单元", "风险事件", "管理措施", "责任部门"],
        ["A点", "A单元1", "A事件1", "A措施1", "A生产部"],
        [None, None, None, "A措施2", None],
        [None, "A单元2", "A事件2", "A措施3", None],
    ]
    report = run_import(workbook_bytes(rows), cast.a.enterprise, commit=True)
    assert report.committed, report.as_dict()
    obj = RiskObject.objects.get(name="A点")
    assert sorted(obj.units.values_list("name", flat=True)) == ["A单元1", "A单元2"]
    assert RiskEvent.objects.get(name="A事件1").measures.count() == 2


def test_accident_type_names_of_either_gb_6441_edition_are_accepted(cast: Cast) -> None:
    rows: list[list[Any]] = [
        ["风险点名称", "风险事件", "事故类型", "责任部门"],
        ["A厂区道路", "A叉车撞人", "车辆伤害，其它伤害", "A生产部"],  # 1986 names only
        ["A仓库", "A货物坍塌", "坍塌", "A生产部"],  # in both: 2025 wins
    ]
    report = run_import(workbook_bytes(rows), cast.a.enterprise, commit=True)
    assert report.committed, report.as_dict()
    forklift = RiskEvent.objects.get(name="A叉车撞人")
    assert {(a.name, a.dataset.edition) for a in forklift.accident_types.all()} == {
        ("车辆伤害", "1986"),
        ("其他伤害", "1986"),
    }
    collapse = RiskEvent.objects.get(name="A货物坍塌").accident_types.get()
    assert collapse.dataset.edition == "2025"


def test_only_real_sign_off_rows_are_skipped(cast: Cast) -> None:
    rows: list[list[Any]] = [
        ["风险点名称", "风险事件", "责任部门"],
        ["审核室", "A文件柜倾倒", "A生产部"],
        ["编制人：张三", None, "审核人：李四"],
    ]
    report = run_import(workbook_bytes(rows), cast.a.enterprise)
    assert [r.object_name for r in report.rows] == ["审核室"]


def test_the_whp_measure_classification_is_read_by_code_or_unique_label(cast: Cast) -> None:
    rows: list[list[Any]] = [
        ["风险点名称", "风险事件", "工程技术措施", "管控方式", "措施分类一级（危化）",
         "措施分类二级（危化）", "责任部门"],
        ["A点", "A事件1", "A联锁", "自动化监控", "", "安全仪表", "A生产部"],
        ["A点", "A事件2", "A巡检", "自动化监控", "2 维护保养", "2-1", "A生产部"],
        ["A点", "A事件3", "A其他", "自动化监控", "", "其他", "A生产部"],
    ]  # fmt: skip
    report = run_import(workbook_bytes(rows), cast.a.enterprise)
    assert [r.status for r in report.rows] == ["ok", "ok", "error"]
    assert report.rows[2].messages == [
        "第 4 行，措施分类二级（危化）：“其他”不是可选的二级分类（请填写代码，如 1-4）。"
    ]
    rows.pop()
    report = run_import(workbook_bytes(rows), cast.a.enterprise, commit=True)
    assert report.committed
    measures = ControlMeasure.objects.filter(
        enterprise=cast.a.enterprise, event__name__startswith="A事件"
    )
    assert set(measures.values_list("description", "classify1", "classify2")) == {
        ("A联锁", 1, "1-4"),
        ("A巡检", 2, "2-1"),
    }
