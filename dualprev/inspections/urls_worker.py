"""The worker's phone pages (``/checks/``)."""

from django.urls import URLPattern, path

from dualprev.inspections import views_worker as views

app_name = "checks"
urlpatterns: list[URLPattern] = [
    path("", views.today, name="today"),
    path("point/<uuid:public_id>/", views.point, name="point"),
    path("item/<uuid:public_id>/", views.item, name="item"),
    # Not ``public_id``: the route matrix takes its example occurrence from route_examples.py
    # (one that both the worker and the safety officer may check).
    path("submit/<uuid:occurrence_id>/", views.submit, name="submit"),
    path("records/<uuid:public_id>/", views.record, name="record"),
    path("drafts/<uuid:public_id>/", views.draft, name="draft"),
    path("photos/<uuid:public_id>/", views.photo, name="photo"),
]
