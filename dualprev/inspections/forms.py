"""Forms of the inspection office pages: check tasks, settings, 停用/检修, special inspections
and the daily commitment. Every choice field is limited to the enterprise's own rows, so a
forged id from another tenant fails validation like any other wrong choice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dualprev.accounts.models import User
from dualprev.inspections.choices import DeactivationKind
from dualprev.inspections.models import (
    CheckTask,
    Deactivation,
    InspectionSettings,
    SafetyCommitment,
    SpecialInspection,
)
from dualprev.orgs.models import Enterprise, OrgUnit, Post
from dualprev.reference.choices import (
    CheckCycleUnit,
    ControlLevel,
    DangerSrc,
    DatasetKind,
    WorkType,
)
from dualprev.reference.models import Dataset, MajorHazardCriterion
from dualprev.risks.models import ControlMeasure, RiskObject, RiskUnit

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def members_of(enterprise: Enterprise) -> QuerySet[User]:
    """The enterprise's people still at work (the only ones a task or plan may name)."""
    return User.objects.filter(
        membership__enterprise=enterprise, membership__is_active=True, is_active=True
    ).order_by("name", "username")


def posts_of(enterprise: Enterprise) -> QuerySet[Post]:
    return (
        Post.objects.filter(enterprise=enterprise, is_active=True)
        .select_related("org_unit")
        .order_by("org_unit__sort_order", "org_unit_id", "name")
    )


def risk_objects_of(enterprise: Enterprise) -> QuerySet[RiskObject]:
    return RiskObject.objects.filter(enterprise=enterprise, retired_at__isnull=True).order_by(
        "sort_order", "name"
    )


def _post_label(post: Post) -> str:
    return f"{post.org_unit.name} · {post.name}"


def _person_label(user: User) -> str:
    return user.display_name


class EnterpriseForm(forms.ModelForm):
    """A model form whose instance belongs to ``enterprise``."""

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.instance.enterprise = enterprise


# --- Check tasks -----------------------------------------------------------------------------


