"""PDFs carry real, extractable Chinese text with embedded fonts."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from dualprev.documents.pdf import qr_data_uri, qr_svg, render_pdf

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed"
)


@needs_poppler
def test_a_rendered_pdf_has_extractable_chinese_and_embedded_fonts(tmp_path) -> None:
    pdf = render_pdf(
        "documents/sample.html",
        {"title": "岗位安全风险告知卡", "qr": qr_data_uri("https://example.org/p/1")},
    )
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "sample.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "岗位安全风险告知卡" in text and "较大风险" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(" yes " in line for line in rows), fonts  # every font embedded
    assert any("CJK" in line for line in rows), fonts


def test_qr_codes_are_svg() -> None:
    assert qr_svg("https://example.org/x").startswith("<svg")
    assert qr_data_uri("https://example.org/x").startswith("data:image/svg+xml;base64,")
