"""Routes of the register's Excel import and export."""

from django.urls import URLPattern, path

from dualprev.risks import views_io

urlpatterns: list[URLPattern] = [
    path("export/", views_io.export, name="export"),
    path("export/template/", views_io.template, name="template"),
    path("import/", views_io.import_start, name="import"),
    path("import/<uuid:upload_id>/", views_io.import_upload, name="import_upload"),
    path("import/<uuid:upload_id>/commit/", views_io.import_commit, name="import_commit"),
]
