from django.contrib import admin

from dualprev.risks.models import (
    Assessment,
    ControlMeasure,
    ReassessmentTodo,
    ReassessmentTrigger,
    RiskEvent,
    RiskObject,
    RiskSettings,
    RiskUnit,
)


@admin.register(RiskObject)
class RiskObjectAdmin(admin.ModelAdmin):
    list_display = ["name", "enterprise", "object_type", "level", "retired_at"]
    list_filter = ["object_type", "level"]
    search_fields = ["name", "enterprise__name"]
    raw_id_fields = ["enterprise", "responsible_unit", "responsible_person"]


@admin.register(RiskUnit)
class RiskUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "risk_object", "level"]
    search_fields = ["name"]
    raw_id_fields = ["enterprise", "risk_object"]


@admin.register(RiskEvent)
class RiskEventAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "inherent_level", "residual_level", "control_level"]
    list_filter = ["residual_level", "control_level"]
    search_fields = ["name"]
    raw_id_fields = ["enterprise", "unit", "owner_unit", "residual_assessment"]


@admin.register(ControlMeasure)
class ControlMeasureAdmin(admin.ModelAdmin):
    list_display = ["__str__", "event", "category", "data_src", "responsible_post"]
    list_filter = ["category", "data_src"]
    raw_id_fields = ["enterprise", "event", "responsible_post"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """History is read-only even for operators."""

    list_display = ["event", "kind", "method", "profile", "score", "level_code", "assessed_at"]
    list_filter = ["method", "kind", "reason"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(RiskSettings)
admin.site.register(ReassessmentTrigger)
admin.site.register(ReassessmentTodo)
