"""Checking an uploaded site plan by its content (architecture.md §5).

Accepted: PNG or JPEG only, recognised by magic bytes AND fully decoded by Pillow with an
explicit pixel limit (decompression bombs), at most ``MAX_BYTES``. The stored file is a
re-encoding of the decoded pixels, so metadata (EXIF GPS of a plant, comments) is dropped and
nothing but image data reaches MEDIA_ROOT. Every refusal is a ValidationError in Chinese, raised
before anything is written.
"""

from __future__ import annotations

import io
import threading
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MIN_SIDE = 100
_STRICT_DECODE = threading.Lock()

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
# Recognised to say what was sent instead (messages only; nothing else is accepted).
_OTHER_KINDS = (
    (b"GIF8", "GIF"),
    (b"%PDF", "PDF"),
    (b"RIFF", "WebP"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"PK\x03\x04", "ZIP/Office"),
)


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    extension: str  # "png" or "jpg"
    width: int
    height: int


def sniff(head: bytes) -> str:
    """ "PNG", "JPEG", or a short name of what the bytes look like."""
    if head.startswith(_PNG):
        return "PNG"
    if head.startswith(_JPEG):
        return "JPEG"
    for magic, name in _OTHER_KINDS:
        if head.startswith(magic):
            return name
    text = head[:512].lstrip().lower()
    if text.startswith(b"<?xml") or b"<svg" in text:
        return "SVG"
    return ""


def check_plan_image(upload: IO[bytes], *, size: int | None = None) -> CheckedImage:
    """Validate and re-encode an uploaded plan image (see the module docstring)."""
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("文件过大：平面图不能超过 10 MB。"))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("文件过大：平面图不能超过 10 MB。"))
    if not data:
        raise ValidationError(_("文件是空的。"))
    kind = sniff(data[:1024])
    if kind not in ("PNG", "JPEG"):
        if kind:
            raise ValidationError(
                _("只支持 PNG 或 JPEG 格式的平面图，上传的文件是 %(kind)s。") % {"kind": kind}
            )
        raise ValidationError(_("只支持 PNG 或 JPEG 格式的平面图，上传的文件不是图片。"))
    # A file cut short in transit or on purpose: PNG must end with its IEND chunk and JPEG
    # hold an end-of-image marker, whatever Pillow's global truncation setting says.
    if (kind == "PNG" and b"IEND" not in data[-64:]) or (
        kind == "JPEG" and b"\xff\xd9" not in data
    ):
        raise ValidationError(_("图片文件已损坏或不完整，无法读取。"))
    try:
        with _STRICT_DECODE, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind])
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("图片像素过多（%(w)d×%(h)d），不能超过 4000 万像素。")
                    % {"w": width, "h": height}
                )
            # WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES = True for the whole process on
            # import; decode strictly here (the lock keeps concurrent checks from racing on it).
            lenient = ImageFile.LOAD_TRUNCATED_IMAGES
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            try:
                image.load()  # full decode: truncated or corrupt data fails here
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(_("图片像素过多，不能超过 4000 万像素。")) from exc
    except (OSError, SyntaxError, ValueError, Image.UnidentifiedImageError) as exc:
        raise ValidationError(_("图片文件已损坏或不完整，无法读取。")) from exc
    upright: Image.Image = ImageOps.exif_transpose(image) or image
    width, height = upright.size
    if min(width, height) < MIN_SIDE:
        raise ValidationError(_("图片太小：宽和高都至少需要 %(n)d 像素。") % {"n": MIN_SIDE})
    return CheckedImage(_encode(upright, kind), "png" if kind == "PNG" else "jpg", width, height)


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
