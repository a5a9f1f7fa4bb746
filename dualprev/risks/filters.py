"""Filters of the 风险分级管控清单 (register page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dualprev.orgs.models import OrgUnit, Post
from dualprev.reference.choices import RiskLevel
from dualprev.reference.models import AccidentType
from dualprev.risks.choices import RiskObjectType
from dualprev.risks.models import ControlMeasure, RiskEvent
from dualprev.risks.queries import owner_chain

UNASSESSED = "none"


def _accident_type_label(obj: AccidentType) -> str:
    return obj.name if obj.dataset.is_current else f"{obj.name}（{obj.dataset.label}）"


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    level = forms.ChoiceField(
        label=_("现实风险等级"),
        choices=[
            ("", _("全部")),
            *[(str(v), lbl) for v, lbl in RiskLevel.choices],
            (UNASSESSED, _("未评价")),
        ],
        required=False,
    )
    object_type = forms.ChoiceField(
        label=_("风险点类型"), choices=[("", _("全部")), *RiskObjectType.choices], required=False
    )
    department = forms.ModelChoiceField(
        label=_("责任部门"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("全部")
    )
    owner = forms.ModelChoiceField(
        label=_("管控责任单元"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("全部"),
        help_text=_(
            "该单元负责管控的风险：在本单元或其上级单元管控的风险（上级管控的风险下级同样负责）。"
        ),
    )
    post = forms.ModelChoiceField(
        label=_("责任岗位"), queryset=Post.objects.none(), required=False, empty_label=_("全部")
    )
    accident_type = forms.ModelChoiceField(
        label=_("事故类型"),
        queryset=AccidentType.objects.none(),
        required=False,
        empty_label=_("全部"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = OrgUnit.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = OrgUnit.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["post"].queryset = Post.objects.visible_to(user).filter(is_active=True)  # type: ignore[attr-defined]
        # Every edition, the current one first (events may still carry GB 6441-1986 types).
        self.fields["accident_type"].queryset = AccidentType.objects.select_related(  # type: ignore[attr-defined]
            "dataset"
        ).order_by("-dataset__is_current", "-dataset__edition", "sort_order")
        self.fields["accident_type"].label_from_instance = _accident_type_label  # type: ignore[attr-defined]

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())

    def apply(self, events: QuerySet[RiskEvent]) -> QuerySet[RiskEvent]:
        if not self.is_bound or not self.is_valid():
            return events
        data = self.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            events = events.filter(
                Q(name__icontains=q)
                | Q(hazard_description__icontains=q)
                | Q(unit__name__icontains=q)
                | Q(unit__risk_object__name__icontains=q)
                | Q(unit__risk_object__code__icontains=q)
            )
        if data.get("level") == UNASSESSED:
            events = events.filter(residual_level__isnull=True)
        elif data.get("level"):
            events = events.filter(residual_level=int(data["level"]))
        if data.get("object_type"):
            events = events.filter(unit__risk_object__object_type=data["object_type"])
        if data.get("department"):
            events = events.filter(unit__risk_object__responsible_unit=data["department"])
        if data.get("owner"):
            events = events.filter(owner_unit_id__in=owner_chain(data["owner"]))
        if data.get("post"):
            # Exists, not a join: an event with two measures for the post is still one row.
            events = events.filter(
                Exists(
                    ControlMeasure.objects.filter(
                        event=OuterRef("pk"),
                        responsible_post=data["post"],
                        retired_at__isnull=True,
                    )
                )
            )
        if data.get("accident_type"):
            events = events.filter(accident_types=data["accident_type"])
        return events
