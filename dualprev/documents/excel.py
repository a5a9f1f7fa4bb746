"""Cells for the Excel exports (openpyxl write-only mode).

openpyxl stores any string that starts with "=" as a formula. Exported text comes from users
(measure descriptions, notes, names), so a cell built here always stores text as text: a
description typed as "=HYPERLINK(...)" opens as those characters, not as a live formula
(CSV/formula injection)."""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet


def text_safe_cell(ws: Worksheet, value: Any, **style: Any) -> WriteOnlyCell:
    """A write-only cell holding ``value``; strings are always stored as text."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell
