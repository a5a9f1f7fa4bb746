"""Forms of the hazard office pages: the register's filters, grading with the 五落实, the
workflow forms (cancel, 重大 plan, evaluation, resumption, fix, acceptance, photos) and the
hazard settings.

Forms only parse and check input; the rules of the loop live in ``actions`` (called by the
views). Every chooser is limited to the hazard's enterprise, so a forged id of another tenant
fails like any other wrong choice. Every workflow form carries the hazard's ``version``: a
page older than the hazard is refused before anything is read (see ``views_office``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet
from django.forms.models import fields_for_model, model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualprev.accounts.models import User
from dualprev.hazards.actions import FIVE_PLAN_FIELDS, GRADING_FIELDS, PLAN_FIELDS
from dualprev.hazards.choices import (
    CancelReason,
    EvaluationBy,
    HazardStatus,
    PhotoKind,
)
from dualprev.hazards.models import Hazard, HazardSettings, MajorHazardPlan
from dualprev.inspections.actions import PhotoInput
from dualprev.orgs.models import OrgUnit
from dualprev.reference.choices import (
    DangerManageType,
    DangerSrc,
    HazardDangerType,
    HazardLevel,
)
from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject

# The longest text a long-text field of these forms takes (the model's TextFields have no
# limit; every save copies the text into a chained event, so it must be bounded here).
LONG_TEXT_MAX = 4000

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices: Any, label: str = "—") -> list[tuple[Any, str]]:
    return [("", label), *[(value, str(text)) for value, text in choices]]


def _set_choices(field: forms.Field, choices: list[tuple[Any, str]]) -> None:
    cast(forms.ChoiceField, field).choices = choices


def _bound_texts(fields: dict[str, forms.Field], limit: int = LONG_TEXT_MAX) -> None:
    """Give every text field without a length limit (those made from a model's TextField)
    ``limit`` characters: Django's own (translated) error beyond it, and ``maxlength`` on the
    widget. Fields with the model's limit (name, location: 128) keep theirs."""
    for field in fields.values():
        if type(field) is forms.CharField and field.max_length is None:
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs.update(field.widget_attrs(field.widget))


def members_of(enterprise_id: int) -> QuerySet[User]:
    """The enterprise's people still at work (the only ones who may be liable)."""
    return (
        User.objects.filter(
            membership__enterprise_id=enterprise_id, membership__is_active=True, is_active=True
        )
        .select_related("membership__org_unit")
        .order_by("name", "username")
    )


def units_of(enterprise_id: int) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(enterprise_id=enterprise_id).order_by(
        "level", "sort_order", "name"
    )


def _person_label(user: User) -> str:
    unit = getattr(getattr(user, "membership", None), "org_unit", None)
    return f"{user.display_name}（{unit.name}）" if unit else user.display_name


def _unit_label(unit: OrgUnit) -> str:
    return f"{unit.name}（{unit.get_level_display()}）"


# --- The register's filters ------------------------------------------------------------------


class RegisterFilterForm(forms.Form):
    """The register's filters (GET). Units and people are chosen by public id, never by the
    sequential key; an invalid value is ignored (the register still shows)."""

    q = forms.CharField(
        label=gettext_lazy("搜索"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("编号、名称或描述")}),
    )
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    level = forms.TypedChoiceField(label=gettext_lazy("等级"), required=False, coerce=int)
    manage_type = forms.TypedChoiceField(label=gettext_lazy("治理类型"), required=False, coerce=int)
    source = forms.TypedChoiceField(label=gettext_lazy("隐患来源"), required=False, coerce=int)
    danger_type = forms.TypedChoiceField(label=gettext_lazy("隐患类型"), required=False, coerce=int)
    responsible_unit = forms.ModelChoiceField(
        label=gettext_lazy("责任单位"),
        queryset=OrgUnit.objects.none(),
        required=False,
        to_field_name="public_id",
    )
    liable_person = forms.ModelChoiceField(
        label=gettext_lazy("整改责任人"),
        queryset=User.objects.none(),
        required=False,
        to_field_name="public_id",
    )
    found_from = forms.DateField(
        label=gettext_lazy("发现日期自"), required=False, widget=DATE_WIDGET
    )
    found_to = forms.DateField(label=gettext_lazy("至"), required=False, widget=DATE_WIDGET)
    overdue = forms.BooleanField(label=gettext_lazy("只看逾期"), required=False)

    def __init__(self, *args: Any, enterprise_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statuses = [("open", _("未闭环（待确认、整改中、待验收）")), *HazardStatus.choices]
        _set_choices(self.fields["status"], _blank(statuses, _("全部")))
        _set_choices(self.fields["level"], _blank(HazardLevel.choices, _("全部")))
        _set_choices(self.fields["manage_type"], _blank(DangerManageType.choices, _("全部")))
        _set_choices(self.fields["source"], _blank(DangerSrc.choices, _("全部")))
        _set_choices(self.fields["danger_type"], _blank(HazardDangerType.choices, _("全部")))
        unit = self.fields["responsible_unit"]
        unit.queryset = units_of(enterprise_id)  # type: ignore[attr-defined]
        unit.label_from_instance = _unit_label  # type: ignore[attr-defined]
        unit.empty_label = _("全部")  # type: ignore[attr-defined]
        person = self.fields["liable_person"]
        person.queryset = members_of(enterprise_id)  # type: ignore[attr-defined]
        person.label_from_instance = _person_label  # type: ignore[attr-defined]
        person.empty_label = _("全部")  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid field is dropped rather than failing the page)."""
        if self.is_valid():
            return self.cleaned_data
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}


# --- Workflow forms --------------------------------------------------------------------------


class VersionedForm(forms.Form):
    """A workflow form: carries the version of the hazard the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class GradingForm(VersionedForm):
    """分级 and the 五落实: the fields ``actions.save_hazard_fields`` takes. The hazard itself is
    never touched here; ``changes()`` lists what differs from it. Once the hazard is
    confirmed its level and manage type are shown but fixed; 较大 is offered only when the
    enterprise uses that tier (or the hazard already has it)."""

    FIELDS = (*GRADING_FIELDS, *FIVE_PLAN_FIELDS)
    TEXTAREAS = (
        "description",
        "reason",
        "rectification_measures",
        "contingency_plan",
        "interim_measures",
    )

    def __init__(
        self, *args: Any, hazard: Hazard, larger_tier: bool, now: dt.datetime | None = None, **kw
    ) -> None:
        kw.setdefault("initial", {**model_to_dict(hazard, fields=self.FIELDS)})
        kw["initial"]["version"] = hazard.version
        super().__init__(*args, **kw)
        self.hazard = hazard
        self.now = now or timezone.now()
        widgets: dict[str, Any] = {
            name: forms.Textarea(attrs={"rows": 2}) for name in self.TEXTAREAS
        }
        widgets["deadline"] = DATETIME_WIDGET
        self.fields.update(fields_for_model(Hazard, fields=self.FIELDS, widgets=widgets))
        _bound_texts(self.fields)
        enterprise_id = hazard.enterprise_id
        self._limit_links(enterprise_id)
        for name, rows, label in (
            ("responsible_unit", units_of(enterprise_id), _unit_label),
            ("liable_person", members_of(enterprise_id), _person_label),
        ):
            self.fields[name] = _chooser(rows, self.fields[name].label, label)
            linked = getattr(hazard, name)
            self.initial[name] = linked.public_id if linked is not None else None
        levels = [
            (value, label)
            for value, label in HazardLevel.choices
            if value != HazardLevel.LARGER or larger_tier or hazard.level == HazardLevel.LARGER
        ]
        _set_choices(self.fields["level"], _blank(levels))
        self.fields["level"].required = False
        self.fields["cost"] = forms.DecimalField(
            label=self.fields["cost"].label,
            required=False,
            min_value=0,
            max_digits=12,
            decimal_places=4,
            help_text=_("单位：万元，最多 4 位小数；无需资金请填 0。"),
            widget=forms.NumberInput(attrs={"min": "0", "step": "0.0001"}),
        )
        self.fields["deadline"].help_text = _("整改期限须晚于当前时间。")
        self.fields["interim_measures"].help_text = _("重大事故隐患必填：治理期间的临时管控措施。")
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = _("请选择")
            elif isinstance(field, forms.TypedChoiceField):
                choices = list(cast(Any, field.choices))
                if choices and choices[0][0] == "":
                    field.choices = [("", _("请选择")), *choices[1:]]
        if hazard.status != HazardStatus.REPORTED:
            for name in ("level", "manage_type"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("隐患确认后不能再修改。")

    def _limit_links(self, enterprise_id: int) -> None:
        """Risk point → event → measure: the event list is the chosen point's events and the
        measure list the chosen event's measures (all of the enterprise, active)."""
        point_id = self._chosen("risk_object")
        event_id = self._chosen("risk_event")
        points = RiskObject.objects.filter(enterprise_id=enterprise_id, retired_at__isnull=True)
        events = RiskEvent.objects.filter(
            enterprise_id=enterprise_id, retired_at__isnull=True
        ).select_related("unit__risk_object")
        if point_id:
            events = events.filter(unit__risk_object__public_id=point_id)
        measures = ControlMeasure.objects.filter(
            enterprise_id=enterprise_id, retired_at__isnull=True
        )
        measures = measures.filter(event__public_id=event_id) if event_id else measures.none()
        wrong = _("请重新选择：所选内容不属于上面选定的风险点或风险事件。")
        for name, rows, label in (
            ("risk_object", points.order_by("sort_order", "name"), str),
            ("risk_event", events.order_by("unit__name", "name"), _event_label),
            ("measure", measures.order_by("id"), lambda m: str(m.description)[:60]),
        ):
            self.fields[name] = _chooser(rows, self.fields[name].label, label, wrong)
        self.fields["risk_event"].help_text = _("列出所选风险点的风险事件；改选风险点后请先保存。")
        self.fields["measure"].help_text = _("列出所选风险事件的管控措施。")
        for name in ("risk_object", "risk_event", "measure"):
            linked = getattr(self.hazard, name)
            self.initial[name] = linked.public_id if linked is not None else None

    def _chosen(self, name: str) -> uuid.UUID | None:
        """The public id chosen for a link: posted (if valid) or the hazard's own."""
        if self.is_bound:
            try:
                return uuid.UUID(str(self.data.get(name) or ""))
            except ValueError:
                return None
        linked = getattr(self.hazard, name)
        return linked.public_id if linked is not None else None

    def clean_deadline(self) -> dt.datetime | None:
        deadline = self.cleaned_data.get("deadline")
        if deadline is not None and deadline != self.hazard.deadline and deadline <= self.now:
            raise ValidationError(_("整改期限必须晚于当前时间。"))
        return deadline

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        event, point = data.get("risk_event"), data.get("risk_object")
        if event is not None and point is None:
            data["risk_object"] = event.unit.risk_object
        measure = data.get("measure")
        if measure is not None and data.get("risk_event") is None:
            self.add_error("measure", _("请先选择风险事件。"))
        for name in ("name", "description", "location", "reason"):
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        return data

    def changes(self) -> dict[str, Any]:
        """The fields whose cleaned value differs from the hazard's."""
        return {
            name: self.cleaned_data[name]
            for name in self.FIELDS
            if name in self.cleaned_data
            and not self.fields[name].disabled
            and getattr(self.hazard, name) != self.cleaned_data[name]
        }


def _chooser(
    rows: QuerySet[Any], label: Any, label_from: Any, invalid: str | None = None
) -> forms.ModelChoiceField:
    """An optional chooser of the enterprise's rows, by public id (never the row's key)."""
    field = forms.ModelChoiceField(
        queryset=rows,
        required=False,
        to_field_name="public_id",
        label=label,
        error_messages={"invalid_choice": invalid} if invalid else None,
    )
    field.label_from_instance = label_from  # type: ignore[method-assign]
    return field


def _event_label(event: RiskEvent) -> str:
    return f"{event.unit.risk_object.name} · {event.unit.name} · {event.name}"


class CancelForm(VersionedForm):
    reason = forms.ChoiceField(label=gettext_lazy("撤销原因"), choices=[])
    duplicate_number = forms.CharField(
        label=gettext_lazy("与之重复的隐患编号"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"placeholder": "YH-2026-0001"}),
    )
    note = forms.CharField(
        label=gettext_lazy("撤销说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, hazard: Hazard, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": hazard.version})
        super().__init__(*args, **kwargs)
        self.hazard = hazard
        self.user = user
        _set_choices(self.fields["reason"], _blank(CancelReason.choices, _("请选择")))

    def clean_duplicate_number(self) -> Hazard | None:
        number = (self.cleaned_data.get("duplicate_number") or "").strip().upper()
        if not number:
            return None
        found = (
            Hazard.objects.visible_to(self.user)
            .filter(enterprise_id=self.hazard.enterprise_id, number=number)
            .first()
        )
        if found is None:
            raise ValidationError(_("本企业没有编号为 %(number)s 的隐患。") % {"number": number})
        return found


