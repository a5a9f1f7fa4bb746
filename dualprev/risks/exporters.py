"""The 风险分级管控清单 as an Excel workbook (openpyxl ``write_only``), and the blank template.

Layout (one sheet "风险分级管控清单"): a title row, one header row (frozen), then one row per
active event × active measure; an event without measures gets one row. ``COLUMNS`` is the single
source of the headers: the importer recognises every one of them, so an export re-imports into
an equal register. The five measure-category columns hold the measure's text in its category's
column; the last column is the event's own 应急处置措施 (the importer tells the two
"应急处置措施" columns apart by position: the one right after 个体防护措施 is the category).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from dualprev.documents.excel import BORDER, CENTER, WRAP, text_safe_cell, write_sheet_head
from dualprev.orgs.models import Enterprise
from dualprev.reference.choices import (
    ControlLevel,
    MeasureCategory,
    MeasureClassify1,
    MeasureClassify2,
    MeasureDataSrc,
    RiskLevel,
)
from dualprev.reference.models import AssessmentMethod
from dualprev.risks.choices import RiskObjectType
from dualprev.risks.models import ControlMeasure, RiskEvent

SHEET_TITLE = "风险分级管控清单"
FACTORS = ("L", "E", "C", "S", "M")
CATEGORY_HEADERS = {
    MeasureCategory.ENGINEERING: "工程技术措施",
    MeasureCategory.MANAGEMENT: "管理措施",
    MeasureCategory.TRAINING: "培训教育措施",
    MeasureCategory.PERSONAL_PROTECTION: "个体防护措施",
    MeasureCategory.EMERGENCY: "应急处置措施",
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", 6),
    Column("object_code", "风险点编号", 12),
    Column("object_name", "风险点名称", 18),
    Column("object_type", "风险点类型", 10),
    Column("unit_name", "分析单元", 16),
    Column("event_name", "风险事件", 24),
    Column("hazard", "危险源/危险有害因素", 28),
    Column("accident_types", "可能导致的事故类型", 18),
    Column("method", "评价方法", 9),
    *(Column(f"factor_{code}", code, 6) for code in FACTORS),
    Column("score", "风险值", 8),
    Column("level", "风险等级", 9),
    Column("inherent_level", "固有风险等级", 10),
    *(Column(f"cat_{cat}", header, 26) for cat, header in CATEGORY_HEADERS.items()),
    Column("check_content", "排查内容", 26),
    Column("data_src", "管控方式", 10),
    Column("control_level", "管控层级", 9),
    Column("department", "责任部门", 14),
    Column("post", "责任岗位", 14),
    Column("person", "责任人", 10),
    Column("emergency", "应急处置措施", 28),
    # The 危化 national measure classification (optional for other industries).
    Column("classify1", "措施分类一级（危化）", 14),
    Column("classify2", "措施分类二级（危化）", 16),
)
HEADERS = [column.header for column in COLUMNS]

# Excel fills of the national colours (same hues as the CSS variables --risk-*).
LEVEL_FILLS = {
    RiskLevel.MAJOR: ("E02020", "FFFFFF"),
    RiskLevel.LARGER: ("F7811E", "FFFFFF"),
    RiskLevel.GENERAL: ("F5C400", "3A2F00"),
    RiskLevel.LOW: ("1E6FD9", "FFFFFF"),
}


def level_label(level: int | None) -> str:
    return str(RiskLevel(level).label) if level is not None else ""


def _plain(value: Any) -> str:
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _number(value: Any) -> float | int | str:
    """A factor or score for the cell: a number when it is one (so Excel can compute)."""
    if value in (None, ""):
        return ""
    text = _plain(value)
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def register_rows(enterprise: Enterprise) -> Iterator[dict[str, Any]]:
    """The register as dicts keyed by ``Column.key`` (plus ``level_code``), in display order."""
    measures = ControlMeasure.objects.filter(retired_at__isnull=True).select_related(
        "responsible_post"
    )
    events = (
        RiskEvent.objects.filter(
            enterprise=enterprise,
            retired_at__isnull=True,
            unit__retired_at__isnull=True,
            unit__risk_object__retired_at__isnull=True,
        )
        .select_related(
            "unit__risk_object__responsible_unit",
            "unit__risk_object__responsible_person",
            "residual_assessment",
        )
        .prefetch_related(
            "accident_types__dataset", Prefetch("measures", queryset=measures, to_attr="live")
        )
        .order_by(
            "unit__risk_object__sort_order",
            "unit__risk_object_id",
            "unit__sort_order",
            "unit_id",
            "sort_order",
            "id",
        )
    )
    types = dict(RiskObjectType.choices)
    data_src = dict(MeasureDataSrc.choices)
    control = dict(ControlLevel.choices)
    seq = 0
    for event in events.iterator(chunk_size=500):
        unit = event.unit
        obj = unit.risk_object
        assessment = event.residual_assessment
        inputs = assessment.inputs if assessment is not None else {}
        person = obj.responsible_person
        base: dict[str, Any] = {
            "object_code": obj.code,
            "object_name": obj.name,
            "object_type": str(types.get(obj.object_type, obj.object_type)),
            "unit_name": unit.name,
            "event_name": event.name,
            "hazard": event.hazard_description,
            "accident_types": "、".join(a.name for a in event.accident_types.all()),
            "method": assessment.method if assessment is not None else "",
            "score": _number(assessment.score) if assessment is not None else "",
            "level": level_label(event.residual_level),
            "level_code": event.residual_level,
            "inherent_level": level_label(event.inherent_level),
            "control_level": str(control.get(event.control_level, "")),
            "department": obj.responsible_unit.name,
            "person": (person.name or person.username) if person is not None else "",
            "emergency": event.emergency_measures,
        }
        for code in FACTORS:
            base[f"factor_{code}"] = _number(inputs.get(code, ""))
        for measure in getattr(event, "live", None) or [None]:
            seq += 1
            row = dict(base, seq=seq)
            for cat in CATEGORY_HEADERS:
                row[f"cat_{cat}"] = ""
            if measure is not None:
                row[f"cat_{measure.category}"] = measure.description
                row["check_content"] = measure.check_content
                row["data_src"] = str(data_src.get(measure.data_src, ""))
                row["post"] = measure.responsible_post.name if measure.responsible_post else ""
                if measure.classify1:
                    row["classify1"] = f"{measure.classify1} {measure.get_classify1_display()}"
                if measure.classify2:
                    row["classify2"] = f"{measure.classify2} {measure.get_classify2_display()}"
            yield row


def _styled(ws: Worksheet, value: Any, **style: Any) -> WriteOnlyCell:
    return text_safe_cell(ws, value, **style)


def _sheet_head(ws: Worksheet, title: str) -> None:
    columns = [(header, column.width) for header, column in zip(HEADERS, COLUMNS, strict=True)]
    write_sheet_head(ws, title, columns, title_size=16, title_height=30)


def _row_cells(ws: Worksheet, row: dict[str, Any]) -> list[WriteOnlyCell]:
    cells = []
    for column in COLUMNS:
        value = row.get(column.key, "")
        cell = _styled(ws, value if value is not None else "", border=BORDER, alignment=WRAP)
        if column.key == "level" and row.get("level_code") is not None:
            fill, ink = LEVEL_FILLS[row["level_code"]]
            cell.fill = PatternFill("solid", fgColor=fill)
            cell.font = Font(bold=True, color=ink)
            cell.alignment = CENTER
        cells.append(cell)
    return cells


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_register(enterprise: Enterprise, rows: Iterable[dict[str, Any]] | None = None) -> bytes:
    """The enterprise's register as .xlsx bytes."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    today = timezone.localdate().isoformat()
    _sheet_head(ws, f"{enterprise.name} 风险分级管控清单（导出日期 {today}）")
    for row in rows if rows is not None else register_rows(enterprise):
        ws.append(_row_cells(ws, row))
    return _save(wb)


