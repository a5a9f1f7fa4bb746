"""Read helpers of the hazard pages: who sees which hazard, the register (台账) with its
filters and counts, one hazard's timeline in readable form, and the home card's figures.

Visibility: every function starts from ``Hazard.objects.visible_to`` (the tenancy choke point)
and only narrows it. Members who manage or accept hazards see all of their enterprise's
hazards; other members see the hazards they reported, are liable for or rectified; regulators
see what their jurisdiction covers (``visible_to``) and are never narrowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, Count, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dualprev.accounts.roles import ACCEPT_HAZARDS, MAJOR_HAZARD_ACCEPTORS, MANAGE_HAZARDS
from dualprev.core.tenancy import Action, actor_for, parse_public_id
from dualprev.hazards.choices import OPEN_STATUSES, EventAction, HazardStatus
from dualprev.hazards.models import Hazard, HazardEvent, HazardPhoto, MajorHazardPlan
from dualprev.hazards.workflow import IN_STATE, TRANSITIONS
from dualprev.reference.choices import HazardLevel

PAGE_SIZE = 50
CLOSED_STATUSES = (HazardStatus.ACCEPTED, HazardStatus.CANCELLED)

# --- Who sees which hazard -------------------------------------------------------------------


def sees_all_hazards(user: Any) -> bool:
    """Whether the user sees every hazard ``visible_to`` allows (hazard managers, acceptors and
    regulators), rather than only their own."""
    actor = actor_for(user)
    return not actor.is_enterprise or actor.can(MANAGE_HAZARDS) or actor.can(ACCEPT_HAZARDS)


def own_hazards_q(user: Any) -> Q:
    """The hazards a member is part of: reported, liable for, or rectified."""
    return Q(reported_by_id=user.pk) | Q(liable_person_id=user.pk) | Q(rectified_by_id=user.pk)


def visible_hazards(user: Any, action: Action = "view") -> QuerySet[Hazard]:
    """``Hazard.objects.visible_to(user, action)``, narrowed to the member's own hazards for
    members who neither manage nor accept hazards (a worker sees what they reported, are
    liable for or rectified; nothing of their colleagues')."""
    rows = Hazard.objects.visible_to(user, action)
    if not sees_all_hazards(user):
        rows = rows.filter(own_hazards_q(user))
    return rows


def access_visible_hazard(user: Any, public_id: Any, action: Action = "view") -> Hazard:
    """One hazard the user may see (``visible_hazards``): 404 when missing or not theirs to
    see, 403 when visible but ``action`` is not granted. The variant of
    ``access.access_hazard`` the office pages use, so list and detail agree."""
    pid = parse_public_id(public_id)
    hazard = visible_hazards(user).filter(public_id=pid).first()
    if hazard is None:
        raise Http404
    if action != "view" and not actor_for(user).can(action):
        raise PermissionDenied
    return hazard


def access_visible_photo(user: Any, public_id: Any) -> HazardPhoto:
    """A photo of a hazard the user may see (same narrowing as ``visible_hazards``)."""
    pid = parse_public_id(public_id)
    photo = (
        HazardPhoto.objects.visible_to(user)
        .filter(public_id=pid, hazard__in=visible_hazards(user))
        .first()
    )
    if photo is None:
        raise Http404
    return photo


# --- What may happen now ---------------------------------------------------------------------


def state_refusal(hazard: Hazard, action: str) -> str:
    """Why the hazard's current state does not allow ``action`` ("" if it does): the same
    rule ``workflow.write_event`` enforces, checked before any form is read."""
    transition = TRANSITIONS.get(action)
    allowed = transition.sources if transition is not None else IN_STATE[action]
    if hazard.status in allowed:
        return ""
    return _("该隐患当前为“%(state)s”，不能执行“%(action)s”。") % {
        "state": HazardStatus(hazard.status).label,
        "action": EventAction(action).label,
    }


def is_overdue(hazard: Hazard, now: dt.datetime | None = None) -> bool:
    """Overdue (domain.md C): not accepted or cancelled, and past its deadline."""
    now = now or timezone.now()
    return (
        hazard.status not in CLOSED_STATUSES
        and hazard.deadline is not None
        and now > hazard.deadline
    )


# --- The register ----------------------------------------------------------------------------


def overdue_q(now: dt.datetime) -> Q:
    """Overdue (Spec C): under rectification or awaiting acceptance and past the deadline —
    the same rule as the deadline job and the regulator's pages. A deadline drafted on a hazard
    still awaiting confirmation does not run yet."""
    from dualprev.hazards.choices import HazardStatus

    return Q(deadline__lt=now, status__in=[HazardStatus.RECTIFYING, HazardStatus.PENDING_ACCEPT])


def subtree_ids(unit: Any) -> list[int]:
    """``unit`` and every org unit below it (one query over the enterprise's units)."""
    from dualprev.orgs.models import OrgUnit

    children: dict[int | None, list[int]] = {}
    for pk, parent_id in OrgUnit.objects.filter(enterprise_id=unit.enterprise_id).values_list(
        "pk", "parent_id"
    ):
        children.setdefault(parent_id, []).append(pk)
    found: list[int] = []
    stack = [unit.pk]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.append(pk)
            stack.extend(children.get(pk, []))
    return found


def filtered_hazards(
    user: Any, filters: dict[str, Any], *, now: dt.datetime | None = None, status: bool = True
) -> QuerySet[Hazard]:
    """The user's visible hazards with the register's filters applied (``filters`` is the
    cleaned filter form). ``status=False`` leaves the status filter out (for the counts that
    work as status tabs)."""
    now = now or timezone.now()
    rows = visible_hazards(user)
    wanted = filters.get("status") or ""
    if status and wanted == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status and wanted:
        rows = rows.filter(status=wanted)
    for name in ("level", "manage_type", "source", "danger_type"):
        if filters.get(name) not in (None, ""):
            rows = rows.filter(**{name: filters[name]})
    if filters.get("responsible_unit") is not None:
        rows = rows.filter(responsible_unit_id__in=subtree_ids(filters["responsible_unit"]))
    if filters.get("liable_person") is not None:
        rows = rows.filter(liable_person=filters["liable_person"])
    if filters.get("overdue"):
        rows = rows.filter(overdue_q(now))
    if filters.get("found_from"):
        rows = rows.filter(found_at__date__gte=filters["found_from"])
    if filters.get("found_to"):
        rows = rows.filter(found_at__date__lte=filters["found_to"])
    if q := (filters.get("q") or "").strip():
        rows = rows.filter(
            Q(number__icontains=q) | Q(name__icontains=q) | Q(description__icontains=q)
        )
    return rows


def register_rows(
    user: Any, filters: dict[str, Any], now: dt.datetime | None = None
) -> QuerySet[Hazard]:
    """The register's rows, newest found first, with what each row shows (one query), each
    marked ``is_overdue``."""
    now = now or timezone.now()
    return (
        filtered_hazards(user, filters, now=now)
        .select_related("responsible_unit", "liable_person")
        .annotate(
            is_overdue=Case(
                When(overdue_q(now), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-found_at", "-id")
    )


def paginate(rows: QuerySet[Any], number: Any, size: int = PAGE_SIZE) -> Page:
    return Paginator(rows, size).get_page(number)


def querystring_without(query: Any, *names: str) -> str:
    """The current query string without ``names``, ready to append ``name=value``."""
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return (query.urlencode() + "&") if query else ""


@dataclass
class RegisterCounts:
    by_status: dict[str, int] = field(default_factory=dict)
    open: int = 0
    overdue: int = 0
    major_open: int = 0
    total: int = 0


def register_counts(
    user: Any, filters: dict[str, Any], now: dt.datetime | None = None
) -> RegisterCounts:
    """Counts per status (and open, overdue, open 重大) over the filtered hazards, leaving
    the status filter out so that the status chips read as tabs. One query."""
    now = now or timezone.now()
    rows = filtered_hazards(user, filters, now=now, status=False)
    figures = rows.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=overdue_q(now)),
        major_open=Count("id", filter=Q(status__in=OPEN_STATUSES, level=HazardLevel.MAJOR)),
        **{
            f"s_{value}": Count("id", filter=Q(status=value))
            for value in HazardStatus.values  # a fixed, small set of statuses
        },
    )
    return RegisterCounts(
        by_status={value: figures[f"s_{value}"] or 0 for value in HazardStatus.values},
        open=figures["open"] or 0,
        overdue=figures["overdue"] or 0,
        major_open=figures["major_open"] or 0,
        total=figures["total"] or 0,
    )


# --- One hazard ------------------------------------------------------------------------------


def hazard_for_detail(user: Any, public_id: Any) -> Hazard:
    """The hazard with everything its page names, fetched in one query."""
    pid = parse_public_id(public_id)
    hazard = (
        visible_hazards(user)
        .select_related(
            "enterprise",
            "risk_object",
            "risk_event__unit",
            "measure",
            "check_record",
            "special_inspection",
            "responsible_unit",
            "liable_person",
            "reported_by",
            "registered_by",
            "notice_issued_by",
            "rectified_by",
            "accepted_by",
            "duplicate_of",
            "escalated_to",
        )
        .filter(public_id=pid)
        .first()
    )
    if hazard is None:
        raise Http404
    return hazard


def major_plan_of(hazard: Hazard) -> MajorHazardPlan | None:
    return (
        MajorHazardPlan.objects.filter(hazard=hazard)
        .select_related("approved_by")
        .order_by("id")
        .first()
    )


def plan_rows(plan: MajorHazardPlan | None, names: Iterable[str]) -> list[tuple[str, str]]:
    """(label, text) of the plan's fields, in order (empty when there is no plan)."""
    if plan is None:
        return []
    return [(_field_label(MajorHazardPlan, name), getattr(plan, name).strip()) for name in names]


@dataclass
class TimelineEntry:
    event: HazardEvent
    label: str
    changes: list[tuple[str, str]]
    photos: list[HazardPhoto]
    chain: tuple[int, str] | None = None  # (seq, entry hash) of its evidence chain entry

    @property
    def moved(self) -> bool:
        return bool(self.event.from_status) and self.event.from_status != self.event.to_status


# Fields of event data that are internal (ids of rows shown elsewhere) or repeated elsewhere.
_SKIPPED_KEYS = {"report", "version", "number"}
# The deadline follow-up a new deadline resets (shown when set, not when cleared).
_FOLLOW_UP_KEYS = {"reminded_at", "overdue_at", "escalation_level", "escalated_to"}


def timeline(hazard: Hazard) -> list[TimelineEntry]:
    """Every event of the hazard, oldest first, with who did it, the changed fields in
    readable form and the photos the event added. A fixed number of queries whatever the
    length: events (with actors), photos, and one lookup per kind of referenced row."""
    events = list(
        hazard.events.select_related("actor")
        .prefetch_related(Prefetch("photos", HazardPhoto.objects.order_by("id")))
        .order_by("at", "id")
    )
    names = _referenced_names(hazard, events)
    chained = _chain_entries(hazard, events)
    return [
        TimelineEntry(
            event=event,
            label=str(EventAction(event.action).label)
            if event.action in EventAction.values
            else event.action,
            changes=_readable(event, names),
            photos=list(event.photos.all()),
            chain=chained.get(event.pk),
        )
        for event in events
    ]


def _chain_entries(hazard: Hazard, events: list[HazardEvent]) -> dict[int, tuple[int, str]]:
    """Each event's place in the enterprise's evidence chain (one query)."""
    from dualprev.evidence.models import ChainEntry, ChainKind

    rows = ChainEntry.objects.filter(
        enterprise_id=hazard.enterprise_id,
        kind=ChainKind.HAZARD_EVENT,
        object_id__in=[event.pk for event in events],
    ).values_list("object_id", "seq", "entry_hash")
    return {object_id: (seq, entry_hash) for object_id, seq, entry_hash in rows}


_FK_MODELS = {
    "liable_person": "accounts.User",
    "rectified_by": "accounts.User",
    "accepted_by": "accounts.User",
    "registered_by": "accounts.User",
    "notice_issued_by": "accounts.User",
    "responsible_unit": "orgs.OrgUnit",
    "escalated_to": "orgs.OrgUnit",
    "risk_object": "risks.RiskObject",
    "risk_event": "risks.RiskEvent",
    "measure": "risks.ControlMeasure",
    "duplicate_of": "hazards.Hazard",
}


def _referenced_names(hazard: Hazard, events: Iterable[HazardEvent]) -> dict[str, dict[int, str]]:
    """Names of the rows the events' data refer to by id, one query per model, limited to
    the hazard's enterprise."""
    from django.apps import apps

    wanted: dict[str, set[int]] = {}
    for event in events:
        for key, value in (event.data or {}).items():
            base = key[:-3] if key.endswith("_id") else ""
            if base in _FK_MODELS and isinstance(value, int):
                wanted.setdefault(_FK_MODELS[base], set()).add(value)
    names: dict[str, dict[int, str]] = {}
    for label, ids in wanted.items():
        model = apps.get_model(label)
        rows = model._default_manager.filter(pk__in=ids)
        if label == "accounts.User":
            rows = rows.filter(membership__enterprise_id=hazard.enterprise_id)
            names[label] = {u.pk: u.display_name for u in rows}
        else:
            rows = rows.filter(enterprise_id=hazard.enterprise_id)
            names[label] = {row.pk: str(row) for row in rows}
    return names


def _field_label(model: Any, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # data written by an older version of the code
        return name


def _format_value(model: Any, name: str, value: Any, names: dict[str, dict[int, str]]) -> str:
    if value in (None, ""):
        return "—"
    if name in _FK_MODELS and isinstance(value, int):
        return names.get(_FK_MODELS[name], {}).get(value, "—")
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if model_field.get_internal_type() == "DateTimeField" and isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
    if model_field.get_internal_type() == "BooleanField":
        return _("是") if value in (True, "True", "true") else _("否")
    return str(value)


def _readable(event: HazardEvent, names: dict[str, dict[int, str]]) -> list[tuple[str, str]]:
    """The event's data as (label, value) pairs a person can read."""
    from dualprev.hazards.choices import EvaluationBy, PhotoKind, RegulatorReportKind

    data = dict(event.data or {})
    out: list[tuple[str, str]] = []
    if event.action == EventAction.MAJOR_PLAN:
        if data.get("approved"):
            return out
        for key, value in (data.get("plan") or {}).items():
            if key == "production_stopped":
                value = _("是") if value in ("True", True) else _("否")
            out.append((_field_label(MajorHazardPlan, key), str(value) or "—"))
        return out
    if event.action in (EventAction.REGULATOR_REPORT, EventAction.REGULATOR_ACK):
        kind = data.get("kind")
        if kind in RegulatorReportKind.values:
            out.append((_("报告类型"), str(RegulatorReportKind(kind).label)))
        return out
    if event.action == EventAction.EVALUATION:
        if data.get("by") in EvaluationBy.values:
            out.append((_("评估方式"), str(EvaluationBy(data["by"]).label)))
        if data.get("org"):
            out.append((_("评估机构/专家"), str(data["org"])))
        return out
    if event.action == EventAction.REJECT:
        return out  # the reason is the note; the cleared fix time says nothing more
    if event.action == EventAction.PHOTO:
        if data.get("kind") in PhotoKind.values:
            out.append((_("照片类型"), str(PhotoKind(data["kind"]).label)))
        return out
    if event.action == EventAction.CONFIRM:
        notice = data.pop("notice", None)
        if notice:
            out.append((_("整改通知"), _("已下达")))
    for key, value in data.items():
        if key in _SKIPPED_KEYS or key in ("status", "danger_state"):
            continue
        name = key[:-3] if key.endswith("_id") and key[:-3] in _FK_MODELS else key
        if name in _FOLLOW_UP_KEYS and value in (None, 0):
            continue
        if name in ("accept_comment", "rectification_note", "cancel_note") and (
            str(value).strip() == event.note.strip()
        ):
            continue  # shown as the event's note
        out.append((_field_label(Hazard, name), _format_value(Hazard, name, value, names)))
    return out


def national_codes(hazard: Hazard) -> list[tuple[str, str, str]]:
    """The national data items of the hazard as (label, code name, value with its code), so
    the page shows exactly what the data exchange will send."""
    rows: list[tuple[str, str, str]] = []

    def add(label: str, code: str, value: Any, text: str) -> None:
        rows.append((label, code, f"{text}（{value}）" if value is not None else "—"))

    level = hazard.national_level
    add(
        _("隐患等级"),
        "dangerLevel",
        level,
        str(HazardLevel(level).label) if level is not None else "",
    )
    for label, code, name in (
        (_("治理类型"), "dangerManageType", "manage_type"),
        (_("隐患来源"), "dangerSrc", "source"),
        (_("隐患类型"), "hazardDangerType", "danger_type"),
        (_("包保登记类别"), "hazardCategory", "category"),
        (_("致因分类"), "managementClassification", "management_class"),
        (_("产生环节"), "occurrenceLink", "occurrence_link"),
        (_("隐患状态"), "dangerState", "danger_state"),
    ):
        value = getattr(hazard, name)
        text = getattr(hazard, f"get_{name}_display")() if value is not None else ""
        add(label, code, value, str(text))
    return rows


def regulator_reports_of(hazard: Hazard) -> list[Any]:
    return list(
        hazard.regulator_reports.select_related("submitted_by", "acknowledged_by").order_by(
            "submitted_at", "id"
        )
    )


# --- The home card ---------------------------------------------------------------------------


def home_figures(user: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """The user's open work and the enterprise's open hazards, in one query over what the
    user may see: to confirm (managers), to rectify (the liable person), to accept (acceptors;
    重大 only for company-level acceptors; never one's own fix), open, overdue and open 重大."""
    now = now or timezone.now()
    actor = actor_for(user)
    none = Q(pk__in=[])
    to_confirm = Q(status=HazardStatus.REPORTED) if actor.can(MANAGE_HAZARDS) else none
    to_accept = none
    if actor.can(ACCEPT_HAZARDS):
        to_accept = Q(status=HazardStatus.PENDING_ACCEPT) & ~Q(rectified_by_id=user.pk)
        to_accept &= ~Q(liable_person_id=user.pk)
        if actor.role not in MAJOR_HAZARD_ACCEPTORS:
            to_accept &= ~Q(level=HazardLevel.MAJOR)
    figures = visible_hazards(user).aggregate(
        to_confirm=Count("id", filter=to_confirm),
        to_rectify=Count("id", filter=Q(status=HazardStatus.RECTIFYING, liable_person_id=user.pk)),
        to_accept=Count("id", filter=to_accept),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=overdue_q(now)),
        major_open=Count("id", filter=Q(status__in=OPEN_STATUSES, level=HazardLevel.MAJOR)),
    )
    return {key: value or 0 for key, value in figures.items()}
