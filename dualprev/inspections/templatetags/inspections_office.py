"""Template helpers of the inspection office pages."""

from __future__ import annotations

from typing import Any

from django import template

from dualprev.core.tenancy import actor_for

register = template.Library()


@register.filter
def may(user: Any, action: str) -> bool:
    """``{% if request.user|may:"manage_inspections" %}``: whether the user's role grants
    ``action`` (the same table the views' ``route`` declarations use)."""
    return actor_for(user).can(action)
