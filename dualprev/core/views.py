from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from dualprev.core.access import route
from dualprev.core.tenancy import actor_for


@route("user")
def home(request: HttpRequest) -> HttpResponse:
    """Send each actor to their own home page."""
    actor = actor_for(request.user)
    if actor.is_enterprise:
        return redirect("orgs:enterprise_home")
    if actor.is_regulator:
        return redirect("supervision:home")
    return render(request, "core/no_membership.html")


@route("public")
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
