"""Enumerate every route of the site with its declared access rule (used by the test matrix
and by the route listing in docs)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from dualprev.core.access import RouteAccess

# Routes outside the product's own access rules, with the reason.
EXEMPT_PREFIXES = {
    "admin/": "Django admin: staff-only by Django's own admin_view",
    "i18n/setlang/": "Django's set_language: public by design, changes only the caller's cookie",
    "api/openapi.json": "API schema: public documentation",
    "api/docs": "API docs page: public documentation",
}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str  # e.g. "enterprise/org/units/<uuid:public_id>/"
    view: Callable[..., Any]
    access: RouteAccess | None
    is_api: bool
    methods: tuple[str, ...] = ()

    @property
    def kwargs_names(self) -> list[str]:
        import re

        return re.findall(r"<(?:\w+:)?(\w+)>", self.pattern)


def _ninja_operations(callback: Any) -> list[tuple[Callable[..., Any], tuple[str, ...]]]:
    # django-ninja wraps each PathView in a closure over the PathView ("self").
    import inspect

    try:
        path_view = inspect.getclosurevars(callback).nonlocals.get("self")
    except (TypeError, ValueError):
        return []
    operations = getattr(path_view, "operations", None)
    if not operations:
        return []
    return [(op.view_func, tuple(op.methods)) for op in operations]


def iter_routes(
    patterns: list[Any] | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from iter_routes(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            operations = _ninja_operations(entry.callback)
            if operations:
                for func, methods in operations:
                    yield Route(
                        name=name,
                        pattern=pattern,
                        view=func,
                        access=getattr(func, "route_access", None),
                        is_api=True,
                        methods=methods,
                    )
            else:
                yield Route(
                    name=name,
                    pattern=pattern,
                    view=entry.callback,
                    access=getattr(entry.callback, "route_access", None),
                    is_api=False,
                )


EXEMPT_EXACT = {"api/": "django-ninja's API root: lists nothing"}


def is_exempt(route: Route) -> bool:
    return route.pattern in EXEMPT_EXACT or any(
        route.pattern.startswith(prefix) for prefix in EXEMPT_PREFIXES
    )


def product_routes() -> list[Route]:
    return [route for route in iter_routes() if not is_exempt(route)]
