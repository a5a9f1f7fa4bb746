"""Shared pytest fixtures: the persona cast (see dualprev.core.testing)."""

from __future__ import annotations

import pytest


@pytest.fixture
def cast(db):
    from dualprev.core.testing import build_cast, ensure_seed_data

    ensure_seed_data()
    return build_cast()
