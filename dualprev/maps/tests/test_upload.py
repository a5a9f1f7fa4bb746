"""Uploading a site plan: PNG and JPEG are accepted by content; everything else is refused
with a Chinese message, leaving no row and no file."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from dualprev.maps.images import MAX_BYTES
from dualprev.maps.models import SitePlan
from dualprev.maps.testing import png_bytes
from dualprev.maps.tests.conftest import stored_files

pytestmark = pytest.mark.django_db


def _jpeg(width: int = 400, height: int = 300) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), "#c0d0e0")
    exif = Image.Exif()
    exif[0x010E] = "secret site description"  # ImageDescription: must not survive
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "#abcdef").save(out, fmt)
    return out.getvalue()


def _png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size over a tiny compressed body (a decompression
    bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _post(client: Client, name: str, data: bytes, content_type: str = "image/png") -> Any:
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(
        reverse("maps:plan_upload"), {"name": "总平面图", "image": upload, "make_current": "on"}
    )


@pytest.fixture
def officer(cast: Any) -> Client:
    client = Client()
    client.force_login(cast.safety_officer)
    return client


@pytest.mark.parametrize(
    ("filename", "maker", "kind"),
    [("plan.png", png_bytes, "png"), ("plan.jpeg", _jpeg, "jpg")],
)
def test_it_accepts_png_and_jpeg_and_stores_them_under_a_random_name(
    cast: Any, officer: Client, media_root: Path, filename: str, maker: Any, kind: str
) -> None:
    before = SitePlan.objects.filter(enterprise=cast.a.enterprise).count()
    response = _post(officer, filename, maker(), "image/png")
    plan = SitePlan.objects.filter(enterprise=cast.a.enterprise).order_by("-id").first()
    assert (
        plan is not None
        and SitePlan.objects.filter(enterprise=cast.a.enterprise).count() == before + 1
    )
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("maps:plan_edit", args=[plan.public_id])
    assert plan.image.name.startswith(f"siteplans/{cast.a.enterprise.public_id}/")
    assert plan.image.name.endswith(f".{kind}") and "plan" not in plan.image.name.rsplit("/", 1)[1]
    assert plan.is_current and plan.uploaded_by == cast.safety_officer
    # The new plan replaced the cast's plan as the current one.
    assert SitePlan.objects.filter(enterprise=cast.a.enterprise, is_current=True).get() == plan
    with Image.open(plan.image.path) as stored:
        assert (stored.width, stored.height) == (plan.width, plan.height)
        assert "secret" not in str(stored.getexif().get(0x010E, ""))  # metadata stripped


def _truncated_png() -> bytes:
    data = png_bytes(600, 400, "#123456")
    out = io.BytesIO()
    Image.effect_noise((600, 400), 80).convert("RGB").save(out, "PNG")
    data = out.getvalue()
    return data[: len(data) // 2]


def _truncated_jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((600, 400), 80).convert("RGB").save(out, "JPEG")
    data = out.getvalue()
    return data[: len(data) // 2]


BAD_UPLOADS = [
    (
        "svg",
        "plan.png",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>',
        "SVG",
    ),
    ("gif", "plan.png", _image("GIF"), "GIF"),
    ("webp", "plan.jpg", _image("WEBP"), "WebP"),
    ("pdf", "plan.png", b"%PDF-1.7\n1 0 obj<<>>endobj\n", "PDF"),
    ("renamed text", "plan.png", "这不是图片\n".encode() * 20, "不是图片"),
    ("empty", "plan.png", b"", "空"),
    ("truncated png", "plan.png", _truncated_png(), "损坏或不完整"),
    ("truncated jpeg", "plan.jpg", _truncated_jpeg(), "损坏或不完整"),
    ("decompression bomb", "plan.png", _png_header_claiming(20_000, 20_000), "4000 万像素"),
    ("png magic then garbage", "plan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "损坏或不完整"),
    ("too small", "plan.png", png_bytes(40, 40), "太小"),
    ("too large", "plan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (MAX_BYTES + 10), "10 MB"),
]


@pytest.mark.parametrize(
    ("label", "filename", "data", "message"), BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS]
)
def test_it_refuses_what_is_not_a_sound_png_or_jpeg_and_writes_nothing(
    cast: Any,
    officer: Client,
    media_root: Path,
    label: str,
    filename: str,
    data: bytes,
    message: str,
) -> None:
    files_before = set(stored_files(media_root))
    rows_before = SitePlan.objects.count()
    response = _post(officer, filename, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SitePlan.objects.count() == rows_before
    assert set(stored_files(media_root)) == files_before
    # The cast's plan is still the current one.
    assert (
        SitePlan.objects.get(enterprise=cast.a.enterprise, is_current=True)
        == cast.a.risks["site_plan"]
    )


def test_a_worker_cannot_upload_a_plan(cast: Any, media_root: Path) -> None:
    client = Client()
    client.force_login(cast.worker)
    rows_before = SitePlan.objects.count()
    response = _post(client, "plan.png", png_bytes())
    assert response.status_code == 403
    assert SitePlan.objects.count() == rows_before


@pytest.mark.parametrize("data", [_truncated_png(), _truncated_jpeg()], ids=["png", "jpeg"])
def test_truncated_images_are_refused_even_after_weasyprint_relaxed_pillow(data: bytes) -> None:
    import weasyprint  # noqa: F401 - importing it sets ImageFile.LOAD_TRUNCATED_IMAGES = True
    from django.core.exceptions import ValidationError
    from PIL import ImageFile

    from dualprev.maps.images import check_plan_image

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    with pytest.raises(ValidationError, match="损坏或不完整"):
        check_plan_image(io.BytesIO(data))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # restored for WeasyPrint
