"""Per-app hooks that shared machinery calls, so that a new app adds to the demo, the test
cast and the route matrix from its own folder instead of editing a central file.

An app opts in with a module of a known name:
- ``<app>/demo.py`` with ``extend_demo(builder)``: adds its demo rows (idempotently);
- ``<app>/testing.py`` with ``extend_cast(cast)``: adds rows to the persona cast, and
  ``MATRIX_SUBJECTS``: {Model: callable(cast) -> an object of enterprise A} for the matrix.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.apps import apps


def project_modules(name: str) -> Iterator[ModuleType]:
    """Each project app's ``<app>.<name>`` module that exists, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("dualprev."):
            continue
        try:
            yield importlib.import_module(f"{config.name}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
