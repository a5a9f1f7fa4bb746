"""Pure geometry of map zones: validating normalised coordinates and placing labels."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_VERTICES = 200


def clean_points(shape: str, points: Any) -> list[list[float]]:
    """``points`` as a list of [x, y] floats within 0–1 (rounded to 5 places); a polygon needs
    3 to 200 vertices, a point exactly one. Raises ValidationError with a Chinese message."""
    if shape not in ("polygon", "point"):
        raise ValidationError(_("形状只能是区域（多边形）或点位。"))
    if not isinstance(points, list) or not points:
        raise ValidationError(_("缺少坐标。"))
    cleaned: list[list[float]] = []
    for pair in points:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValidationError(_("坐标格式不正确，每个点应为 [x, y]。"))
        try:
            x, y = (float(v) for v in pair)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("坐标必须是数字。")) from exc
        if isinstance(pair[0], bool) or isinstance(pair[1], bool):
            raise ValidationError(_("坐标必须是数字。"))
        if not (math.isfinite(x) and math.isfinite(y) and 0 <= x <= 1 and 0 <= y <= 1):
            raise ValidationError(_("坐标超出平面图范围（应在 0 到 1 之间）。"))
        cleaned.append([round(x, 5), round(y, 5)])
    if shape == "point":
        if len(cleaned) != 1:
            raise ValidationError(_("点位只能有一个坐标。"))
        return cleaned
    # A double click leaves the last vertex twice: drop consecutive duplicates.
    deduped = [p for i, p in enumerate(cleaned) if i == 0 or p != cleaned[i - 1]]
    if len(deduped) > 1 and deduped[0] == deduped[-1]:
        deduped.pop()
    if len(deduped) < 3:
        raise ValidationError(_("区域至少需要 3 个顶点。"))
    if len(deduped) > MAX_VERTICES:
        raise ValidationError(_("区域顶点过多（最多 %(n)d 个）。") % {"n": MAX_VERTICES})
    if abs(_area(deduped)) < 1e-6:
        raise ValidationError(_("区域面积为零，请在平面图上画出一个区域。"))
    return deduped


def _area(points: list[list[float]]) -> float:
    return 0.5 * sum(
        x1 * y2 - x2 * y1
        for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True)
    )


def label_anchor(shape: str, points: list[list[float]]) -> tuple[float, float]:
    """Where a zone's label goes (normalised): the polygon's area centroid, or the point."""
    if shape == "point" or len(points) < 3:
        return points[0][0], points[0][1]
    area = _area(points)
    if abs(area) < 1e-9:
        xs, ys = zip(*points, strict=True)
        return sum(xs) / len(xs), sum(ys) / len(ys)
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return cx / (6 * area), cy / (6 * area)
