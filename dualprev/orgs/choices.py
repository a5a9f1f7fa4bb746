"""Enumerations of the orgs app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("区/县")
    STREET = "street", _("街道/乡镇")


class IndustryGroup(models.TextChoices):
    WHP = "whp", _("危险化学品")
    INDUSTRY_TRADE = "industry_trade", _("工贸")
    CONSTRUCTION = "construction", _("建筑施工")
    TRANSPORT = "transport", _("交通运输")
    COMMERCE = "commerce", _("商贸")
    OTHER = "other", _("其他")


class BenchmarkLevel(models.TextChoices):
    NONE = "none", _("无")
    MUNICIPAL = "municipal", _("市级标杆")
    PROVINCIAL = "provincial", _("省级标杆")


class ConstructionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    BUILDING = "building", _("建设中")
    BUILT = "built", _("已建成")
    ACCEPTED = "accepted", _("已验收")
    RUNNING = "running", _("运行中")


class OrgLevel(models.TextChoices):
    """Vocabulary of org-unit levels; each enterprise picks an ordered subset (org_levels)."""

    COMPANY = "company", _("公司")
    DIVISION = "division", _("处室")
    DEPARTMENT = "department", _("部门")
    WORKSHOP = "workshop", _("车间")
    SECTION = "section", _("工段")
    TEAM = "team", _("班组")


DEFAULT_ORG_LEVELS = [
    OrgLevel.COMPANY.value,
    OrgLevel.DEPARTMENT.value,
    OrgLevel.WORKSHOP.value,
    OrgLevel.TEAM.value,
]


class AgencyTier(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区县级")
    STREET = "street", _("街道/乡镇")
