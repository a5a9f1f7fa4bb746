"""The 安全风险四色分布图: site plans (an uploaded plant layout image) and the zones drawn on
them, each over one risk object.

A zone stores no colour: its colour is its risk object's current level, read when the map is
drawn, so a change of level shows on the map at once (domain.md §8: a zone takes the colour of
its highest residual risk; red / orange / yellow / blue, never green).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dualprev.core.models import TenantModel


def plan_upload_to(instance: SitePlan, filename: str) -> str:
    """MEDIA_ROOT/siteplans/<enterprise public id>/<random>.<ext>: never the user's name."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"siteplans/{instance.enterprise.public_id}/{uuid.uuid4().hex}.{ext}"


class SitePlan(TenantModel):
    """A site plan image (PNG or JPEG, checked by content on upload; see ``maps.images``).

    Invariants: ``width``/``height`` are the stored image's pixel size; the file is served only
    through an access-checked view; at most one plan per enterprise is current (总平面图)."""

    name = models.CharField(_("图纸名称"), max_length=128)
    image = models.FileField(_("平面图"), upload_to=plan_upload_to, max_length=255)
    width = models.PositiveIntegerField(_("宽度（像素）"))
    height = models.PositiveIntegerField(_("高度（像素）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    is_current = models.BooleanField(_("当前总平面图"), default=True)

    class Meta:
        ordering = ["-is_current", "-uploaded_at", "-id"]
        verbose_name = _("平面图")
        verbose_name_plural = _("平面图")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(is_current=True),
                name="siteplan_one_current_per_enterprise",
                violation_error_message=_("每个企业只能有一张当前总平面图。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def content_type(self) -> str:
        return "image/png" if self.image.name.lower().endswith(".png") else "image/jpeg"


class ZoneShape(models.TextChoices):
    POLYGON = "polygon", _("区域（多边形）")
    POINT = "point", _("点位")


class MapZone(TenantModel):
    """One risk object drawn on a plan: a polygon (3+ vertices) or a point, in coordinates
    normalised to 0–1 of the image's width and height.

    Invariants: plan, risk object and zone belong to the same enterprise; ``points`` satisfy
    ``maps.geometry.clean_points`` for ``shape``. An object may have several zones."""

    plan = models.ForeignKey(
        SitePlan, on_delete=models.CASCADE, related_name="zones", verbose_name=_("平面图")
    )
    risk_object = models.ForeignKey(
        "risks.RiskObject",
        # An unused object the register deletes takes its zones with it; a retired one keeps
        # them (history) but is no longer drawn.
        on_delete=models.CASCADE,
        related_name="map_zones",
        verbose_name=_("风险点"),
    )
    shape = models.CharField(_("形状"), max_length=8, choices=ZoneShape.choices)
    points = models.JSONField(_("坐标"))
    label_dx = models.FloatField(_("标注偏移 X"), null=True, blank=True)
    label_dy = models.FloatField(_("标注偏移 Y"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("分布图区域")
        verbose_name_plural = _("分布图区域")

    def __str__(self) -> str:
        return f"{self.plan} · {self.risk_object}"

    def clean(self) -> None:
        from dualprev.maps.geometry import clean_points

        super().clean()
        errors: dict[str, Any] = {}
        if self.plan_id and self.plan.enterprise_id != self.enterprise_id:
            errors["plan"] = _("平面图必须属于本企业。")
        if self.risk_object_id and self.risk_object.enterprise_id != self.enterprise_id:
            errors["risk_object"] = _("风险点必须属于本企业。")
        try:
            self.points = clean_points(self.shape, self.points)
        except ValidationError as exc:
            errors["points"] = exc.messages
        if errors:
            raise ValidationError(errors)
