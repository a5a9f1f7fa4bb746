"""Route declarations: every view states who may reach it and what it does.

``route(...)`` both enforces the coarse rule (logged in, right kind of actor, action granted) and
records it on the view as ``route_access`` so that the cross-tenant test matrix can enumerate
every route and check it. A view without a declaration fails the test suite.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Literal

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse

from dualprev.core.tenancy import actor_for

Audience = Literal["public", "user", "enterprise", "regulator", "member"]


@dataclass(frozen=True)
class RouteAccess:
    """Who may use a route.

    audience: public (anyone), user (any logged-in user), enterprise (enterprise members),
    regulator (regulator staff), member (either). ``action`` is the permission needed;
    ``subject`` is the model whose public id the URL carries (checked by an access helper)."""

    audience: Audience
    action: str = "view"
    subject: type[Model] | None = None

    @property
    def is_write(self) -> bool:
        return self.action != "view"

    def kind_matches(self, request: HttpRequest) -> bool:
        actor = actor_for(request.user)
        return {
            "public": True,
            "user": True,
            "enterprise": actor.is_enterprise,
            "regulator": actor.is_regulator,
            "member": actor.is_enterprise or actor.is_regulator,
        }[self.audience]

    def check(self, request: HttpRequest) -> None:
        if not self.kind_matches(request):
            raise PermissionDenied
        if self.audience not in ("public", "user") and not actor_for(request.user).can(self.action):
            raise PermissionDenied


def route(
    audience: Audience, *, action: str = "view", subject: type[Model] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Declare and enforce a view's access rule (see ``RouteAccess``)."""
    access = RouteAccess(audience=audience, action=action, subject=subject)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if audience != "public" and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if subject is None:
                access.check(request)
            elif not access.kind_matches(request):
                # Routes about one object answer 404 to the wrong kind of actor, and otherwise
                # leave the decision to the access helper, so that nothing leaks existence.
                raise Http404
            return view(request, *args, **kwargs)

        wrapped.route_access = access  # type: ignore[attr-defined]
        return wrapped

    return decorate


def _resolved_signature(func: Callable[..., Any]) -> inspect.Signature:
    # django-ninja reads parameter types from the signature; with postponed annotations they
    # are strings that only the operation's own module can resolve, so resolve them here.
    return inspect.signature(func, eval_str=True)


def api_route(
    audience: Audience, *, action: str = "view", subject: type[Model] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The same declaration for django-ninja operations (authentication is ninja's job)."""
    access = RouteAccess(audience=audience, action=action, subject=subject)

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if subject is None:
                access.check(request)
            elif not access.kind_matches(request):
                raise Http404
            return func(request, *args, **kwargs)

        wrapped.route_access = access  # type: ignore[attr-defined]
        wrapped.__signature__ = _resolved_signature(func)  # type: ignore[attr-defined]
        return wrapped

    return decorate
