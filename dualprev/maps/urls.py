"""Routes of the four-colour site map, mounted at /maps/ (namespace "maps")."""

from django.urls import path

from dualprev.maps import views

app_name = "maps"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/new/", views.plan_upload, name="plan_upload"),
    path("plans/<uuid:public_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<uuid:public_id>/image/", views.plan_image, name="plan_image"),
    path("plans/<uuid:public_id>/map.pdf", views.plan_pdf, name="plan_pdf"),
    path("plans/<uuid:public_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<uuid:public_id>/delete/", views.plan_delete, name="plan_delete"),
    path("zones/<uuid:public_id>/delete/", views.zone_delete, name="zone_delete"),
    path("activities/", views.activities, name="activities"),
]
