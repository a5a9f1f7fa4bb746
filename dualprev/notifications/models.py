"""Notifications: each person's inbox, the enterprise's outbound channels (a group mailbox or a
WeCom / DingTalk / Feishu group robot), and the delivery log of every e-mail and robot message.

Rows are written only by ``notifications.actions`` (inbox and channels) and
``notifications.sending`` (delivery status).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dualprev.core.models import TenantModel
from dualprev.notifications.choices import (
    DELIVERY_KINDS,
    KIND_COLOURS,
    ROBOT_KINDS,
    SIGNED_KINDS,
    STATUS_COLOURS,
    ChannelKind,
    DeliveryStatus,
    NotificationKind,
)

MAX_ATTEMPTS = 5
WEBHOOK_URL_MAX = 500
ERROR_MAX = 500

webhook_url_validator = URLValidator(
    schemes=["http", "https"], message=_("请输入以 https:// 或 http:// 开头的完整机器人地址。")
)

# The official group-robot hosts, each for its own kind (Lark is Feishu's international
# edition, same robots). The server posts only there, over HTTPS on the standard port, unless
# the operator allows more hosts (``DUALPREV_WEBHOOK_ALLOWED_HOSTS``, e.g. a company relay):
# otherwise a tenant administrator could point a robot at the server's own network and read
# the answers in the delivery log.
ROBOT_HOSTS: dict[str, tuple[str, ...]] = {
    ChannelKind.WECOM: ("qyapi.weixin.qq.com",),
    ChannelKind.DINGTALK: ("oapi.dingtalk.com",),
    ChannelKind.FEISHU: ("open.feishu.cn", "open.larksuite.com"),
}

# A host name or IPv4 address with an optional port, nothing else: no user info ("a@b"), no
# backslashes, brackets or percent-escapes for URL parsers to read differently.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_NETLOC = re.compile(rf"(?P<host>{_LABEL}(?:\.{_LABEL})*)(?::(?P<port>[0-9]{{1,5}}))?")


def allowed_webhook_hosts() -> dict[str, set[str]]:
    """The extra hosts of ``DUALPREV_WEBHOOK_ALLOWED_HOSTS`` and the schemes each may be
    reached by: ``relay.example.com`` or ``https://relay.example.com`` HTTPS only,
    ``http://relay.example.com`` HTTP or HTTPS (any port, any robot kind)."""
    raw = getattr(settings, "DUALPREV_WEBHOOK_ALLOWED_HOSTS", ()) or ()
    if isinstance(raw, str):
        raw = raw.split(",")
    hosts: dict[str, set[str]] = {}
    for entry in raw:
        entry = str(entry).strip().lower().rstrip("/")
        scheme, _sep, host = entry.rpartition("://")
        if not host:
            continue
        schemes = {"http", "https"} if scheme == "http" else {"https"}
        hosts.setdefault(host, set()).update(schemes)
    return hosts


def webhook_url_problem(kind: str, url: str) -> str | None:
    """Why the server must not post to ``url`` for a robot of ``kind`` (None: it may). Checked
    when a channel is saved and again before every try, so an address stored before a rule
    changed is not used either."""
    # Whitespace, control characters and backslashes are dropped or read differently by URL
    # parsers (``urlsplit`` removes tabs and newlines): refused, so that the host checked here
    # is the host connected to.
    if any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in url):
        return gettext("机器人地址格式不正确。")
    try:
        parts = urlsplit(url)
    except ValueError:
        return gettext("机器人地址格式不正确。")
    scheme = parts.scheme.lower()
    match = _NETLOC.fullmatch(parts.netloc.lower())
    if scheme not in ("http", "https") or match is None:
        return gettext("机器人地址格式不正确。")
    host, port = match["host"], match["port"]
    extra = allowed_webhook_hosts().get(host, set())
    if scheme in extra:
        return None
    official = ROBOT_HOSTS.get(kind, ())
    if host in official:
        if scheme != "https" or port not in (None, "443"):
            return gettext("机器人地址须以 https:// 开头，且不能指定其他端口。")
        return None
    label = str(ChannelKind(kind).label) if kind in ChannelKind.values else kind
    for other, hosts in ROBOT_HOSTS.items():
        if host in hosts:
            return gettext("这是%(other)s的地址，与所选的渠道类型“%(kind)s”不符。") % {
                "other": ChannelKind(other).label,
                "kind": label,
            }
    either = gettext("或")
    return gettext(
        "%(kind)s的地址须为 %(hosts)s 上的 https:// 地址。"
        "其他地址（如公司内部的转发服务）须由服务器管理员在 "
        "DUALPREV_WEBHOOK_ALLOWED_HOSTS 中允许。"
    ) % {"kind": label, "hosts": f" {either} ".join(official)}


