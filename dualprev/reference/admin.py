"""Operator screens for the reference data.

The JSON files in reference/data are the source of truth: ``reference.seed.load_all`` (run by the
migration and by the demo) overwrites edits made here, so a lasting fix goes into the data file.
"""

from __future__ import annotations

from django.contrib import admin

from dualprev.reference.models import (
    AccidentType,
    AccidentTypeMapping,
    AssessmentFactor,
    AssessmentMethod,
    Band,
    BandingProfile,
    CriterionGroup,
    Dataset,
    FactorValue,
    HazardFactor,
    InspectionFrequency,
    InspectionType,
    MajorHazardCriterion,
)


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "standard_code",
        "edition",
        "title",
        "kind",
        "verification",
        "is_current",
        "is_complete",
    )
    list_filter = ("kind", "verification", "is_current", "is_complete")
    search_fields = ("code", "standard_code", "title")
    readonly_fields = ("code",)


@admin.register(AccidentType)
class AccidentTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "dataset", "code_basis", "is_verified")
    list_filter = ("dataset", "code_basis", "is_verified")
    search_fields = ("code", "name")


@admin.register(AccidentTypeMapping)
class AccidentTypeMappingAdmin(admin.ModelAdmin):
    list_display = ("source", "target", "basis", "dataset")
    list_filter = ("dataset", "basis")
    list_select_related = ("source", "target", "dataset")


@admin.register(HazardFactor)
class HazardFactorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "dataset", "is_verified")
    list_filter = ("dataset", "level", "is_verified")
    search_fields = ("code", "name")
    list_select_related = ("parent", "dataset")


class AssessmentFactorInline(admin.TabularInline):
    model = AssessmentFactor
    extra = 0


@admin.register(AssessmentMethod)
class AssessmentMethodAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "formula", "dataset")
    inlines = (AssessmentFactorInline,)


class FactorValueInline(admin.TabularInline):
    model = FactorValue
    extra = 0


@admin.register(AssessmentFactor)
class AssessmentFactorAdmin(admin.ModelAdmin):
    list_display = ("__str__", "name", "method")
    list_filter = ("method",)
    inlines = (FactorValueInline,)


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


@admin.register(BandingProfile)
class BandingProfileAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "method", "is_default", "is_verified")
    list_filter = ("method", "is_default", "is_verified")
    inlines = (BandInline,)


@admin.register(MajorHazardCriterion)
class MajorHazardCriterionAdmin(admin.ModelAdmin):
    list_display = ("number", "__str__", "group", "dataset", "is_verified")
    list_filter = ("dataset", "is_verified")
    search_fields = ("text", "summary_en")
    list_select_related = ("group", "dataset")


@admin.register(CriterionGroup)
class CriterionGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "dataset", "declared_count")
    list_filter = ("dataset",)


class InspectionFrequencyInline(admin.TabularInline):
    model = InspectionFrequency
    extra = 0


@admin.register(InspectionType)
class InspectionTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "dataset")
    inlines = (InspectionFrequencyInline,)
