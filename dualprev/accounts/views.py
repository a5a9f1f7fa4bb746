"""Log in and out, change one's password, and (for managers) the enterprise's people pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualprev.accounts import actions
from dualprev.accounts.access import access_membership
from dualprev.accounts.filters import PeopleFilterForm
from dualprev.accounts.forms import LoginForm, PersonCreateForm, PersonEditForm
from dualprev.accounts.models import Membership, User
from dualprev.accounts.roles import MANAGE_ORG
from dualprev.core.access import route
from dualprev.orgs.access import own_enterprise
from dualprev.orgs.forms import add_action_errors

PEOPLE_PER_PAGE = 25


def _view(view: Any) -> Callable[..., HttpResponse]:
    """Django's class-based views are typed as returning HttpResponseBase."""
    return cast(Callable[..., HttpResponse], view)


def _user(request: HttpRequest) -> User:
    """The logged-in user (routes below require login), typed."""
    return cast(User, request.user)


login = route("public")(
    _view(
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        )
    )
)
logout = route("user", action="view")(_view(auth_views.LogoutView.as_view()))
password_change = route("user")(
    _view(
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url="/accounts/password/done/",
        )
    )
)
password_change_done = route("user")(
    _view(
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        )
    )
)


@route("enterprise", action=MANAGE_ORG)
def people_list(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_ORG)
    filters = PeopleFilterForm(request.GET or None, enterprise=enterprise)
    people = filters.apply(
        Membership.objects.visible_to(request.user, MANAGE_ORG)
        .select_related("user", "org_unit")
        .prefetch_related("posts")
        .order_by("org_unit__sort_order", "org_unit__name", "user__name", "user__username")
    )
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page_obj": page,
        "querystring_without_page": f"{query.urlencode()}&" if query else "",
    }
    return render(request, "accounts/people_list.html", context)


@route("enterprise", action=MANAGE_ORG)
def person_create(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user, MANAGE_ORG)
    form = PersonCreateForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password2"}
        try:
            membership = actions.create_person(enterprise=enterprise, **data)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("已添加人员“%s”。") % membership.user.display_name)
            return redirect("orgs:people")
    return render(request, "accounts/person_form.html", {"form": form})


@route("enterprise", action=MANAGE_ORG, subject=Membership)
def person_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = access_membership(request.user, public_id, MANAGE_ORG)
    user = membership.user
    held = list(membership.posts.values_list("pk", flat=True))
    initial = {
        "name": user.name,
        "mobile": user.mobile,
        "role": membership.role,
        "org_unit": membership.org_unit,
        "posts": held,
        "is_active": membership.is_active,
    }
    form = PersonEditForm(
        request.POST or None, initial=initial, enterprise=membership.enterprise, held_posts=held
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_person(
                membership=membership, acting_user=_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("已保存“%s”的资料。") % user.display_name)
            return redirect("orgs:people")
    context = {"form": form, "person": membership, "is_self": user.pk == request.user.pk}
    return render(request, "accounts/person_form.html", context)


@route("enterprise", action=MANAGE_ORG, subject=Membership)
def person_password(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = access_membership(request.user, public_id, MANAGE_ORG)
    form = SetPasswordForm(membership.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.reset_password(
                membership=membership, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            if user.pk == request.user.pk:
                update_session_auth_hash(request, user)  # keep the manager logged in
            messages.success(request, _("已为“%s”设置新密码。") % user.display_name)
            return redirect("orgs:person_edit", public_id=membership.public_id)
    return render(request, "accounts/person_password.html", {"form": form, "person": membership})


@route("enterprise", action=MANAGE_ORG, subject=Membership)
@require_POST
def person_deactivate(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = access_membership(request.user, public_id, MANAGE_ORG)
    try:
        actions.deactivate_person(membership=membership, acting_user=_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orgs:person_edit", public_id=membership.public_id)
    messages.success(request, _("已停用“%s”的账号。") % membership.user.display_name)
    return redirect("orgs:people")
