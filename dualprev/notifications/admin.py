from django.contrib import admin

from dualprev.notifications.models import Delivery, Notification, NotificationChannel


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "recipient", "enterprise", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title",)
    raw_id_fields = ("recipient", "enterprise")


@admin.register(NotificationChannel)
class NotificationChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "enterprise", "enabled")
    list_filter = ("kind", "enabled")
    # The robot address and the secret are credentials: not shown in the admin either.
    exclude = ("webhook_url", "secret")
    readonly_fields = ("enterprise", "created_by")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("title", "medium", "target", "status", "attempts", "created_at")
    list_filter = ("status", "medium")
    search_fields = ("target", "title")
    readonly_fields = [f.name for f in Delivery._meta.fields]
