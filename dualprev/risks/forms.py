"""Forms of the risk register, shared by the edit pages and the Excel import (architecture §5:
every import validates each row with the same form used for editing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dualprev.accounts.models import User
from dualprev.orgs.models import Enterprise, OrgUnit, Post
from dualprev.reference.models import AccidentType, AssessmentMethod, HazardFactor
from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject, RiskUnit


class EnterpriseBoundForm(forms.ModelForm):
    """A model form whose instance belongs to ``enterprise``; subclasses restrict their
    choice fields to that enterprise so a forged id from another tenant fails validation."""

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.instance.enterprise = enterprise


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = OrgUnit.objects.filter(  # type: ignore[attr-defined]
            enterprise=self.enterprise
        )
        self.fields["responsible_person"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            membership__enterprise=self.enterprise, membership__is_active=True
        )


class RiskUnitForm(EnterpriseBoundForm):
    class Meta:
        model = RiskUnit
        fields = ["name"]


class RiskEventForm(EnterpriseBoundForm):
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_post"].queryset = Post.objects.filter(  # type: ignore[attr-defined]
            enterprise=self.enterprise, is_active=True
        ).select_related("org_unit")


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
        self.fields["method"].choices = [(m.code, m.name) for m in methods]  # type: ignore[attr-defined]
        self.fields["method"].initial = method
        self.method_obj = next((m for m in methods if m.code == method), None)
        if self.method_obj is None:
            return
        for factor in self.method_obj.factors.all():
            self.fields[f"f_{factor.code}"] = forms.ChoiceField(
                label=f"{factor.code} · {factor.name}",
                choices=[("", "—")]
                + [
                    (str(v.value.normalize()), f"{v.value.normalize()} — {v.label}")
                    for v in factor.values.all()
                ],
            )

    def inputs(self) -> dict[str, str]:
        return {
            name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("f_")
        }
