"""Search and filters of the people list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dualprev.accounts.choices import EnterpriseRole
from dualprev.orgs.forms import UnitChoiceField, model_choice
from dualprev.orgs.models import Enterprise, OrgUnit
from dualprev.orgs.tree import build_tree, subtree_ids

STATUS_CHOICES = [("active", _("在职")), ("inactive", _("已停用")), ("all", _("全部状态"))]


class PeopleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("姓名、用户名或手机号"), "type": "search"}),
    )
    role = forms.ChoiceField(
        label=_("角色"), required=False, choices=[("", _("全部角色")), *EnterpriseRole.choices]
    )
    org_unit = UnitChoiceField(
        label=_("组织单元（含下级）"), required=False, queryset=OrgUnit.objects.none()
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        model_choice(self, "org_unit").queryset = OrgUnit.objects.filter(enterprise=enterprise)
        model_choice(self, "org_unit").empty_label = _("全部组织单元")

    def apply(self, people: QuerySet) -> QuerySet:
        """Narrow a Membership queryset (already scoped by ``visible_to``)."""
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or "active"
        if status != "all":
            people = people.filter(is_active=status == "active")
        if q := (data.get("q") or "").strip():
            people = people.filter(
                Q(user__name__icontains=q)
                | Q(user__username__icontains=q)
                | Q(user__mobile__icontains=q)
            )
        if role := data.get("role"):
            people = people.filter(role=role)
        if unit := data.get("org_unit"):
            units = OrgUnit.objects.filter(enterprise=self.enterprise)
            people = people.filter(org_unit_id__in=subtree_ids(build_tree(units), unit.pk))
        return people
