"""Office routes of the hazards app: the register (台账), one hazard's page, its workflow
endpoints (POST-only, one URL each), the access-checked photo view and the settings."""

from django.urls import URLPattern, path

from dualprev.hazards import views_office as views

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("settings/", views.settings_page, name="settings"),
    path("photos/<uuid:public_id>/", views.photo, name="photo"),
    path("<uuid:public_id>/", views.hazard_detail, name="detail"),
    path("<uuid:public_id>/grade/", views.grade, name="grade"),
    path("<uuid:public_id>/confirm/", views.confirm, name="confirm"),
    path("<uuid:public_id>/confirm-fixed/", views.confirm_fixed, name="confirm_fixed"),
    path("<uuid:public_id>/cancel/", views.cancel, name="cancel"),
    path("<uuid:public_id>/major-plan/", views.major_plan, name="major_plan"),
    path("<uuid:public_id>/approve-plan/", views.approve_plan, name="approve_plan"),
    path("<uuid:public_id>/report-regulator/", views.report_regulator, name="report_regulator"),
    path("<uuid:public_id>/evaluation/", views.evaluation, name="evaluation"),
    path("<uuid:public_id>/resumption/", views.resumption, name="resumption"),
    path("<uuid:public_id>/submit/", views.submit, name="submit"),
    path("<uuid:public_id>/accept/", views.accept, name="accept"),
    path("<uuid:public_id>/reject/", views.reject, name="reject"),
    path("<uuid:public_id>/add-photos/", views.add_photos, name="add_photos"),
]
