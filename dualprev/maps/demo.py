"""Demo site maps: every demo enterprise gets a generated plant layout (buildings on a grid with
roads, drawn with Pillow) and one zone per active risk object. Idempotent: an enterprise that
already has a plan is skipped."""

from __future__ import annotations

import functools
import io
import math
import random
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from dualprev.maps.actions import store_plan
from dualprev.maps.images import CheckedImage
from dualprev.maps.models import MapZone, SitePlan, ZoneShape
from dualprev.orgs.models import Enterprise
from dualprev.risks.choices import RiskObjectType
from dualprev.risks.models import RiskObject

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
WIDTH, HEIGHT = 1600, 1000
SITE = (60, 120, 1540, 950)  # the plant's wall: left, top, right, bottom
ROAD = 36
Box = tuple[int, int, int, int]


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | None:
    if not CJK_FONT.exists():
        return None
    return ImageFont.truetype(str(CJK_FONT), size, index=2)  # index 2: Noto Sans CJK SC


def _text(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int, **kw: Any) -> None:
    font = _font(size)
    if font is not None:
        draw.text(xy, text, font=font, **kw)


def layout(count: int, rng: random.Random) -> list[Box]:
    """``count`` building boxes on a grid inside the wall, separated by roads."""
    count = max(count, 1)
    left, top, right, bottom = SITE
    top += 90  # the gate, office block and car park strip along the top
    cols = max(2, math.ceil(math.sqrt(count * (right - left) / (bottom - top))))
    rows = math.ceil(count / cols)
    cell_w = (right - left - ROAD) / cols
    cell_h = (bottom - top - ROAD) / rows
    boxes = []
    for i in range(count):
        r, c = divmod(i, cols)
        x0 = left + ROAD + c * cell_w
        y0 = top + ROAD + r * cell_h
        w = (cell_w - ROAD) * rng.uniform(0.72, 1.0)
        h = (cell_h - ROAD) * rng.uniform(0.7, 1.0)
        boxes.append((round(x0), round(y0), round(x0 + w), round(y0 + h)))
    return boxes


def draw_plan(title: str, boxes: list[Box], rng: random.Random) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "#eef1ea")
    draw = ImageDraw.Draw(image)
    left, top, right, _ = SITE
    draw.rectangle(SITE, fill="#c9cdd3", outline="#4b5563", width=5)  # roads inside the wall
    # Office, gate and car park along the top.
    draw.rectangle(
        (left + ROAD, top + ROAD, left + 360, top + 86), fill="#f6f3ea", outline="#5b6470", width=3
    )
    _text(draw, (left + ROAD + 12, top + ROAD + 8), "综合办公楼", 22, fill="#374151")
    draw.rectangle(
        (left + 400, top + ROAD, left + 700, top + 86), fill="#e5e7eb", outline="#9ca3af", width=2
    )
    _text(draw, (left + 412, top + ROAD + 8), "停车场", 22, fill="#4b5563")
    draw.rectangle((right - 220, top - 6, right - 120, top + 6), fill="#eef1ea")
    _text(draw, (right - 200, top - 40), "大门", 24, fill="#374151")
    palette = ["#f6f3ea", "#eaf0f7", "#f1efe7", "#e8eef0"]
    for i, box in enumerate(boxes):
        draw.rectangle(box, fill=palette[rng.randrange(len(palette))], outline="#5b6470", width=3)
        _text(draw, (box[0] + 8, box[1] + 4), f"{i + 1}#", 20, fill="#6b7280")
    # Title and north arrow.
    _text(draw, (left, 28), title, 34, fill="#1f2937")
    _text(draw, (left, 76), "厂区总平面布置示意图（演示）", 20, fill="#6b7280")
    nx, ny = right - 40, 40
    draw.polygon(
        [(nx, ny - 26), (nx - 12, ny + 14), (nx, ny + 6), (nx + 12, ny + 14)], fill="#1f2937"
    )
    _text(draw, (nx - 8, ny + 18), "北", 18, fill="#1f2937")
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=3)
    return out.getvalue()


def _zone_for(obj: RiskObject, box: Box) -> tuple[str, list[list[float]]]:
    x0, y0, x1, y1 = box
    if obj.object_type == RiskObjectType.EQUIPMENT:
        return ZoneShape.POINT, [
            [round((x0 + x1) / 2 / WIDTH, 5), round((y0 + y1) / 2 / HEIGHT, 5)]
        ]
    inset = 8
    corners = [
        (x0 + inset, y0 + inset),
        (x1 - inset, y0 + inset),
        (x1 - inset, y1 - inset),
        (x0 + inset, y1 - inset),
    ]
    return ZoneShape.POLYGON, [[round(x / WIDTH, 5), round(y / HEIGHT, 5)] for x, y in corners]


def build_site_map(enterprise: Enterprise, acting_user: Any = None) -> SitePlan:
    """Draw and store a plan for ``enterprise`` with a zone per active risk object."""
    rng = random.Random(enterprise.credit_code)
    objects = list(RiskObject.objects.filter(enterprise=enterprise, retired_at__isnull=True))
    boxes = layout(len(objects) or 6, rng)
    data = draw_plan(enterprise.name, boxes, rng)
    plan = store_plan(
        enterprise=enterprise,
        acting_user=acting_user,
        name="厂区总平面图",
        image=CheckedImage(data, "png", WIDTH, HEIGHT),
    )
    zones = []
    for obj, box in zip(objects, boxes, strict=False):
        shape, points = _zone_for(obj, box)
        zones.append(
            MapZone(enterprise=enterprise, plan=plan, risk_object=obj, shape=shape, points=points)
        )
    MapZone.objects.bulk_create(zones)
    return plan


def extend_demo(builder: Any) -> None:
    have = set(SitePlan.objects.values_list("enterprise_id", flat=True))
    made = 0
    for enterprise in builder.enterprises.values():
        if enterprise.pk in have:
            continue
        build_site_map(enterprise)
        have.add(enterprise.pk)
        made += 1
    builder.log(f"  site maps: {made} drawn")
