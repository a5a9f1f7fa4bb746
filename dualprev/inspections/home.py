"""The inspection card on the enterprise home page (collected by ``orgs`` through
``core.extensions.project_modules("home")``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from dualprev.core.tenancy import actor_for
from dualprev.inspections.actions import commitment_status
from dualprev.inspections.summary import my_today
from dualprev.orgs.models import Enterprise


def enterprise_cards(request: HttpRequest, enterprise: Enterprise) -> list[dict[str, Any]]:
    actor = actor_for(request.user)
    cards: list[dict[str, Any]] = []
    if actor.can("check"):
        cards.append(
            {
                "template": "inspections/home_card.html",
                "today": my_today(request.user),
                "commitment": commitment_status(enterprise) if actor.can("commit") else None,
            }
        )
    return cards
