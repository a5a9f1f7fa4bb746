"""Exported user text never becomes a live Excel formula."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from dualprev.documents.excel import text_safe_cell


def test_text_that_looks_like_a_formula_is_stored_as_text() -> None:
    book = Workbook(write_only=True)
    ws = book.create_sheet()
    ws.append([text_safe_cell(ws, '=HYPERLINK("http://x","y")'), text_safe_cell(ws, 42)])
    out = io.BytesIO()
    book.save(out)
    cell, number = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x","y")'
    assert number.value == 42
