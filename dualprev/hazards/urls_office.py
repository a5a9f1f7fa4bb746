"""Office routes of the hazards app: the register (台账), one hazard's page and its workflow
forms."""

from django.urls import path

from dualprev.hazards import views_office

urlpatterns = [
    path("<uuid:public_id>/", views_office.hazard_detail, name="detail"),
]
