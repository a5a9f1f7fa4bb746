from django.urls import path

from dualprev.accounts.urls import people_patterns
from dualprev.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.enterprise_home, name="enterprise_home"),
    path("org/", views.org_tree, name="org_tree"),
    path("org/units/new/", views.unit_create, name="unit_create"),
    path("org/units/<uuid:public_id>/edit/", views.unit_edit, name="unit_edit"),
    path("org/units/<uuid:public_id>/delete/", views.unit_delete, name="unit_delete"),
    path("org/posts/new/", views.post_create, name="post_create"),
    path("org/posts/<uuid:public_id>/edit/", views.post_edit, name="post_edit"),
    path("org/posts/<uuid:public_id>/deactivate/", views.post_deactivate, name="post_deactivate"),
    path("org/posts/<uuid:public_id>/activate/", views.post_activate, name="post_activate"),
    path("org/posts/<uuid:public_id>/delete/", views.post_delete, name="post_delete"),
    path("settings/", views.enterprise_settings, name="settings"),
    path("settings/shifts/new/", views.shift_create, name="shift_create"),
    path("settings/shifts/<uuid:public_id>/edit/", views.shift_edit, name="shift_edit"),
    path("settings/shifts/<uuid:public_id>/delete/", views.shift_delete, name="shift_delete"),
    # People are the accounts app's views, mounted here with the rest of the enterprise side.
    *people_patterns,
]
