"""隐患治理: the hazard record (domain.md §5.4 national field set), its event log, photos, the
重大 hazard plan, reports to the regulator, public reports waiting for triage, and the
enterprise's hazard settings.

State is written only by ``workflow.transition`` (guarded conditional update + event row);
every other write goes through ``actions`` and also writes an event row. Hazard events are
appended to the enterprise's evidence chain (``evidence``) in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dualprev.core.models import TenantModel
from dualprev.hazards.choices import (
    STATUS_COLOURS,
    CancelReason,
    Channel,
    EvaluationBy,
    EventAction,
    HazardStatus,
    PhotoKind,
    PublicReportStatus,
    RegulatorReportKind,
)
from dualprev.reference.choices import (
    DangerManageType,
    DangerSrc,
    HazardCategory,
    HazardDangerType,
    HazardLevel,
    HazardState,
    ManagementClassification,
    OccurrenceLink,
)

_USER = settings.AUTH_USER_MODEL


class HazardSettings(TenantModel):
    """An enterprise's hazard rules. One row per enterprise; absent = the defaults below (read
    through ``actions.hazard_settings``, which never writes).

    Deadlines: a reminder ``remind_before_hours`` before the deadline; after it the hazard is
    overdue, and for each further ``escalation_period_days`` overdue it escalates one org
    level up (team → workshop → department → company). Points: see ``participation``.
    A risk event with ``repeat_threshold`` hazards within ``repeat_window_days`` is flagged
    for reassessment."""

    larger_tier_enabled = models.BooleanField(_("启用“较大隐患”分级"), default=False)
    remind_before_hours = models.PositiveIntegerField(_("到期前提醒（小时）"), default=24)
    escalation_period_days = models.PositiveIntegerField(_("逾期升级周期（天）"), default=3)
    points_check = models.PositiveIntegerField(_("完成一次排查积分"), default=1)
    points_hazard_general = models.PositiveIntegerField(_("确认一般隐患积分"), default=5)
    points_hazard_larger = models.PositiveIntegerField(_("确认较大隐患积分"), default=10)
    points_hazard_major = models.PositiveIntegerField(_("确认重大隐患积分"), default=20)
    repeat_threshold = models.PositiveIntegerField(_("重复隐患阈值（条）"), default=2)
    repeat_window_days = models.PositiveIntegerField(_("重复隐患统计期（天）"), default=90)
    public_report_key = models.UUIDField(_("扫码举报链接编号"), null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("隐患治理设置")
        verbose_name_plural = _("隐患治理设置")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], name="hazardsettings_one_per_enterprise"
            ),
            models.CheckConstraint(
                condition=Q(escalation_period_days__gte=1) & Q(repeat_threshold__gte=2),
                name="hazardsettings_positive_periods",
                violation_error_message=_("逾期升级周期至少 1 天，重复隐患阈值至少 2 条。"),
            ),
        ]


class HazardSequence(TenantModel):
    """The last number given per enterprise and year (``YH-2026-0042``); locked while a number
    is taken so two reports never get the same one."""

    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="hazardsequence_unique")
        ]


class Hazard(TenantModel):
    """隐患 (national ``sec_danger``): one hazard from report to close-out.

    Invariants: ``number`` is unique per enterprise; ``status`` and ``danger_state`` change only
    through ``workflow.transition`` and always agree (``choices.NATIONAL_STATE``); ``version``
    grows by one with every write so that concurrent actors cannot both win; an accepted
    hazard names its acceptor and acceptance time, and the acceptor is never the rectifier.
    """

    number = models.CharField(_("隐患编号"), max_length=24)
    status = models.CharField(
        _("状态"), max_length=16, choices=HazardStatus.choices, default=HazardStatus.REPORTED
    )
    danger_state = models.PositiveSmallIntegerField(
        _("国家状态码"), choices=HazardState.choices, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=0)
    channel = models.CharField(_("来源渠道"), max_length=12, choices=Channel.choices)

    # Identity and links (hazardCode, riskMeasureId, checkRecordId, dangerName).
    name = models.CharField(_("隐患名称"), max_length=128)
    description = models.TextField(_("隐患描述"))
    location = models.CharField(_("隐患部位"), max_length=128, blank=True)
    risk_object = models.ForeignKey(
        "risks.RiskObject",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
        verbose_name=_("风险点"),
    )
    risk_event = models.ForeignKey(
        "risks.RiskEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
        verbose_name=_("风险事件"),
    )
    measure = models.ForeignKey(
        "risks.ControlMeasure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
        verbose_name=_("管控措施"),
    )
    check_record = models.ForeignKey(
        "inspections.CheckRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
        verbose_name=_("排查记录"),
    )
    draft = models.OneToOneField(
        "inspections.HazardDraft",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazard",
    )
    special_inspection = models.ForeignKey(
        "inspections.SpecialInspection",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazards",
        verbose_name=_("专项排查"),
    )
    enforcement_id = models.CharField(_("执法编号"), max_length=64, blank=True)

    # Reporting and registration (registTime, registrant).
    reported_by = models.ForeignKey(
        _USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发现人"),
    )
    reporter_name = models.CharField(_("举报人"), max_length=32, blank=True)
    reporter_phone = models.CharField(_("举报人电话"), max_length=20, blank=True)
    found_at = models.DateTimeField(_("发现时间"))
    registered_by = models.ForeignKey(
        _USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    registered_at = models.DateTimeField(_("登记时间"), null=True, blank=True)

    # Classification (national codes, stored as sent).
    level = models.PositiveSmallIntegerField(
        _("隐患等级"), choices=HazardLevel.choices, null=True, blank=True
    )
    manage_type = models.PositiveSmallIntegerField(
        _("治理类型"), choices=DangerManageType.choices, null=True, blank=True
    )
    source = models.PositiveSmallIntegerField(
        _("隐患来源"), choices=DangerSrc.choices, default=DangerSrc.OTHER
    )
    danger_type = models.PositiveSmallIntegerField(
        _("隐患类型"), choices=HazardDangerType.choices, null=True, blank=True
    )
    category = models.PositiveSmallIntegerField(
        _("包保登记类别"), choices=HazardCategory.choices, default=HazardCategory.OTHER
    )
    management_class = models.PositiveSmallIntegerField(
        _("致因分类"), choices=ManagementClassification.choices, null=True, blank=True
    )
    occurrence_link = models.PositiveSmallIntegerField(
        _("产生环节"), choices=OccurrenceLink.choices, null=True, blank=True
    )

    # Rectification: 五落实 — 措施 (measures), 责任 (unit + liable person), 资金 (cost),
    # 时限 (deadline), 预案 (contingency plan).
    reason = models.TextField(_("隐患原因"), blank=True)
    rectification_measures = models.TextField(_("整改措施"), blank=True)
    responsible_unit = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("整改责任单位"),
    )
    liable_person = models.ForeignKey(
        _USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("整改责任人"),
    )
    cost = models.DecimalField(
        _("整改资金（万元）"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    deadline = models.DateTimeField(_("整改期限"), null=True, blank=True)
    contingency_plan = models.TextField(_("应急预案/防范措施"), blank=True)
    interim_measures = models.TextField(_("临时管控措施"), blank=True)
    notice_issued_at = models.DateTimeField(_("整改通知下达时间"), null=True, blank=True)
    notice_issued_by = models.ForeignKey(
        _USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("整改通知下达人"),
    )

    # Fix and acceptance (checkAcceptPerson, checkAcceptTime, checkAcceptComment).
    rectification_note = models.TextField(_("整改情况"), blank=True)
    rectified_by = models.ForeignKey(
        _USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("整改人"),
    )
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        _USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("验收人"),
    )
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    accept_comment = models.TextField(_("验收意见"), blank=True)

    cancel_reason = models.CharField(
        _("撤销原因"), max_length=16, choices=CancelReason.choices, blank=True
    )
    cancel_note = models.TextField(_("撤销说明"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("重复于"),
    )

    # Deadline follow-up (written by the deadline job with conditional updates).
    reminded_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("标记逾期时间"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("逾期升级次数"), default=0)
    escalated_to = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("升级至"),
    )

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "number"], name="hazard_number_unique"),
            models.CheckConstraint(
                condition=~Q(status=HazardStatus.ACCEPTED)
                | Q(accepted_by__isnull=False, accepted_at__isnull=False),
                name="hazard_accepted_names_acceptor",
                violation_error_message=_("已验收的隐患必须有验收人和验收时间。"),
            ),
            models.CheckConstraint(
                condition=Q(accepted_by__isnull=True)
                | Q(rectified_by__isnull=True)
                | ~Q(accepted_by=models.F("rectified_by")),
                name="hazard_acceptor_is_not_rectifier",
                violation_error_message=_("验收人不能是整改人。"),
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0),
                name="hazard_cost_not_negative",
                violation_error_message=_("整改资金不能为负数。"),
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "status"]),
            models.Index(fields=["status", "deadline"], name="hazard_status_deadline"),
            models.Index(fields=["enterprise", "found_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[HazardStatus(self.status)]

    @property
    def is_major(self) -> bool:
        from dualprev.reference.choices import HazardLevel as Level

        return self.level == Level.MAJOR

    @property
    def national_level(self) -> int | None:
        """dangerLevel as uploaded: the local 较大 tier maps to 一般 (Spec B)."""
        from dualprev.reference.choices import HazardLevel as Level

        if self.level is None:
            return None
        return Level.MAJOR if self.level == Level.MAJOR else Level.GENERAL


class HazardEvent(TenantModel):
    """One thing that happened to a hazard, kept forever and chained (``evidence``).

    ``from_status``/``to_status`` are equal for work inside a state; ``data`` holds the fields
    the event set (as saved), so the timeline and the chain show what changed."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("动作"), max_length=20, choices=EventAction.choices)
    from_status = models.CharField(
        _("原状态"), max_length=16, choices=HazardStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=16, choices=HazardStatus.choices)
    actor = models.ForeignKey(
        _USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("隐患处理记录")
        verbose_name_plural = _("隐患处理记录")
        indexes = [models.Index(fields=["hazard", "at"])]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


def hazard_photo_path(instance: HazardPhoto, filename: str) -> str:
    return f"hazards/{instance.enterprise.public_id}/{instance.sha256[:2]}/{filename}"


class HazardPhoto(TenantModel):
    """A photo of a hazard: ``before`` (dangerImg) or ``after`` the fix (dangerAcceptImg).
    Re-encoded on upload like check photos; ``event`` is the event that added it, so the chain
    entry of that event covers the photo's content hash."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="photos")
    event = models.ForeignKey(
        HazardEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=PhotoKind.choices)
    image = models.FileField(_("照片"), upload_to=hazard_photo_path, max_length=255)
    sha256 = models.CharField(_("内容哈希"), max_length=64)
    phash = models.CharField(_("感知哈希"), max_length=32, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size_bytes = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")


class MajorHazardPlan(TenantModel):
    """重大事故隐患治理方案 and report (16号令): the six plan sections, the report's analysis,
    the evaluation after treatment and the resumption application. One per 重大 hazard."""

    hazard = models.OneToOneField(Hazard, on_delete=models.PROTECT, related_name="major_plan")
    # The six sections of the treatment plan.
    goals = models.TextField(_("治理的目标和任务"), blank=True)
    methods = models.TextField(_("采取的方法和措施"), blank=True)
    funds_materials = models.TextField(_("经费和物资的落实"), blank=True)
    organisation = models.TextField(_("负责治理的机构和人员"), blank=True)
    timeline = models.TextField(_("治理的时限和要求"), blank=True)
    safety_measures = models.TextField(_("安全措施和应急预案"), blank=True)
    # The report's analysis (现状及其产生原因; 危害程度和整改难易程度分析).
    current_state = models.TextField(_("隐患的现状及其产生原因"), blank=True)
    harm_analysis = models.TextField(_("隐患的危害程度和整改难易程度分析"), blank=True)
    production_stopped = models.BooleanField(_("已局部或全部停产停业"), default=False)
    approved_by = models.ForeignKey(
        _USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("方案批准人"),
    )
    approved_at = models.DateTimeField(_("方案批准时间"), null=True, blank=True)
    # Evaluation of the treatment before acceptance.
    evaluation_by = models.CharField(
        _("评估方式"), max_length=16, choices=EvaluationBy.choices, blank=True
    )
    evaluation_org = models.CharField(_("评估机构/专家"), max_length=128, blank=True)
    evaluation_conclusion = models.TextField(_("评估结论"), blank=True)
    evaluated_at = models.DateTimeField(_("评估时间"), null=True, blank=True)
    # Resumption (复产申请), where production was stopped.
    resumption_text = models.TextField(_("复产申请内容"), blank=True)
    resumption_applied_at = models.DateTimeField(_("复产申请时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("重大事故隐患治理方案")
        verbose_name_plural = _("重大事故隐患治理方案")

    SECTION_FIELDS = (
        "goals",
        "methods",
        "funds_materials",
        "organisation",
        "timeline",
        "safety_measures",
    )

    @property
    def plan_complete(self) -> bool:
        return all(getattr(self, name).strip() for name in self.SECTION_FIELDS)

    @property
    def evaluated(self) -> bool:
        return self.evaluated_at is not None and bool(self.evaluation_conclusion.strip())


class RegulatorReport(TenantModel):
    """A record sent to the district regulator about a hazard (重大 hazard report, 复产申请,
    销号), read on the regulator's side; ``content`` is the snapshot as submitted."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="regulator_reports")
    kind = models.CharField(_("类型"), max_length=16, choices=RegulatorReportKind.choices)
    content = models.JSONField(_("报告内容"), default=dict)
    submitted_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("报告人")
    )
    submitted_at = models.DateTimeField(_("报告时间"))
    acknowledged_by = models.ForeignKey(
        _USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("监管部门签收人"),
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    regulator_note = models.TextField(_("监管部门意见"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("隐患报告（监管）")
        verbose_name_plural = _("隐患报告（监管）")


def public_photo_path(instance: PublicReport, filename: str) -> str:
    return f"public-reports/{instance.enterprise.public_id}/{filename}"


class PublicReport(TenantModel):
    """A hazard reported without an account (the risk point QR or the enterprise's report
    link), waiting in the safety officer's triage queue. ``client_key`` is a keyed hash of the
    client address (never the address itself), used only for rate limiting."""

    risk_object = models.ForeignKey(
        "risks.RiskObject",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("风险点"),
    )
    description = models.TextField(_("隐患描述"))
    photo = models.FileField(_("照片"), upload_to=public_photo_path, max_length=255, blank=True)
    photo_sha256 = models.CharField(max_length=64, blank=True)
    reporter_name = models.CharField(_("姓名"), max_length=32, blank=True)
    reporter_phone = models.CharField(_("电话"), max_length=20, blank=True)
    client_key = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=PublicReportStatus.choices,
        default=PublicReportStatus.NEW,
    )
    hazard = models.OneToOneField(
        Hazard, null=True, blank=True, on_delete=models.PROTECT, related_name="public_report"
    )
    handled_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    dismiss_note = models.CharField(_("忽略原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("扫码举报")
        verbose_name_plural = _("扫码举报")
        indexes = [
            models.Index(fields=["client_key", "created_at"], name="publicreport_client_time"),
            models.Index(fields=["enterprise", "status", "created_at"]),
        ]
