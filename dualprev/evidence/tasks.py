"""Scheduled job of the evidence chain (run by the django-tasks worker)."""

from __future__ import annotations

from django_tasks import task

from dualprev.evidence.anchors import anchor_chains as write_anchors


@task()
def anchor_chains() -> dict[str, int]:
    """Store today's anchor (length and head hash) of every enterprise's evidence chain.
    Idempotent: a later run the same day moves the day's anchor to the newer head; an anchor
    never moves onto a cut or rewritten chain (those are counted as ``refused``)."""
    result = write_anchors()
    return {
        "written": result.written,
        "unchanged": result.unchanged,
        "refused": len(result.refused),
    }
