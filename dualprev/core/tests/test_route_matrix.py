"""The cross-tenant matrix, generated for every route of the site (architecture.md §3).

Every URL pattern and API operation must declare its access rule with ``route``/``api_route``;
this module then checks, for each route, what each persona of the cast gets:

- anonymous → login redirect (pages) or 401 (API), unless the route is public;
- a route about one object of enterprise A: the other enterprise's manager and the other
  district's regulator get 404; the right role succeeds; a read-only role gets 403 on writes;
- a route without an object: the wrong kind of actor gets 403, the other enterprise (or the other
  district) succeeds but never sees enterprise A's data.

New routes are covered automatically; a subject model or URL kwarg the matrix cannot build fails
loudly with instructions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dualprev.accounts.models import Membership, User
from dualprev.core.extensions import project_modules
from dualprev.core.routes import Route, product_routes
from dualprev.core.tenancy import actor_for
from dualprev.core.testing import Cast
from dualprev.core.tests.route_examples import ROUTE_EXAMPLES
from dualprev.orgs.models import Enterprise, OrgUnit, Post, Shift
from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject, RiskUnit

# How to find "an object of enterprise A" for each subject model. Add a line for a new model.
SUBJECTS: dict[type, Callable[[Cast], Any]] = {
    Enterprise: lambda cast: cast.a.enterprise,
    OrgUnit: lambda cast: cast.a.department,
    Post: lambda cast: cast.a.post,
    Shift: lambda cast: cast.a.shift,
    Membership: lambda cast: cast.worker.membership,
    User: lambda cast: cast.worker,
    RiskObject: lambda cast: cast.a.risks["object"],
    RiskUnit: lambda cast: cast.a.risks["unit"],
    RiskEvent: lambda cast: cast.a.risks["event"],
    ControlMeasure: lambda cast: cast.a.risks["measure"],
}

for _module in project_modules("testing"):
    SUBJECTS.update(getattr(_module, "MATRIX_SUBJECTS", {}))

A_MARKER = "甲化工有限公司"  # enterprise A's name; must never show on another tenant's page

ROUTES = product_routes()


def _route_id(route: Route) -> str:
    methods = ",".join(route.methods)
    return f"{route.name or route.pattern}{'[' + methods + ']' if methods else ''}"


def test_every_route_declares_its_access_rule() -> None:
    undeclared = [r.pattern for r in ROUTES if r.access is None]
    assert not undeclared, (
        "These routes have no access declaration; decorate the view with "
        f"dualprev.core.access.route(...) or api_route(...): {undeclared}"
    )


def _url(route: Route, cast: Cast) -> str:
    assert route.access is not None
    names = route.kwargs_names
    if not names:
        kwargs: dict[str, Any] = {}
    elif route.access.subject is not None and names == ["public_id"]:
        factory = SUBJECTS.get(route.access.subject)
        assert factory is not None, (
            f"Add {route.access.subject.__name__} to SUBJECTS in {__file__} so the matrix can "
            f"build {route.pattern}"
        )
        kwargs = {"public_id": factory(cast).public_id}
    else:
        example = ROUTE_EXAMPLES.get(route.name)
        assert example is not None, (
            f"Add an example for {route.name} to dualprev/core/tests/route_examples.py"
        )
        kwargs = example(cast) if callable(example) else dict(example)
    if route.is_api:
        path = "/" + route.pattern
        for key, value in kwargs.items():
            path = path.replace(f"<{key}>", str(value))
            for converter in ("int", "str", "uuid", "slug", "path"):
                path = path.replace(f"<{converter}:{key}>", str(value))
        return path
    return reverse(route.name, kwargs=kwargs)


def _request(client: Client, route: Route, url: str) -> Any:
    method = route.methods[0] if route.methods else "GET"
    if method == "GET":
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
        return response
    return client.generic(method, url, data="{}", content_type="application/json")


def _as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _assert_success(response: Any, who: str, route: Route) -> None:
    location = response.headers.get("Location", "")
    ok: tuple[int, ...] = (200, 201, 204, 302, 303)
    if route.is_api and route.methods and route.methods[0] != "GET":
        ok += (400, 422)  # the matrix posts an empty body: reaching validation is success
    assert response.status_code in ok, (
        f"{who} should be able to use {route.pattern}, got {response.status_code}"
    )
    if route.name != "accounts:logout":  # logging out ends on the login page by design
        assert "/accounts/login/" not in location, f"{who} was sent to login by {route.pattern}"


def _body(response: Any) -> str:
    return response.content.decode("utf-8", "replace") if hasattr(response, "content") else ""


Expectation = str  # "404", "403", "denied" (403 or 404), "success", "success-no-A"


def _worker_expectation(access: Any, cast: Cast) -> Expectation:
    """The worker reads everything of their enterprise and writes what their role grants
    (for example recording checks), nothing else."""
    if not access.is_write:
        return "success"
    return "success" if actor_for(cast.worker).can(access.action) else "403"


def _plan(route: Route, cast: Cast) -> list[tuple[str, User, Expectation]]:
    """What each persona must get on ``route`` (anonymous is checked separately)."""
    access = route.access
    assert access is not None
    plan: list[tuple[str, User, Expectation]] = []
    if access.audience in ("public", "user"):
        return [
            ("worker", cast.worker, "success"),
            ("district regulator", cast.district_regulator, "success"),
        ]
    enterprise_side = access.audience in ("enterprise", "member")
    regulator_side = access.audience in ("regulator", "member")
    regulator_may = not access.is_write or access.action == "supervise"

    if access.subject is not None:
        # An object of enterprise A: strangers must not learn that it exists.
        plan += [
            ("outsider (enterprise B)", cast.outsider, "404"),
            ("other district regulator", cast.other_district_regulator, "404"),
        ]
        if enterprise_side:
            plan.append(("worker", cast.worker, _worker_expectation(access, cast)))
            plan.append(("safety officer", cast.safety_officer, "success"))
        else:
            plan.append(("safety officer", cast.safety_officer, "404"))
        if regulator_side:
            plan.append(
                (
                    "district regulator",
                    cast.district_regulator,
                    "success" if regulator_may else "403",
                )
            )
        else:
            plan.append(("district regulator", cast.district_regulator, "denied"))
        return plan

    # Routes without an object: each actor sees their own tenant's data only.
    if enterprise_side:
        plan.append(("worker", cast.worker, _worker_expectation(access, cast)))
        plan.append(("outsider (enterprise B)", cast.outsider, "success-no-A"))
        plan.append(("safety officer", cast.safety_officer, "success"))
        if not regulator_side:
            plan.append(("other district regulator", cast.other_district_regulator, "403"))
    if regulator_side:
        plan.append(
            ("district regulator", cast.district_regulator, "success" if regulator_may else "403")
        )
        if access.is_write:
            plan.append(("city read-only regulator", cast.city_readonly, "403"))
        plan.append(("other district regulator", cast.other_district_regulator, "success-no-A"))
        if not enterprise_side:
            plan.append(("worker", cast.worker, "403"))
    return plan


def _order(step: tuple[str, User, Expectation]) -> int:
    # Denials first, then reads, and the write that succeeds (it may delete the object) last.
    who, _, expect = step
    if not expect.startswith("success"):
        return 0
    return 2 if who == "safety officer" else 1


@pytest.mark.parametrize("route", [r for r in ROUTES if r.access is not None], ids=_route_id)
@pytest.mark.django_db
def test_route_matrix(route: Route, cast: Cast) -> None:
    access = route.access
    assert access is not None
    url = _url(route, cast)

    response = _request(_as(None), route, url)
    if access.audience == "public":
        assert response.status_code != 401
        assert "/accounts/login/" not in response.headers.get("Location", "")
    elif route.is_api:
        assert response.status_code == 401, f"anonymous got {response.status_code} on {url}"
    else:
        assert response.status_code == 302, f"anonymous got {response.status_code} on {url}"
        assert response.headers["Location"].startswith(reverse("accounts:login"))

    for who, user, expect in sorted(_plan(route, cast), key=_order):
        response = _request(_as(user), route, url)
        if expect.startswith("success"):
            _assert_success(response, who, route)
            if expect == "success-no-A":
                assert A_MARKER not in _body(response), f"{who} saw enterprise A's data on {url}"
        else:
            allowed = {"404": (404,), "403": (403,), "denied": (403, 404)}[expect]
            assert response.status_code in allowed, (
                f"{who} got {response.status_code} on {url}; expected {expect}"
            )


@pytest.mark.django_db
def test_the_admin_is_for_operators_only(cast: Cast) -> None:
    response = _as(cast.safety_officer).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]
