"""Office pages of the hazards app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dualprev.core.access import route
from dualprev.hazards.access import access_hazard
from dualprev.hazards.models import Hazard


@route("member", subject=Hazard)
def hazard_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    hazard = access_hazard(request.user, public_id)
    return render(request, "hazards/detail.html", {"hazard": hazard})
