"""Deadline follow-up of hazards under rectification (run by the scheduler, see ``tasks``).

Three passes over the hazards that have a deadline, each idempotent:

1. **remind** — a hazard RECTIFYING whose deadline is less than ``remind_before_hours`` away
   (and not yet passed) and that was not reminded yet: ``reminded_at`` is set, a REMIND event
   written and the liable person told (kind ``due_soon``). A reminder is never sent after the
   deadline: the overdue notice replaces it. ``remind_before_hours = 0`` turns reminders off.
2. **overdue** — a hazard past its deadline and not accepted (domain.md Spec C: ``state != 9
   and now > deadline``, i.e. RECTIFYING or PENDING_ACCEPT) that is not yet marked:
   ``overdue_at`` is set, an OVERDUE event written, and the liable person and the
   enterprise's hazard managers told (kind ``overdue``). A hazard waiting for acceptance past
   its deadline is overdue too: the delay is then the acceptors', who are among the managers.
3. **escalate** — for each full ``escalation_period_days`` overdue the hazard goes one org
   level up from its responsible unit (team → workshop → department → company; without a
   responsible unit, from the liable person's unit): level ``k = floor((now - deadline) /
   period)``. While ``escalation_level < k`` and there is a level above, one ESCALATE event per
   level sets ``escalation_level`` and ``escalated_to`` (the record: one level per period) and
   tells people who can act on it (kind ``escalated``). Only people who can open the hazard are
   told: within an enterprise that is whoever holds ``MANAGE_HAZARDS`` or ``ACCEPT_HAZARDS``
   (``queries.visible_hazards``; a team leader sees only their own hazards). So the recipients
   are the heads with such a role (a department head) of the first unit on the path up from
   ``escalated_to`` that has any — at the root the company leaders — and, if no unit up to the
   root has one, the enterprise's hazard managers. A team's leader is therefore never told: an
   escalation to a team goes to the head of the department above it. A job that was down for
   several periods catches up with one event per level; at the root escalation stops.

Every write goes through ``workflow.write_event`` (a guarded update on status and version).
If someone acts on a hazard at the same moment, the job's write fails with
``TransitionError``: the hazard is skipped and the next run looks at it again. The null /
level conditions plus the guarded update mean a double or concurrent run never sends a step's
notification twice.

Candidates are selected in SQL (index ``hazard_status_deadline``). The per-enterprise
settings are joined as an annotation (``HazardSettings`` row, else the field's default) and
the time bounds are applied per distinct settings value, so only due hazards are read.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dualprev.accounts.choices import EnterpriseRole
from dualprev.accounts.roles import ACCEPT_HAZARDS, ENTERPRISE_ACTIONS, MANAGE_HAZARDS
from dualprev.hazards.actions import managers_of
from dualprev.hazards.choices import EventAction, HazardStatus
from dualprev.hazards.models import Hazard, HazardSettings
from dualprev.hazards.workflow import TransitionError, write_event
from dualprev.notifications.actions import notify
from dualprev.orgs.choices import OrgLevel
from dualprev.orgs.models import OrgUnit

logger = logging.getLogger(__name__)

S = HazardStatus
OVERDUE_STATUSES = (S.RECTIFYING, S.PENDING_ACCEPT)

# Roles that see every hazard of their enterprise (``queries.sees_all_hazards``): only they
# are told of an escalation, since anyone else's link to the hazard would answer 404.
HAZARD_VIEWER_ROLES = frozenset(
    role
    for role, actions in ENTERPRISE_ACTIONS.items()
    if MANAGE_HAZARDS in actions or ACCEPT_HAZARDS in actions
)
# Heads told when a hazard escalates to a unit below the root, and to the root (company):
# the unit heads' roles that see every hazard (a department head; never a team leader).
UNIT_HEAD_ROLES = tuple(
    role
    for role in (EnterpriseRole.DEPT_HEAD, EnterpriseRole.TEAM_LEADER)
    if role in HAZARD_VIEWER_ROLES
)
COMPANY_HEAD_ROLES = tuple(
    role
    for role in (
        EnterpriseRole.MAIN_LEADER,
        EnterpriseRole.DEPUTY_LEADER,
        EnterpriseRole.SAFETY_DIRECTOR,
    )
    if role in HAZARD_VIEWER_ROLES
)
# An org tree is at most as deep as the level vocabulary (a child lies below its parent).
MAX_LEVELS = len(OrgLevel.choices) - 1

Report = Callable[[str], None]


def follow_deadlines(
    now: dt.datetime | None = None, *, report: Report | None = None
) -> dict[str, int]:
    """Run the three passes at ``now`` (default: the current time). Returns how many hazards
    were reminded and marked overdue, how many escalation events were written, and how many
    hazards were skipped because someone changed them at the same moment. ``report`` gets
    one line per step done (the management command prints them)."""
    now = now or timezone.now()
    say = report or (lambda line: None)
    counts = {"reminded": 0, "overdue": 0, "escalated": 0, "skipped": 0}
    people = _People()
    for hazard in remind_candidates(now):
        _step(counts, "reminded", say, _remind, hazard, now)
    for hazard in overdue_candidates(now):
        _step(counts, "overdue", say, _mark_overdue, hazard, now, people)
    due = list(escalation_candidates(now))
    units = _org_units({hazard.enterprise_id for hazard in due})
    for hazard in due:
        _step(counts, "escalated", say, _escalate, hazard, now, units, people)
    return counts


class _People:
    """Recipients looked up once per run: an enterprise's hazard managers, a unit's heads."""

    def __init__(self) -> None:
        self._managers: dict[int, list[Any]] = {}
        self._heads: dict[int, list[Any]] = {}

    def managers(self, enterprise_id: int) -> list[Any]:
        if enterprise_id not in self._managers:
            self._managers[enterprise_id] = managers_of(enterprise_id)
        return self._managers[enterprise_id]

    def heads(self, unit: OrgUnit) -> list[Any]:
        if unit.pk not in self._heads:
            self._heads[unit.pk] = heads_of(unit)
        return self._heads[unit.pk]


def _step(
    counts: dict[str, int], key: str, say: Report, run: Callable[..., list[str]], *args: Any
) -> None:
    """Run one hazard's step; a concurrent change skips the hazard (the next run retries)."""
    try:
        lines = run(*args)
    except TransitionError:
        logger.info("Deadline follow-up skipped %s: changed concurrently", args[0].number)
        counts["skipped"] += 1
        return
    counts[key] += len(lines)
    for line in lines:
        say(line)


