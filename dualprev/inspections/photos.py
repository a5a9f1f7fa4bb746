"""Check photos: checked by content, turned upright, scaled down and re-encoded before storage.

A photo is accepted when ``documents.images`` recognises and strictly decodes it (JPEG, PNG,
and WebP where Pillow has libwebp) within the size and pixel limits. What is stored is a fresh
JPEG of at most ``MAX_SIDE`` pixels on the long side: no EXIF (a phone's GPS, serial numbers),
no comments, nothing but pixels. The SHA-256 is of the stored bytes; the perceptual hash
(dhash, 8×8 row + column gradients, 32 hex digits) of the picture, so the same scene
photographed again or re-sent at another size hashes alike (a reused photo can be spotted).
"""

from __future__ import annotations

import hashlib
import io
from typing import IO

import dhash
from django.utils.translation import gettext_lazy as _
from PIL import Image

from dualprev.documents.images import ImageRules, check_image
from dualprev.inspections.actions import PhotoInput

MAX_PHOTOS = 3
MAX_BYTES = 10 * 1024 * 1024  # per photo, before processing
MAX_PIXELS = 50_000_000  # a 48 MP phone camera's full-size photo fits
MAX_SIDE = 1600
JPEG_QUALITY = 85

PHOTO_RULES = ImageRules(
    max_bytes=MAX_BYTES,
    max_pixels=MAX_PIXELS,
    kinds=("JPEG", "PNG", "WebP"),
    too_large=_("照片过大：每张照片不能超过 %(mb)d MB。"),
    wrong_kind=_("只支持 JPEG、PNG 或 WebP 格式的照片，上传的文件是 %(kind)s。"),
    not_an_image=_("只支持 JPEG、PNG 或 WebP 格式的照片，上传的文件不是图片。"),
    empty=_("照片文件是空的。"),
    corrupt=_("照片文件已损坏或不完整，无法读取。"),
    too_many_pixels=_("照片像素过多（%(w)d×%(h)d），不能超过 %(mp)d 万像素。"),
    too_many_pixels_short=_("照片像素过多，不能超过 %(mp)d 万像素。"),
    draft_long_side=MAX_SIDE,
)


def process_photo(upload: IO[bytes], *, size: int | None = None) -> PhotoInput:
    """Check one uploaded photo and prepare it for ``actions.submit_check`` (raises a
    ValidationError with a Chinese message; nothing is written here)."""
    checked = check_image(upload, PHOTO_RULES, size=size)
    image = _flatten(checked.image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    data = out.getvalue()
    row, col = dhash.dhash_row_col(_grays(image, 8 + 1), size=8)
    return PhotoInput(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        phash=dhash.format_hex(row, col, size=8),
        width=image.width,
        height=image.height,
    )


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels; transparency (PNG, WebP) is laid on white, as a JPEG cannot keep it."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _grays(image: Image.Image, side: int) -> list[int]:
    """The grey levels dhash compares (as ``dhash.get_grays`` computes them for an RGB image,
    without the Pillow call it uses that Pillow 14 removes)."""
    small = image.convert("L").resize((side, side), Image.Resampling.LANCZOS)
    return list(small.tobytes())  # one byte per pixel in mode L


def hamming(phash_a: str, phash_b: str) -> int:
    """How many bits two perceptual hashes differ by (0: the same picture)."""
    return dhash.get_num_bits_different(int(phash_a, 16), int(phash_b, 16))
