"""Hazards feed back into risks: a risk event whose controls keep failing is flagged for
reassessment, and its page shows its hazard history.

The rule (``HazardSettings.repeat_threshold`` / ``repeat_window_days``, default 2 in 90 days):
an event is flagged when at least ``threshold`` of its hazards that were not cancelled were
found in the last ``window`` days **and after the event's latest residual assessment** — a
reassessment made after the hazards has taken them into account, so it clears the flag (the
same way a new assessment closes a re-identification to-do); further hazards raise it again.

The flag is computed on read (always current, nothing to keep in step). A hazard manager of
risks may also record it as a re-identification trigger (``record_repeat_trigger``), which
opens the risks app's to-do for the event's risk point.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Field,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from dualprev.hazards.choices import HazardStatus
from dualprev.hazards.models import Hazard, HazardSettings
from dualprev.hazards.queries import visible_hazards


@dataclass(frozen=True)
class RepeatFlag:
    """``count`` hazards in the last ``window_days`` days (threshold ``threshold``)."""

    count: int
    window_days: int
    threshold: int

    @property
    def text(self) -> str:
        return _("近 %(days)d 天发生 %(n)d 条隐患，建议重新评价") % {
            "days": self.window_days,
            "n": self.count,
        }


def _setting(enterprise_id: int, name: str) -> Coalesce:
    """The enterprise's hazard setting ``name`` (or its default) as a scalar subquery, so that
    the flag is computed in the same query as the counts."""
    field = HazardSettings._meta.get_field(name)
    assert isinstance(field, Field)
    default = field.default
    row = HazardSettings.objects.filter(enterprise_id=enterprise_id).values(name)[:1]
    return Coalesce(Subquery(row), Value(default), output_field=IntegerField())


def _repeat_hazards(enterprise_id: int, now: dt.datetime) -> QuerySet[Hazard]:
    """The enterprise's hazards that count towards a repeat flag at ``now``: linked to an
    event, not cancelled, found within the window and after the event's latest residual
    assessment."""
    days = ExpressionWrapper(
        _setting(enterprise_id, "repeat_window_days") * Value(dt.timedelta(days=1)),
        output_field=DurationField(),
    )
    since = ExpressionWrapper(
        Value(now, output_field=DateTimeField()) - days, output_field=DateTimeField()
    )
    return (
        Hazard.objects.filter(
            enterprise_id=enterprise_id, risk_event__isnull=False, found_at__lte=now
        )
        .alias(since=since)
        .filter(found_at__gte=F("since"))
        .exclude(status=HazardStatus.CANCELLED)
        .filter(
            Q(risk_event__residual_assessment__isnull=True)
            | Q(found_at__gt=F("risk_event__residual_assessment__assessed_at"))
        )
    )


def repeat_flagged_events(
    enterprise_id: int,
    now: dt.datetime | None = None,
    event_ids: Iterable[int] | None = None,
) -> dict[int, RepeatFlag]:
    """The enterprise's flagged events (all, or among ``event_ids``): event id → flag. One
    query (a GROUP BY with the settings read inside it), whatever the number of events."""
    now = now or timezone.now()
    hazards = _repeat_hazards(enterprise_id, now)
    if event_ids is not None:
        hazards = hazards.filter(risk_event_id__in=list(event_ids))
    rows = (
        hazards.order_by()
        .values("risk_event_id")
        .annotate(
            n=Count("pk"),
            window=_setting(enterprise_id, "repeat_window_days"),
            threshold=_setting(enterprise_id, "repeat_threshold"),
        )
        .values_list("risk_event_id", "n", "window", "threshold")
    )
    return {
        event_id: RepeatFlag(n, window, threshold)
        for event_id, n, window, threshold in rows
        if n >= threshold
    }


def repeat_flag(risk_event: Any, now: dt.datetime | None = None) -> RepeatFlag | None:
    return repeat_flagged_events(risk_event.enterprise_id, now, [risk_event.pk]).get(risk_event.pk)


def hazard_history(risk_event: Any, user: Any | None = None) -> QuerySet[Hazard]:
    """Every hazard linked to the event, newest first, scoped to what ``user`` may see
    (``queries.visible_hazards``: within an enterprise, a member who neither manages nor
    accepts hazards sees only their own, as in the register)."""
    hazards = visible_hazards(user) if user is not None else Hazard.objects.all()
    return hazards.filter(risk_event=risk_event).order_by("-found_at", "-pk")


def event_context(user: Any, risk_event: Any) -> dict[str, Any]:
    """What the risk event page shows: its hazard history and its repeat flag."""
    return {
        "hazard_history": list(hazard_history(risk_event, user)),
        "repeat_flag": repeat_flag(risk_event),
    }


def mark_flagged(enterprise_id: int | None, page: Iterable[Any]) -> None:
    """Set ``repeat_flag`` (a ``RepeatFlag`` or None) on each of a page of events."""
    events = list(page)
    flags = (
        repeat_flagged_events(enterprise_id, event_ids=[e.pk for e in events])
        if enterprise_id is not None and events
        else {}
    )
    for event in events:
        event.repeat_flag = flags.get(event.pk)


def record_repeat_trigger(
    *, risk_event: Any, acting_user: Any, now: dt.datetime | None = None
) -> Any | None:
    """Record the event's repeat flag as a re-identification trigger (kind 其他), opening a
    to-do for its risk point. Returns the trigger, or None when the event is not flagged or
    its risk point already has an open to-do (nothing is written then)."""
    from dualprev.accounts.roles import MANAGE_RISKS
    from dualprev.core.tenancy import actor_for
    from dualprev.risks.actions import record_trigger
    from dualprev.risks.choices import TodoStatus, TriggerKind
    from dualprev.risks.models import ReassessmentTodo

    actor = actor_for(acting_user)
    if actor.enterprise_id != risk_event.enterprise_id or not actor.can(MANAGE_RISKS):
        raise PermissionDenied
    now = now or timezone.now()
    flag = repeat_flag(risk_event, now)
    risk_object = risk_event.unit.risk_object
    if flag is None:
        return None
    if ReassessmentTodo.objects.filter(risk_object=risk_object, status=TodoStatus.OPEN).exists():
        return None
    numbers = "、".join(
        _repeat_hazards(risk_event.enterprise_id, now)
        .filter(risk_event=risk_event)
        .order_by("found_at")
        .values_list("number", flat=True)
    )
    description = _(
        "风险事件“%(event)s”近 %(days)d 天发生 %(n)d 条隐患（%(numbers)s），建议重新评价。"
    ) % {"event": risk_event.name, "days": flag.window_days, "n": flag.count, "numbers": numbers}
    with transaction.atomic():
        return record_trigger(
            enterprise=risk_event.enterprise,
            acting_user=acting_user,
            kind=TriggerKind.OTHER,
            description=description,
            occurred_on=timezone.localdate(now),
            risk_objects=[risk_object],
        )
