"""Forms of the risk register, shared by the edit pages and the Excel import (architecture §5:
every import validates each row with the same form used for editing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dualprev.accounts.models import User
from dualprev.orgs.models import Enterprise, OrgUnit, Post
from dualprev.reference.choices import ControlLevel, RiskLevel
from dualprev.reference.models import AccidentType, AssessmentMethod, BandingProfile, HazardFactor
from dualprev.reference.scoring import plain
from dualprev.risks.choices import TriggerKind
from dualprev.risks.models import (
    ControlMeasure,
    RiskEvent,
    RiskObject,
    RiskSettings,
    RiskUnit,
)


class EnterpriseBoundForm(forms.ModelForm):
    """A model form whose instance belongs to ``enterprise``; subclasses restrict their
    choice fields to that enterprise so a forged id from another tenant fails validation.

    ``parent_field`` names the FK to the parent row (set on the instance by the caller before
    validation); it and ``enterprise`` take part in the unique-constraint checks although they
    are not form fields, so a duplicate name is a form error rather than an IntegrityError."""

    parent_field = ""

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.instance.enterprise = enterprise

    def _get_validation_exclusions(self) -> set[str]:
        exclude = set(super()._get_validation_exclusions())  # type: ignore[misc]
        keep = {"enterprise", "retired_at"}
        if self.parent_field and getattr(self.instance, f"{self.parent_field}_id", None):
            keep.add(self.parent_field)
        return exclude - keep


class RiskObjectForm(EnterpriseBoundForm):
    class Meta:
        model = RiskObject
        fields = [
            "code",
            "name",
            "object_type",
            "responsible_unit",
            "responsible_person",
            "location",
            "hazard_code",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = OrgUnit.objects.filter(  # type: ignore[attr-defined]
            enterprise=self.enterprise
        )
        self.fields["responsible_person"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            membership__enterprise=self.enterprise, membership__is_active=True
        )


class RiskUnitForm(EnterpriseBoundForm):
    parent_field = "risk_object"

    class Meta:
        model = RiskUnit
        fields = ["name"]


class AccidentTypeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # Name the edition only for superseded editions (GB 6441-1986), listed after the current.
        return obj.name if obj.dataset.is_current else f"{obj.name}（{obj.dataset.label}）"


class RiskEventForm(EnterpriseBoundForm):
    parent_field = "unit"

    class Meta:
        model = RiskEvent
        fields = [
            "name",
            "hazard_description",
            "accident_types",
            "hazard_factors",
            "emergency_measures",
            "control_level_fixed",
            "control_level",
        ]
        field_classes = {"accident_types": AccidentTypeChoiceField}
        widgets = {
            "accident_types": forms.CheckboxSelectMultiple,
            "hazard_factors": forms.CheckboxSelectMultiple,
            "hazard_description": forms.Textarea(attrs={"rows": 3}),
            "emergency_measures": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accident_types"].queryset = AccidentType.objects.select_related(  # type: ignore[attr-defined]
            "dataset"
        ).order_by("-dataset__edition", "sort_order")
        self.fields["hazard_factors"].queryset = HazardFactor.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["control_level"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("control_level_fixed") and not data.get("control_level"):
            self.add_error("control_level", _("手工指定管控层级时请选择层级。"))
        return data


class ControlMeasureForm(EnterpriseBoundForm):
    parent_field = "event"

    class Meta:
        model = ControlMeasure
        fields = [
            "description",
            "category",
            "classify1",
            "classify2",
            "classify3",
            "data_src",
            "check_content",
            "responsible_post",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "check_content": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_post"].queryset = Post.objects.filter(  # type: ignore[attr-defined]
            enterprise=self.enterprise, is_active=True
        ).select_related("org_unit")
        self.fields["responsible_post"].label_from_instance = (  # type: ignore[attr-defined]
            lambda post: f"{post.org_unit.name} · {post.name}"
        )
        self.fields["check_content"].help_text = _(
            "管控方式为隐患排查时必填；隐患排查任务按此内容检查。"
        )


class AssessmentForm(forms.Form):
    """Method + one field per factor of the method, with the value tables as choices."""

    kind = forms.ChoiceField(
        label=_("评价类型"),
        choices=[("residual", _("现实风险")), ("inherent", _("固有风险"))],
        initial="residual",
    )
    method = forms.ChoiceField(label=_("评价方法"), choices=[])
    note = forms.CharField(label=_("说明"), required=False, max_length=255)

    def __init__(self, *args: Any, method: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        methods = list(AssessmentMethod.objects.prefetch_related("factors__values"))
        self.fields["method"].choices = [(m.code, f"{m.code} {m.name}") for m in methods]  # type: ignore[attr-defined]
        self.fields["method"].initial = method
        self.method_obj = next((m for m in methods if m.code == method), None)
        if self.method_obj is None:
            return
        for factor in self.method_obj.factors.all():
            # plain(): Decimal("10.00").normalize() would print as "1E+1".
            self.fields[f"f_{factor.code}"] = forms.ChoiceField(
                label=f"{factor.code} · {factor.name}",
                choices=[("", "—")]
                + [(plain(v.value), f"{plain(v.value)} — {v.label}") for v in factor.values.all()],
                help_text=factor.note,
            )

    @property
    def factor_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith("f_")]

    def inputs(self) -> dict[str, str]:
        return {
            name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("f_")
        }


class RiskSettingsForm(forms.Form):
    """Default method, the banding profile of each method and the control level of each risk
    level; ``changes()`` is what ``actions.change_risk_settings`` takes."""

    default_method = forms.ChoiceField(label=_("默认评价方法"), choices=[])
    lec_profile = forms.ChoiceField(label=_("LEC 分级方案"), choices=[])
    ls_profile = forms.ChoiceField(label=_("LS 分级方案"), choices=[])
    mes_profile = forms.ChoiceField(label=_("MES 分级方案"), choices=[])

    def __init__(self, *args: Any, instance: RiskSettings, **kwargs: Any) -> None:
        initial = {
            "default_method": instance.default_method,
            "lec_profile": instance.lec_profile,
            "ls_profile": instance.ls_profile,
            "mes_profile": instance.mes_profile,
        }
        for level in RiskLevel:
            initial[f"control_{level.value}"] = instance.control_level_for(level.value)
        kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields["default_method"].choices = [  # type: ignore[attr-defined]
            (m.code, f"{m.code} {m.name}") for m in AssessmentMethod.objects.all()
        ]
        profiles = list(BandingProfile.objects.select_related("method"))
        for method in ("LEC", "LS", "MES"):
            self.fields[f"{method.lower()}_profile"].choices = [  # type: ignore[attr-defined]
                (p.code, f"{p.code} · {p.name}") for p in profiles if p.method.code == method
            ]
        for level in RiskLevel:
            self.fields[f"control_{level.value}"] = forms.ChoiceField(
                label=_("%(level)s风险的管控层级") % {"level": level.label},
                choices=ControlLevel.choices,
            )

    @property
    def method_fields(self) -> list[Any]:
        return [self[n] for n in ("default_method", "lec_profile", "ls_profile", "mes_profile")]

    @property
    def control_fields(self) -> list[Any]:
        return [self[f"control_{level.value}"] for level in RiskLevel]

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "default_method": data["default_method"],
            "lec_profile": data["lec_profile"],
            "ls_profile": data["ls_profile"],
            "mes_profile": data["mes_profile"],
            "control_levels": {
                str(level.value): data[f"control_{level.value}"] for level in RiskLevel
            },
        }


class TriggerForm(forms.Form):
    """A change that requires re-identification, with the risk objects it affects."""

    kind = forms.ChoiceField(label=_("变更类型"), choices=TriggerKind.choices)
    description = forms.CharField(label=_("变更说明"), widget=forms.Textarea(attrs={"rows": 3}))
    occurred_on = forms.DateField(
        label=_("发生日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    risk_objects = forms.ModelMultipleChoiceField(
        label=_("受影响的风险点"),
        queryset=RiskObject.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["risk_objects"].queryset = RiskObject.objects.filter(  # type: ignore[attr-defined]
            enterprise=enterprise, retired_at__isnull=True
        )
