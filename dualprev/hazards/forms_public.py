"""The form of a report without an account (phone-first): what the hazard is, one photo, and
optionally a name and a phone number to call back. ``website`` is a honeypot: hidden from
people, filled in by form-filling robots."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_DESCRIPTION = 500
MAX_PHOTO_BYTES = 8 * 1024 * 1024  # the photo as sent, before it is checked and re-encoded
# The whole request: the photo plus a little text. Larger bodies are refused unread.
MAX_REQUEST_BYTES = MAX_PHOTO_BYTES + 256 * 1024
HONEYPOT = "website"

# Chinese phone numbers, loosely: a mobile (1[3-9] + 9 digits), a landline with its area code
# (0 + 2-3 digits, 7-8 digits, an optional extension), a local landline, or a 400/800 line;
# spaces, dashes, brackets and a +86 prefix are allowed when typed.
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}\d{7,8}(?:#?\d{1,6})?|\d{7,8}|[48]00\d{7}")


def normalise_phone(raw: str) -> str:
    text = re.sub(r"[\s\-()（）]", "", raw)
    text = re.sub(r"^(?:\+|00)?86(?=1\d{10}$|0\d{9,11}$)", "", text)
    return text.replace("转", "#").replace("ext", "#")


class PublicReportForm(forms.Form):
    description = forms.CharField(
        label=_("隐患描述"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "maxlength": MAX_DESCRIPTION,
                "placeholder": _("在哪里、看到了什么危险情况"),
            }
        ),
        error_messages={
            "required": _("请描述隐患情况。"),
            "max_length": _("隐患描述不能超过 %(limit_value)d 字（现在 %(show_value)d 字）。"),
        },
    )
    photo = forms.FileField(
        label=_("照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("一张，不超过 8 MB（JPEG、PNG 或 WebP）。"),
    )
    reporter_name = forms.CharField(
        label=_("您的姓名"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": 32}),
        error_messages={"max_length": _("姓名不能超过 %(limit_value)d 个字。")},
    )
    reporter_phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("留下电话，安全管理人员核实时可以联系您。"),
        error_messages={"max_length": _("请填写正确的手机号或座机号码。")},
    )
    website = forms.CharField(required=False, max_length=200)  # the honeypot (see module doc)

    def clean_description(self) -> str:
        text: str = self.cleaned_data["description"].strip()
        if not text:
            raise ValidationError(_("请描述隐患情况。"))
        return text

    def clean_reporter_phone(self) -> str:
        raw: str = self.cleaned_data["reporter_phone"].strip()
        if not raw:
            return ""
        phone = normalise_phone(raw)
        if not (_MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone)) or len(phone) > 20:
            raise ValidationError(
                _("请填写正确的手机号或座机号码，如 13800138000 或 0371-12345678。")
            )
        return phone

    def clean_photo(self) -> object:
        upload = self.cleaned_data.get("photo")
        if upload is not None and upload.size > MAX_PHOTO_BYTES:
            raise ValidationError(
                _("照片过大：不能超过 %(mb)d MB。") % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)}
            )
        return upload

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip())
