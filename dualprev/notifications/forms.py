"""Forms of the notifications app: a channel (robot or mailbox) and the delivery log's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dualprev.notifications.choices import (
    DELIVERY_KINDS,
    SIGNED_KINDS,
    ChannelKind,
    DeliveryStatus,
    NotificationKind,
)
from dualprev.notifications.models import (
    WEBHOOK_URL_MAX,
    NotificationChannel,
    mask_url,
    webhook_url_problem,
    webhook_url_validator,
)


class ChannelForm(forms.Form):
    """A channel's settings. On an existing robot the address and the secret are never shown:
    left blank they stay as they are."""

    name = forms.CharField(label=_("名称"), max_length=64)
    kind = forms.ChoiceField(label=_("渠道类型"), choices=ChannelKind.choices)
    webhook_url = forms.CharField(
        label=_("机器人地址（Webhook）"),
        max_length=WEBHOOK_URL_MAX,
        required=False,
        validators=[webhook_url_validator],
        help_text=_("在群设置 → 群机器人中添加自定义机器人后复制的地址。"),
    )
    email = forms.EmailField(label=_("邮箱地址"), required=False)
    secret = forms.CharField(
        label=_("加签密钥"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("钉钉、飞书机器人启用“加签/签名校验”时填写；企业微信机器人无需填写。"),
    )
    clear_secret = forms.BooleanField(label=_("清除已保存的加签密钥"), required=False)
    event_kinds = forms.MultipleChoiceField(
        label=_("推送的消息类型"),
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一种消息类型。")},
    )
    enabled = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        enterprise: Any,
        channel: NotificationChannel | None = None,
        **kwargs: Any,
    ):
        self.enterprise = enterprise
        self.channel = channel
        if channel is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": channel.name,
                "kind": channel.kind,
                "email": channel.email,
                "event_kinds": channel.event_kinds or NotificationKind.values,
                "enabled": channel.enabled,
            }
        elif channel is None:
            kwargs.setdefault("initial", {"event_kinds": NotificationKind.values, "enabled": True})
        super().__init__(*args, **kwargs)
        if channel is not None and channel.is_robot:
            self.fields["webhook_url"].widget.attrs["placeholder"] = mask_url(channel.webhook_url)
            self.fields["webhook_url"].help_text = _("当前：%(url)s。留空则保持不变。") % {
                "url": mask_url(channel.webhook_url)
            }
        if channel is not None and channel.secret:
            self.fields["secret"].help_text = _("已保存加签密钥。留空则保持不变。")
        else:
            del self.fields["clear_secret"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = NotificationChannel.objects.filter(enterprise=self.enterprise, name=name)
        if self.channel is not None:
            others = others.exclude(pk=self.channel.pk)
        if others.exists():
            raise forms.ValidationError(_("本企业已有同名的通知渠道。"))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        keeps_url = self.channel is not None and bool(self.channel.webhook_url)
        if kind == ChannelKind.EMAIL:
            if not settings.DUALPREV_EMAIL_ENABLED:
                self.add_error(
                    "kind", _("服务器未配置邮件发送（DUALPREV_EMAIL_HOST），暂不能使用邮箱渠道。")
                )
            if not data.get("email") and "email" not in self.errors:
                self.add_error("email", _("请填写接收消息的邮箱地址。"))
        elif kind:
            if not data.get("webhook_url") and not keeps_url and "webhook_url" not in self.errors:
                self.add_error("webhook_url", _("请填写机器人的 Webhook 地址。"))
            # Only the official robot hosts of the kind (or those the operator allows): the
            # address typed now, or the stored one kept when the kind changes.
            url = data.get("webhook_url") or ""
            if not url and self.channel is not None:
                url = self.channel.webhook_url
            problem = webhook_url_problem(kind, url) if url else None
            if problem and "webhook_url" not in self.errors:
                self.add_error("webhook_url", problem)
            if data.get("secret") and kind not in SIGNED_KINDS:
                self.add_error("secret", _("企业微信群机器人没有加签，请留空。"))
        kinds = data.get("event_kinds") or []
        # Every kind ticked means "all", including kinds added later.
        data["event_kinds"] = [] if set(kinds) == set(NotificationKind.values) else list(kinds)
        return data


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *DeliveryStatus.choices]
    )
    medium = forms.ChoiceField(
        label=_("方式"), required=False, choices=[("", _("全部方式")), *ChannelKind.choices]
    )
    channel = forms.ModelChoiceField(
        label=_("渠道"),
        required=False,
        queryset=NotificationChannel.objects.none(),
        to_field_name="public_id",
        empty_label=_("全部渠道"),
    )
    event_kind = forms.ChoiceField(
        label=_("消息类型"), required=False, choices=[("", _("全部类型")), *DELIVERY_KINDS]
    )
    q = forms.CharField(label=_("发送对象"), required=False, max_length=100)

    def __init__(self, *args: Any, channels: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["channel"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = channels
        self.fields["q"].widget.attrs["placeholder"] = _("邮箱或渠道名称")

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is ignored, as if not given)."""
        if not self.is_valid():
            return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return {k: v for k, v in self.cleaned_data.items() if v}
