"""participation routes of the hazards app (see urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
