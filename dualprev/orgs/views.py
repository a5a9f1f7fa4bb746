"""Enterprise side: home page, org structure, settings and shifts. Thin HTTP glue: parse, access,
action, respond. One view serves the full page and its htmx fragment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from dualprev.accounts.models import Membership
from dualprev.accounts.roles import MANAGE_ORG
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.orgs import actions
from dualprev.orgs.access import access_org_unit, access_post, access_shift, own_enterprise
from dualprev.orgs.forms import (
    EnterpriseSettingsForm,
    OrgUnitForm,
    PostForm,
    ShiftForm,
    add_action_errors,
)
from dualprev.orgs.models import OrgUnit, Post, Shift, shifts_by_unit, shifts_for
from dualprev.orgs.summary import enterprise_counts
from dualprev.orgs.tree import build_tree, flatten

# --- Home -------------------------------------------------------------------------------------


@route("enterprise")
def enterprise_home(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user)
    me = (
        Membership.objects.visible_to(request.user)
        .select_related("org_unit")
        .prefetch_related(
            Prefetch("posts", Post.objects.visible_to(request.user).select_related("org_unit"))
        )
        .filter(user_id=request.user.pk)
        .first()
    )
    context = {
        "enterprise": enterprise,
        "me": me,
        "my_shifts": shifts_for(me.org_unit if me else None, enterprise=enterprise),
        "counts": enterprise_counts(enterprise),
        "links": _quick_links(request),
        "cards": _home_cards(request, enterprise),
    }
    return render(request, "orgs/enterprise_home.html", context)


def _home_cards(request: HttpRequest, enterprise: Any) -> list[dict[str, Any]]:
    """Cards other apps add to the home page (``<app>/home.py: enterprise_cards``)."""
    from dualprev.core.extensions import project_modules

    cards: list[dict[str, Any]] = []
    for module in project_modules("home"):
        cards.extend(module.enterprise_cards(request, enterprise))
    return cards


def _quick_links(request: HttpRequest) -> list[dict[str, Any]]:
    actor = actor_for(request.user)
    links = [
        ("orgs:org_tree", _("组织架构"), _("组织单元、岗位和人数"), "view"),
        ("orgs:people", _("人员管理"), _("账号、角色、岗位和密码"), MANAGE_ORG),
        ("orgs:settings", _("企业设置"), _("组织层级、应急电话和班次"), MANAGE_ORG),
        ("accounts:password_change", _("修改密码"), _("修改我的登录密码"), "view"),
    ]
    return [
        {"url": reverse(name), "label": label, "hint": hint}
        for name, label, hint, action in links
        if actor.can(action)
    ]


# --- Org structure ----------------------------------------------------------------------------


@route("enterprise")
def org_tree(request: HttpRequest) -> HttpResponse:
    can_manage = actor_for(request.user).can(MANAGE_ORG)
    posts = Post.objects.visible_to(request.user).annotate(
        holder_count=Count("holders", filter=Q(holders__is_active=True))
    )
    if not can_manage:
        posts = posts.filter(is_active=True)
    member_counts = dict(
        Membership.objects.visible_to(request.user)
        .filter(is_active=True)
        .values_list("org_unit_id")
        .annotate(n=Count("id"))
        .values_list("org_unit_id", "n")
    )
    roots = build_tree(
        OrgUnit.objects.visible_to(request.user), posts=posts, member_counts=member_counts
    )
    nodes = flatten(roots)
    context = {
        "roots": roots,
        "unit_count": len(nodes),
        "post_count": sum(1 for n in nodes for p in n.posts if p.is_active),
        "people_count": sum(member_counts.values()),
        "can_manage": can_manage,
        "highlight": request.GET.get("new", ""),
        # Units on the lowest level get no "add a child unit" button.
        "lowest_level": (own_enterprise(request.user).org_levels or [None])[-1],
    }
    return render(request, "orgs/org_tree.html", context)


def _form_response(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The full page, or only the form fragment for an htmx request (inline forms)."""
    if request.htmx:  # type: ignore[attr-defined]
        template = template.replace("orgs/", "orgs/_", 1)
    return render(request, template, context)


