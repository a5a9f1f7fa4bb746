"""Forms of the worker's phone pages (上报隐患, a check's draft, 提交整改) and the guard that
keeps a resubmitted report from becoming a second hazard.

Photos are form fields here: each upload is checked by content and re-encoded by
``inspections.photos.process_photo`` while the form is cleaned, so a bad photo is a field
error like any other and nothing has been written when it is shown. Choice fields offer the
user's own enterprise's rows only (by public id), so a forged id from another tenant fails
validation like any other wrong choice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualprev.accounts.models import User
from dualprev.hazards.actions import ReportInput
from dualprev.inspections.actions import PhotoInput
from dualprev.inspections.photos import MAX_BYTES, MAX_PHOTOS, process_photo
from dualprev.reference.choices import HazardDangerType
from dualprev.risks.models import RiskObject

NOTE_MAX = 2000

# --- Photos ----------------------------------------------------------------------------------


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``MAX_PHOTOS`` photos from one file input; cleans to a list of checked,
    re-encoded ``PhotoInput`` (empty when none were chosen and none are required)."""

    def __init__(self, *, label: Any, required: bool = False, **kwargs: Any) -> None:
        widget = MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        super().__init__(label=label, required=required, widget=widget, **kwargs)
        self.error_messages["required"] = gettext_lazy("请上传照片。")

    def clean(self, data: Any, initial: Any = None) -> list[PhotoInput]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_PHOTOS:
            raise ValidationError(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS})
        checked = []
        for number, upload in enumerate(uploads, start=1):
            try:
                checked.append(process_photo(upload, size=upload.size))
            except ValidationError as error:
                message = " ".join(str(m) for m in error.messages)
                raise ValidationError(
                    _("第 %(n)d 张照片：%(error)s") % {"n": number, "error": message}
                ) from error
        if self.required and not checked:
            raise ValidationError(self.error_messages["required"])
        return checked


def photos_help() -> str:
    return _("最多 %(n)d 张，每张不超过 %(mb)d MB（JPEG、PNG 或 WebP）。") % {
        "n": MAX_PHOTOS,
        "mb": MAX_BYTES // (1024 * 1024),
    }


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Show an action's refusal on the form: field messages on their field when the form has
    it, everything else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            field = name if name in form.fields else None
            for item in errors:
                form.add_error(field, " ".join(str(m) for m in item.messages))
    else:
        for message in error.messages:
            form.add_error(None, message)


class PhoneForm(forms.Form):
    """A form of the phone pages (they list the fields in error at the top)."""

    @property
    def has_field_errors(self) -> bool:
        return any(name != NON_FIELD_ERRORS for name in self.errors)


# --- Reporting -------------------------------------------------------------------------------


def danger_type_choices() -> list[tuple[Any, Any]]:
    return [("", gettext_lazy("不确定（由安全管理人员确定）")), *HazardDangerType.choices]


