"""URL kwargs for routes that take parameters other than an object's ``public_id``.

The cross-tenant matrix (test_route_matrix.py) builds URLs for subject routes from the persona
cast; a route whose kwargs it cannot derive must have an entry here, keyed by "namespace:name".
Values may be a dict or a callable taking the cast and returning a dict.
"""

from __future__ import annotations

from typing import Any

ROUTE_EXAMPLES: dict[str, Any] = {}

# reference: dataset pages take the dataset's code; the calendar API takes a year.
ROUTE_EXAMPLES["reference:dataset"] = {"code": "gb6441-2025"}
ROUTE_EXAMPLES["api:reference_calendar_year"] = {"year": 2026}
