"""Small template filters shared by every app."""

from __future__ import annotations

import datetime as dt
import math

from django import template

register = template.Library()


@register.filter
def minutes(value: dt.timedelta | None) -> int | str:
    """A duration in whole minutes, rounded up (15 for 0:15:00)."""
    if not isinstance(value, dt.timedelta):
        return ""
    return max(1, math.ceil(value.total_seconds() / 60))
