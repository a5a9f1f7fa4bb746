"""Printable QR label sheets shared by the apps: A4 pages of equal labels (3 × 4 by default),
each with an optional colour band, a title, a few lines and a QR code of one URL.

The caller decides what a label says and where its QR code points; this module only lays the
labels out (``documents/label_sheet.html``) and renders the PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from dualprev.documents.pdf import qr_data_uri, render_pdf

# A4 portrait minus the sheet's 8 mm margins (see documents/label_sheet.html), less a little
# slack so that rounding never pushes the last row onto a new page.
_SHEET_WIDTH_MM = 193
_SHEET_HEIGHT_MM = 276


@dataclass(frozen=True)
class Label:
    """One label: ``colour`` is a national risk colour (red/orange/yellow/blue) or "" for a
    neutral band; ``band`` is the text printed in the band."""

    title: str
    url: str
    band: str = ""
    colour: str = ""
    lines: tuple[str, ...] = field(default_factory=tuple)

    @property
    def qr(self) -> str:
        return qr_data_uri(self.url, scale=4, border=0)


def label_pages(labels: Sequence[Label], *, columns: int, rows: int) -> list[list[list[Label]]]:
    """The labels as pages of rows of at most ``columns`` labels (the last row may be short;
    the fixed table layout keeps every cell its size)."""
    per_page = columns * rows
    pages = []
    for start in range(0, len(labels), per_page):
        chunk = list(labels[start : start + per_page])
        pages.append([chunk[i : i + columns] for i in range(0, len(chunk), columns)])
    return pages


def render_label_sheet(
    labels: Sequence[Label],
    *,
    title: str,
    caption: str = "",
    empty_text: str = "",
    columns: int = 3,
    rows: int = 4,
    request: HttpRequest | None = None,
    extra: dict[str, Any] | None = None,
) -> bytes:
    """A PDF of ``labels`` laid out ``columns`` × ``rows`` per A4 page. ``caption`` is printed
    under each QR code; ``empty_text`` on a single page when there are no labels."""
    context = {
        "title": title,
        "caption": caption,
        "empty_text": empty_text,
        "pages": label_pages(labels, columns=columns, rows=rows),
        "columns": columns,
        "label_width_mm": _SHEET_WIDTH_MM / columns,
        "label_height_mm": _SHEET_HEIGHT_MM / rows,
        **(extra or {}),
    }
    return render_pdf("documents/label_sheet.html", context, request=request)
