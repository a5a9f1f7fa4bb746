"""Enumerations of the notifications app: what a message is about, where it goes, and what
became of each delivery."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What an inbox message is about. ``notify`` refuses any other value (a typo would
    otherwise silently reach nobody's channel filter)."""

    REPORTED = "reported", _("新隐患待确认")
    ASSIGNED = "assigned", _("整改任务")
    PENDING_ACCEPT = "pending_accept", _("待验收")
    REJECTED = "rejected", _("验收未通过")
    ACCEPTED = "accepted", _("已验收销号")
    CANCELLED = "cancelled", _("隐患已撤销")
    DUE_SOON = "due_soon", _("整改即将到期")
    OVERDUE = "overdue", _("整改已逾期")
    ESCALATED = "escalated", _("逾期升级")


# Deliveries also carry the channel test message, which is not an inbox kind.
TEST_KIND = "test"
DELIVERY_KINDS = [*NotificationKind.choices, (TEST_KIND, _("测试消息"))]

KIND_COLOURS = {
    NotificationKind.REPORTED: "primary",
    NotificationKind.ASSIGNED: "primary",
    NotificationKind.PENDING_ACCEPT: "primary",
    NotificationKind.REJECTED: "warn",
    NotificationKind.ACCEPTED: "ok",
    NotificationKind.CANCELLED: "",
    NotificationKind.DUE_SOON: "warn",
    NotificationKind.OVERDUE: "danger",
    NotificationKind.ESCALATED: "danger",
}


class ChannelKind(models.TextChoices):
    """Where a message goes. ``email`` as a channel is a group mailbox (one message per event);
    each recipient's own e-mail needs no channel."""

    EMAIL = "email", _("电子邮箱")
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")
    FEISHU = "feishu", _("飞书群机器人")


ROBOT_KINDS = (ChannelKind.WECOM, ChannelKind.DINGTALK, ChannelKind.FEISHU)
# Robots whose webhook can be signed with a secret (WeCom robots have no signing).
SIGNED_KINDS = (ChannelKind.DINGTALK, ChannelKind.FEISHU)


class DeliveryStatus(models.TextChoices):
    """pending: not tried yet; failed: the last try failed and another is scheduled;
    sent: accepted by the SMTP server or the robot; dead: given up after the last try."""

    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("失败待重试")
    DEAD = "dead", _("已放弃")


OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)

STATUS_COLOURS = {
    DeliveryStatus.PENDING: "primary",
    DeliveryStatus.SENT: "ok",
    DeliveryStatus.FAILED: "warn",
    DeliveryStatus.DEAD: "danger",
}