# --------------------------------------------------------------------------------------------
# Candidates


def _default(field: str) -> int:
    """A settings field's default (what an enterprise without a settings row uses)."""
    return int(getattr(HazardSettings(), field))


def _with_setting(qs: QuerySet[Hazard], field: str, alias: str) -> QuerySet[Hazard]:
    """Annotate each hazard with its enterprise's ``field`` setting (default if unset)."""
    default = _default(field)
    setting = HazardSettings.objects.filter(enterprise_id=OuterRef("enterprise_id")).values(field)[
        :1
    ]
    return qs.annotate(
        **{alias: Coalesce(Subquery(setting), Value(default), output_field=IntegerField())}
    )


def _setting_values(field: str) -> set[int]:
    """The distinct values of a settings field in use (with the default)."""
    default = _default(field)
    used = HazardSettings.objects.order_by().values_list(field, flat=True).distinct()
    return {default, *used}


def _any(conditions: Iterable[Q]) -> Q:
    combined = Q(pk__in=[])
    for condition in conditions:
        combined |= condition
    return combined


def remind_candidates(now: dt.datetime) -> QuerySet[Hazard]:
    """RECTIFYING hazards not yet reminded whose deadline lies in ``(now, now + hours]``."""
    qs = _with_setting(
        Hazard.objects.filter(status=S.RECTIFYING, deadline__gt=now, reminded_at__isnull=True),
        "remind_before_hours",
        "remind_hours",
    )
    window = _any(
        Q(remind_hours=hours, deadline__lte=now + dt.timedelta(hours=hours))
        for hours in _setting_values("remind_before_hours")
        if hours > 0
    )
    return qs.filter(window).select_related("liable_person").order_by("deadline", "pk")


def overdue_candidates(now: dt.datetime) -> QuerySet[Hazard]:
    """Not-accepted hazards past their deadline that are not marked overdue yet."""
    return (
        Hazard.objects.filter(
            status__in=OVERDUE_STATUSES, deadline__lt=now, overdue_at__isnull=True
        )
        .select_related("liable_person")
        .order_by("deadline", "pk")
    )


