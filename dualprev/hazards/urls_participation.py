"""participation routes of the hazards app (see urls.py): the 全员参与 leaderboard, my
points, and recording a risk event's repeated hazards as a re-identification trigger."""

from django.urls import path

from dualprev.hazards import views_participation

urlpatterns = [
    path("leaderboard/", views_participation.leaderboard, name="leaderboard"),
    path("my-points/", views_participation.my_points, name="my_points"),
    path(
        "risk-events/<uuid:public_id>/reassessment/",
        views_participation.event_reassessment,
        name="event_reassessment",
    ),
]