class Notification(TenantModel):
    """One message in one person's inbox (站内消息). Invariant: the recipient was an active
    member of ``enterprise`` when it was written; ``read_at`` is set once and never cleared."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类型"), max_length=24, choices=NotificationKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        # The inbox (unread first) and the header's unread count both start from these.
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.title

    @property
    def colour(self) -> str:
        return KIND_COLOURS.get(NotificationKind(self.kind), "")


def mask_url(url: str) -> str:
    """A robot address for display: scheme and host, and only the last 4 characters of its key
    (the key is the credential: whoever has it can post to the group)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    # WeCom ?key=, DingTalk ?access_token=, Feishu /hook/<token>
    key = query[-1][1] if query else parts.path.rstrip("/").rsplit("/", 1)[-1]
    tail = key[-4:] if len(key) > 4 else ""
    return f"{parts.scheme}://{parts.hostname or ''}/…{tail}"


class NotificationChannel(TenantModel):
    """An enterprise's outbound channel: a group robot (webhook) or a group mailbox. It carries
    one message per event of the kinds in ``event_kinds`` (empty = every kind).

    Invariant: a robot has a webhook URL, a mailbox an address; only DingTalk and Feishu robots
    have a signing secret. The secret never leaves this row (not in the delivery log)."""

    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("渠道类型"), max_length=16, choices=ChannelKind.choices)
    webhook_url = models.CharField(
        _("机器人地址（Webhook）"),
        max_length=WEBHOOK_URL_MAX,
        blank=True,
        validators=[webhook_url_validator],
    )
    email = models.EmailField(_("邮箱地址"), blank=True)
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True)
    event_kinds = models.JSONField(_("推送的消息类型"), default=list, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "name"],
                name="notificationchannel_unique_name",
                violation_error_message=_("本企业已有同名的通知渠道。"),
            ),
            models.CheckConstraint(
                condition=(Q(kind=ChannelKind.EMAIL) & ~Q(email=""))
                | (Q(kind__in=ROBOT_KINDS) & ~Q(webhook_url="")),
                name="notificationchannel_has_target",
                violation_error_message=_("机器人须填写地址，邮箱渠道须填写邮箱。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_robot(self) -> bool:
        return self.kind in ROBOT_KINDS

    @property
    def is_signed(self) -> bool:
        return self.kind in SIGNED_KINDS and bool(self.secret)

    @property
    def display_target(self) -> str:
        return mask_url(self.webhook_url) if self.is_robot else self.email

    @property
    def kind_labels(self) -> list[str]:
        return [
            str(NotificationKind(k).label)
            for k in self.event_kinds or []
            if k in NotificationKind.values
        ]

    def carries(self, kind: str) -> bool:
        return not self.event_kinds or kind in self.event_kinds

    def clean(self) -> None:
        super().clean()
        if self.is_robot and not self.webhook_url:
            raise ValidationError({"webhook_url": _("请填写机器人的 Webhook 地址。")})
        if self.is_robot:
            problem = webhook_url_problem(self.kind, self.webhook_url)
            if problem:
                raise ValidationError({"webhook_url": problem})
        if self.kind == ChannelKind.EMAIL and not self.email:
            raise ValidationError({"email": _("请填写接收消息的邮箱地址。")})
        unknown = set(self.event_kinds or []) - set(NotificationKind.values)
        if unknown:
            raise ValidationError({"event_kinds": _("消息类型无效。")})


class Delivery(TenantModel):
    """One e-mail or robot message and what became of it (the delivery log).

    A recipient's e-mail links to their inbox message and goes to ``target`` (their address at
    the time); a channel's message (one per event) links to the channel. ``payload`` is what was
    sent, without any signature or secret. Status moves only through ``sending``'s guarded
    updates: pending/failed → sent, or → failed with a later ``next_attempt_at``, or → dead after
    ``max_attempts`` tries."""

    notification = models.ForeignKey(
        Notification,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
        verbose_name=_("站内消息"),
    )
    channel = models.ForeignKey(
        NotificationChannel,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
        verbose_name=_("通知渠道"),
    )
    medium = models.CharField(_("方式"), max_length=16, choices=ChannelKind.choices)
    event_kind = models.CharField(_("消息类型"), max_length=24, choices=DELIVERY_KINDS)
    title = models.CharField(_("标题"), max_length=200)
    target = models.CharField(_("发送对象"), max_length=254)
    status = models.CharField(
        _("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("最多尝试次数"), default=MAX_ATTEMPTS)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=ERROR_MAX, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    payload = models.JSONField(_("发送内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The retry job: open deliveries whose next try is due.
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["enterprise", "-created_at"], name="delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.get_medium_display()} → {self.target}"

    @property
    def colour(self) -> str:
        return STATUS_COLOURS.get(DeliveryStatus(self.status), "")
