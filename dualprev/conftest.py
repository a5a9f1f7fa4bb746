"""Shared pytest fixtures: the persona cast (see dualprev.core.testing)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DUALPREV_ENV", "test")


@pytest.fixture
def cast(db):  # noqa: ANN001, ANN201
    from dualprev.core.testing import build_cast

    return build_cast()
