"""Checking an uploaded image by its content (architecture.md §5), shared by every upload.

An image is accepted only when its magic bytes name an allowed kind (PNG, JPEG, optionally
WebP) AND Pillow decodes it completely and strictly under an explicit pixel limit
(decompression bombs). The caller gets the decoded, EXIF-upright pixels and re-encodes them, so
metadata (EXIF GPS, comments) and anything that is not image data never reach storage.

The rules (limits and the Chinese messages) belong to the caller: a site plan and a check photo
say different things. Every refusal is a ValidationError raised before anything is written.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from PIL import Image, ImageFile, ImageOps, features

# Pillow's global truncation switch is flipped while decoding strictly (see ``check_image``).
_STRICT_DECODE = threading.Lock()

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
# Recognised to say what was sent instead (messages only).
_OTHER_KINDS = (
    (b"GIF8", "GIF"),
    (b"%PDF", "PDF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"PK\x03\x04", "ZIP/Office"),
)
# Our kind names → Pillow's format names.
PILLOW_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WebP": "WEBP"}


def webp_supported() -> bool:
    """Whether this Pillow was built with libwebp (then WebP photos can be decoded)."""
    return bool(features.check("webp"))


@dataclass(frozen=True)
class ImageRules:
    """What one kind of upload accepts, and what it says when it refuses.

    Messages are (lazy) translated strings; ``too_large`` may use ``%(mb)d``, ``wrong_kind``
    ``%(kind)s``, ``too_many_pixels`` ``%(w)d``/``%(h)d``/``%(mp)d`` (``too_many_pixels_short``
    only ``%(mp)d``), ``too_small`` ``%(n)d``."""

    max_bytes: int
    max_pixels: int
    too_large: str | Promise
    wrong_kind: str | Promise
    not_an_image: str | Promise
    empty: str | Promise
    corrupt: str | Promise
    too_many_pixels: str | Promise
    too_many_pixels_short: str | Promise
    kinds: Sequence[str] = ("PNG", "JPEG")
    min_side: int = 0
    too_small: str | Promise = ""
    # JPEG only: decode at a reduced scale no smaller than this many pixels on the long side
    # (libjpeg's DCT scaling). Faster and lighter for photos that are resized anyway; the whole
    # stream is still decoded, so truncation and corruption are still caught.
    draft_long_side: int | None = None


@dataclass
class DecodedImage:
    """A checked image: its kind (a key of ``PILLOW_FORMATS``) and its upright pixels."""

    kind: str
    image: Image.Image

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height


def sniff(head: bytes) -> str:
    """ "PNG", "JPEG", "WebP", or a short name of what the bytes look like ("" if unknown)."""
    if head.startswith(_PNG):
        return "PNG"
    if head.startswith(_JPEG):
        return "JPEG"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WebP"
    if head.startswith(b"RIFF"):
        return "RIFF"
    for magic, name in _OTHER_KINDS:
        if head.startswith(magic):
            return name
    text = head[:512].lstrip().lower()
    if text.startswith(b"<?xml") or b"<svg" in text:
        return "SVG"
    return ""


def _looks_complete(kind: str, data: bytes) -> bool:
    """A file cut short in transit or on purpose: PNG must end with its IEND chunk, JPEG hold
    an end-of-image marker and WebP be as long as its RIFF header says, whatever Pillow's
    global truncation setting says."""
    if kind == "PNG":
        return b"IEND" in data[-64:]
    if kind == "JPEG":
        return b"\xff\xd9" in data
    if kind == "WebP":
        declared = int.from_bytes(data[4:8], "little") + 8
        return len(data) >= declared
    return True


def _say(template: str | Promise, **params: object) -> str:
    """A rule's message in the current language, with its placeholders filled."""
    return str(template) % params if params else str(template)


def read_limited(upload: IO[bytes], rules: ImageRules, *, size: int | None = None) -> bytes:
    """The upload's bytes, refusing (before reading it all) what is larger than allowed."""
    mb = rules.max_bytes // (1024 * 1024)
    if size is not None and size > rules.max_bytes:
        raise ValidationError(_say(rules.too_large, mb=mb), code="too_large")
    data = upload.read(rules.max_bytes + 1)
    if len(data) > rules.max_bytes:
        raise ValidationError(_say(rules.too_large, mb=mb), code="too_large")
    if not data:
        raise ValidationError(_say(rules.empty), code="empty")
    return data


def check_image(upload: IO[bytes], rules: ImageRules, *, size: int | None = None) -> DecodedImage:
    """Validate an uploaded image by its content and decode it (see the module docstring)."""
    data = read_limited(upload, rules, size=size)
    return check_image_bytes(data, rules)


def check_image_bytes(data: bytes, rules: ImageRules) -> DecodedImage:
    kinds = [k for k in rules.kinds if k != "WebP" or webp_supported()]
    kind = sniff(data[:1024])
    if kind not in kinds:
        if kind and kind != "RIFF":  # a RIFF that is not WebP (audio, video): not an image
            raise ValidationError(_say(rules.wrong_kind, kind=kind), code="wrong_kind")
        raise ValidationError(_say(rules.not_an_image), code="not_an_image")
    if not _looks_complete(kind, data):
        raise ValidationError(_say(rules.corrupt), code="corrupt")
    mp = rules.max_pixels // 10_000
    try:
        with _STRICT_DECODE, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]])
            width, height = image.size
            if width * height > rules.max_pixels:
                raise ValidationError(
                    _say(rules.too_many_pixels, w=width, h=height, mp=mp),
                    code="too_many_pixels",
                )
            if kind == "JPEG" and rules.draft_long_side:
                scale = rules.draft_long_side / max(width, height)
                if scale < 1:
                    image.draft(image.mode, (int(width * scale), int(height * scale)))
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
        raise ValidationError(
            _say(rules.too_many_pixels_short, mp=mp), code="too_many_pixels"
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError, Image.UnidentifiedImageError) as exc:
        raise ValidationError(_say(rules.corrupt), code="corrupt") from exc
    upright: Image.Image = ImageOps.exif_transpose(image) or image
    if rules.min_side and min(upright.size) < rules.min_side:
        raise ValidationError(_say(rules.too_small, n=rules.min_side), code="too_small")
    return DecodedImage(kind, upright)
