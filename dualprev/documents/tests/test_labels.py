"""QR label sheets: 3 × 4 labels per A4 page, extractable text, one embedded font."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from dualprev.documents.labels import Label, label_pages, render_label_sheet

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed"
)


def _labels(n: int) -> list[Label]:
    colours = ("red", "orange", "yellow", "blue", "")
    return [
        Label(
            title=f"风险点{i:02d}",
            url=f"https://example.org/q/{i}/",
            band="较大风险",
            colour=colours[i % 5],
            lines=(f"编号：FX-{i:02d}",),
        )
        for i in range(n)
    ]


def test_labels_are_laid_out_in_pages_of_rows() -> None:
    pages = label_pages(_labels(14), columns=3, rows=4)
    assert len(pages) == 2
    assert [len(row) for row in pages[0]] == [3, 3, 3, 3]
    assert [len(row) for row in pages[1]] == [2]
    assert label_pages([], columns=3, rows=4) == []


def test_a_labels_qr_code_is_an_svg_data_uri() -> None:
    assert _labels(1)[0].qr.startswith("data:image/svg+xml;base64,")


@needs_poppler
def test_a_label_sheet_has_every_label_and_embeds_its_font(tmp_path: Path) -> None:
    path = tmp_path / "labels.pdf"
    path.write_bytes(render_label_sheet(_labels(13), title="风险点二维码标签", caption="扫码查看"))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "Pages:           2" in info
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    for i in range(13):
        assert f"风险点{i:02d}" in text and f"FX-{i:02d}" in text
    assert "较大风险" in text and "扫码查看" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert len(rows) == 1 and " yes " in rows[0], fonts  # one weight, embedded


@needs_poppler
def test_an_empty_sheet_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(
        render_label_sheet([], title="风险点二维码标签", empty_text="没有在用的风险点。")
    )
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "没有在用的风险点。" in text
