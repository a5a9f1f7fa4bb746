"""The risk hierarchy of the national 危化 model, used for every industry:
风险分析对象 (RiskObject) → 风险分析单元 (RiskUnit) → 风险事件 (RiskEvent)
→ 管控措施 (ControlMeasure), with every assessment kept as history (Assessment) and
re-identification to-dos.

Levels are national codes (0 重大 … 3 低; a lower number is more severe). A unit's and an object's
``level`` is the most severe residual level of the active events below it; the roll-up is kept
by ``risks.actions`` and is never written anywhere else.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualprev.core.models import TenantModel
from dualprev.reference.choices import (
    RISK_LEVEL_COLOURS,
    ControlLevel,
    MeasureCategory,
    MeasureClassify1,
    MeasureClassify2,
    MeasureDataSrc,
    RiskLevel,
)
from dualprev.risks.choices import (
    AssessmentKind,
    AssessmentReason,
    RiskObjectType,
    TodoStatus,
    TriggerKind,
)


class LevelMixin(models.Model):
    """A computed national risk level (null until something below is assessed)."""

    level = models.PositiveSmallIntegerField(
        _("风险等级"), choices=RiskLevel.choices, null=True, blank=True, editable=False
    )

    class Meta:
        abstract = True

    @property
    def colour(self) -> str:
        return RISK_LEVEL_COLOURS[self.level] if self.level is not None else ""


class Retirable(models.Model):
    """Rows that were used are retired, never deleted (history must still resolve)."""

    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.retired_at is None


class RiskSettings(TenantModel):
    """An enterprise's grading choices: default method, the profile of each method, and the
    control-level mapping (risk level code → control level). One row per enterprise."""

    default_method = models.CharField(
        _("默认评价方法"),
        max_length=8,
        default="LEC",
        choices=[("LEC", "LEC"), ("LS", "LS"), ("MES", "MES")],
    )
    lec_profile = models.CharField(_("LEC 分级方案"), max_length=16, default="LEC_A")
    ls_profile = models.CharField(_("LS 分级方案"), max_length=16, default="LS_A")
    mes_profile = models.CharField(_("MES 分级方案"), max_length=16, default="MES")
    control_levels = models.JSONField(
        _("管控层级对应"),
        default=dict,
        blank=True,
        help_text=_(
            "风险等级到管控层级的对应；留空使用默认（重大→公司，较大→部门，一般→车间，低→班组/岗位）。"
        ),
    )

    class Meta:
        verbose_name = _("风险分级设置")
        verbose_name_plural = _("风险分级设置")
        constraints = [
            models.UniqueConstraint(fields=["enterprise"], name="risksettings_one_per_enterprise")
        ]

    def profile_for(self, method: str) -> str:
        return {"LEC": self.lec_profile, "LS": self.ls_profile, "MES": self.mes_profile}[method]

    def control_level_for(self, level: int | None) -> str:
        from dualprev.reference.choices import DEFAULT_CONTROL_LEVELS

        if level is None:
            return ""
        configured = (self.control_levels or {}).get(str(level))
        if configured in ControlLevel.values:
            return str(configured)
        return str(DEFAULT_CONTROL_LEVELS[level][0])


class RiskObject(TenantModel, LevelMixin, Retirable):
    """风险分析对象 / 风险点. Invariant: ``responsible_unit`` belongs to the same enterprise."""

    code = models.CharField(_("风险点编号"), max_length=32, blank=True)
    name = models.CharField(_("风险点名称"), max_length=128)
    object_type = models.CharField(_("风险点类型"), max_length=16, choices=RiskObjectType.choices)
    responsible_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="risk_objects",
        verbose_name=_("责任部门"),
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("责任人"),
    )
    location = models.CharField(_("位置"), max_length=128, blank=True)
    hazard_code = models.CharField(
        _("重大危险源编码"),
        max_length=64,
        blank=True,
        help_text=_("风险点是重大危险源时，填写危险化学品登记信息管理系统中的危险源编码。"),
    )
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("风险点")
        verbose_name_plural = _("风险点")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "name"],
                condition=models.Q(retired_at__isnull=True),
                name="riskobject_unique_active_name",
                violation_error_message=_("本企业已有同名的风险点。"),
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "level"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.responsible_unit_id and self.responsible_unit.enterprise_id != self.enterprise_id:
            raise ValidationError({"responsible_unit": _("责任部门必须属于本企业。")})


class RiskUnit(TenantModel, LevelMixin, Retirable):
    """风险分析单元 under a risk object (national ``riskUnitName``)."""

    risk_object = models.ForeignKey(
        RiskObject, on_delete=models.PROTECT, related_name="units", verbose_name=_("风险点")
    )
    name = models.CharField(_("分析单元名称"), max_length=128)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("风险分析单元")
        verbose_name_plural = _("风险分析单元")
        constraints = [
            models.UniqueConstraint(
                fields=["risk_object", "name"],
                condition=models.Q(retired_at__isnull=True),
                name="riskunit_unique_active_name",
                violation_error_message=_("该风险点下已有同名的分析单元。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RiskEvent(TenantModel, Retirable):
    """风险事件: what can go wrong in a unit, with its current inherent and residual levels.

    Invariants: ``inherent_level``/``residual_level`` equal the results of the latest
    assessment of each kind; ``control_level`` follows the residual level through the
    enterprise's mapping unless ``control_level_fixed``; ``owner_unit`` is the org unit at the
    control level above the object's responsible unit (it and every unit below own the risk).
    """

    unit = models.ForeignKey(
        RiskUnit, on_delete=models.PROTECT, related_name="events", verbose_name=_("分析单元")
    )
    name = models.CharField(_("风险事件"), max_length=255)
    hazard_description = models.TextField(_("危险源/危险有害因素描述"), blank=True)
    accident_types = models.ManyToManyField(
        "reference.AccidentType", blank=True, verbose_name=_("可能导致的事故类型")
    )
    hazard_factors = models.ManyToManyField(
        "reference.HazardFactor", blank=True, verbose_name=_("危险和有害因素")
    )
    emergency_measures = models.TextField(_("应急处置措施"), blank=True)
    inherent_level = models.PositiveSmallIntegerField(
        _("固有风险等级"), choices=RiskLevel.choices, null=True, blank=True, editable=False
    )
    residual_level = models.PositiveSmallIntegerField(
        _("现实风险等级"), choices=RiskLevel.choices, null=True, blank=True, editable=False
    )
    residual_assessment = models.ForeignKey(
        "Assessment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    control_level = models.CharField(
        _("管控层级"), max_length=16, choices=ControlLevel.choices, blank=True
    )
    control_level_fixed = models.BooleanField(
        _("手工指定管控层级"),
        default=False,
        help_text=_("不勾选时，管控层级随现实风险等级自动确定。"),
    )
    owner_unit = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("管控责任单元"),
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("风险事件")
        verbose_name_plural = _("风险事件")
        indexes = [
            models.Index(fields=["enterprise", "residual_level"]),
            models.Index(fields=["enterprise", "retired_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def colour(self) -> str:
        return RISK_LEVEL_COLOURS[self.residual_level] if self.residual_level is not None else ""

    @property
    def inherent_colour(self) -> str:
        return RISK_LEVEL_COLOURS[self.inherent_level] if self.inherent_level is not None else ""


class ControlMeasure(TenantModel, Retirable):
    """管控措施 of an event. Invariants: ``classify2`` belongs to ``classify1``; a measure whose
    data source is 隐患排查 has check content (排查内容) for the inspection module."""

    event = models.ForeignKey(
        RiskEvent, on_delete=models.PROTECT, related_name="measures", verbose_name=_("风险事件")
    )
    description = models.TextField(_("管控措施"))
    category = models.CharField(_("措施类别"), max_length=16, choices=MeasureCategory.choices)
    classify1 = models.PositiveSmallIntegerField(
        _("一级分类（危化）"), choices=MeasureClassify1.choices, null=True, blank=True
    )
    classify2 = models.CharField(
        _("二级分类（危化）"), max_length=8, choices=MeasureClassify2.choices, blank=True
    )
    classify3 = models.CharField(_("三级分类（自定义）"), max_length=64, blank=True)
    data_src = models.PositiveSmallIntegerField(
        _("管控方式"), choices=MeasureDataSrc.choices, default=MeasureDataSrc.INSPECTION
    )
    check_content = models.TextField(_("隐患排查内容"), blank=True)
    responsible_post = models.ForeignKey(
        "orgs.Post",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="control_measures",
        verbose_name=_("责任岗位"),
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("管控措施")
        verbose_name_plural = _("管控措施")

    def __str__(self) -> str:
        return self.description[:40]

    def clean(self) -> None:
        super().clean()
        errors = {}
        if (
            self.classify2
            and self.classify1
            and (MeasureClassify2.parent_of(self.classify2) != self.classify1)
        ):
            errors["classify2"] = _("二级分类与一级分类不匹配。")
        if self.data_src == MeasureDataSrc.INSPECTION and not (self.check_content or "").strip():
            errors["check_content"] = _("管控方式为隐患排查时必须填写排查内容。")
        post = self.responsible_post
        if post is not None and post.enterprise_id != self.enterprise_id:
            errors["responsible_post"] = _("责任岗位必须属于本企业。")
        if errors:
            raise ValidationError(errors)


class Assessment(TenantModel):
    """One grading of an event, kept forever (history; never updated or deleted).

    Invariant: ``score``/``band``/``level_code``/``colour`` are what ``reference.scoring``
    returned for ``method``/``profile``/``inputs`` when the row was written."""

    event = models.ForeignKey(
        RiskEvent, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("风险事件")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=AssessmentKind.choices)
    method = models.CharField(_("评价方法"), max_length=8)
    profile = models.CharField(_("分级方案"), max_length=16)
    inputs = models.JSONField(_("取值"))
    score = models.DecimalField(_("风险值"), max_digits=12, decimal_places=4)
    band = models.CharField(_("级别"), max_length=16)
    band_label = models.CharField(_("级别说明"), max_length=64, blank=True)
    level_code = models.PositiveSmallIntegerField(_("风险等级"), choices=RiskLevel.choices)
    colour = models.CharField(_("颜色"), max_length=8)
    reason = models.CharField(
        _("原因"),
        max_length=16,
        choices=AssessmentReason.choices,
        default=AssessmentReason.ASSESSED,
    )
    note = models.CharField(_("说明"), max_length=255, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("评价人"),
    )
    assessed_at = models.DateTimeField(_("评价时间"))

    class Meta:
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("风险评价记录")
        verbose_name_plural = _("风险评价记录")
        indexes = [models.Index(fields=["event", "kind", "-assessed_at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.score} → {self.get_level_code_display()}"


class ReassessmentTrigger(TenantModel):
    """A recorded change that requires re-identification (变更、事故、标准更新…)."""

    kind = models.CharField(_("变更类型"), max_length=24, choices=TriggerKind.choices)
    description = models.TextField(_("变更说明"))
    occurred_on = models.DateField(_("发生日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("重新辨识触发事项")
        verbose_name_plural = _("重新辨识触发事项")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class ReassessmentTodo(TenantModel):
    """One to-do per affected risk object; only a new assessment of that object closes it."""

    trigger = models.ForeignKey(ReassessmentTrigger, on_delete=models.CASCADE, related_name="todos")
    risk_object = models.ForeignKey(
        RiskObject, on_delete=models.PROTECT, related_name="todos", verbose_name=_("风险点")
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=TodoStatus.choices, default=TodoStatus.OPEN
    )
    closed_by = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-id"]
        verbose_name = _("重新评价待办")
        verbose_name_plural = _("重新评价待办")
        constraints = [
            models.UniqueConstraint(
                fields=["trigger", "risk_object"], name="todo_one_per_trigger_and_object"
            ),
        ]
