"""Per-enterprise hash chain over hazard events and check records (interface; the full
implementation comes with the evidence app)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def append(objs: Sequence[Any]) -> None:
    """Append ``objs`` (hazard events or check records of one or more enterprises, already
    saved together with their photos) to their enterprises' chains, inside the caller's
    transaction."""
    return None