def _instructions() -> list[list[str]]:
    lines: list[list[str]] = [
        ["填写说明"],
        [""],
        ["1. 在“风险分级管控清单”表第 3 行起填写，每行一条“风险事件 × 管控措施”。"],
        ["2. 同一风险点、分析单元、风险事件的后续行可留空（表示同上），也可合并单元格。"],
        ["3. 管控措施按类别填入对应列（每行填一列）；排查内容为空时按措施内容生成。"],
        ["4. 填写评价取值（L、E、C 或 L、S 或 M、E、S）后，风险值和风险等级由系统计算。"],
        ["5. 责任部门、责任岗位、责任人须与系统中的组织单元、岗位、人员姓名一致。"],
        ["6. 事故类型按 GB 6441 名称填写，多个用“、”分隔。"],
        [""],
        ["项目", "允许的值"],
        ["风险点类型", "、".join(str(label) for _v, label in RiskObjectType.choices)],
        ["评价方法", "LEC（L×E×C）、LS（L×S）、MES（M×E×S）"],
    ]
    for method in AssessmentMethod.objects.prefetch_related("factors__values").order_by(
        "sort_order"
    ):
        for factor in method.factors.all():
            values = "；".join(f"{_plain(v.value)}={v.label}" for v in factor.values.all())
            lines.append([f"{method.code} {factor.code}（{factor.name}）", values])
    lines += [
        ["措施类别（列）", "、".join(CATEGORY_HEADERS.values())],
        ["管控方式", "、".join(str(label) for _v, label in MeasureDataSrc.choices)],
        [
            "措施分类一级（危化，可空）",
            "、".join(f"{v} {lb}" for v, lb in MeasureClassify1.choices),
        ],
        [
            "措施分类二级（危化，可空）",
            "、".join(f"{v} {lb}" for v, lb in MeasureClassify2.choices),
        ],
        ["管控层级", "、".join(str(label) for _v, label in ControlLevel.choices)],
        ["风险等级", "、".join(str(label) for _v, label in RiskLevel.choices)],
    ]
    return lines


def export_template(enterprise: Enterprise | None = None) -> bytes:
    """The blank register with the same headers, and an instructions sheet of allowed values."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    name = f"{enterprise.name} " if enterprise is not None else ""
    _sheet_head(ws, f"{name}风险分级管控清单")
    help_ws = wb.create_sheet("填写说明")
    help_ws.column_dimensions["A"].width = 28
    help_ws.column_dimensions["B"].width = 110
    for index, line in enumerate(_instructions()):
        bold = index == 0 or line[0] == "项目"
        help_ws.append([_styled(help_ws, text, font=Font(bold=bold)) for text in line])
    return _save(wb)
