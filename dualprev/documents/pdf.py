"""PDF rendering shared by every app: HTML/CSS templates → WeasyPrint, with the CJK font.

Templates extend ``documents/base_print.html`` (A4, Noto Sans CJK SC, embedded and subset so
``pdftotext`` reads the Chinese back). QR codes come from ``qr_svg``/``qr_data_uri`` (segno).
"""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.encoding import escape_uri_path


def qr_svg(url: str, *, scale: int = 3, border: int = 1) -> str:
    """An inline SVG QR code for ``url`` (error correction M)."""
    return segno.make(url, error="m").svg_inline(scale=scale, border=border)


def qr_data_uri(url: str, *, scale: int = 4, border: int = 1) -> str:
    """A data: URI of an SVG QR code, for <img> in PDFs."""
    svg = segno.make(url, error="m").svg_inline(scale=scale, border=border).encode()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def render_pdf(
    template_name: str, context: dict[str, Any], request: HttpRequest | None = None
) -> bytes:
    """Render a template to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
