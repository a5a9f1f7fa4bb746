from django.contrib import admin

from dualprev.inspections.models import (
    CheckOccurrence,
    CheckRecord,
    CheckTask,
    Deactivation,
    SafetyCommitment,
    SpecialInspection,
)


@admin.register(CheckTask)
class CheckTaskAdmin(admin.ModelAdmin):
    list_display = ["content", "enterprise", "cycle", "cycle_unit", "work_type", "is_active"]
    list_filter = ["cycle_unit", "work_type", "is_active"]
    raw_id_fields = ["measure", "post", "assignee", "enterprise"]


@admin.register(CheckOccurrence)
class CheckOccurrenceAdmin(admin.ModelAdmin):
    list_display = ["window_start", "window_end", "status", "enterprise"]
    list_filter = ["status"]
    raw_id_fields = ["task", "special_item", "measure", "risk_object", "post", "assignee"]
    raw_id_fields += ["record", "enterprise"]


@admin.register(CheckRecord)
class CheckRecordAdmin(admin.ModelAdmin):
    list_display = ["check_time", "status", "entry_mode", "checked_by", "enterprise"]
    list_filter = ["status", "entry_mode"]
    raw_id_fields = ["occurrence", "checked_by", "entered_by", "enterprise"]


admin.site.register(Deactivation)
admin.site.register(SpecialInspection)
admin.site.register(SafetyCommitment)
