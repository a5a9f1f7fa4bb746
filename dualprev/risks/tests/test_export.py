"""The 风险分级管控清单 export and the blank template (openpyxl reads back what we wrote)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from dualprev.core.testing import Cast
from dualprev.risks.exporters import HEADERS, export_register, export_template
from dualprev.risks.tests.test_io_support import build_register

pytestmark = pytest.mark.django_db


def _sheet(data: bytes, name: str = "风险分级管控清单") -> Any:
    return load_workbook(io.BytesIO(data))[name]


def _rows(ws: Any) -> list[dict[str, object]]:
    # Two columns are headed 应急处置措施: the measure category (22nd) and the event's (last).
    keys = [*HEADERS]
    keys[21] = "类别:应急处置措施"
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    return [dict(zip(keys, row, strict=False)) for row in rows]


def test_the_export_has_a_title_a_frozen_header_and_one_row_per_event_and_measure(
    cast: Cast,
) -> None:
    build_register(cast)
    ws = _sheet(export_register(cast.a.enterprise))

    assert "甲化工有限公司 风险分级管控清单" in ws["A1"].value
    assert "A1:AE1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]] == HEADERS
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["F"].width == 24
    rows = _rows(ws)
    # 3 measures + 2 measures + 1 event without measures.
    assert len(rows) == 6
    assert [r["序号"] for r in rows] == [1, 2, 3, 4, 5, 6]


def test_exported_cells_carry_the_register_values(cast: Cast) -> None:
    build_register(cast)
    rows = _rows(_sheet(export_register(cast.a.enterprise)))
    first = rows[0]
    assert first["风险点编号"] == "FX-001"
    assert first["风险点名称"] == "A储罐区"
    assert first["风险点类型"] == "场所"
    assert first["评价方法"] == "LEC"
    assert (first["L"], first["E"], first["C"], first["S"], first["M"]) == (6, 6, 15, None, None)
    assert first["风险值"] == 540
    assert first["风险等级"] == "重大"
    assert first["工程技术措施"] == "A液位高高联锁投用"
    assert first["管理措施"] is None
    assert first["管控方式"] == "隐患排查"
    assert first["措施分类一级（危化）"] == "1 工程技术"
    assert first["措施分类二级（危化）"] == "1-4 安全仪表"
    assert rows[1]["措施分类一级（危化）"] is None
    assert first["管控层级"] == "公司"
    assert first["责任部门"] == "A生产部"
    assert first["责任岗位"] == "A操作工岗"
    assert rows[1]["培训教育措施"] == "A操作人员持证上岗"
    assert rows[2]["管控方式"] == "自动化监控"
    ls = rows[3]
    assert ls["可能导致的事故类型"] in ("火灾、中毒", "中毒、火灾")
    assert (ls["L"], ls["S"], ls["风险值"], ls["风险等级"]) == (3, 4, 12, "较大")
    assert ls["个体防护措施"] == "A佩戴防毒面具"
    assert ls["责任人"] == "Aleader"
    assert ls["应急处置措施"] == "关闭紧急切断阀，撤离"  # the event's own column (last)
    assert rows[4]["类别:应急处置措施"] == "A配备应急器材柜"  # the 应急处置 category column
    bare = rows[5]
    assert bare["风险事件"] == "A车辆溜车伤人"
    assert (bare["M"], bare["E"], bare["S"], bare["风险值"]) == (3, 6, 2, 36)
    assert bare["风险等级"] == "低"
    assert bare["固有风险等级"] == "低"
    assert bare["管控层级"] == "车间"  # fixed by hand, not the mapping's 班组
    assert not any(bare[h] for h in [*HEADERS[17:21], "类别:应急处置措施"])


def test_the_level_cell_is_filled_with_the_national_colour(cast: Cast) -> None:
    build_register(cast)
    ws = _sheet(export_register(cast.a.enterprise))
    level_col = HEADERS.index("风险等级") + 1
    fills = {
        ws.cell(row=r, column=level_col).value: ws.cell(row=r, column=level_col).fill.fgColor.rgb
        for r in range(3, ws.max_row + 1)
    }
    assert fills == {"重大": "00E02020", "较大": "00F7811E", "低": "001E6FD9"}
    other = ws.cell(row=3, column=1).fill
    assert other.fill_type is None


def test_an_unassessed_event_has_blank_assessment_cells(cast: Cast) -> None:
    ws = _sheet(export_register(cast.a.enterprise))
    (row,) = _rows(ws)
    assert row["风险事件"] == "A储罐泄漏引发火灾爆炸"
    assert row["评价方法"] is None
    assert row["风险等级"] is None
    assert row["可能导致的事故类型"] == "火灾"


def test_the_template_has_the_same_headers_no_rows_and_the_allowed_values(cast: Cast) -> None:
    data = export_template(cast.a.enterprise)
    ws = _sheet(data)
    assert [c.value for c in ws[2]] == HEADERS
    assert ws.max_row == 2
    help_text = "\n".join(
        " ".join(str(v) for v in row if v)
        for row in _sheet(data, "填写说明").iter_rows(values_only=True)
    )
    for expected in (
        "场所、设备设施、常规作业、特殊作业、管理",
        "LEC（L×E×C）",
        "0.1=实际不可能",
        "工程技术措施、管理措施、培训教育措施、个体防护措施、应急处置措施",
        "自动化监控、隐患排查",
        "公司、部门、车间、班组、岗位",
    ):
        assert expected in help_text
