"""隐患排查: check tasks hung off control measures, the occurrences generated from them, the
records people make, and the records that pause or frame them (停用/检修, special inspections,
the daily 危化 commitment).

National model (domain.md §2.2–2.3): measure → 隐患排查任务 (CheckTask) → 隐患排查记录
(CheckRecord). ``CheckOccurrence`` is ours: one due instance of a task (or of a special
inspection item) with its window [window_start, window_end). Occurrences are written by
``generation`` only; records and occurrence status only by ``actions``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dualprev.core.models import TenantModel
from dualprev.inspections.choices import (
    DEFAULT_CYCLES,
    TASK_NUM_RANGES,
    DeactivationKind,
    DraftStatus,
    EntryMode,
    OccurrenceStatus,
)
from dualprev.reference.choices import (
    CheckCycleUnit,
    CheckStatus,
    DangerSrc,
    WorkDayType,
    WorkType,
)


class InspectionSettings(TenantModel):
    """An enterprise's inspection defaults. One row per enterprise (absent = the defaults).

    ``default_cycles`` maps a control level to ``[cycle, unit]``; missing levels use
    ``choices.DEFAULT_CYCLES``. 危化 enterprises' 岗位-level tasks become operator rounds every
    ``whp_round_hours`` hours (``major_hazard_round_hours`` on a major hazard source's points).
    """

    default_cycles = models.JSONField(_("各管控层级默认排查周期"), default=dict, blank=True)
    whp_round_hours = models.PositiveSmallIntegerField(_("危化岗位巡检间隔（小时）"), default=2)
    major_hazard_round_hours = models.PositiveSmallIntegerField(
        _("重大危险源巡检间隔（小时）"), default=1
    )
    commitment_deadline = models.TimeField(_("每日承诺截止时间"), default=dt.time(10, 0))

    class Meta:
        verbose_name = _("隐患排查设置")
        verbose_name_plural = _("隐患排查设置")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], name="inspectionsettings_one_per_enterprise"
            ),
            models.CheckConstraint(
                condition=Q(whp_round_hours__gte=1, whp_round_hours__lte=24)
                & Q(major_hazard_round_hours__gte=1, major_hazard_round_hours__lte=24),
                name="inspectionsettings_round_hours_range",
                violation_error_message=_("巡检间隔必须在 1–24 小时之间。"),
            ),
        ]

    def cycle_for(self, control_level: str) -> tuple[int, str]:
        configured = (self.default_cycles or {}).get(control_level)
        if (
            isinstance(configured, list | tuple)
            and len(configured) == 2
            and isinstance(configured[0], int)
            and configured[0] > 0
            and configured[1] in CheckCycleUnit.values
        ):
            return int(configured[0]), str(configured[1])
        return DEFAULT_CYCLES.get(control_level, (1, CheckCycleUnit.DAY))


def frequency_text(cycle: int, unit: str) -> str:
    """A check frequency in words: 每班, 每2小时, 每周…"""
    texts: dict[str, str] = {
        CheckCycleUnit.HOUR: ngettext("每小时", "每%(n)d小时", cycle),
        CheckCycleUnit.SHIFT: ngettext("每班", "每%(n)d班", cycle),
        CheckCycleUnit.DAY: ngettext("每天", "每%(n)d天", cycle),
        CheckCycleUnit.WEEK: ngettext("每周", "每%(n)d周", cycle),
        CheckCycleUnit.MONTH: ngettext("每月", "每%(n)d个月", cycle),
        CheckCycleUnit.YEAR: ngettext("每年", "每%(n)d年", cycle),
    }
    text = texts.get(unit)
    if text is None:
        return f"{cycle} {unit}"
    return text % {"n": cycle} if "%(n)d" in text else text


class CheckTask(TenantModel):
    """隐患排查任务 (national ``sec_hidden_check_mission``) of one control measure.

    Invariants: ``cycle`` > 0; an hourly task has its daily work window; a 包保 task
    (work_type 1–3) has a ``task_num`` in its range and a routine task none; the post and
    person belong to the enterprise. ``is_default`` tasks were made from the control level and
    follow it until someone edits them.
    """

    measure = models.ForeignKey(
        "risks.ControlMeasure",
        on_delete=models.PROTECT,
        related_name="check_tasks",
        verbose_name=_("管控措施"),
    )
    content = models.TextField(_("排查内容"))
    cycle = models.PositiveIntegerField(_("排查周期"))
    cycle_unit = models.CharField(_("周期单位"), max_length=4, choices=CheckCycleUnit.choices)
    task_start = models.DateTimeField(_("任务开始时间"))
    work_start = models.TimeField(_("工作开始时间"), null=True, blank=True)
    work_end = models.TimeField(_("工作结束时间"), null=True, blank=True)
    work_day_type = models.PositiveSmallIntegerField(
        _("工作日类型"), choices=WorkDayType.choices, default=WorkDayType.EVERY_DAY
    )
    work_type = models.PositiveSmallIntegerField(
        _("任务类型"), choices=WorkType.choices, default=WorkType.ROUTINE
    )
    task_num = models.PositiveSmallIntegerField(_("包保任务清单序号"), null=True, blank=True)
    inspection_type = models.PositiveSmallIntegerField(
        _("排查类型"), choices=DangerSrc.choices[:8], default=DangerSrc.DAILY
    )
    post = models.ForeignKey(
        "orgs.Post",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="check_tasks",
        verbose_name=_("执行岗位"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="check_tasks",
        verbose_name=_("执行人"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    is_default = models.BooleanField(_("按管控层级自动设置"), default=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("隐患排查任务")
        verbose_name_plural = _("隐患排查任务")
        constraints = [
            models.CheckConstraint(
                condition=Q(cycle__gt=0),
                name="checktask_cycle_positive",
                violation_error_message=_("排查周期必须大于 0。"),
            ),
            models.CheckConstraint(
                condition=(Q(work_type=0) & Q(task_num__isnull=True))
                | (Q(work_type__in=[1, 2]) & Q(task_num__gte=1, task_num__lte=9))
                | (Q(work_type=3) & Q(task_num__gte=1, task_num__lte=10)),
                name="checktask_task_num_range",
                violation_error_message=_(
                    "包保任务必须填写清单序号（主要负责人 1–9，技术负责人 1–9，操作负责人 1–10），"
                    "日常任务不填。"
                ),
            ),
            models.CheckConstraint(
                condition=~Q(cycle_unit=CheckCycleUnit.HOUR)
                | (Q(work_start__isnull=False) & Q(work_end__isnull=False)),
                name="checktask_hourly_needs_window",
                violation_error_message=_("按小时排查的任务必须填写每日工作时段。"),
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "is_active"])]

    def __str__(self) -> str:
        return self.content[:40]

    @property
    def is_defend(self) -> bool:
        """A 包保责任人 task (national isDefend)."""
        return self.work_type != WorkType.ROUTINE

    @property
    def frequency_label(self) -> str:
        """「每2小时」/ "Every 2 hours" (plural-aware in translations)."""
        return frequency_text(self.cycle, self.cycle_unit)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, object] = {}
        if self.cycle is not None and self.cycle <= 0:
            errors["cycle"] = _("排查周期必须大于 0。")
        if self.cycle_unit == CheckCycleUnit.HOUR and (
            self.work_start is None or self.work_end is None
        ):
            errors["work_start"] = _("按小时排查的任务必须填写每日工作时段。")
        if self.work_type == WorkType.ROUTINE:
            if self.task_num is not None:
                errors["task_num"] = _("日常任务不填写包保任务清单序号。")
        else:
            low, high = TASK_NUM_RANGES[self.work_type]
            if self.task_num is None or not low <= self.task_num <= high:
                errors["task_num"] = _("%(kind)s的清单序号必须在 %(low)d–%(high)d 之间。") % {
                    "kind": self.get_work_type_display(),
                    "low": low,
                    "high": high,
                }
        if self.post is not None and self.post.enterprise_id != self.enterprise_id:
            errors["post"] = _("执行岗位必须属于本企业。")
        from dualprev.accounts.models import User

        if (
            self.assignee_id
            and not User.objects.filter(
                pk=self.assignee_id,
                membership__enterprise_id=self.enterprise_id,
                membership__is_active=True,
            ).exists()
        ):
            errors["assignee"] = _("执行人必须是本企业在职人员。")
        if self.measure_id and self.measure.enterprise_id != self.enterprise_id:
            errors["measure"] = _("管控措施必须属于本企业。")
        if errors:
            raise ValidationError(errors)


class SpecialInspection(TenantModel):
    """A special inspection plan (综合性、专业性、季节性… dangerSrc 2–8): a date range, the people
    who take part, and a checklist (``items``). Each item becomes one occurrence spanning the
    plan's dates; hazards found take ``inspection_type`` as their source code.

    Invariants: ``end_date`` ≥ ``start_date``; ``inspection_type`` in 2–8; people are members
    of the enterprise.
    """

    name = models.CharField(_("排查名称"), max_length=128)
    inspection_type = models.PositiveSmallIntegerField(
        _("排查类型"), choices=DangerSrc.choices[1:8]
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("负责人"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("参加人员")
    )
    description = models.TextField(_("排查说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("专项排查")
        verbose_name_plural = _("专项排查")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="specialinspection_dates_ordered",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
            models.CheckConstraint(
                condition=Q(inspection_type__gte=2, inspection_type__lte=8),
                name="specialinspection_type_range",
                violation_error_message=_("专项排查类型必须是综合性至外聘专家诊断式排查之一。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})


class SpecialInspectionItem(TenantModel):
    """One checklist item of a special inspection: from a control measure, from a library
    checklist item (e.g. a 重大事故隐患判定标准 criterion), or free text."""

    inspection = models.ForeignKey(
        SpecialInspection, on_delete=models.CASCADE, related_name="items"
    )
    content = models.TextField(_("检查内容"))
    measure = models.ForeignKey(
        "risks.ControlMeasure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("管控措施"),
    )
    criterion = models.ForeignKey(
        "reference.MajorHazardCriterion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("判定标准条目"),
    )
    risk_object = models.ForeignKey(
        "risks.RiskObject",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("风险点"),
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("专项排查条目")
        verbose_name_plural = _("专项排查条目")

    def __str__(self) -> str:
        return self.content[:40]


class CheckOccurrence(TenantModel):
    """One due check: a task's (or a special inspection item's) window [start, end).

    Invariants: exactly one of ``task`` / ``special_item``; at most one occurrence per task and
    window start, and one per special item (unique keys: concurrent generators never
    duplicate); ``status`` moves only open → done | missed | cancelled and missed → done (a
    check made in time that reached the server late), by guarded updates in ``actions``;
    ``record`` is the record that decided the status.
    """

    task = models.ForeignKey(
        CheckTask, null=True, blank=True, on_delete=models.PROTECT, related_name="occurrences"
    )
    special_item = models.ForeignKey(
        SpecialInspectionItem,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="occurrences",
    )
    # Copies of the task's links at generation time, for grouping and reports without joins.
    measure = models.ForeignKey(
        "risks.ControlMeasure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    risk_object = models.ForeignKey(
        "risks.RiskObject", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(
        "orgs.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    window_start = models.DateTimeField(_("开始时间"))
    window_end = models.DateTimeField(_("截止时间"))
    source_code = models.PositiveSmallIntegerField(
        _("排查类型"), choices=DangerSrc.choices, default=DangerSrc.DAILY
    )
    is_defend = models.BooleanField(_("包保任务"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=OccurrenceStatus.choices, default=OccurrenceStatus.OPEN
    )
    record = models.ForeignKey(
        "CheckRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["window_start", "id"]
        verbose_name = _("排查计划")
        verbose_name_plural = _("排查计划")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "window_start"],
                condition=Q(task__isnull=False),
                name="occurrence_unique_task_window",
            ),
            models.UniqueConstraint(
                fields=["special_item"],
                condition=Q(special_item__isnull=False),
                name="occurrence_unique_special_item",
            ),
            models.CheckConstraint(
                condition=(Q(task__isnull=False) & Q(special_item__isnull=True))
                | (Q(task__isnull=True) & Q(special_item__isnull=False)),
                name="occurrence_task_xor_special_item",
            ),
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")),
                name="occurrence_window_ordered",
            ),
        ]
        indexes = [
            # close_missed scans every enterprise's open windows that have ended.
            models.Index(
                fields=["window_end"],
                condition=Q(status=OccurrenceStatus.OPEN),
                name="occurrence_open_window_end",
            ),
            models.Index(fields=["enterprise", "status", "window_end"]),
            models.Index(fields=["enterprise", "window_start"]),
            models.Index(fields=["assignee", "window_start"]),
            models.Index(fields=["post", "window_start"]),
            models.Index(fields=["risk_object", "window_start"]),
        ]

    def __str__(self) -> str:
        return f"{self.window_start:%Y-%m-%d %H:%M} {self.get_status_display()}"

    @property
    def colour(self) -> str:
        from dualprev.inspections.choices import OCCURRENCE_COLOURS

        return OCCURRENCE_COLOURS[OccurrenceStatus(self.status)]

    @property
    def content(self) -> str:
        if self.task is not None:
            return self.task.content
        return self.special_item.content if self.special_item is not None else ""


class CheckRecord(TenantModel):
    """隐患排查记录 (national ``sec_hidden_check_record``): one person's result for one
    occurrence, kept forever.

    Invariants: ``client_id`` is unique (the submitting device makes it, so a retry or an offline
    replay never writes twice); ``check_time`` is when the check was made (a queued or paper
    record keeps its real time; ``created_at`` is when it arrived); status 2 (未排查) records are
    written only by the system when a window closes with no check.
    """

    occurrence = models.ForeignKey(
        CheckOccurrence, on_delete=models.PROTECT, related_name="records"
    )
    client_id = models.UUIDField(_("提交编号"), unique=True)
    status = models.PositiveSmallIntegerField(_("排查结果"), choices=CheckStatus.choices)
    note = models.TextField(_("说明"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("排查人"),
    )
    check_time = models.DateTimeField(_("排查时间"))
    entry_mode = models.CharField(
        _("录入方式"), max_length=12, choices=EntryMode.choices, default=EntryMode.ONLINE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("录入人"),
    )
    scanned = models.BooleanField(_("扫码排查"), default=False)
    is_defend = models.BooleanField(_("包保任务"), default=False)
    is_late = models.BooleanField(_("超时"), default=False)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    location_accuracy = models.FloatField(_("定位精度（米）"), null=True, blank=True)
    device_id = models.CharField(_("设备标识"), max_length=64, blank=True)

    class Meta:
        ordering = ["-check_time", "-id"]
        verbose_name = _("隐患排查记录")
        verbose_name_plural = _("隐患排查记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CheckStatus.NOT_CHECKED, entry_mode=EntryMode.SYSTEM)
                | (~Q(status=CheckStatus.NOT_CHECKED) & ~Q(entry_mode=EntryMode.SYSTEM)),
                name="checkrecord_not_checked_only_by_system",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="checkrecord_location_range",
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "check_time"])]

    def __str__(self) -> str:
        return f"{self.check_time:%Y-%m-%d %H:%M} {self.get_status_display()}"


def photo_path(instance: CheckPhoto, filename: str) -> str:
    return f"checks/{instance.enterprise.public_id}/{instance.sha256[:2]}/{filename}"


class CheckPhoto(TenantModel):
    """A photo attached to a check record: re-encoded and scaled down on upload, with the
    SHA-256 of the stored bytes and a perceptual (difference) hash to spot reused photos."""

    record = models.ForeignKey(CheckRecord, on_delete=models.PROTECT, related_name="photos")
    image = models.FileField(_("照片"), upload_to=photo_path, max_length=255)
    sha256 = models.CharField(_("内容哈希"), max_length=64)
    phash = models.CharField(_("感知哈希"), max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        verbose_name = _("排查照片")
        verbose_name_plural = _("排查照片")
        indexes = [models.Index(fields=["enterprise", "phash"])]


class HazardDraft(TenantModel):
    """A hazard report started by a 存在隐患 check, pre-filled with the measure, the point and the
    record; the hazard module picks it up (``status`` → taken). Its photos are the record's."""

    record = models.OneToOneField(
        CheckRecord, on_delete=models.PROTECT, related_name="hazard_draft"
    )
    occurrence = models.ForeignKey(CheckOccurrence, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(
        "risks.ControlMeasure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    risk_object = models.ForeignKey(
        "risks.RiskObject", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_code = models.PositiveSmallIntegerField(_("隐患来源"), choices=DangerSrc.choices)
    category_code = models.PositiveSmallIntegerField(
        _("包保人员登记类别"), default=0, help_text=_("national hazardCategory")
    )
    description = models.TextField(_("隐患描述"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=DraftStatus.choices, default=DraftStatus.DRAFT
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("隐患报告草稿")
        verbose_name_plural = _("隐患报告草稿")


class Deactivation(TenantModel):
    """停用/检修记录 (national ``sec_deactivated_maintenance_record``): while a risk unit is
    stopped or under maintenance no occurrences are generated for it, and open ones in the
    period are cancelled. Invariant: ``end`` is empty (still down) or after ``start``."""

    risk_unit = models.ForeignKey(
        "risks.RiskUnit",
        on_delete=models.PROTECT,
        related_name="deactivations",
        verbose_name=_("分析单元"),
    )
    kind = models.CharField(_("类型"), max_length=12, choices=DeactivationKind.choices)
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"), null=True, blank=True)
    reason = models.TextField(_("原因"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("停用/检修记录")
        verbose_name_plural = _("停用/检修记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="deactivation_end_after_start",
                violation_error_message=_("结束时间必须晚于开始时间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.risk_unit} {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("结束时间必须晚于开始时间。")})
        if self.risk_unit_id and self.risk_unit.enterprise_id != self.enterprise_id:
            raise ValidationError({"risk_unit": _("分析单元必须属于本企业。")})

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.start < end and (self.end is None or self.end > start)


class SafetyCommitment(TenantModel):
    """安全风险研判与承诺 of one day (national ``sec_production_promise``): units running /
    stopped / under maintenance, today's special work by the eight GB 30871 types, contractors
    on site, and the main leader's commitment. Invariant: one per enterprise and day."""

    date = models.DateField(_("承诺日期"))
    units_running = models.PositiveIntegerField(_("运行装置数"), default=0)
    units_stopped = models.PositiveIntegerField(_("停产装置数"), default=0)
    units_maintenance = models.PositiveIntegerField(_("检修装置数"), default=0)
    hot_work = models.PositiveIntegerField(_("动火作业"), default=0)
    confined_space = models.PositiveIntegerField(_("受限空间作业"), default=0)
    blind_plate = models.PositiveIntegerField(_("盲板抽堵作业"), default=0)
    work_at_height = models.PositiveIntegerField(_("高处作业"), default=0)
    lifting = models.PositiveIntegerField(_("吊装作业"), default=0)
    temporary_power = models.PositiveIntegerField(_("临时用电作业"), default=0)
    excavation = models.PositiveIntegerField(_("动土作业"), default=0)
    road_closure = models.PositiveIntegerField(_("断路作业"), default=0)
    contractors_on_site = models.PositiveIntegerField(_("承包商作业人数"), default=0)
    trial_production = models.BooleanField(_("试生产"), default=False)
    start_stop = models.BooleanField(_("开停车"), default=False)
    major_hazards_ok = models.BooleanField(_("重大危险源处于安全状态"), default=True)
    commitment = models.TextField(_("承诺内容"))
    leader_name = models.CharField(_("主要负责人"), max_length=64)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(_("提交时间"))

    class Meta:
        ordering = ["-date"]
        verbose_name = _("安全风险研判与承诺")
        verbose_name_plural = _("安全风险研判与承诺")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "date"],
                name="commitment_one_per_day",
                violation_error_message=_("当天的承诺已经提交。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.leader_name}"

    @property
    def special_work_total(self) -> int:
        from dualprev.inspections.choices import SpecialWorkType

        return sum(getattr(self, kind) for kind in SpecialWorkType.values)
