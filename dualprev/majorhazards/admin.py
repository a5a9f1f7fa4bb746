"""Operators edit the GB 18218 reference tables here (and tick 已核实 after checking a value
against the standard); tenant rows are listed read-only for support."""

from django.contrib import admin
from django.http import HttpRequest

from dualprev.majorhazards.models import (
    AlphaBand,
    HazardCategory,
    HazardSourceChemical,
    MajorHazardSource,
    NamedChemical,
    ToxicGas,
)


@admin.register(NamedChemical)
class NamedChemicalAdmin(admin.ModelAdmin):
    list_display = ["name", "cas", "threshold", "toxic_gas", "category", "is_verified"]
    list_filter = ["is_verified"]
    search_fields = ["name", "alias", "cas"]


@admin.register(HazardCategory)
class HazardCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "hazard_class", "description", "threshold", "beta", "is_verified"]
    list_filter = ["is_verified", "hazard_class"]


@admin.register(ToxicGas)
class ToxicGasAdmin(admin.ModelAdmin):
    list_display = ["name", "cas", "beta", "is_verified"]
    list_filter = ["is_verified"]


@admin.register(AlphaBand)
class AlphaBandAdmin(admin.ModelAdmin):
    list_display = ["min_people", "max_people", "alpha", "is_verified"]


class ChemicalInline(admin.TabularInline):
    model = HazardSourceChemical
    extra = 0
    fields = ("chemical", "name", "category", "quantity", "threshold", "beta", "ratio")
    readonly_fields = fields


@admin.register(MajorHazardSource)
class MajorHazardSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "enterprise", "unit_kind", "s_value", "r_value", "level"]
    list_filter = ["level", "unit_kind"]
    search_fields = ["name", "hazard_code", "enterprise__name"]
    readonly_fields = ["alpha", "s_value", "r_value", "is_major", "level", "computation"]
    raw_id_fields = ["enterprise", "main_person", "technical_person", "operational_person"]
    filter_horizontal = ["risk_objects"]
    inlines = [ChemicalInline]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # changes go through the pages, which recompute
