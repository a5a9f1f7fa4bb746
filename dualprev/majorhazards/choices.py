"""Enumerations of the major-hazard-source app (GB 18218-2018)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dualprev.reference.choices import MajorHazardSourceLevel

__all__ = ["LEVEL_BAND_TEXT", "LEVEL_COLOURS", "MajorHazardSourceLevel", "UnitKind"]


class UnitKind(models.TextChoices):
    """GB 18218 辨识单元: a production unit or a storage unit (separated by firewalls/dikes)."""

    PRODUCTION = "production", _("生产单元")
    STORAGE = "storage", _("储存单元")


# The national four colours, 一级 (most severe) red … 四级 blue.
LEVEL_COLOURS: dict[int, str] = {
    MajorHazardSourceLevel.LEVEL_1: "red",
    MajorHazardSourceLevel.LEVEL_2: "orange",
    MajorHazardSourceLevel.LEVEL_3: "yellow",
    MajorHazardSourceLevel.LEVEL_4: "blue",
}

# The band of R each level covers, as shown in the step-by-step computation.
LEVEL_BAND_TEXT: dict[int, str] = {
    MajorHazardSourceLevel.LEVEL_1: "R ≥ 100",
    MajorHazardSourceLevel.LEVEL_2: "50 ≤ R < 100",
    MajorHazardSourceLevel.LEVEL_3: "10 ≤ R < 50",
    MajorHazardSourceLevel.LEVEL_4: "R < 10",
}
