"""Template helpers of the hazard documents and reports:

- ``{% hazard_document_links hazard as links %}``: the printable documents a hazard has now
  (``hazards.pdf.document_links``), for ``hazards/reports/_document_links.html``;
- ``{{ rate|percent }}``: a fraction as "83.3%", "—" for None (nothing to divide by);
- ``{{ cost|amount }}``: 万元 without trailing zeros.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from dualprev.hazards.pdf import DocumentLink, document_links

register = template.Library()


@register.simple_tag
def hazard_document_links(hazard: Any) -> list[DocumentLink]:
    return document_links(hazard)


@register.filter
def percent(value: float | None) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def amount(value: Any) -> str:
    """A money amount (万元) without trailing zeros: 0.5000 → "0.5", 12 → "12"."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value)).normalize()
    return f"{number:f}"
