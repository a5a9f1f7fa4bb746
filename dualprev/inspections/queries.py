"""Read-side helpers of the inspection module: whose checks are whose, walks, loads.

Every function takes an already-scoped queryset (``CheckOccurrence.objects.visible_to(...)``)
or works on one enterprise's rows; none widens what the caller may see.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q

from dualprev.inspections.models import CheckOccurrence


def person_q(user: Any) -> Q:
    """Occurrences that are ``user``'s to do: assigned to them, to a post they hold, to a
    special inspection they lead or take part in, or — assigned to nobody — on a risk point
    they are responsible for. (The same rule as ``actions.may_check``.)"""
    membership = getattr(user, "membership", None)
    post_ids = list(membership.posts.values_list("pk", flat=True)) if membership else []
    return (
        Q(assignee_id=user.pk)
        | Q(post_id__in=post_ids)
        | Q(special_item__inspection__leader_id=user.pk)
        | Q(special_item__inspection__members=user.pk)
        | Q(
            assignee__isnull=True,
            post__isnull=True,
            special_item__isnull=True,
            risk_object__responsible_person_id=user.pk,
        )
    )


def overlapping(
    qs: models.QuerySet[CheckOccurrence], start: dt.datetime, end: dt.datetime
) -> models.QuerySet[CheckOccurrence]:
    """Occurrences whose window intersects [start, end)."""
    return qs.filter(window_start__lt=end, window_end__gt=start)


@dataclass
class Walk:
    """Occurrences for one person at one risk point in one window: done in one walk.

    The task-load governor: however many measures a point has, a person walks it once per
    window, so load counts walks, not items."""

    risk_object: Any
    window_start: dt.datetime
    window_end: dt.datetime
    items: list[CheckOccurrence] = field(default_factory=list)

    @property
    def open_items(self) -> list[CheckOccurrence]:
        return [item for item in self.items if item.status == "open"]

    @property
    def is_done(self) -> bool:
        return not self.open_items


def walks(occurrences: list[CheckOccurrence]) -> list[Walk]:
    """Group occurrences (ordered by window) into walks: same risk point, same window."""
    grouped: OrderedDict[tuple[Any, dt.datetime, dt.datetime], Walk] = OrderedDict()
    for occurrence in sorted(
        occurrences, key=lambda o: (o.window_start, o.window_end, o.risk_object_id or 0, o.pk)
    ):
        key = (occurrence.risk_object_id, occurrence.window_start, occurrence.window_end)
        walk = grouped.get(key)
        if walk is None:
            walk = grouped[key] = Walk(
                occurrence.risk_object, occurrence.window_start, occurrence.window_end
            )
        walk.items.append(occurrence)
    return list(grouped.values())
