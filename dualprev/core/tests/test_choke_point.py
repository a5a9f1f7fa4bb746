"""Views and API modules read tenant data only through the choke point.

A lint over every app's views*.py / api.py: any ``<TenantScopedModel>.objects.<method>`` call
whose method is not ``visible_to`` (or ``none``) fails, because it would bypass tenancy scoping.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

import dualprev

PACKAGE = Path(dualprev.__file__).resolve().parent


def _scoped_model_names() -> set[str]:
    return {m.__name__ for m in apps.get_models() if hasattr(m, "tenant_path")}


def _violations(source: str, scoped: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "objects"
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id in scoped
            and node.attr not in ("visible_to", "none")  # none() reads nothing
        ):
            found.append(f"line {node.lineno}: {node.value.value.id}.objects.{node.attr}")
    return found


def test_views_and_apis_only_read_tenant_data_through_visible_to() -> None:
    scoped = _scoped_model_names()
    assert {"Enterprise", "OrgUnit", "Post", "Membership"} <= scoped
    problems = []
    for path in sorted(PACKAGE.glob("*/views*.py")) + sorted(PACKAGE.glob("*/api.py")):
        for problem in _violations(path.read_text(encoding="utf-8"), scoped):
            problems.append(f"{path.relative_to(PACKAGE.parent)} {problem}")
    assert not problems, "Use Model.objects.visible_to(user, action) or an access_* helper:\n" + (
        "\n".join(problems)
    )


def test_the_lint_catches_a_direct_query() -> None:
    source = "def view(request):\n    return OrgUnit.objects.filter(pk=1)\n"
    assert _violations(source, {"OrgUnit"}) == ["line 2: OrgUnit.objects.filter"]
    assert _violations("OrgUnit.objects.visible_to(u).filter(pk=1)", {"OrgUnit"}) == []
