"""Admin for users and their memberships."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from dualprev.accounts.models import AgencyMembership, Membership, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "name", "mobile", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "name", "mobile", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("name", "mobile", "email")}),
        (
            _("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "name", "mobile", "password1", "password2"),
            },
        ),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "enterprise", "role", "org_unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__name", "user__mobile", "enterprise__name"]
    autocomplete_fields = ["user", "enterprise", "org_unit", "posts"]
    list_select_related = ["user", "enterprise", "org_unit"]


@admin.register(AgencyMembership)
class AgencyMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "region", "is_active"]
    list_filter = ["role", "is_active", "agency__tier"]
    search_fields = ["user__username", "user__name", "agency__name"]
    autocomplete_fields = ["user", "agency", "region", "industries"]
    list_select_related = ["user", "agency", "region"]
