"""Admin for the orgs app: regions, industries, enterprises and their structure, agencies."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.http import HttpRequest

from dualprev.orgs.models import Agency, Enterprise, Industry, OrgUnit, Post, Region, Shift


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "path"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        """``path`` is derived from the parent; moving a region re-roots its whole subtree."""
        old_path = obj.path
        obj.path = obj.compute_path()
        super().save_model(request, obj, form, change)
        if change and old_path and old_path != obj.path:
            Region.objects.filter(path__startswith=old_path).exclude(pk=obj.pk).update(
                path=Concat(Value(obj.path), Substr("path", len(old_path) + 1))
            )


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "group", "sort_order"]
    list_filter = ["group"]
    search_fields = ["name", "code"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "credit_code",
        "industry",
        "region",
        "benchmark_level",
        "construction_status",
    ]
    list_filter = [
        "industry__group",
        ("industry", admin.RelatedOnlyFieldListFilter),
        ("region", admin.RelatedOnlyFieldListFilter),
        "benchmark_level",
        "construction_status",
        "is_above_scale",
        "has_major_hazard_source",
    ]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["industry", "region"]
    list_select_related = ["industry", "region"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "enterprise", "level", "parent", "sort_order"]
    list_filter = ["level"]
    search_fields = ["name", "enterprise__name"]
    autocomplete_fields = ["enterprise", "parent"]
    list_select_related = ["enterprise", "parent"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["name", "org_unit", "enterprise", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "org_unit__name", "enterprise__name"]
    autocomplete_fields = ["enterprise", "org_unit"]
    list_select_related = ["enterprise", "org_unit"]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["name", "start", "end", "org_unit", "enterprise"]
    search_fields = ["name", "enterprise__name"]
    autocomplete_fields = ["enterprise", "org_unit"]
    list_select_related = ["enterprise", "org_unit"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "tier", "region"]
    list_filter = ["tier"]
    search_fields = ["name", "region__name"]
    autocomplete_fields = ["region"]
