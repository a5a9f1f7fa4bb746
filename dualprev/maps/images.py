"""Checking an uploaded site plan by its content (architecture.md §5).

Accepted: PNG or JPEG only, recognised by magic bytes AND fully decoded by Pillow with an
explicit pixel limit (decompression bombs), at most ``MAX_BYTES``. The stored file is a
re-encoding of the decoded pixels, so metadata (EXIF GPS of a plant, comments) is dropped and
nothing but image data reaches MEDIA_ROOT. Every refusal is a ValidationError in Chinese, raised
before anything is written. The checking itself is ``dualprev.documents.images`` (shared with
check photos); this module holds the plan's rules and messages.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext_lazy as _
from PIL import Image

from dualprev.documents.images import ImageRules, check_image, sniff

__all__ = ["MAX_BYTES", "MAX_PIXELS", "MIN_SIDE", "CheckedImage", "check_plan_image", "sniff"]

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MIN_SIDE = 100

PLAN_RULES = ImageRules(
    max_bytes=MAX_BYTES,
    max_pixels=MAX_PIXELS,
    kinds=("PNG", "JPEG"),
    min_side=MIN_SIDE,
    too_large=_("文件过大：平面图不能超过 10 MB。"),
    wrong_kind=_("只支持 PNG 或 JPEG 格式的平面图，上传的文件是 %(kind)s。"),
    not_an_image=_("只支持 PNG 或 JPEG 格式的平面图，上传的文件不是图片。"),
    empty=_("文件是空的。"),
    corrupt=_("图片文件已损坏或不完整，无法读取。"),
    too_many_pixels=_("图片像素过多（%(w)d×%(h)d），不能超过 4000 万像素。"),
    too_many_pixels_short=_("图片像素过多，不能超过 4000 万像素。"),
    too_small=_("图片太小：宽和高都至少需要 %(n)d 像素。"),
)


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    extension: str  # "png" or "jpg"
    width: int
    height: int


def check_plan_image(upload: IO[bytes], *, size: int | None = None) -> CheckedImage:
    """Validate and re-encode an uploaded plan image (see the module docstring)."""
    checked = check_image(upload, PLAN_RULES, size=size)
    return CheckedImage(
        _encode(checked.image, checked.kind),
        "png" if checked.kind == "PNG" else "jpg",
        checked.width,
        checked.height,
    )


def _encode(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "PNG":
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, "PNG", compress_level=6)
    else:
        if image.mode not in ("L", "RGB"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90)
    return out.getvalue()


def pdf_data_uri(source: IO[bytes], *, max_side: int = 2000) -> str:
    """The plan as a data: URI small enough for a PDF page (a 40 MP plan would make a huge
    file): scaled down to ``max_side`` pixels, as JPEG (photos) or PNG (drawings)."""
    import base64

    with Image.open(source) as image:
        fmt = image.format or "PNG"
        image.thumbnail((max_side, max_side))
        out = io.BytesIO()
        if fmt == "JPEG":
            image.convert("RGB").save(out, "JPEG", quality=85)
            mime = "image/jpeg"
        else:
            image.save(out, "PNG", compress_level=3)
            mime = "image/png"
    return f"data:{mime};base64," + base64.b64encode(out.getvalue()).decode()
