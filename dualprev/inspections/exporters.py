"""Excel exports of the inspection module (openpyxl ``write_only``): the completion-rate tables,
the 未排查 list, the finding rates, and the 隐患排查清单 (SCL).

Every sheet has the same shape as the register export: a title row, one frozen header row,
then the data. Rates are real numbers formatted as percentages (so Excel can sort and sum);
"—" marks a rate with nothing due.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

from dualprev.documents.excel import BORDER, WRAP, text_safe_cell, write_sheet_head
from dualprev.inspections.models import CheckOccurrence, CheckTask
from dualprev.inspections.reports import (
    Dimension,
    FindingRow,
    Period,
    RateRow,
    occurrence_people,
    window_label,
)
from dualprev.orgs.models import Enterprise
from dualprev.reference.choices import ControlLevel

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = "0.0%"


def _cell(ws: Worksheet, value: Any, **style: Any) -> WriteOnlyCell:
    return text_safe_cell(ws, value, **style)


def _table(
    title: str,
    sheet: str,
    headers: Sequence[tuple[str, int]],
    rows: Iterable[Sequence[Any]],
    percent_columns: Sequence[int] = (),
) -> bytes:
    """A one-sheet workbook: title (row 1), headers (row 2, frozen), rows from row 3.
    ``percent_columns`` (0-based) hold fractions shown as percentages."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    write_sheet_head(ws, title, headers)
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            cell = _cell(ws, "" if value is None else value, border=BORDER, alignment=WRAP)
            if index in percent_columns and isinstance(value, float):
                cell.number_format = PERCENT
            cells.append(cell)
        ws.append(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _stamp() -> str:
    return timezone.localdate().isoformat()


def _rate(value: float | None) -> float | str:
    return "—" if value is None else round(value, 6)


def export_rates(
    enterprise: Enterprise, dimension: Dimension, period: Period, rows: Sequence[RateRow]
) -> bytes:
    """One completion-rate table: the dimension's label columns, then 应排查 (done + missed),
    按时完成, 未排查, 完成率, 进行中."""
    widths = {
        "department": (22,),
        "post": (18, 18),
        "person": (12, 18, 14),
        "measure": (18, 24, 36),
    }
    label_headers = [
        (str(header), width)
        for header, width in zip(dimension.headers, widths[dimension.key], strict=True)
    ]
    headers = [
        *label_headers,
        (_("应排查"), 9),
        (_("按时完成"), 9),
        (_("未排查"), 9),
        (_("完成率"), 9),
        (_("进行中"), 9),
    ]
    n = len(label_headers)

    def data() -> Iterable[list[Any]]:
        for row in rows:
            cells = list(row.cells)
            if dimension.key == "department" and row.depth:
                cells[0] = "　" * row.depth + cells[0]  # indent sub-units (full-width space)
            t = row.tally
            yield [*cells, t.due, t.done, t.missed, _rate(t.rate), t.open]

    title = _("%(name)s 隐患排查完成率（%(dimension)s，%(period)s）") % {
        "name": enterprise.name,
        "dimension": dimension.label,
        "period": period.label,
    }
    return _table(title, _("完成率"), headers, data(), percent_columns=(n + 3,))


def export_missed(
    enterprise: Enterprise, period: Period, occurrences: Iterable[CheckOccurrence]
) -> bytes:
    headers = [
        (_("序号"), 6),
        (_("风险点"), 18),
        (_("管控措施"), 30),
        (_("排查内容"), 30),
        (_("排查时段"), 26),
        (_("岗位/人员"), 18),
        (_("排查类型"), 14),
    ]

    def data() -> Iterable[list[Any]]:
        for seq, occurrence in enumerate(occurrences, start=1):
            yield [
                seq,
                occurrence.risk_object.name if occurrence.risk_object else "",
                occurrence.measure.description if occurrence.measure else "",
                occurrence.content,
                window_label(occurrence.window_start, occurrence.window_end),
                occurrence_people(occurrence),
                str(occurrence.get_source_code_display()),
            ]

    title = _("%(name)s 未排查清单（%(period)s）") % {
        "name": enterprise.name,
        "period": period.label,
    }
    return _table(title, _("未排查清单"), headers, data())


def export_findings(enterprise: Enterprise, period: Period, rows: Sequence[FindingRow]) -> bytes:
    headers = [
        (_("风险点"), 18),
        (_("风险事件"), 24),
        (_("管控措施"), 36),
        (_("排查记录"), 9),
        (_("存在隐患"), 9),
        (_("正常"), 9),
        (_("其他"), 9),
        (_("隐患发现率"), 11),
    ]
    data = ([*r.cells, r.total, r.hazards, r.normal, r.other, _rate(r.rate)] for r in rows)
    title = _("%(name)s 管控措施隐患发现率（%(period)s）") % {
        "name": enterprise.name,
        "period": period.label,
    }
    return _table(title, _("隐患发现率"), headers, data, percent_columns=(7,))


# The 隐患排查清单 keeps fixed Chinese headers (like the register export): it is an exchange
# document whose columns follow the national SCL fields (domain.md §2.3, §6).
CHECKLIST_HEADERS: tuple[tuple[str, int], ...] = (
    ("序号", 6),
    ("风险点编号", 12),
    ("风险点名称", 18),
    ("分析单元", 16),
    ("风险事件", 24),
    ("管控措施", 30),
    ("排查内容", 30),
    ("排查周期", 8),
    ("周期单位", 8),
    ("工作时段", 13),
    ("工作日类型", 12),
    ("任务类型", 14),
    ("包保任务序号", 10),
    ("排查类型", 14),
    ("执行岗位", 14),
    ("执行人", 10),
    ("管控层级", 9),
    ("责任部门", 14),
)


def checklist_rows(tasks: Iterable[CheckTask]) -> Iterable[list[Any]]:
    control = dict(ControlLevel.choices)
    for seq, task in enumerate(tasks, start=1):
        event = task.measure.event
        obj = event.unit.risk_object
        hours = (
            f"{task.work_start:%H:%M}–{task.work_end:%H:%M}"
            if task.work_start is not None and task.work_end is not None
            else ""
        )
        yield [
            seq,
            obj.code,
            obj.name,
            event.unit.name,
            event.name,
            task.measure.description,
            task.content,
            task.cycle,
            str(task.get_cycle_unit_display()),
            hours,
            str(task.get_work_day_type_display()),
            str(task.get_work_type_display()),
            task.task_num if task.task_num is not None else "",
            str(task.get_inspection_type_display()),
            task.post.name if task.post else "",
            task.assignee.display_name if task.assignee else "",
            str(control.get(event.control_level, "")),
            obj.responsible_unit.name,
        ]


def export_checklist(
    enterprise: Enterprise, tasks: Iterable[CheckTask], unit_name: str = ""
) -> bytes:
    suffix = f" · {unit_name}" if unit_name else ""
    title = f"{enterprise.name} 隐患排查清单{suffix}（导出日期 {_stamp()}）"
    return _table(title, "隐患排查清单", CHECKLIST_HEADERS, checklist_rows(tasks))
