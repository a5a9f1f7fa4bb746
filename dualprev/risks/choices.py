"""Enumerations of the risks app (national codes live in dualprev.reference.choices)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskObjectType(models.TextChoices):
    """风险点类型 [convention seen in software, domain.md §7.3]."""

    PLACE = "place", _("场所")
    EQUIPMENT = "equipment", _("设备设施")
    ROUTINE_WORK = "routine_work", _("常规作业")
    SPECIAL_WORK = "special_work", _("特殊作业")
    MANAGEMENT = "management", _("管理")


class AssessmentKind(models.TextChoices):
    INHERENT = "inherent", _("固有风险")
    RESIDUAL = "residual", _("现实风险")


class AssessmentReason(models.TextChoices):
    ASSESSED = "assessed", _("评价")
    PROFILE_CHANGE = "profile_change", _("分级方案变更重算")
    IMPORTED = "imported", _("导入")
    LIBRARY = "library", _("行业库复制")


class TriggerKind(models.TextChoices):
    """Re-identification triggers (导则 / domain.md Spec E.6)."""

    PROCESS_CHANGE = "process_change", _("工艺变更")
    EQUIPMENT_CHANGE = "equipment_change", _("设备设施变更")
    ACCIDENT = "accident", _("发生事故或险情")
    NEW_STANDARD = "new_standard", _("法规标准变化")
    REFERENCE_UPDATE = "reference_update", _("基础数据版本更新")
    EXTERNAL_CHANGE = "external_change", _("外部环境重大变化")
    OTHER = "other", _("其他")


class TodoStatus(models.TextChoices):
    OPEN = "open", _("待重新评价")
    DONE = "done", _("已重新评价")