def escalation_candidates(now: dt.datetime) -> QuerySet[Hazard]:
    """Overdue hazards due for at least one more escalation level: at level ``L`` (and period
    ``P``) a hazard is due when ``deadline <= now - (L + 1) * P``. Hazards already at the
    root, or whose responsible unit is the root, are left out."""
    qs = _with_setting(
        Hazard.objects.filter(status__in=OVERDUE_STATUSES, deadline__lt=now),
        "escalation_period_days",
        "period_days",
    )
    due = []
    for days in _setting_values("escalation_period_days"):
        levels = [
            (Q(escalation_level=level) if level < MAX_LEVELS else Q(escalation_level__gte=level))
            & Q(deadline__lte=now - dt.timedelta(days=days * (level + 1)))
            for level in range(MAX_LEVELS + 1)
        ]
        # One settings comparison per distinct period (the subquery appears once each).
        due.append(Q(period_days=days) & _any(levels))
    at_root = Q(escalated_to__isnull=False, escalated_to__parent__isnull=True) | Q(
        escalated_to__isnull=True,
        responsible_unit__isnull=False,
        responsible_unit__parent__isnull=True,
    )
    return (
        qs.filter(_any(due))
        .exclude(at_root)
        .select_related("liable_person__membership", "responsible_unit")
        .order_by("deadline", "pk")
    )


def _org_units(enterprise_ids: set[int]) -> dict[int, OrgUnit]:
    """The org units of these enterprises, by id (one query for all escalation chains)."""
    if not enterprise_ids:
        return {}
    return {
        unit.pk: unit
        for unit in OrgUnit.objects.filter(enterprise_id__in=sorted(enterprise_ids)).only(
            "id", "parent_id", "name", "level", "enterprise_id"
        )
    }


# --------------------------------------------------------------------------------------------
# Steps


def _url(hazard: Hazard) -> str:
    return reverse("hazards:detail", args=[hazard.public_id])


def _send(hazard: Hazard, people: Iterable[Any], kind: str, title: str, body: str) -> None:
    unique: dict[int, Any] = {}
    for person in people:
        if person is not None:
            unique.setdefault(person.pk, person)
    if not unique:
        return
    notify(
        enterprise_id=hazard.enterprise_id,
        recipients=list(unique.values()),
        kind=kind,
        title=title,
        body=body,
        url=_url(hazard),
    )


