"""Routes of the register pages (the 风险分级管控清单 and the hierarchy pages)."""

from django.urls import URLPattern, path

from dualprev.risks import views

urlpatterns: list[URLPattern] = [
    path("", views.register, name="register"),
    path("objects/", views.object_list, name="object_list"),
    path("objects/new/", views.object_create, name="object_create"),
    path("objects/<uuid:public_id>/", views.object_detail, name="object_detail"),
    path("objects/<uuid:public_id>/edit/", views.object_edit, name="object_edit"),
    path("objects/<uuid:public_id>/retire/", views.object_retire, name="object_retire"),
    path("objects/<uuid:public_id>/units/new/", views.unit_create, name="unit_create"),
    path("units/<uuid:public_id>/", views.unit_detail, name="unit_detail"),
    path("units/<uuid:public_id>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<uuid:public_id>/retire/", views.unit_retire, name="unit_retire"),
    path("units/<uuid:public_id>/events/new/", views.event_create, name="event_create"),
    path("events/<uuid:public_id>/", views.event_detail, name="event_detail"),
    path("events/<uuid:public_id>/edit/", views.event_edit, name="event_edit"),
    path("events/<uuid:public_id>/retire/", views.event_retire, name="event_retire"),
    path("events/<uuid:public_id>/assess/", views.event_assess, name="event_assess"),
    path("events/<uuid:public_id>/measures/new/", views.measure_create, name="measure_create"),
    path("measures/<uuid:public_id>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<uuid:public_id>/retire/", views.measure_retire, name="measure_retire"),
    path("settings/", views.risk_settings, name="settings"),
    path("reassessment/", views.reassessment, name="reassessment"),
    path("reassessment/new/", views.trigger_create, name="trigger_create"),
]
