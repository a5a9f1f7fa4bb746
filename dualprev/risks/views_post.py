"""Controls reach the posts (预控到岗): each post's page of "my post's risks and measures", the
岗位安全风险告知卡 PDF (one post, or every post of a department), the risk-point QR label sheet,
and the stable QR URL ``/q/<risk object>/`` the labels print.

A post's risks are the active events that have at least one active control measure whose
responsible post is that post; the page and the card show only that post's measures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from dualprev.accounts.models import Membership
from dualprev.accounts.roles import CHECK
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.documents.labels import Label, render_label_sheet
from dualprev.documents.pdf import pdf_response, qr_data_uri, render_pdf
from dualprev.orgs.access import access_org_unit, access_post, own_enterprise
from dualprev.orgs.models import Enterprise, OrgUnit, Post
from dualprev.reference.choices import (
    RISK_LEVEL_COLOURS,
    MeasureCategory,
    RiskColour,
    RiskLevel,
)
from dualprev.risks.access import access_risk_object
from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject

# Fixed national numbers printed with the enterprise's own emergency phone.
NATIONAL_PHONES = (
    ("119", gettext_lazy("火警")),
    ("120", gettext_lazy("急救")),
    ("110", gettext_lazy("报警")),
)

# --- What a post is responsible for ----------------------------------------------------------


@dataclass
class PostRisks:
    """A post's events (each with ``post_measures``: only this post's measures), and the card's
    derived lists, deduplicated in register order."""

    post: Post
    events: list[RiskEvent]
    preventive: list[ControlMeasure] = field(default_factory=list)
    emergency: list[str] = field(default_factory=list)
    key_points: list[str] = field(default_factory=list)

    @property
    def measures(self) -> list[ControlMeasure]:
        return [m for event in self.events for m in event.post_measures]  # type: ignore[attr-defined]

    @property
    def top_level(self) -> int | None:
        levels = [e.residual_level for e in self.events if e.residual_level is not None]
        return min(levels) if levels else None


def _unique(texts: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for text in texts:
        text = (text or "").strip()
        if text:
            seen.setdefault(text, None)
    return list(seen)


def post_measures(user: Any, post: Post) -> QuerySet[ControlMeasure]:
    """The post's active measures of active events."""
    return ControlMeasure.objects.visible_to(user).filter(
        responsible_post=post, retired_at__isnull=True, event__retired_at__isnull=True
    )


def post_risks(user: Any, post: Post) -> PostRisks:
    """Everything the post page and the card show for ``post`` (three queries), the most
    severe events first."""
    events = list(
        RiskEvent.objects.visible_to(user)
        .filter(pk__in=post_measures(user, post).values("event_id"))
        .select_related("unit__risk_object")
        .prefetch_related(
            "accident_types",
            Prefetch("measures", post_measures(user, post), to_attr="post_measures"),
        )
        .order_by(
            F("residual_level").asc(nulls_last=True),
            "unit__risk_object__sort_order",
            "unit__risk_object_id",
            "unit__sort_order",
            "unit_id",
            "sort_order",
            "id",
        )
    )
    risks = PostRisks(post=post, events=events)
    measures = risks.measures
    risks.preventive = [m for m in measures if m.category != MeasureCategory.EMERGENCY]
    risks.emergency = _unique(
        [e.emergency_measures for e in events]
        + [m.description for m in measures if m.category == MeasureCategory.EMERGENCY]
    )
    risks.key_points = _unique(m.check_content for m in measures)
    return risks


def emergency_phones(enterprise: Enterprise) -> list[dict[str, str]]:
    """The enterprise's emergency phone (if set), then 119 / 120 / 110."""
    phones = [{"label": str(label), "number": number} for number, label in NATIONAL_PHONES]
    if enterprise.emergency_phone:
        phones.insert(
            0, {"label": _("企业应急电话"), "number": enterprise.emergency_phone, "own": "1"}
        )
    return phones


def unit_path(unit: OrgUnit) -> str:
    """The chain of units below the company root down to ``unit``, e.g. 合成车间 / 合成一班."""
    chain = [*reversed(unit.ancestors()), unit]
    names = [u.name for u in chain if u.parent_id is not None] or [unit.name]
    return " / ".join(names)


def colour_word(colour: str) -> str:
    return str(RiskColour(colour).label) if colour else ""


# --- The org tree, for the index and the batch card --------------------------------------------


