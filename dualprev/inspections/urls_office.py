"""Routes of the office pages (mounted at /inspections/, namespace "inspections"; joined with
the report routes in urls.py): the hub, check tasks, settings, 停用/检修, special inspections
and the daily commitment."""

from django.urls import URLPattern, path

from dualprev.inspections import views_commitment, views_office, views_special, views_tasks

urlpatterns: list[URLPattern] = [
    path("", views_office.index, name="index"),
    path("settings/", views_office.settings_page, name="settings"),
    # Check tasks
    path("tasks/", views_tasks.task_list, name="task_list"),
    path("tasks/<uuid:public_id>/edit/", views_tasks.task_edit, name="task_edit"),
    path("tasks/<uuid:public_id>/activate/", views_tasks.task_activate, name="task_activate"),
    path("tasks/<uuid:public_id>/deactivate/", views_tasks.task_deactivate, name="task_deactivate"),
    path("measures/<uuid:public_id>/tasks/new/", views_tasks.task_create, name="task_create"),
    # 停用/检修
    path("deactivations/", views_office.deactivation_list, name="deactivation_list"),
    path("deactivations/new/", views_office.deactivation_create, name="deactivation_create"),
    path(
        "deactivations/<uuid:public_id>/end/",
        views_office.deactivation_end,
        name="deactivation_end",
    ),
    # Special inspections
    path("special/", views_special.special_list, name="special_list"),
    path("special/new/", views_special.special_create, name="special_create"),
    path("special/<uuid:public_id>/", views_special.special_detail, name="special_detail"),
    path("special/<uuid:public_id>/edit/", views_special.special_edit, name="special_edit"),
    path(
        "special/<uuid:public_id>/items/measures/",
        views_special.special_add_measures,
        name="special_add_measures",
    ),
    path(
        "special/<uuid:public_id>/items/library/",
        views_special.special_add_library,
        name="special_add_library",
    ),
    path(
        "special/<uuid:public_id>/items/text/",
        views_special.special_add_text,
        name="special_add_text",
    ),
    # Daily commitment
    path("commitments/", views_commitment.commitment_list, name="commitment_list"),
    path("commitments/today/", views_commitment.commitment_today, name="commitment_today"),
    path(
        "commitments/<uuid:public_id>/",
        views_commitment.commitment_detail,
        name="commitment_detail",
    ),
]
