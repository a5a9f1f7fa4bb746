"""Triage routes of the hazards app (see urls.py and views_triage.py): the queue of reports
made without an account, one report and its decisions, the history, and the enterprise's
report link with its poster."""

from django.urls import path

from dualprev.hazards import views_triage

urlpatterns = [
    path("triage/", views_triage.queue, name="triage"),
    path("triage/history/", views_triage.history, name="triage_history"),
    path("triage/dismiss-source/", views_triage.dismiss_source, name="triage_dismiss_source"),
    path("triage/link/", views_triage.link, name="triage_link"),
    path("triage/link/rotate/", views_triage.rotate_link, name="triage_rotate_link"),
    path("triage/link/poster.pdf", views_triage.poster, name="triage_poster"),
    path("triage/<uuid:public_id>/", views_triage.report, name="triage_report"),
    path("triage/<uuid:public_id>/accept/", views_triage.accept, name="triage_accept"),
    path("triage/<uuid:public_id>/dismiss/", views_triage.dismiss, name="triage_dismiss"),
    # Not ``public_id``: the route matrix takes a report that has a photo from
    # route_examples.py (the cast's report has none).
    path("triage/photo/<uuid:report_id>/", views_triage.photo, name="triage_photo"),
]
