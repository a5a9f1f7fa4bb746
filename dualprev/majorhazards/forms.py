"""Forms of the major-hazard-source pages. Choice fields are limited to the enterprise, so a
forged id of another tenant's user or risk object fails validation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dualprev.accounts.models import User
from dualprev.majorhazards.models import (
    HazardCategory,
    HazardSourceChemical,
    MajorHazardSource,
    NamedChemical,
)
from dualprev.orgs.models import Enterprise
from dualprev.risks.models import RiskObject


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        role = obj.membership.get_role_display() if hasattr(obj, "membership") else ""
        return f"{obj.display_name}（{role}）" if role else obj.display_name


class SourceForm(forms.ModelForm):
    """A source's own fields, its three 包保 persons and linked risk objects."""

    class Meta:
        model = MajorHazardSource
        fields = [
            "name",
            "hazard_code",
            "unit_kind",
            "location",
            "exposed_people",
            "main_person",
            "technical_person",
            "operational_person",
            "risk_objects",
            "description",
        ]
        field_classes = {
            "main_person": PersonChoiceField,
            "technical_person": PersonChoiceField,
            "operational_person": PersonChoiceField,
        }
        widgets = {
            "risk_objects": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.enterprise = enterprise
        members = User.objects.filter(
            membership__enterprise=enterprise, membership__is_active=True
        ).select_related("membership")
        for field in ("main_person", "technical_person", "operational_person"):
            self.fields[field].queryset = members  # type: ignore[attr-defined]
        self.fields["risk_objects"].queryset = RiskObject.objects.filter(  # type: ignore[attr-defined]
            enterprise=enterprise, retired_at__isnull=True
        )

    def _get_validation_exclusions(self) -> set[str]:
        # Let the (enterprise, name) unique constraint be a form error, not an IntegrityError.
        return set(super()._get_validation_exclusions()) - {"enterprise"}  # type: ignore[misc]


class ChemicalForm(forms.ModelForm):
    """One chemical row: a 表1 chemical, or a free name with its 表2 category."""

    class Meta:
        model = HazardSourceChemical
        fields = [
            "chemical",
            "name",
            "category",
            "quantity",
            "threshold_override",
            "threshold_note",
            "beta_override",
            "beta_note",
        ]

    def __init__(self, *args: Any, source: MajorHazardSource, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.source = source
        self.instance.enterprise_id = source.enterprise_id
        self.fields["chemical"].queryset = NamedChemical.objects.all()  # type: ignore[attr-defined]
        self.fields["chemical"].label_from_instance = (  # type: ignore[attr-defined]
            lambda obj: f"{obj.name}（Q={obj.threshold.normalize():f} t）"
        )
        self.fields["category"].queryset = HazardCategory.objects.all()  # type: ignore[attr-defined]
        self.fields["category"].label_from_instance = (  # type: ignore[attr-defined]
            lambda obj: f"{obj.code} {obj.hazard_class}：{obj.description}"
        )
        self.fields["chemical"].help_text = _(
            "表1列名的危险化学品；未列名的物质留空，填写名称和类别。"
        )