def _local(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def _remind(hazard: Hazard, now: dt.datetime) -> list[str]:
    assert hazard.deadline is not None
    with transaction.atomic():
        write_event(
            hazard=hazard,
            action=EventAction.REMIND,
            actor=None,
            changes={"reminded_at": now},
            note=_("整改期限：%(deadline)s") % {"deadline": _local(hazard.deadline)},
            now=now,
        )
        _send(
            hazard,
            [hazard.liable_person],
            "due_soon",
            _("隐患整改即将到期：%(number)s %(name)s")
            % {"number": hazard.number, "name": hazard.name},
            _("整改期限：%(deadline)s，请按期完成整改并提交验收。")
            % {"deadline": _local(hazard.deadline)},
        )
    return [f"{hazard.number}: reminded (deadline {_local(hazard.deadline)})"]


def _mark_overdue(hazard: Hazard, now: dt.datetime, people: _People) -> list[str]:
    assert hazard.deadline is not None
    with transaction.atomic():
        write_event(
            hazard=hazard,
            action=EventAction.OVERDUE,
            actor=None,
            changes={"overdue_at": now},
            note=_("整改期限：%(deadline)s") % {"deadline": _local(hazard.deadline)},
            now=now,
        )
        _send(
            hazard,
            [hazard.liable_person, *people.managers(hazard.enterprise_id)],
            "overdue",
            _("隐患已逾期：%(number)s %(name)s") % {"number": hazard.number, "name": hazard.name},
            _("整改期限：%(deadline)s，当前状态：%(state)s。")
            % {"deadline": _local(hazard.deadline), "state": S(hazard.status).label},
        )
    return [f"{hazard.number}: overdue (deadline {_local(hazard.deadline)})"]


def escalation_chain(hazard: Hazard, units: dict[int, OrgUnit]) -> list[OrgUnit]:
    """The units above the hazard's responsible unit (or the liable person's unit), nearest
    first, up to the root."""
    base_id = hazard.responsible_unit_id
    if base_id is None and hazard.liable_person is not None:
        membership = getattr(hazard.liable_person, "membership", None)
        base_id = membership.org_unit_id if membership is not None else None
    chain: list[OrgUnit] = []
    base = units.get(base_id) if base_id is not None else None
    parent_id = base.parent_id if base is not None else None
    while parent_id is not None and parent_id in units and len(chain) <= MAX_LEVELS:
        chain.append(units[parent_id])
        parent_id = units[parent_id].parent_id
    return chain


def due_level(hazard: Hazard, period_days: int, now: dt.datetime) -> int:
    """How many full escalation periods the hazard is overdue."""
    assert hazard.deadline is not None
    return int((now - hazard.deadline) // dt.timedelta(days=period_days))


def heads_of(unit: OrgUnit) -> list[Any]:
    """The heads of ``unit`` who can open any of its hazards: its department heads (never
    its team leaders, who see only their own hazards), or the company leaders at the root.
    Empty when it has none (``escalation_recipients`` then looks further up)."""
    from dualprev.accounts.models import Membership

    members = Membership.objects.filter(enterprise_id=unit.enterprise_id, is_active=True)
    if unit.parent_id is None:
        members = members.filter(role__in=COMPANY_HEAD_ROLES)
    else:
        members = members.filter(org_unit_id=unit.pk, role__in=UNIT_HEAD_ROLES)
    return [m.user for m in members.select_related("user").order_by("pk")]


def escalation_recipients(unit: OrgUnit, units: dict[int, OrgUnit], people: _People) -> list[Any]:
    """Who is told when a hazard escalates to ``unit``: the heads (``heads_of``) of the first
    unit from ``unit`` up to the root that has any; if none has, the enterprise's hazard
    managers (never a silent step). Everyone returned can open the hazard."""
    current: OrgUnit | None = unit
    for _level in range(MAX_LEVELS + 1):  # bounded: a damaged tree cannot loop for ever
        if current is None:
            break
        if heads := people.heads(current):
            return heads
        current = units.get(current.parent_id) if current.parent_id is not None else None
    return people.managers(unit.enterprise_id)


def _escalate(
    hazard: Hazard, now: dt.datetime, units: dict[int, OrgUnit], people: _People
) -> list[str]:
    """Write one ESCALATE event per level due (catching up after an outage), each in its own
    transaction; a concurrent change stops the catch-up (the next run continues)."""
    period = int(getattr(hazard, "period_days", 0)) or (_default("escalation_period_days"))
    chain = escalation_chain(hazard, units)
    target_level = min(due_level(hazard, period, now), len(chain))
    days = (now - hazard.deadline).days if hazard.deadline else 0
    lines: list[str] = []
    while hazard.escalation_level < target_level:
        level = hazard.escalation_level + 1
        unit = chain[level - 1]
        try:
            with transaction.atomic():
                write_event(
                    hazard=hazard,
                    action=EventAction.ESCALATE,
                    actor=None,
                    changes={"escalation_level": level, "escalated_to": unit},
                    note=_("逾期%(days)s天，升级至%(unit)s") % {"days": days, "unit": unit.name},
                    data={
                        "escalation_level": level,
                        "escalated_to_id": unit.pk,
                        "unit": unit.name,
                        "days_overdue": days,
                    },
                    now=now,
                )
                _send(
                    hazard,
                    escalation_recipients(unit, units, people),
                    "escalated",
                    _("逾期隐患升级至%(unit)s：%(number)s %(name)s")
                    % {"unit": unit.name, "number": hazard.number, "name": hazard.name},
                    _("已逾期 %(days)s 天（第 %(level)s 级升级），整改责任人：%(person)s。")
                    % {
                        "days": days,
                        "level": level,
                        "person": hazard.liable_person.display_name
                        if hazard.liable_person
                        else "—",
                    },
                )
        except TransitionError:
            if not lines:
                raise
            logger.info("Escalation of %s stopped by a concurrent change", hazard.number)
            break
        lines.append(f"{hazard.number}: escalated to level {level} ({unit.name})")
    return lines
