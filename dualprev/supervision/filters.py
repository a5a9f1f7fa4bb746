from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dualprev.core.tenancy import actor_for
from dualprev.orgs.choices import BenchmarkLevel, ConstructionStatus
from dualprev.orgs.models import Enterprise, Industry, Region


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或信用代码"), required=False)
    region = forms.ModelChoiceField(
        label=_("街道/乡镇"), queryset=Region.objects.none(), required=False, empty_label=_("全部")
    )
    industry = forms.ModelChoiceField(
        label=_("行业"), queryset=Industry.objects.all(), required=False, empty_label=_("全部")
    )
    status = forms.ChoiceField(
        label=_("建设状态"),
        choices=[("", _("全部")), *ConstructionStatus.choices],
        required=False,
    )
    benchmark = forms.ChoiceField(
        label=_("标杆"), choices=[("", _("全部")), *BenchmarkLevel.choices], required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = actor_for(user)
        self.fields["region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            path__startswith=actor.region_path, level="street"
        )

    def apply(self, queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
        if not self.is_bound or not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.filter(
                Q(name__icontains=data["q"]) | Q(credit_code__icontains=data["q"])
            )
        if data.get("region"):
            queryset = queryset.filter(region__path__startswith=data["region"].path)
        if data.get("industry"):
            queryset = queryset.filter(industry=data["industry"])
        if data.get("status"):
            queryset = queryset.filter(construction_status=data["status"])
        if data.get("benchmark"):
            queryset = queryset.filter(benchmark_level=data["benchmark"])
        return queryset
