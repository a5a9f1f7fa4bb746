from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dualprev.core.access import route
from dualprev.orgs.models import Enterprise


@route("regulator")
def home(request: HttpRequest) -> HttpResponse:
    enterprises = Enterprise.objects.visible_to(request.user)
    return render(request, "supervision/home.html", {"enterprise_count": enterprises.count()})