class MajorPlanForm(VersionedForm):
    """The six-part treatment plan and the report's analysis of a 重大 hazard."""

    def __init__(
        self, *args: Any, hazard: Hazard, plan: MajorHazardPlan | None = None, **kw: Any
    ) -> None:
        initial = model_to_dict(plan, fields=PLAN_FIELDS) if plan is not None else {}
        kw.setdefault("initial", {**initial, "version": hazard.version})
        super().__init__(*args, **kw)
        widgets: dict[str, Any] = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in PLAN_FIELDS
            if name != "production_stopped"
        }
        self.fields.update(fields_for_model(MajorHazardPlan, fields=PLAN_FIELDS, widgets=widgets))
        _bound_texts(self.fields)

    def values(self) -> dict[str, Any]:
        return {
            name: value.strip() if isinstance(value, str) else value
            for name, value in self.cleaned_data.items()
            if name in PLAN_FIELDS
        }


class EvaluationForm(VersionedForm):
    by = forms.ChoiceField(label=gettext_lazy("评估方式"), choices=[])
    org = forms.CharField(label=gettext_lazy("评估机构/专家"), max_length=128)
    conclusion = forms.CharField(
        label=gettext_lazy("评估结论"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": hazard.version})
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["by"], _blank(EvaluationBy.choices, _("请选择")))


class ResumptionForm(VersionedForm):
    text = forms.CharField(
        label=gettext_lazy("复产申请内容"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": hazard.version})
        super().__init__(*args, **kwargs)


class SubmitForm(VersionedForm):
    """The fix (提交整改). Photos are read from the request separately (``checked_photos``)."""

    note = forms.CharField(
        label=gettext_lazy("整改情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    cost = forms.DecimalField(
        label=gettext_lazy("实际整改资金（万元）"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"min": "0", "step": "0.0001"}),
    )

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": hazard.version, "cost": hazard.cost})
        super().__init__(*args, **kwargs)


class AcceptForm(VersionedForm):
    comment = forms.CharField(
        label=gettext_lazy("验收意见"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": hazard.version})
        super().__init__(*args, **kwargs)


class RejectForm(VersionedForm):
    reason = forms.CharField(
        label=gettext_lazy("不通过原因"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": hazard.version})
        super().__init__(*args, **kwargs)


class PhotoForm(VersionedForm):
    kind = forms.ChoiceField(label=gettext_lazy("照片类型"), choices=PhotoKind.choices)

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        kind = PhotoKind.BEFORE if hazard.status == HazardStatus.REPORTED else PhotoKind.AFTER
        kwargs.setdefault("initial", {"version": hazard.version, "kind": kind})
        super().__init__(*args, **kwargs)


def checked_photos(uploads: list[Any], *, required: bool = False) -> list[PhotoInput]:
    """The uploaded photos checked by content and re-encoded (``inspections.photos``); at most
    ``MAX_PHOTOS``. Raises a ValidationError naming the photo at fault."""
    from dualprev.inspections import photos

    if required and not uploads:
        raise ValidationError({"photos": _("请选择照片。")})
    if len(uploads) > photos.MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传 %(n)d 张照片。") % {"n": photos.MAX_PHOTOS}})
    checked = []
    for number, upload in enumerate(uploads, start=1):
        try:
            checked.append(photos.process_photo(upload, size=upload.size))
        except ValidationError as error:
            text = " ".join(str(m) for m in error.messages)
            raise ValidationError(
                {"photos": _("第 %(n)d 张照片：%(error)s") % {"n": number, "error": text}}
            ) from error
    return checked


# --- Settings --------------------------------------------------------------------------------


class HazardSettingsForm(forms.ModelForm):
    """The enterprise's hazard rules (the database also checks the two minimums)."""

    class Meta:
        model = HazardSettings
        fields = [
            "larger_tier_enabled",
            "remind_before_hours",
            "escalation_period_days",
            "points_check",
            "points_hazard_general",
            "points_hazard_larger",
            "points_hazard_major",
            "repeat_threshold",
            "repeat_window_days",
        ]
        help_texts = {
            "larger_tier_enabled": gettext_lazy(
                "启用后可将隐患定为“较大”；上报国家平台时按“一般”上报。"
            ),
            "remind_before_hours": gettext_lazy("整改期限前多少小时提醒整改责任人。"),
            "escalation_period_days": gettext_lazy(
                "逾期后每满一个周期向上一级组织单元升级一次（班组 → 车间 → 部门 → 公司）。"
            ),
            "points_check": gettext_lazy("积分只计完成的排查和经确认的隐患。"),
            "repeat_threshold": gettext_lazy(
                "同一风险事件在统计期内出现的隐患达到此数时，提示重新评估该风险。"
            ),
        }

    LIMITS = {
        "remind_before_hours": (0, 24 * 30),
        "escalation_period_days": (1, 365),
        "points_check": (0, 1000),
        "points_hazard_general": (0, 1000),
        "points_hazard_larger": (0, 1000),
        "points_hazard_major": (0, 1000),
        "repeat_threshold": (2, 100),
        "repeat_window_days": (1, 3650),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (low, high) in self.LIMITS.items():
            old = self.fields[name]
            self.fields[name] = forms.IntegerField(
                label=old.label, help_text=old.help_text, min_value=low, max_value=high
            )
