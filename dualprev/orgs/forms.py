"""Forms of the orgs app. Every choice queryset is limited to the user's enterprise, so a forged
id of another enterprise's row fails validation as "not one of the choices"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import RegexValidator
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from dualprev.orgs.choices import OrgLevel
from dualprev.orgs.models import Enterprise, OrgUnit, Post, Shift
from dualprev.orgs.tree import build_tree, flatten


def add_action_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show an action's ValidationError on the form: on the named field when the form has it,
    otherwise at the top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        field = name if name in form.fields else None
        if name == NON_FIELD_ERRORS:
            field = None
        form.add_error(field, errors)


class _TreeOrderIterator(ModelChoiceIterator):
    """Units in tree order (each under its parent), labelled with indentation by depth."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for node in flatten(build_tree(self.queryset)):
            node.unit.tree_depth = node.depth  # type: ignore[attr-defined]
            yield self.choice(node.unit)


class UnitChoiceField(forms.ModelChoiceField):
    """Choose an org unit from a tree-ordered, indented list."""

    iterator = _TreeOrderIterator

    def label_from_instance(self, obj: Any) -> str:
        depth = getattr(obj, "tree_depth", 0)
        return f"{'　' * depth}{obj.name}"


def units_of(enterprise: Enterprise) -> Any:
    return OrgUnit.objects.filter(enterprise=enterprise)


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """A form's model choice field, typed (``form.fields`` is typed as plain ``Field``)."""
    return cast(forms.ModelChoiceField, form.fields[name])


class OrgUnitForm(forms.ModelForm):
    parent = UnitChoiceField(queryset=OrgUnit.objects.none(), required=False, label=_("上级"))

    class Meta:
        model = OrgUnit
        fields = ["name", "parent", "level", "sort_order"]

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.enterprise = enterprise
        parents = units_of(enterprise)
        if self.instance.pk:
            # A unit cannot move under itself or its own descendants.
            roots = build_tree(parents)
            below = {n.unit.pk for n in flatten(roots) if self._is_below(n, self.instance.pk)}
            parents = parents.exclude(pk__in=below | {self.instance.pk})
        model_choice(self, "parent").queryset = parents
        model_choice(self, "parent").empty_label = _("（无上级：顶层单元）")
        cast(forms.ChoiceField, self.fields["level"]).choices = enterprise.org_level_labels()
        self.fields["name"].widget.attrs.setdefault("autofocus", True)

    @staticmethod
    def _is_below(node: Any, unit_pk: int) -> bool:
        return any(ancestor.pk == unit_pk for ancestor in node.ancestors)


class PostForm(forms.ModelForm):
    org_unit = UnitChoiceField(queryset=OrgUnit.objects.none(), label=_("所属组织单元"))

    class Meta:
        model = Post
        fields = ["name", "org_unit", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.enterprise = enterprise
        model_choice(self, "org_unit").queryset = units_of(enterprise)
        self.fields["name"].widget.attrs.setdefault("autofocus", True)


phone_validator = RegexValidator(
    r"^[0-9][0-9\- ]{1,30}$", _("请输入电话号码，例如 0371-12345678、119 或手机号码。")
)


class EnterpriseSettingsForm(forms.ModelForm):
    """The org level set (a subset of OrgLevel, kept in its top-down order) and the emergency
    phone. Whether the existing units still fit is checked by ``Enterprise.clean``."""

    org_levels = forms.MultipleChoiceField(
        label=_("组织层级"),
        choices=OrgLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选本企业使用的层级，自上而下排列；仍有组织单元使用的层级不能取消。"),
    )
    emergency_phone = forms.CharField(
        label=_("应急电话"), max_length=32, required=False, validators=[phone_validator]
    )

    class Meta:
        model = Enterprise
        fields = ["org_levels", "emergency_phone"]

    def clean_org_levels(self) -> list[str]:
        chosen = set(self.cleaned_data["org_levels"])
        return [level for level in OrgLevel.values if level in chosen]


class ShiftForm(forms.ModelForm):
    org_unit = UnitChoiceField(
        queryset=OrgUnit.objects.none(),
        required=False,
        label=_("适用组织单元"),
        help_text=_("留空为全企业默认班次；选择单元则该单元及其下级改用本单元的班次。"),
    )

    class Meta:
        model = Shift
        fields = ["name", "start", "end", "org_unit"]
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {"end": _("结束时间早于开始时间表示跨夜（次日结束）。")}

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.enterprise = enterprise
        model_choice(self, "org_unit").queryset = units_of(enterprise)
        model_choice(self, "org_unit").empty_label = _("全企业默认")
