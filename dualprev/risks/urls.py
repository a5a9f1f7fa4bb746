"""Routes of the risk register, mounted at /risks/ (namespace "risks").

The register pages, the Excel import/export and the industry libraries keep their routes in
their own modules; this module joins them under one namespace."""

from django.urls import URLPattern

from dualprev.risks import urls_io, urls_library, urls_post, urls_register

app_name = "risks"
urlpatterns: list[URLPattern] = [
    *urls_register.urlpatterns,
    *urls_io.urlpatterns,
    *urls_library.urlpatterns,
    *urls_post.urlpatterns,
]
