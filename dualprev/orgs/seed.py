"""Idempotent loaders for the orgs app's reference rows (regions, industries).

Used by the data migration and by ``dualprev demo``; running them twice changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read(name: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def load_regions(region_model: Any) -> int:
    by_code: dict[str, Any] = {}
    rows = _read("regions.json")["regions"]
    for row in rows:  # parents come before children in the file
        parent = by_code.get(row["parent"]) if row["parent"] else None
        prefix = parent.path if parent is not None else ""
        obj, _ = region_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "parent": parent,
                "path": f"{prefix}{row['code']}/",
            },
        )
        by_code[row["code"]] = obj
    return len(rows)


def load_industries(industry_model: Any) -> int:
    rows = _read("industries.json")["industries"]
    for row in rows:
        industry_model.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "group": row["group"], "sort_order": row["sort_order"]},
        )
    return len(rows)
