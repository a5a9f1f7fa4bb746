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

# risks: the industry starter libraries are addressed by their code.
ROUTE_EXAMPLES["risks:library_detail"] = {"code": "dairy"}
ROUTE_EXAMPLES["risks:library_copy"] = {"code": "dairy"}


def _register_upload(cast: Any) -> dict[str, Any]:
    """A stored, checked register upload of enterprise A (the per-upload import routes)."""
    from dualprev.risks.exporters import export_register
    from dualprev.risks.importers import process_upload, store_upload

    data = export_register(cast.a.enterprise)
    upload = store_upload(
        data, enterprise=cast.a.enterprise, user=cast.safety_officer, filename="a.xlsx", rows=1
    )
    process_upload(upload, commit=False)
    return {"upload_id": upload.id}


# risks: the import's dry-run and commit pages take the stored upload's id.
ROUTE_EXAMPLES["risks:import_upload"] = _register_upload
ROUTE_EXAMPLES["risks:import_commit"] = _register_upload

# majorhazards: the reference tables page takes no kwargs; source and chemical pages are subject
# routes (MATRIX_SUBJECTS in dualprev/majorhazards/testing.py), so nothing else is needed here.

# inspections (worker pages) — kwargs of /checks/ routes that are not a public_id.
# Submitting a check: the special inspection item of enterprise A, which both the worker (a
# member) and the safety officer (its leader) may check; the matrix's empty post is refused
# with a message (a redirect back), so nothing is written.
ROUTE_EXAMPLES["checks:submit"] = lambda cast: {
    "occurrence_id": cast.a.risks["special_occurrence"].public_id
}

# inspections (office pages) — kwargs of /inspections/ task, special, deactivation routes.

# inspections (reports) — kwargs of /inspections/ report, export and paper-sheet routes.


# hazards (public reporting and triage).
def _report_link_key(cast: Any) -> dict[str, Any]:
    """Enterprise A's report link (``/r/<key>/``), created the way its safety officer does."""
    from dualprev.hazards.public import rotate_report_key

    key = rotate_report_key(enterprise_id=cast.a.enterprise.pk, acting_user=cast.safety_officer)
    return {"key": key}


def _public_report_with_photo(cast: Any) -> dict[str, Any]:
    """A waiting public report of enterprise A that has a photo (the cast's has none)."""
    from dualprev.hazards.public import PublicInput, submit_public_report
    from dualprev.hazards.testing import photo

    stored = submit_public_report(
        enterprise_id=cast.a.enterprise.pk,
        risk_object=cast.a.risks["object"],
        data=PublicInput(description="配电室地面积水", photo=photo()),
        client_key="1" * 64,
    )
    return {"report_id": stored.report.public_id}


# The report link's form is public by design: anyone may report through it, and it names one
# enterprise only (the matrix's plan for public routes: no login wall, members and regulators
# reach it). The risk point QR ``risk_point_qr`` is a public subject route: no example needed.
ROUTE_EXAMPLES["report:form"] = _report_link_key
ROUTE_EXAMPLES["hazards:triage_photo"] = _public_report_with_photo


# hazards (worker pages) — 提交整改 takes ``hazard_id``: enterprise A's reported hazard, graded
# with the worker as liable person and confirmed, so the worker (liable) and the safety officer
# (a hazard manager) may open the fix form; the matrix only reads it.
def _hazard_the_worker_fixes(cast: Any) -> dict[str, Any]:
    from dualprev.hazards.actions import confirm_hazard
    from dualprev.hazards.testing import graded

    hazard = graded(cast.a.risks["hazard"], cast.safety_officer, cast.worker, unit=cast.a.team)
    confirm_hazard(hazard=hazard, acting_user=cast.safety_officer)
    return {"hazard_id": hazard.public_id}


ROUTE_EXAMPLES["hazards:fix"] = _hazard_the_worker_fixes
