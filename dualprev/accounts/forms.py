from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dualprev.accounts.choices import EnterpriseRole
from dualprev.accounts.models import mobile_validator
from dualprev.orgs.forms import UnitChoiceField, model_choice
from dualprev.orgs.models import Enterprise, OrgUnit, Post


class LoginForm(AuthenticationForm):
    """Username or mobile number, and password."""

    username = forms.CharField(
        label=_("用户名或手机号"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("用户名/手机号或密码不正确。"),
        "inactive": _("该账号已停用。"),
    }


class PostMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(post)s（%(unit)s）") % {"post": obj.name, "unit": obj.org_unit.name}


class PersonForm(forms.Form):
    """Fields shared by creating and editing a person. Model rules are checked by the actions
    (``check_person``); the choice querysets keep everything inside one enterprise."""

    name = forms.CharField(label=_("姓名"), max_length=64)
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        validators=[mobile_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("角色"), choices=EnterpriseRole.choices)
    org_unit = UnitChoiceField(queryset=OrgUnit.objects.none(), label=_("所属组织单元"))
    posts = PostMultipleChoiceField(
        queryset=Post.objects.none(),
        required=False,
        label=_("岗位"),
        help_text=_("可多选（电脑上按住 Ctrl 键点选）。"),
    )

    def __init__(
        self, *args: Any, enterprise: Enterprise, held_posts: Iterable[int] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "org_unit").queryset = OrgUnit.objects.filter(enterprise=enterprise)
        model_choice(self, "org_unit").empty_label = _("请选择组织单元")
        # Deactivated posts are not offered, except those the person still holds.
        model_choice(self, "posts").queryset = (
            Post.objects.filter(enterprise=enterprise)
            .filter(Q(is_active=True) | Q(pk__in=list(held_posts)))
            .select_related("org_unit")
        )


class PersonCreateForm(PersonForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("登录用，字母、数字和 @/./+/-/_；也可用手机号登录。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少8位，不能全是数字，不能与姓名、用户名过于相似。"),
    )
    password2 = forms.CharField(
        label=_("确认初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ["username", "name", "mobile", "password", "password2", "role", "org_unit"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Most new accounts are front-line staff; a manager role must be chosen on purpose.
        self.fields["role"].initial = EnterpriseRole.WORKER

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class PersonEditForm(PersonForm):
    is_active = forms.BooleanField(label=_("在职（可登录）"), required=False)
