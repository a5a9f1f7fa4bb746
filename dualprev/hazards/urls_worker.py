"""Worker routes of the hazards app (phone pages, see urls.py and views_worker.py)."""

from django.urls import path

from dualprev.hazards import views_worker

urlpatterns = [
    path("report/", views_worker.report, name="report"),
    path("mine/", views_worker.mine, name="mine"),
    path("drafts/<uuid:public_id>/", views_worker.draft, name="draft"),
    path("<uuid:public_id>/reported/", views_worker.reported, name="reported"),
    # Not ``public_id``: the route matrix takes its example (a hazard the worker must fix)
    # from route_examples.py.
    path("<uuid:hazard_id>/fix/", views_worker.fix, name="fix"),
]
