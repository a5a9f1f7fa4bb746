"""Hazard (隐患) workflow states and the local enumerations of the hazards app.

The national codes (dangerLevel, dangerManageType, dangerSrc, hazardDangerType, hazardCategory,
managementClassification, dangerState) live in ``reference.choices``; this module holds the
local workflow state (REPORTED and CANCELLED exist only here) and its mapping to the national
``dangerState`` (domain.md "Spec for the build" D).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dualprev.reference.choices import HazardState


class HazardStatus(models.TextChoices):
    REPORTED = "reported", _("待确认")
    RECTIFYING = "rectifying", _("整改中")
    PENDING_ACCEPT = "pending_accept", _("待验收")
    ACCEPTED = "accepted", _("已销号")
    CANCELLED = "cancelled", _("已撤销")


# National dangerState of each local state; REPORTED and CANCELLED are never uploaded.
NATIONAL_STATE: dict[str, int | None] = {
    HazardStatus.REPORTED: None,
    HazardStatus.RECTIFYING: HazardState.RECTIFYING,
    HazardStatus.PENDING_ACCEPT: HazardState.PENDING_ACCEPTANCE,
    HazardStatus.ACCEPTED: HazardState.ACCEPTED,
    HazardStatus.CANCELLED: None,
}

STATUS_COLOURS: dict[str, str] = {
    HazardStatus.REPORTED: "grey",
    HazardStatus.RECTIFYING: "orange",
    HazardStatus.PENDING_ACCEPT: "blue",
    HazardStatus.ACCEPTED: "done",
    HazardStatus.CANCELLED: "muted",
}

OPEN_STATUSES = (HazardStatus.REPORTED, HazardStatus.RECTIFYING, HazardStatus.PENDING_ACCEPT)


class Channel(models.TextChoices):
    """How the hazard reached the system."""

    CHECK = "check", _("排查发现")
    EMPLOYEE = "employee", _("员工上报")
    PUBLIC = "public", _("扫码举报")
    OFFICE = "office", _("管理人员登记")
    REGULATOR = "regulator", _("监管检查")


class EventAction(models.TextChoices):
    """What a hazard event row records. Transitions change the state; the others record work
    done inside a state (every one is chained, see ``evidence``)."""

    REPORT = "report", _("上报")
    CONFIRM = "confirm", _("确认并下达整改")
    CONFIRM_FIXED = "confirm_fixed", _("确认（已当场整改）")
    CANCEL = "cancel", _("撤销隐患")
    SUBMIT = "submit", _("提交整改")
    REJECT = "reject", _("验收不通过")
    ACCEPT = "accept", _("验收销号")
    EDIT = "edit", _("修改")
    GRADE = "grade", _("分级")
    FIVE_PLAN = "five_plan", _("五落实")
    MAJOR_PLAN = "major_plan", _("重大隐患治理方案")
    REGULATOR_REPORT = "regulator_report", _("报告监管部门")
    REGULATOR_ACK = "regulator_ack", _("监管部门已阅")
    EVALUATION = "evaluation", _("治理效果评估")
    RESUMPTION = "resumption", _("复产申请")
    PHOTO = "photo", _("添加照片")
    REMIND = "remind", _("到期提醒")
    OVERDUE = "overdue", _("已逾期")
    ESCALATE = "escalate", _("逾期升级")
    COMMENT = "comment", _("备注")


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("隐患照片")
    AFTER = "after", _("整改照片")


class CancelReason(models.TextChoices):
    NOT_A_HAZARD = "not_a_hazard", _("不构成隐患")
    DUPLICATE = "duplicate", _("重复上报")
    OTHER = "other", _("其他")


class PublicReportStatus(models.TextChoices):
    NEW = "new", _("待处理")
    ACCEPTED = "accepted", _("已受理")
    DISMISSED = "dismissed", _("已忽略")


class RegulatorReportKind(models.TextChoices):
    MAJOR_REPORT = "major_report", _("重大事故隐患报告")
    RESUMPTION = "resumption", _("复产申请")
    CLOSED = "closed", _("重大事故隐患销号")


class EvaluationBy(models.TextChoices):
    OWN_EXPERTS = "own_experts", _("本单位技术人员和专家")
    EXTERNAL_BODY = "external_body", _("委托安全评价机构")