class CheckTaskForm(EnterpriseForm):
    """A check task of one control measure (the caller sets ``instance.measure``).

    Who does it: **exactly one** of a post or a person. A post-task goes to whoever holds the
    post on the shift; a person-task to that person. Allowing both would put one check on two
    lists and make "who missed it" ambiguous in the completion rates, so the form refuses it;
    a 包保 task belongs to a named 包保责任人 and therefore needs a person.
    """

    class Meta:
        model = CheckTask
        fields = [
            "content",
            "cycle",
            "cycle_unit",
            "task_start",
            "work_start",
            "work_end",
            "work_day_type",
            "work_type",
            "task_num",
            "inspection_type",
            "post",
            "assignee",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "task_start": DATETIME_WIDGET,
            "work_start": TIME_WIDGET,
            "work_end": TIME_WIDGET,
        }
        help_texts = {
            "task_start": _("第一次排查的开始时间；以后按周期依次生成。"),
            "work_start": _("按小时排查时必填：每天在此时段内按周期生成排查。"),
            "work_end": _("结束时间早于开始时间表示跨夜；与开始时间相同表示全天 24 小时。"),
            "work_day_type": _("法定工作日、非法定工作日按国家节假日和调休安排确定。"),
            "task_num": _(
                "包保任务必填：《危险化学品企业重大危险源安全包保责任人隐患排查任务清单》中的"
                "条目序号，主要负责人 1–9，技术负责人 1–9，操作负责人 1–10。"
            ),
            "inspection_type": _("发现的隐患以此作为隐患来源。"),
        }
        error_messages = {
            "cycle": {"min_value": _("排查周期必须大于 0。")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].widget.attrs["min"] = 1
        post: Any = self.fields["post"]
        post.queryset = posts_of(self.enterprise)
        post.label_from_instance = _post_label
        post.empty_label = _("（不按岗位）")
        assignee: Any = self.fields["assignee"]
        assignee.queryset = members_of(self.enterprise)
        assignee.label_from_instance = _person_label
        assignee.empty_label = _("（不指定个人）")
        self.fields["task_num"].widget.attrs.update({"min": 1, "max": 10})
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("task_start", _start_of_today())

    def clean_cycle(self) -> int:
        cycle = self.cleaned_data["cycle"]
        if cycle is None or cycle <= 0:
            raise forms.ValidationError(_("排查周期必须大于 0。"))
        return int(cycle)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        work_type = data.get("work_type")
        if work_type is not None and int(work_type) == WorkType.ROUTINE:
            data["task_num"] = None  # only 包保 tasks carry a checklist number
        # A 包保 task's number (required, 1–9 / 1–9 / 1–10) is checked by CheckTask.clean().
        if data.get("cycle_unit") and data["cycle_unit"] != CheckCycleUnit.HOUR:
            data["work_start"] = data["work_end"] = None  # a window only shapes hourly tasks
        post, person = data.get("post"), data.get("assignee")
        if "post" in data and "assignee" in data:
            if post is None and person is None:
                self.add_error("post", _("请选择执行岗位或执行人（二选一）。"))
            elif post is not None and person is not None:
                self.add_error(
                    "assignee", _("执行岗位和执行人只能选一个：按岗位排查时不再指定个人。")
                )
            elif work_type not in (None, WorkType.ROUTINE) and person is None:
                self.add_error("assignee", _("包保任务由包保责任人本人排查，请选择执行人。"))
        return data


def _start_of_today() -> dt.datetime:
    now = timezone.localtime()
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


class TaskFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    department = forms.ModelChoiceField(
        label=_("部门/单元"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("全部")
    )
    post = forms.ModelChoiceField(
        label=_("岗位"), queryset=Post.objects.none(), required=False, empty_label=_("全部")
    )
    risk_object = forms.ModelChoiceField(
        label=_("风险点"), queryset=RiskObject.objects.none(), required=False, empty_label=_("全部")
    )
    cycle_unit = forms.ChoiceField(
        label=_("周期单位"), choices=[("", _("全部")), *CheckCycleUnit.choices], required=False
    )
    work_type = forms.ChoiceField(
        label=_("任务类型"),
        choices=[("", _("全部")), *[(str(v), lbl) for v, lbl in WorkType.choices]],
        required=False,
    )
    active = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部")), ("1", _("启用")), ("0", _("已停用"))],
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department: Any = self.fields["department"]
        department.queryset = OrgUnit.objects.visible_to(user).order_by("sort_order", "id")
        post: Any = self.fields["post"]
        post.queryset = Post.objects.visible_to(user).select_related("org_unit")
        post.label_from_instance = _post_label
        risk_object: Any = self.fields["risk_object"]
        risk_object.queryset = RiskObject.objects.visible_to(user).filter(retired_at__isnull=True)

    @property
    def data_or_empty(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


# --- Settings --------------------------------------------------------------------------------


class InspectionSettingsForm(forms.Form):
    """The default cycle of each control level, the 危化 round intervals and the commitment
    deadline; ``changes()`` is what ``actions.save_inspection_settings`` takes."""

    whp_round_hours = forms.IntegerField(
        label=_("危化岗位巡检间隔（小时）"),
        min_value=1,
        max_value=24,
        help_text=_("危化企业岗位级管控措施的操作人员巡检间隔，导则要求不超过 2 小时。"),
    )
    major_hazard_round_hours = forms.IntegerField(
        label=_("重大危险源巡检间隔（小时）"),
        min_value=1,
        max_value=24,
        help_text=_("涉及重大危险源（两重点一重大）的装置部位，导则要求不超过 1 小时。"),
    )
    commitment_deadline = forms.TimeField(
        label=_("每日承诺截止时间"),
        widget=TIME_WIDGET,
        help_text=_("有重大危险源的企业每天在此时间前提交安全风险研判与承诺。"),
    )

    def __init__(self, *args: Any, instance: InspectionSettings, **kwargs: Any) -> None:
        initial: dict[str, Any] = {
            "whp_round_hours": instance.whp_round_hours,
            "major_hazard_round_hours": instance.major_hazard_round_hours,
            "commitment_deadline": instance.commitment_deadline,
        }
        for level in ControlLevel:
            cycle, unit = instance.cycle_for(level.value)
            initial[f"cycle_{level.value}"] = cycle
            initial[f"unit_{level.value}"] = unit
        kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        for level in ControlLevel:
            self.fields[f"cycle_{level.value}"] = forms.IntegerField(
                label=_("%(level)s级排查周期") % {"level": level.label},
                min_value=1,
                max_value=999,
                error_messages={"min_value": _("排查周期必须大于 0。")},
            )
            self.fields[f"unit_{level.value}"] = forms.ChoiceField(
                label=_("%(level)s级周期单位") % {"level": level.label},
                choices=CheckCycleUnit.choices,
            )

    @property
    def level_rows(self) -> list[tuple[str, Any, Any]]:
        return [
            (str(level.label), self[f"cycle_{level.value}"], self[f"unit_{level.value}"])
            for level in ControlLevel
        ]

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "default_cycles": {
                level.value: [data[f"cycle_{level.value}"], data[f"unit_{level.value}"]]
                for level in ControlLevel
            },
            "whp_round_hours": data["whp_round_hours"],
            "major_hazard_round_hours": data["major_hazard_round_hours"],
            "commitment_deadline": data["commitment_deadline"],
        }


# --- 停用/检修 ---------------------------------------------------------------------------------


class DeactivationForm(EnterpriseForm):
    class Meta:
        model = Deactivation
        fields = ["risk_unit", "kind", "start", "end", "reason"]
        widgets = {
            "kind": forms.RadioSelect,
            "start": DATETIME_WIDGET,
            "end": DATETIME_WIDGET,
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "end": _("不填表示仍在停用/检修；恢复运行时再填写结束时间。"),
            "risk_unit": _("停用/检修期间，该单元的隐患排查暂停，期间未完成的排查自动取消。"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["risk_unit"]
        unit.queryset = (
            RiskUnit.objects.filter(
                enterprise=self.enterprise,
                retired_at__isnull=True,
                risk_object__retired_at__isnull=True,
            )
            .select_related("risk_object")
            .order_by("risk_object__sort_order", "risk_object__name", "sort_order", "name")
        )
        unit.label_from_instance = lambda u: f"{u.risk_object.name} · {u.name}"
        self.fields["kind"].choices = DeactivationKind.choices  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("start", timezone.localtime().replace(second=0, microsecond=0))


class DeactivationEndForm(forms.Form):
    end = forms.DateTimeField(label=_("结束时间"), widget=DATETIME_WIDGET)

    def __init__(self, *args: Any, deactivation: Deactivation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deactivation = deactivation
        if not self.is_bound:
            self.initial["end"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean_end(self) -> dt.datetime:
        end: dt.datetime = self.cleaned_data["end"]
        if end <= self.deactivation.start:
            raise forms.ValidationError(_("结束时间必须晚于开始时间。"))
        return end


# --- Special inspections ---------------------------------------------------------------------


class SpecialInspectionForm(EnterpriseForm):
    class Meta:
        model = SpecialInspection
        fields = [
            "name",
            "inspection_type",
            "start_date",
            "end_date",
            "leader",
            "members",
            "description",
        ]
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "members": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "inspection_type": _("发现的隐患以此作为隐患来源。"),
            "members": _("负责人和参加人员都能在手机“我的排查”中看到并完成本次排查的条目。"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspection_type"].choices = DangerSrc.choices[1:8]  # type: ignore[attr-defined]
        for name in ("leader", "members"):
            field: Any = self.fields[name]
            field.queryset = members_of(self.enterprise)
            field.label_from_instance = _person_label
        if not self.is_bound and not self.instance.pk:
            today = timezone.localdate()
            self.initial.setdefault("start_date", today)
            self.initial.setdefault("end_date", today + dt.timedelta(days=6))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期。"))
        return data


class MeasurePickFilter(forms.Form):
    """GET filter of the measure picker."""

    risk_object = forms.ModelChoiceField(
        label=_("风险点"), queryset=RiskObject.objects.none(), required=False, empty_label=_("全部")
    )
    q = forms.CharField(label=_("搜索"), required=False)

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["risk_object"]
        field.queryset = risk_objects_of(enterprise)

    @property
    def data_or_empty(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


class MeasurePickForm(forms.Form):
    measures = forms.ModelMultipleChoiceField(
        label=_("管控措施"),
        queryset=ControlMeasure.objects.none(),
        error_messages={"required": _("请至少选择一项管控措施。")},
    )

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["measures"]
        field.queryset = ControlMeasure.objects.filter(
            enterprise=enterprise,
            retired_at__isnull=True,
            event__retired_at__isnull=True,
        ).select_related("event__unit")


class CriteriaPickForm(forms.Form):
    """Items from a library checklist: criteria of one 重大事故隐患判定标准 dataset."""

    dataset = forms.ModelChoiceField(
        label=_("判定标准"), queryset=Dataset.objects.none(), empty_label=None
    )
    criteria = forms.ModelMultipleChoiceField(
        label=_("检查条目"),
        queryset=MajorHazardCriterion.objects.none(),
        error_messages={"required": _("请至少选择一个条目。")},
    )
    risk_object = forms.ModelChoiceField(
        label=_("关联风险点（可选）"),
        queryset=RiskObject.objects.none(),
        required=False,
        empty_label=_("不关联"),
    )

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        datasets = criteria_datasets()
        dataset: Any = self.fields["dataset"]
        dataset.queryset = datasets
        dataset.label_from_instance = lambda d: f"{d.title}（{d.standard_code}）"
        criteria: Any = self.fields["criteria"]
        criteria.queryset = MajorHazardCriterion.objects.filter(dataset__in=datasets)
        risk_object: Any = self.fields["risk_object"]
        risk_object.queryset = risk_objects_of(enterprise)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        dataset, criteria = data.get("dataset"), data.get("criteria")
        if dataset is not None and criteria and any(c.dataset_id != dataset.pk for c in criteria):
            self.add_error("criteria", _("所选条目不属于该判定标准。"))
        return data


def criteria_datasets() -> QuerySet[Dataset]:
    """The library checklists on offer: every 重大事故隐患判定标准 that has items."""
    return (
        Dataset.objects.filter(kind=DatasetKind.MAJOR_HAZARD_CRITERIA, criteria__isnull=False)
        .distinct()
        .order_by("-is_current", "sort_order", "code")
    )


class TextItemForm(forms.Form):
    content = forms.CharField(
        label=_("检查内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    risk_object = forms.ModelChoiceField(
        label=_("关联风险点（可选）"),
        queryset=RiskObject.objects.none(),
        required=False,
        empty_label=_("不关联"),
    )

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["risk_object"]
        field.queryset = risk_objects_of(enterprise)

    def clean_content(self) -> str:
        content = self.cleaned_data["content"].strip()
        if not content:
            raise forms.ValidationError(_("请填写检查内容。"))
        return str(content)


# --- Daily commitment ------------------------------------------------------------------------

STANDARD_COMMITMENT = _(
    "今天我公司已进行安全风险研判，各项安全风险防控措施已落实到位，我承诺所有生产装置处于安全"
    "运行状态，罐区、仓库等重大危险源安全风险得到有效管控。"
)


class CommitmentForm(forms.ModelForm):
    """Today's 安全风险研判与承诺 (the view passes today's row to correct it)."""

    UNIT_FIELDS = ("units_running", "units_stopped", "units_maintenance")
    OTHER_FIELDS = ("contractors_on_site", "trial_production", "start_stop", "major_hazards_ok")

    class Meta:
        model = SafetyCommitment
        fields = [
            "units_running",
            "units_stopped",
            "units_maintenance",
            "hot_work",
            "confined_space",
            "blind_plate",
            "work_at_height",
            "lifting",
            "temporary_power",
            "excavation",
            "road_closure",
            "contractors_on_site",
            "trial_production",
            "start_stop",
            "major_hazards_ok",
            "leader_name",
            "commitment",
        ]
        widgets = {"commitment": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "contractors_on_site": _("承包商作业人数"),
            "trial_production": _("今日有装置处于试生产"),
            "start_stop": _("今日有装置开车或停车"),
            "major_hazards_ok": _("重大危险源处于安全状态"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField):
                field.min_value = 0
                field.widget.attrs.update({"min": 0, "inputmode": "numeric"})
                field.required = True
        self.fields["commitment"].required = True
        self.fields["leader_name"].required = True

    @property
    def unit_fields(self) -> list[Any]:
        return [self[name] for name in self.UNIT_FIELDS]

    @property
    def work_fields(self) -> list[Any]:
        from dualprev.inspections.choices import SpecialWorkType

        return [self[name] for name in SpecialWorkType.values]

    @property
    def other_fields(self) -> list[Any]:
        return [self[name] for name in self.OTHER_FIELDS]

    def clean_commitment(self) -> str:
        text = str(self.cleaned_data["commitment"]).strip()
        if not text:
            raise forms.ValidationError(_("请填写承诺内容。"))
        return text

    def clean_leader_name(self) -> str:
        name = str(self.cleaned_data["leader_name"]).strip()
        if not name:
            raise forms.ValidationError(_("请填写主要负责人姓名。"))
        return name