def _tree_order(units: list[OrgUnit]) -> list[tuple[OrgUnit, int]]:
    """Units depth-first in sort order, with their depth."""
    children: dict[int | None, list[OrgUnit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit)
    ordered: list[tuple[OrgUnit, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in sorted(children[parent_id], key=lambda u: (u.sort_order, u.name)):
            ordered.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered


def subtree_ids(unit: OrgUnit, units: list[OrgUnit]) -> list[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for u in units:
        children[u.parent_id].append(u.pk)
    ids, todo = [], [unit.pk]
    while todo:
        pk = todo.pop()
        ids.append(pk)
        todo.extend(children[pk])
    return ids


def _active_measure(prefix: str = "control_measures__") -> Q:
    return Q(**{f"{prefix}retired_at__isnull": True, f"{prefix}event__retired_at__isnull": True})


def posts_with_counts(user: Any) -> QuerySet[Post]:
    active = _active_measure()
    return (
        Post.objects.visible_to(user)
        .select_related("org_unit")
        .annotate(
            measure_count=Count("control_measures", filter=active, distinct=True),
            event_count=Count("control_measures__event", filter=active, distinct=True),
            top_level=Min("control_measures__event__residual_level", filter=active),
        )
    )


def _with_top_level(posts: Iterable[Post]) -> list[Post]:
    """The posts, each with ``top_colour``/``top_label`` of its annotated ``top_level``."""
    rows = list(posts)
    for post in rows:
        level = post.top_level  # type: ignore[attr-defined]
        post.top_colour = RISK_LEVEL_COLOURS[level] if level is not None else ""  # type: ignore[attr-defined]
        post.top_label = RiskLevel(level).label if level is not None else ""  # type: ignore[attr-defined]
    return rows


def _has_card(post: Post) -> bool:
    """Cards are printed for active posts responsible for at least one measure."""
    return post.is_active and bool(getattr(post, "measure_count", 0))


def _posts_in(user: Any, unit: OrgUnit) -> list[Post]:
    """The unit's and its descendants' active posts that are responsible for a measure, in
    tree order."""
    units = list(OrgUnit.objects.visible_to(user).filter(enterprise_id=unit.enterprise_id))
    order = {u.pk: i for i, (u, _depth) in enumerate(_tree_order(units))}
    posts = [
        p
        for p in posts_with_counts(user).filter(org_unit_id__in=subtree_ids(unit, units))
        if _has_card(p)
    ]
    return sorted(posts, key=lambda p: (order.get(p.org_unit_id, 0), p.name))


# --- Pages -----------------------------------------------------------------------------------


@route("enterprise")
def post_list(request: HttpRequest) -> HttpResponse:
    """Every post of the enterprise grouped by org unit, with card downloads per post and per
    department, and the QR label sheet."""
    units = list(OrgUnit.objects.visible_to(request.user))
    posts_by_unit: dict[int, list[Post]] = defaultdict(list)
    for post in _with_top_level(posts_with_counts(request.user)):
        posts_by_unit[post.org_unit_id].append(post)
    groups: list[dict[str, Any]] = []
    for unit, depth in _tree_order(units):
        in_subtree = [p for pk in subtree_ids(unit, units) for p in posts_by_unit.get(pk, [])]
        if not in_subtree:
            continue
        groups.append(
            {
                "unit": unit,
                "depth": depth,
                "posts": posts_by_unit.get(unit.pk, []),
                "card_posts": sum(1 for p in in_subtree if _has_card(p)),
            }
        )
    context = {"groups": groups, "units": [u for u, _d in _tree_order(units)]}
    return render(request, "risks/post/post_list.html", context)


@route("enterprise")
def my_posts(request: HttpRequest) -> HttpResponse:
    """The signed-in person's posts: straight to the post page when there is one."""
    membership = Membership.objects.visible_to(request.user).filter(user_id=request.user.pk).first()
    posts = _with_top_level(
        posts_with_counts(request.user).filter(holders=membership, is_active=True)
        if membership
        else Post.objects.none()
    )
    if len(posts) == 1:
        return redirect("risks:post_page", public_id=posts[0].public_id)
    return render(request, "risks/post/my_posts.html", {"posts": posts})


@route("enterprise", subject=Post)
def post_page(request: HttpRequest, public_id: str) -> HttpResponse:
    post = access_post(request.user, public_id)
    risks = post_risks(request.user, post)
    context = {
        "post": post,
        "risks": risks,
        "unit_path": unit_path(post.org_unit),
        "phones": emergency_phones(post.enterprise),
        "is_mine": post.holders.filter(user_id=request.user.pk or 0).exists(),
    }
    return render(request, "risks/post/post_page.html", context)


def two_columns(items: list[Any]) -> list[tuple[int, list[Any]]]:
    """A numbered list split into two columns: [(first number, items), ...]. The card uses a
    fixed two-cell table instead of CSS columns, which WeasyPrint lays out several times to
    balance (two thirds of a card's rendering time)."""
    half = (len(items) + 1) // 2
    return [(1, items[:half]), (half + 1, items[half:])] if items else []


def _card_context(request: HttpRequest, post: Post) -> dict[str, Any]:
    url = request.build_absolute_uri(reverse("risks:post_page", args=[post.public_id]))
    risks = post_risks(request.user, post)
    return {
        "post": post,
        "risks": risks,
        "rows": [
            {"event": e, "colour_word": colour_word(e.colour), "types": e.accident_types.all()}
            for e in risks.events
        ],
        "lists": [
            (_("管控措施"), two_columns([m.description for m in risks.preventive])),
            (_("安全操作要点"), two_columns(risks.key_points)),
            (_("应急处置措施"), two_columns(risks.emergency)),
        ],
        "unit_path": unit_path(post.org_unit),
        "qr": qr_data_uri(url, scale=4, border=0),
        "url": url,
    }


def _render_cards(
    request: HttpRequest, enterprise: Enterprise, cards: list[dict[str, Any]]
) -> bytes:
    context = {
        "cards": cards,
        "enterprise": enterprise,
        "phones": emergency_phones(enterprise),
        "printed_on": timezone.localdate(),
    }
    return render_pdf("documents/post_card.html", context, request=request)


@route("enterprise", subject=Post)
def post_card(request: HttpRequest, public_id: str) -> HttpResponse:
    post = access_post(request.user, public_id)
    pdf = _render_cards(request, post.enterprise, [_card_context(request, post)])
    return pdf_response(pdf, _("岗位安全风险告知卡-%(post)s.pdf") % {"post": post.name})


@route("enterprise", subject=OrgUnit)
def unit_cards(request: HttpRequest, public_id: str) -> HttpResponse:
    """One card per page for every post of the department (and the units below it) that is
    responsible for at least one measure."""
    unit = access_org_unit(request.user, public_id)
    cards = [_card_context(request, post) for post in _posts_in(request.user, unit)]
    pdf = _render_cards(request, unit.enterprise, cards)
    return pdf_response(pdf, _("岗位安全风险告知卡-%(unit)s.pdf") % {"unit": unit.name})


# --- Risk point QR labels --------------------------------------------------------------------


def risk_point_labels(
    objects: Iterable[RiskObject], absolute_url: Callable[[str], str]
) -> list[Label]:
    """One label per risk object; each QR code is the object's stable ``/q/<public id>/`` URL
    (made absolute by ``absolute_url``)."""
    labels = []
    for obj in objects:
        lines = [
            _("编号：%(code)s") % {"code": obj.code} if obj.code else "",
            obj.location,
            _("责任部门：%(unit)s") % {"unit": obj.responsible_unit.name},
        ]
        band = (
            _("%(level)s风险") % {"level": obj.get_level_display()}
            if obj.level is not None
            else _("未评价")
        )
        labels.append(
            Label(
                title=obj.name,
                url=absolute_url(reverse("risk_point_qr", args=[obj.public_id])),
                band=band,
                colour=obj.colour,
                lines=tuple(line for line in lines if line),
            )
        )
    return labels


@route("enterprise")
def qr_labels(request: HttpRequest) -> HttpResponse:
    """The label sheet of the enterprise's active risk objects; ``?unit=<org unit public id>``
    keeps the objects that department (or a unit below it) is responsible for."""
    enterprise = own_enterprise(request.user)
    objects = (
        RiskObject.objects.visible_to(request.user)
        .filter(retired_at__isnull=True)
        .select_related("responsible_unit")
    )
    title = _("风险点二维码标签")
    if unit_id := request.GET.get("unit"):
        unit = access_org_unit(request.user, unit_id)
        units = list(OrgUnit.objects.visible_to(request.user))
        objects = objects.filter(responsible_unit_id__in=subtree_ids(unit, units))
        title = _("风险点二维码标签 · %(unit)s") % {"unit": unit.name}
    pdf = render_label_sheet(
        risk_point_labels(objects, request.build_absolute_uri),
        title=title,
        caption=_("扫码查看风险点"),
        empty_text=_("没有在用的风险点。"),
        request=request,
    )
    return pdf_response(pdf, _("风险点二维码标签-%(name)s.pdf") % {"name": enterprise.name})


@route("public", subject=RiskObject)
@csrf_exempt  # the public form checks CSRF itself, after its rate limit (hazards.views_public)
def risk_point_qr(request: HttpRequest, public_id: str) -> HttpResponse:
    """The stable URL printed on a risk point's label, one URL for everyone.

    A member of the point's enterprise who may check lands on the point's due checks with a
    signed scan token (checks made from there are recorded as scanned, see
    ``inspections.scan``); another member of that enterprise on the object's page. Anyone
    else — not logged in, another enterprise's employee, a regulator — gets the public hazard
    report form for that point (``hazards.views_public``), which shows the point's and its
    enterprise's names only; an unknown or retired point is the same plain 404 for them."""
    from dualprev.hazards.views_public import point_report

    if actor_for(request.user).is_enterprise:
        try:
            risk_object = access_risk_object(request.user, public_id)
        except Http404:
            return point_report(request, public_id)  # a point of another enterprise
        if actor_for(request.user).can(CHECK):
            from urllib.parse import urlencode

            from dualprev.inspections.scan import scan_token

            query = urlencode({"scan": scan_token(risk_object.public_id)})
            return redirect(reverse("checks:point", args=[risk_object.public_id]) + "?" + query)
        return redirect("risks:object_detail", public_id=risk_object.public_id)
    return point_report(request, public_id)
