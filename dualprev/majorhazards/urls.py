"""Routes of the 重大危险源 pages, mounted at /major-hazards/ (namespace "majorhazards")."""

from django.urls import URLPattern, path

from dualprev.majorhazards import views

app_name = "majorhazards"
urlpatterns: list[URLPattern] = [
    path("", views.source_list, name="source_list"),
    path("new/", views.source_create, name="source_create"),
    path("reference/", views.reference_tables, name="reference"),
    path("<uuid:public_id>/", views.source_detail, name="source_detail"),
    path("<uuid:public_id>/edit/", views.source_edit, name="source_edit"),
    path("<uuid:public_id>/recompute/", views.source_recompute, name="source_recompute"),
    path("<uuid:public_id>/chemicals/new/", views.chemical_add, name="chemical_add"),
    path("chemicals/<uuid:public_id>/edit/", views.chemical_edit, name="chemical_edit"),
    path("chemicals/<uuid:public_id>/remove/", views.chemical_remove, name="chemical_remove"),
]
