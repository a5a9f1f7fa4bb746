"""Forms of the regulator's hazard pages: the overview filter (street, industry, one
enterprise), the report inbox filter and the acknowledgement."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dualprev.core.tenancy import actor_for
from dualprev.hazards.choices import RegulatorReportKind
from dualprev.hazards.models import Hazard, RegulatorReport
from dualprev.orgs.models import Enterprise, Industry, Region


class HazardOverviewFilter(forms.Form):
    """Narrow the jurisdiction's hazards to a street, an industry or one enterprise (by its
    public id, as the enterprise page links it). Invalid input filters nothing."""

    region = forms.ModelChoiceField(
        label=_("街道/乡镇"), queryset=Region.objects.none(), required=False, empty_label=_("全部")
    )
    industry = forms.ModelChoiceField(
        label=_("行业"), queryset=Industry.objects.all(), required=False, empty_label=_("全部")
    )
    enterprise = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        actor = actor_for(user)
        self.fields["region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            path__startswith=actor.region_path, level="street"
        )
        self.chosen_enterprise: Enterprise | None = None

    def apply(self, hazards: QuerySet[Hazard]) -> QuerySet[Hazard]:
        if not self.is_bound or not self.is_valid():
            return hazards
        data = self.cleaned_data
        if data.get("region"):
            hazards = hazards.filter(enterprise__region__path__startswith=data["region"].path)
        if data.get("industry"):
            hazards = hazards.filter(enterprise__industry=data["industry"])
        if data.get("enterprise"):
            self.chosen_enterprise = (
                Enterprise.objects.visible_to(self.user)
                .filter(public_id=data["enterprise"])
                .first()
            )
            hazards = (
                hazards.filter(enterprise=self.chosen_enterprise)
                if self.chosen_enterprise
                else hazards.none()
            )
        return hazards


PENDING, DONE = "pending", "done"


class ReportFilter(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部")), *RegulatorReportKind.choices], required=False
    )
    state = forms.ChoiceField(
        label=_("签收状态"),
        choices=[("", _("全部")), (PENDING, _("待签收")), (DONE, _("已签收"))],
        required=False,
    )

    def apply(self, reports: QuerySet[RegulatorReport]) -> QuerySet[RegulatorReport]:
        if not self.is_bound or not self.is_valid():
            return reports
        data = self.cleaned_data
        if data.get("kind"):
            reports = reports.filter(kind=data["kind"])
        if data.get("state") == PENDING:
            reports = reports.filter(acknowledged_at__isnull=True)
        elif data.get("state") == DONE:
            reports = reports.filter(acknowledged_at__isnull=False)
        return reports


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("监管部门意见（可选）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("意见不能超过 %(limit_value)d 个字。")},
    )
