"""Local enumerations of the inspection module. The national codes (CheckStatus, CheckCycleUnit,
WorkDayType, WorkType, DangerSrc) live in ``dualprev.reference.choices``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dualprev.reference.choices import CheckCycleUnit, ControlLevel


class OccurrenceStatus(models.TextChoices):
    """What became of one due check. Only ``open`` occurrences can still be done in time."""

    OPEN = "open", _("待排查")
    DONE = "done", _("已排查")
    MISSED = "missed", _("未排查")
    CANCELLED = "cancelled", _("已取消")


OCCURRENCE_COLOURS = {
    OccurrenceStatus.OPEN: "blue",
    OccurrenceStatus.DONE: "green",
    OccurrenceStatus.MISSED: "red",
    OccurrenceStatus.CANCELLED: "grey",
}


class EntryMode(models.TextChoices):
    """How a check record reached the server."""

    ONLINE = "online", _("在线")
    OFFLINE = "offline", _("离线补传")
    BACKFILL = "backfill", _("纸质补录")
    SYSTEM = "system", _("系统生成")


class DeactivationKind(models.TextChoices):
    STOPPED = "stopped", pgettext_lazy("unit status", "停用")
    MAINTENANCE = "maintenance", _("检修")


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("待处理")
    TAKEN = "taken", _("已转为隐患")


class SpecialWorkType(models.TextChoices):
    """The eight special work types of GB 30871 (危险化学品企业特殊作业安全规范)."""

    HOT_WORK = "hot_work", _("动火作业")
    CONFINED_SPACE = "confined_space", _("受限空间作业")
    BLIND_PLATE = "blind_plate", _("盲板抽堵作业")
    WORK_AT_HEIGHT = "work_at_height", _("高处作业")
    LIFTING = "lifting", _("吊装作业")
    TEMPORARY_POWER = "temporary_power", _("临时用电作业")
    EXCAVATION = "excavation", _("动土作业")
    ROAD_CLOSURE = "road_closure", _("断路作业")


# Default check frequency of a task by the control level of its measure's event [I, after
# 应急〔2019〕78号: 岗位 every shift, 班组 daily, 车间 weekly, 公司 monthly]. Each enterprise
# can override this table in its InspectionSettings.
DEFAULT_CYCLES: dict[str, tuple[int, str]] = {
    ControlLevel.COMPANY: (1, CheckCycleUnit.MONTH),
    ControlLevel.DEPARTMENT: (1, CheckCycleUnit.WEEK),
    ControlLevel.WORKSHOP: (1, CheckCycleUnit.WEEK),
    ControlLevel.TEAM: (1, CheckCycleUnit.DAY),
    ControlLevel.POST: (1, CheckCycleUnit.SHIFT),
}

# 包保 task item numbers allowed per work type (national taskNum): 主要 1–9, 技术 1–9, 操作 1–10.
TASK_NUM_RANGES: dict[int, tuple[int, int]] = {1: (1, 9), 2: (1, 9), 3: (1, 10)}