def _done(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _tree_url(obj: OrgUnit | Post | None = None) -> str:
    """The tree, scrolled to and highlighting ``obj``. The query string also makes the URL
    differ from the page the inline (htmx) form sits on, so that HX-Redirect really reloads
    instead of only jumping to the anchor."""
    url = reverse("orgs:org_tree")
    if obj is None:
        return url
    kind = "post" if isinstance(obj, Post) else "unit"
    return f"{url}?new={obj.public_id}#{kind}-{obj.public_id}"


@route("enterprise", action=MANAGE_ORG)
def unit_create(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_ORG)
    parent = (
        access_org_unit(request.user, request.GET["parent"], MANAGE_ORG)
        if request.GET.get("parent")
        else None
    )
    initial: dict[str, Any] = {"parent": parent, "level": _level_below(enterprise, parent)}
    form = OrgUnitForm(request.POST or None, enterprise=enterprise, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = actions.create_org_unit(enterprise=enterprise, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return _done(request, _tree_url(unit), _("已添加组织单元“%s”。") % unit.name)
    context = {"form": form, "parent": parent, "action_url": request.get_full_path()}
    return _form_response(request, "orgs/unit_form.html", context)


def _level_below(enterprise: Any, parent: OrgUnit | None) -> str | None:
    levels = list(enterprise.org_levels)
    if parent is None:
        return levels[0] if levels else None
    if parent.level in levels and levels.index(parent.level) + 1 < len(levels):
        return levels[levels.index(parent.level) + 1]
    return None


@route("enterprise", action=MANAGE_ORG, subject=OrgUnit)
def unit_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    unit = access_org_unit(request.user, public_id, MANAGE_ORG)
    form = OrgUnitForm(request.POST or None, instance=unit, enterprise=unit.enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_org_unit(unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return _done(request, _tree_url(unit), _("已保存组织单元“%s”。") % unit.name)
    context = {"form": form, "unit": unit, "usage": actions.org_unit_usage(unit)}
    return _form_response(request, "orgs/unit_form.html", context)


@route("enterprise", action=MANAGE_ORG, subject=OrgUnit)
@require_POST
def unit_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    unit = access_org_unit(request.user, public_id, MANAGE_ORG)
    try:
        actions.delete_org_unit(unit=unit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orgs:unit_edit", public_id=unit.public_id)
    return _done(request, _tree_url(), _("已删除组织单元“%s”。") % unit.name)


@route("enterprise", action=MANAGE_ORG)
def post_create(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_ORG)
    unit = (
        access_org_unit(request.user, request.GET["unit"], MANAGE_ORG)
        if request.GET.get("unit")
        else None
    )
    form = PostForm(request.POST or None, enterprise=enterprise, initial={"org_unit": unit})
    if request.method == "POST" and form.is_valid():
        try:
            post = actions.create_post(enterprise=enterprise, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return _done(request, _tree_url(post), _("已添加岗位“%s”。") % post.name)
    context = {"form": form, "unit": unit, "action_url": request.get_full_path()}
    return _form_response(request, "orgs/post_form.html", context)


@route("enterprise", action=MANAGE_ORG, subject=Post)
def post_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    post = access_post(request.user, public_id, MANAGE_ORG)
    form = PostForm(request.POST or None, instance=post, enterprise=post.enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_post(post=post, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return _done(request, _tree_url(post), _("已保存岗位“%s”。") % post.name)
    holders = post.holders.select_related("user").order_by("user__name")
    context = {"form": form, "post": post, "holders": holders}
    return _form_response(request, "orgs/post_form.html", context)


def _set_post_active(request: HttpRequest, public_id: str, *, is_active: bool) -> HttpResponse:
    post = access_post(request.user, public_id, MANAGE_ORG)
    actions.set_post_active(post=post, is_active=is_active)
    message = _("已启用岗位“%s”。") if is_active else _("已停用岗位“%s”。")
    return _done(request, reverse("orgs:post_edit", args=[post.public_id]), message % post.name)


@route("enterprise", action=MANAGE_ORG, subject=Post)
@require_POST
def post_deactivate(request: HttpRequest, public_id: str) -> HttpResponse:
    return _set_post_active(request, public_id, is_active=False)


@route("enterprise", action=MANAGE_ORG, subject=Post)
@require_POST
def post_activate(request: HttpRequest, public_id: str) -> HttpResponse:
    return _set_post_active(request, public_id, is_active=True)


@route("enterprise", action=MANAGE_ORG, subject=Post)
@require_POST
def post_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    post = access_post(request.user, public_id, MANAGE_ORG)
    try:
        actions.delete_post(post=post)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orgs:post_edit", public_id=post.public_id)
    return _done(request, _tree_url(post.org_unit), _("已删除岗位“%s”。") % post.name)


# --- Settings and shifts ----------------------------------------------------------------------


@route("enterprise", action=MANAGE_ORG)
def enterprise_settings(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_ORG)
    form = EnterpriseSettingsForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_enterprise_settings(enterprise=enterprise, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return _done(request, reverse("orgs:settings"), _("已保存企业设置。"))
    return render(
        request,
        "orgs/settings.html",
        {"form": form, **_shift_context(request, enterprise)},
    )


def _shift_context(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    shifts = Shift.objects.visible_to(request.user).select_related("org_unit")
    nodes = flatten(build_tree(OrgUnit.objects.visible_to(request.user)))
    applicable = shifts_by_unit([n.unit for n in nodes], enterprise=enterprise)
    own = {s.org_unit_id for s in shifts if s.org_unit_id}
    unit_rows = [
        {
            "node": n,
            "shifts": applicable[n.unit.pk],
            # Which unit's shifts apply: itself or the nearest ancestor with its own (else None:
            # the enterprise defaults).
            "source": next((u for u in [n.unit, *reversed(n.ancestors)] if u.pk in own), None),
        }
        for n in nodes
    ]
    return {
        "shifts": sorted(shifts, key=lambda s: (s.org_unit_id is not None, s.start)),
        "shift_form": ShiftForm(enterprise=enterprise),
        "unit_rows": unit_rows,
    }


@route("enterprise", action=MANAGE_ORG)
def shift_create(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_ORG)
    form = ShiftForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            shift = actions.create_shift(enterprise=enterprise, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return _done(request, _settings_shifts_url(), _("已添加班次“%s”。") % shift.name)
    return render(request, "orgs/shift_form.html", {"form": form})


def _settings_shifts_url() -> str:
    return reverse("orgs:settings") + "#shifts"


@route("enterprise", action=MANAGE_ORG, subject=Shift)
def shift_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    shift = access_shift(request.user, public_id, MANAGE_ORG)
    form = ShiftForm(request.POST or None, instance=shift, enterprise=shift.enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_shift(shift=shift, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return _done(request, _settings_shifts_url(), _("已保存班次“%s”。") % shift.name)
    context = {"form": form, "shift": shift}
    return render(request, "orgs/shift_form.html", context)


@route("enterprise", action=MANAGE_ORG, subject=Shift)
@require_POST
def shift_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    shift = access_shift(request.user, public_id, MANAGE_ORG)
    try:
        actions.delete_shift(shift=shift)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_settings_shifts_url())
    return _done(request, _settings_shifts_url(), _("已删除班次“%s”。") % shift.name)