class ReportForm(PhoneForm):
    """上报隐患 from a phone. ``token`` is the form's one-time submission id (see
    ``ReportGuard``); the after-fix part counts only when 已当场整改 is ticked."""

    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy("提交编号缺失，请刷新页面后重试。"),
            "invalid": gettext_lazy("提交编号无效，请刷新页面后重试。"),
        },
    )
    name = forms.CharField(
        label=gettext_lazy("隐患名称"),
        max_length=128,
        help_text=gettext_lazy("一句话概括，如：消防通道堆放杂物"),
        error_messages={"required": gettext_lazy("请填写隐患名称。")},
    )
    description = forms.CharField(
        label=gettext_lazy("隐患描述"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请描述隐患情况。")},
    )
    location = forms.CharField(
        label=gettext_lazy("隐患部位"),
        max_length=128,
        required=False,
        help_text=gettext_lazy("如：二号库房东侧消防通道"),
    )
    risk_object = forms.ModelChoiceField(
        label=gettext_lazy("风险点"),
        queryset=RiskObject.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=gettext_lazy("不关联风险点"),
        error_messages={"invalid_choice": gettext_lazy("所选风险点不存在或不属于本企业。")},
    )
    danger_type = forms.TypedChoiceField(
        label=gettext_lazy("隐患类型"),
        choices=danger_type_choices,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("请选择有效的隐患类型。")},
    )
    photos = PhotosField(label=gettext_lazy("隐患照片"))
    fixed_on_spot = forms.BooleanField(label=gettext_lazy("已当场整改"), required=False)
    fix_note = forms.CharField(
        label=gettext_lazy("整改情况"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    after_photos = PhotosField(label=gettext_lazy("整改后照片"))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["risk_object"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            RiskObject.objects.visible_to(user)
            .filter(retired_at__isnull=True)
            .order_by("sort_order", "name")
        )
        for name in ("photos", "after_photos"):
            self.fields[name].help_text = photos_help()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("fixed_on_spot"):
            if not (data.get("fix_note") or "").strip() and "fix_note" not in self.errors:
                self.add_error("fix_note", _("已当场整改的隐患请填写整改情况。"))
            if not data.get("after_photos") and "after_photos" not in self.errors:
                self.add_error("after_photos", _("已当场整改的隐患请上传整改后照片。"))
        return data

    def report_input(self) -> ReportInput:
        data = self.cleaned_data
        fixed = bool(data["fixed_on_spot"])
        return ReportInput(
            name=data["name"],
            description=data["description"],
            location=data["location"],
            risk_object=data["risk_object"],
            danger_type=data["danger_type"],
            photos=list(data["photos"]),
            fixed_on_spot=fixed,
            fix_note=data["fix_note"] if fixed else "",
            after_photos=list(data["after_photos"]) if fixed else [],
        )


class DraftForm(ReportForm):
    """A check's hazard draft completed on the phone: the report form without the token (the
    draft itself turns into one hazard only, see ``actions.take_draft``). The record's photos
    come with the draft; photos added here are extra."""

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        del self.fields["token"]
        self.fields["photos"].label = gettext_lazy("补充隐患照片")


def draft_initial(draft: Any) -> dict[str, Any]:
    """The form's starting values from a check's draft: its description, a short name made
    from it, and its risk point."""
    first_line = draft.description.strip().splitlines()[0] if draft.description.strip() else ""
    return {
        "name": first_line[:40],
        "description": draft.description,
        "risk_object": draft.risk_object.public_id if draft.risk_object_id else None,
    }


# --- Rectification ---------------------------------------------------------------------------


class FixForm(PhoneForm):
    """提交整改: what was done, the after photos and (optionally) what it really cost."""

    note = forms.CharField(
        label=gettext_lazy("整改情况"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("写明采取了哪些措施、现场现在的状况。"),
        error_messages={"required": gettext_lazy("请填写整改情况。")},
    )
    photos = PhotosField(label=gettext_lazy("整改后照片"))
    cost = forms.DecimalField(
        label=gettext_lazy("实际整改资金（万元）"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=4,
        error_messages={
            "invalid": gettext_lazy("请填写数字，如 0.5。"),
            "min_value": gettext_lazy("整改资金不能为负数。"),
            "max_digits": gettext_lazy("整改资金数额过大。"),
            "max_decimal_places": gettext_lazy("整改资金最多保留 4 位小数。"),
            "max_whole_digits": gettext_lazy("整改资金数额过大。"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = photos_help()


# --- One report per form ---------------------------------------------------------------------


class ReportGuard:
    """Keeps one report form from creating two hazards (back button, a second tap, a retry
    after a slow network).

    Each rendered form carries a fresh uuid (``token``). When a report is created, the session
    remembers ``token → hazard public id`` for a day (at most ``KEEP`` tokens); a form coming
    back with a remembered token answers with the first hazard instead of reporting again.

    Two copies of one form can arrive at the same moment (a double tap), before either has
    saved its token. So the check and the report run in one transaction that first locks the
    reporter's own user row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE
    transactions serialise writers anyway), and the check re-reads the session as stored in
    the database, not the copy this request loaded before the lock: the second copy waits for
    the first to commit and then finds its token. The session is saved inside that
    transaction, so the token and the hazard are committed together.

    Limits: the memory is the login session's (it ends at logout or after the idle timeout),
    which is what a resubmitted form can come from anyway; no model change is needed."""

    SESSION_KEY = "hazards.report_tokens"
    TTL = dt.timedelta(days=1)
    KEEP = 50

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def _stored(self, fresh: bool) -> dict[str, tuple[str, float]]:
        session = self.request.session
        if fresh and session.session_key:
            data = type(session)(session_key=session.session_key).load()
        else:
            data = dict(session.items())
        entries = data.get(self.SESSION_KEY) or {}
        oldest = (timezone.now() - self.TTL).timestamp()
        kept = {
            token: (str(entry[0]), float(entry[1]))
            for token, entry in entries.items()
            if isinstance(entry, list | tuple) and len(entry) == 2 and float(entry[1]) >= oldest
        }
        if fresh and kept:
            # This request's own copy of the session is saved again when it answers; let it
            # carry what is stored now rather than overwrite it with what it loaded earlier.
            session[self.SESSION_KEY] = {k: list(v) for k, v in kept.items()}
        return kept

    def reported(self, token: uuid.UUID | None, *, fresh: bool = False) -> str | None:
        """The public id of the hazard this form already created (None: not yet)."""
        if token is None:
            return None
        found = self._stored(fresh).get(str(token))
        return found[0] if found else None

    def lock(self) -> None:
        """Serialise this user's reports (call inside ``transaction.atomic``)."""
        user_id: Any = self.request.user.pk
        list(User.objects.select_for_update().filter(pk=user_id).values("pk"))

    def remember(self, token: uuid.UUID, hazard: Any) -> None:
        """Note the token's hazard and save the session now (inside the report's
        transaction)."""
        entries = self._stored(fresh=True)
        entries[str(token)] = (str(hazard.public_id), timezone.now().timestamp())
        newest = sorted(entries.items(), key=lambda item: item[1][1])[-self.KEEP :]
        self.request.session[self.SESSION_KEY] = {k: list(v) for k, v in newest}
        self.request.session.save()
