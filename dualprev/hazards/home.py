"""The hazard card on the enterprise home page (collected by ``orgs`` through
``core.extensions.project_modules("home")``): the user's open items (to confirm, to rectify,
to accept) and the open, overdue and open 重大 hazards they may see — one query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from dualprev.accounts.roles import ACCEPT_HAZARDS, MANAGE_HAZARDS, REPORT_HAZARD
from dualprev.core.tenancy import actor_for
from dualprev.hazards.queries import home_figures
from dualprev.orgs.models import Enterprise


def enterprise_cards(request: HttpRequest, enterprise: Enterprise) -> list[dict[str, Any]]:
    actor = actor_for(request.user)
    if not actor.can(REPORT_HAZARD):
        return []
    return [
        {
            "template": "hazards/office/home_card.html",
            "figures": home_figures(request.user),
            "manage": actor.can(MANAGE_HAZARDS),
            "accept": actor.can(ACCEPT_HAZARDS),
        }
    ]
