"""Cells for the Excel exports (openpyxl write-only mode).

openpyxl stores any string that starts with "=" as a formula. Exported text comes from users
(measure descriptions, notes, names), so a cell built here always stores text as text: a
description typed as "=HYPERLINK(...)" opens as those characters, not as a live formula
(CSV/formula injection)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet


def text_safe_cell(ws: Worksheet, value: Any, **style: Any) -> WriteOnlyCell:
    """A write-only cell holding ``value``; strings are always stored as text."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


_THIN = Side(style="thin", color="B7BEC8")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def write_sheet_head(
    ws: Worksheet,
    title: str,
    columns: Sequence[tuple[str, float]],
    *,
    title_size: int = 14,
    title_height: int = 28,
) -> None:
    """The house layout of an exported sheet: a merged title in row 1 and bold, filled,
    bordered headers in row 2 (frozen), with the column widths. ``columns``: (header, width)."""
    for index, (_header, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    ws.merged_cells.ranges.add(f"A1:{get_column_letter(len(columns))}1")
    ws.row_dimensions[1].height = title_height
    ws.append([text_safe_cell(ws, title, font=Font(bold=True, size=title_size), alignment=CENTER)])
    ws.append(
        [
            text_safe_cell(
                ws, header, font=Font(bold=True), fill=HEADER_FILL, border=BORDER, alignment=CENTER
            )
            for header, _width in columns
        ]
    )
