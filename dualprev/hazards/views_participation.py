"""全员参与 pages: the enterprise's points leaderboard (people and departments) and a
worker's own points on the phone; and the risk event's "record as re-identification trigger"
button of the hazards → risks feedback (``feedback``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualprev.accounts.roles import MANAGE_RISKS
from dualprev.core.access import route
from dualprev.hazards import participation
from dualprev.hazards.feedback import record_repeat_trigger
from dualprev.orgs.access import access_org_unit, own_enterprise
from dualprev.risks.access import access_risk_event
from dualprev.risks.models import RiskEvent


@route("enterprise")
def leaderboard(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user)
    unit_id = request.GET.get("unit") or ""
    unit = access_org_unit(request.user, unit_id) if unit_id else None
    period = participation.period_for(request.GET.get("period"))
    board = participation.leaderboard(enterprise.pk, period, unit)
    page = Paginator(board.people, participation.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "board": board,
        "page_obj": page,
        "unit": unit,
        "periods": participation.PERIODS,
        "querystring_without_page": (query.urlencode() + "&") if query else "",
    }
    return render(request, "hazards/participation/leaderboard.html", context)


@route("enterprise")
def my_points(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user)
    period = participation.period_for(request.GET.get("period"))
    mine = participation.my_figures(request.user, enterprise.pk, period)
    context = {
        "mine": mine,
        "periods": participation.PERIODS,
        "recent": participation.recent_confirmed(request.user, enterprise.pk, mine.rules),
    }
    return render(request, "hazards/participation/my_points.html", context)


@route("enterprise", action=MANAGE_RISKS, subject=RiskEvent)
@require_POST
def event_reassessment(request: HttpRequest, public_id: str) -> HttpResponse:
    event = access_risk_event(request.user, public_id, MANAGE_RISKS)
    if record_repeat_trigger(risk_event=event, acting_user=request.user) is None:
        messages.info(
            request, _("该风险事件当前未达到重复隐患提示条件，或其风险点已有待重新评价事项。")
        )
    else:
        messages.success(request, _("已记为重新辨识触发事项，请重新评价该风险点。"))
    return redirect(reverse("risks:event_detail", args=[event.public_id]) + "#hazard-history")
