"""Check photos by content: what is accepted, how it is stored (upright, at most 1600 px, a
fresh JPEG without metadata) and hashed; what is refused, with which message."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from dualprev.documents.images import sniff, webp_supported
from dualprev.inspections.photos import MAX_BYTES, hamming, process_photo
from dualprev.inspections.tests.worker_world import image_bytes, jpeg_bytes


def _process(data: bytes) -> object:
    return process_photo(io.BytesIO(data), size=len(data))


def test_a_large_photo_is_turned_upright_scaled_to_1600_and_re_encoded() -> None:
    photo = process_photo(io.BytesIO(jpeg_bytes(4000, 3000, orientation=6, secret="序列号")))
    assert (photo.width, photo.height) == (1200, 1600)
    with Image.open(io.BytesIO(photo.data)) as stored:
        assert stored.format == "JPEG" and stored.size == (1200, 1600)
        assert not stored.getexif()
    assert photo.sha256 == hashlib.sha256(photo.data).hexdigest()
    assert "序列号".encode() not in photo.data


def test_the_perceptual_hash_survives_resizing_and_recompression_but_not_another_picture() -> None:
    original = process_photo(io.BytesIO(jpeg_bytes(3200, 2400)))
    resent = process_photo(io.BytesIO(jpeg_bytes(1024, 768, quality=60)))
    assert original.sha256 != resent.sha256
    assert hamming(original.phash, resent.phash) <= 4
    flipped = Image.open(io.BytesIO(jpeg_bytes(1024, 768))).transpose(
        Image.Transpose.FLIP_LEFT_RIGHT
    )
    out = io.BytesIO()
    flipped.save(out, "JPEG")
    other = process_photo(io.BytesIO(out.getvalue()))
    assert hamming(original.phash, other.phash) > 20


def test_png_with_transparency_is_laid_on_white() -> None:
    photo = process_photo(io.BytesIO(image_bytes("PNG", 300, 200, mode="RGBA")))
    with Image.open(io.BytesIO(photo.data)) as stored:
        assert stored.mode == "RGB"
        r, g, b = stored.getpixel((10, 10))  # type: ignore[misc]
        # 50 % blue over white, not over black.
        assert r > 120 and g > 160 and b > 230


@pytest.mark.skipif(not webp_supported(), reason="Pillow without libwebp")
def test_webp_is_accepted_when_pillow_can_decode_it() -> None:
    photo = process_photo(io.BytesIO(image_bytes("WEBP", 500, 400)))
    assert (photo.width, photo.height) == (500, 400)
    assert photo.data.startswith(b"\xff\xd8\xff")


def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _truncated_webp() -> bytes:
    data = image_bytes("WEBP", 500, 400)
    return data[: len(data) // 2]


REFUSED = [
    ("gif", image_bytes("GIF"), "上传的文件是 GIF"),
    ("bmp", image_bytes("BMP"), "上传的文件是 BMP"),
    ("pdf", b"%PDF-1.7\n", "上传的文件是 PDF"),
    ("html", b"<html><script>alert(1)</script></html>", "不是图片"),
    ("wave audio", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40, "不是图片"),
    ("truncated jpeg", jpeg_bytes(1200, 900)[:4000], "损坏或不完整"),
    ("jpeg magic then garbage", b"\xff\xd8\xff\xe0" + b"\x00" * 300 + b"\xff\xd9", "损坏或不完整"),
    ("truncated webp", _truncated_webp(), "损坏或不完整"),
    ("decompression bomb", _png_claiming(30_000, 30_000), "5000 万像素"),
    ("empty", b"", "照片文件是空的"),
    ("too large", b"\xff\xd8\xff" + b"\x00" * MAX_BYTES, "每张照片不能超过 10 MB"),
]


@pytest.mark.parametrize(("label", "data", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_what_is_not_a_sound_photo_is_refused_with_a_chinese_message(
    label: str, data: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _process(data)
    assert message in " ".join(caught.value.messages)


def test_the_declared_size_is_refused_before_the_upload_is_read() -> None:
    class Unreadable(io.BytesIO):
        def read(self, *args: object) -> bytes:
            raise AssertionError("read before the size check")

    with pytest.raises(ValidationError, match="10 MB"):
        process_photo(Unreadable(), size=MAX_BYTES + 1)


def test_truncated_photos_are_refused_even_after_weasyprint_relaxed_pillow() -> None:
    import weasyprint  # noqa: F401 - importing it sets ImageFile.LOAD_TRUNCATED_IMAGES = True
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    with pytest.raises(ValidationError, match="损坏或不完整"):
        _process(jpeg_bytes(1200, 900)[:4000])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_sniff_names_what_the_bytes_are() -> None:
    assert sniff(jpeg_bytes()[:64]) == "JPEG"
    assert sniff(image_bytes("PNG")[:64]) == "PNG"
    assert sniff(image_bytes("WEBP")[:64]) == "WebP"
    assert sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") == "RIFF"
    assert sniff(b'<svg xmlns="http://www.w3.org/2000/svg"/>') == "SVG"
    assert sniff(b"hello") == ""
