"""Routes of the industry starter libraries (namespace "risks", mounted at /risks/)."""

from django.urls import URLPattern, path

from dualprev.risks import views_library

urlpatterns: list[URLPattern] = [
    path("libraries/", views_library.libraries, name="libraries"),
    path("libraries/<slug:code>/", views_library.library_detail, name="library_detail"),
    path("libraries/<slug:code>/copy/", views_library.library_copy, name="library_copy"),
]
