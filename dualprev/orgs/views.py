from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.orgs.models import Enterprise


@route("enterprise")
def enterprise_home(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    enterprise = Enterprise.objects.visible_to(request.user).get(pk=actor.enterprise_id)
    return render(request, "orgs/enterprise_home.html", {"enterprise": enterprise})
