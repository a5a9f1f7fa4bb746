"""Risk API: the assessment preview shared by the UI and integrations."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from dualprev.core.access import api_route
from dualprev.reference.scoring import ScoringError, evaluate

router = Router(tags=["assessments"])


class PreviewIn(Schema):
    method: str
    profile: str | None = None
    inputs: dict[str, float | int | str]


class PreviewOut(Schema):
    score: float
    band: str
    level: str
    level_code: int
    colour: str


@router.post("/preview", response=PreviewOut, url_name="assessment_preview")
@api_route("user")
def preview(request: HttpRequest, payload: PreviewIn) -> PreviewOut:
    """Score inputs with a method (LEC: L,E,C; LS: L,S; MES: M,E,S) and band the result with a
    profile (LEC_A, LEC_B, LS_A, LS_B, LS_C, LS_5LEVEL, MES; the method's default if omitted).
    Values outside the method's tables, unknown methods/profiles and missing inputs get 422."""
    if payload.method not in ("LEC", "LS", "MES"):
        raise HttpError(422, _("未知的评价方法：%(code)s。") % {"code": payload.method})
    try:
        result = evaluate(payload.method, payload.profile, payload.inputs)
    except ScoringError as exc:
        raise HttpError(422, str(exc)) from exc
    return PreviewOut(
        score=float(result.score),
        band=result.band,
        level=result.level,
        level_code=result.level_code,
        colour=result.colour,
    )
