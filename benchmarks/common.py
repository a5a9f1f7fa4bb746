"""Shared helpers: set up Django on a throw-away database, time callables, print ratios."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dualprev.settings")
os.environ.setdefault("DUALPREV_ENV", "test")


@contextmanager
def test_database() -> Iterator[None]:
    import django
    from django.test.utils import setup_test_environment, teardown_test_environment

    django.setup()
    from django.db import connection

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def best_of(func: Callable[[], object], repeat: int = 7) -> float:
    """Best wall-clock time of ``repeat`` runs (the least disturbed by noise)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def report(name: str, ours: float, baseline: float, unit_count: int | None = None) -> None:
    ratio = baseline / ours if ours else float("inf")
    extra = f"  ({unit_count / ours:,.0f} rows/s)" if unit_count else ""
    print(
        f"{name:<58} ours {ours * 1000:8.2f} ms  baseline {baseline * 1000:8.2f} ms  "
        f"speed ratio {ratio:5.2f}{extra}"
    )
