"""Read helpers of the map pages; every one starts from ``visible_to`` or an access helper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from dualprev.maps.geometry import label_anchor
from dualprev.maps.models import MapZone, SitePlan
from dualprev.reference.choices import RISK_LEVEL_COLOURS, RiskLevel
from dualprev.risks.choices import RiskObjectType
from dualprev.risks.models import RiskObject

HEX = {"red": "#e02020", "orange": "#f7811e", "yellow": "#f5c400", "blue": "#1e6fd9"}
GREY = "#6b7280"


@dataclass
class DrawnZone:
    """A zone ready to draw: pixel coordinates in the plan's own size, and its colour now."""

    zone: MapZone
    colour: str  # "red".."blue", or "" when the object is not assessed
    hex: str
    points_attr: str  # "x,y x,y ..." in image pixels (polygon)
    cx: float
    cy: float
    label_y: float
    url: str

    @property
    def risk_object(self) -> RiskObject:
        return self.zone.risk_object


def plans_for(user: Any) -> QuerySet[SitePlan]:
    return SitePlan.objects.visible_to(user).annotate(zone_count=Count("zones"))


def drawn_zones(plan: SitePlan) -> list[DrawnZone]:
    """The plan's zones with each risk object's current level (one query)."""
    rows = []
    geo = map_geometry(plan)
    zones = (
        plan.zones.filter(risk_object__retired_at__isnull=True)
        .select_related("risk_object")
        .order_by("id")
    )
    for zone in zones:
        colour = zone.risk_object.colour
        w, h = plan.width, plan.height
        cx, cy = label_anchor(zone.shape, zone.points)
        cx += zone.label_dx or 0
        cy += zone.label_dy or 0
        rows.append(
            DrawnZone(
                zone=zone,
                colour=colour,
                hex=HEX.get(colour, GREY),
                points_attr=" ".join(f"{x * w:.1f},{y * h:.1f}" for x, y in zone.points),
                cx=round(cx * w, 1),
                cy=round(cy * h, 1),
                label_y=round(
                    cy * h + (geo["radius"] + geo["font"] if zone.shape == "point" else 0), 1
                ),
                url=reverse("risks:object_detail", args=[zone.risk_object.public_id]),
            )
        )
    # Paint the least severe first so that red zones stay on top where zones overlap.
    order = {"": -1, "blue": 0, "yellow": 1, "orange": 2, "red": 3}
    rows.sort(key=lambda row: order[row.colour])
    return rows


def legend(zones: list[DrawnZone]) -> list[dict[str, Any]]:
    """Risk objects on the plan per colour (an object with several zones counts once)."""
    by_colour: dict[str, set[int]] = {}
    for row in zones:
        by_colour.setdefault(row.colour, set()).add(row.zone.risk_object_id)
    entries = [
        {
            "colour": str(RISK_LEVEL_COLOURS[level]),
            "hex": HEX[str(RISK_LEVEL_COLOURS[level])],
            "label": RiskLevel(level).label,
            "count": len(by_colour.get(str(RISK_LEVEL_COLOURS[level]), ())),
        }
        for level in RiskLevel.values
    ]
    entries.append(
        {"colour": "", "hex": GREY, "label": _("未评价"), "count": len(by_colour.get("", ()))}
    )
    return entries


def map_geometry(plan: SitePlan) -> dict[str, float]:
    """Sizes in image pixels that keep strokes, points and labels readable at any plan size."""
    side = max(plan.width, plan.height)
    return {
        "radius": round(side * 0.011, 1),
        "font": round(max(side * 0.016, 10), 1),
        "stroke": round(max(side * 0.0022, 1), 1),
        "dash": round(max(side * 0.006, 3), 1),
    }


def unmapped_objects(user: Any) -> QuerySet[RiskObject]:
    """Active risk objects that are on no plan yet."""
    return RiskObject.objects.visible_to(user).filter(
        retired_at__isnull=True, map_zones__isnull=True
    )


ACTIVITY_TYPES = (RiskObjectType.ROUTINE_WORK, RiskObjectType.SPECIAL_WORK)


def activity_rows(user: Any, *, all_types: bool = False) -> list[dict[str, Any]]:
    """Per risk object (作业活动 by default): counts of active events by residual colour, most
    severe first. One aggregate query."""
    objects = RiskObject.objects.visible_to(user).filter(retired_at__isnull=True)
    if not all_types:
        objects = objects.filter(object_type__in=ACTIVITY_TYPES)
    live = Q(units__events__retired_at__isnull=True, units__retired_at__isnull=True)
    spec = {
        str(RISK_LEVEL_COLOURS[level]): Count(
            "units__events", filter=live & Q(units__events__residual_level=level)
        )
        for level in RiskLevel.values
    }
    spec["none"] = Count("units__events", filter=live & Q(units__events__residual_level=None))
    rows = []
    for obj in objects.annotate(**spec).order_by("sort_order", "id"):
        row = {
            "name": obj.name,
            "type": obj.get_object_type_display(),
            "level": obj.level,
            "colour": obj.colour,
            "level_label": obj.get_level_display() if obj.level is not None else "",
            "url": reverse("risks:object_detail", args=[obj.public_id]),
            **{key: getattr(obj, key) for key in spec},
        }
        row["total"] = sum(row[key] for key in spec)
        rows.append(row)
    rows.sort(
        key=lambda r: (
            r["level"] if r["level"] is not None else 9,
            -r["red"],
            -r["orange"],
            -r["yellow"],
            -r["total"],
        )
    )
    return rows
