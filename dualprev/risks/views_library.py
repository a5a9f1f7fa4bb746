"""Industry starter libraries: browse them, preview one, copy one into the own register."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualprev.accounts.roles import MANAGE_RISKS
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.orgs.access import own_enterprise
from dualprev.reference.choices import (
    RISK_LEVEL_COLOURS,
    MeasureCategory,
    MeasureClassify2,
    MeasureDataSrc,
    RiskLevel,
)
from dualprev.reference.scoring import plain
from dualprev.risks.choices import RiskObjectType
from dualprev.risks.library import (
    Library,
    available_libraries,
    colour_mix,
    copied_object_names,
    copy_library,
    default_colour,
    get_library,
    library_counts,
)

# Colour → national level label (重大/较大/一般/低).
COLOUR_LABELS = {str(RISK_LEVEL_COLOURS[level]): label for level, label in RiskLevel.choices}


def _register_url() -> str | None:
    try:
        return reverse("risks:register")
    except NoReverseMatch:  # the register pages are built separately
        return None


@route("enterprise")
def libraries(request: HttpRequest) -> HttpResponse:
    """Every library with its size and colour mix; the enterprise's own industry first."""
    enterprise = own_enterprise(request.user)
    rows = []
    for library in available_libraries():
        copied = copied_object_names(enterprise, library)
        rows.append(
            {
                "library": library,
                "counts": library_counts(library),
                "mix": _mix(library),
                "copied": len(copied),
                "recommended": enterprise.industry.code in library["industries"],
            }
        )
    rows.sort(key=lambda row: not row["recommended"])
    return render(
        request,
        "risks/library/list.html",
        {"rows": rows, "enterprise": enterprise, "register_url": _register_url()},
    )


@route("enterprise")
def library_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The full content of one library, as it would land in the register."""
    enterprise = own_enterprise(request.user)
    library = _library_or_404(code)
    copied = copied_object_names(enterprise, library)
    context = {
        "library": library,
        "counts": library_counts(library),
        "mix": _mix(library),
        "objects": [_object_view(obj, obj["name"] in copied) for obj in library["objects"]],
        "copied": len(copied),
        "recommended": enterprise.industry.code in library["industries"],
        "can_copy": actor_for(request.user).can(MANAGE_RISKS),
        "register_url": _register_url(),
    }
    return render(request, "risks/library/detail.html", context)


@route("enterprise", action=MANAGE_RISKS)
@require_POST
def library_copy(request: HttpRequest, code: str) -> HttpResponse:
    """Copy a library into the acting user's own enterprise (objects it already has are kept)."""
    enterprise = own_enterprise(request.user, MANAGE_RISKS)
    library = _library_or_404(code)
    counts = copy_library(enterprise=enterprise, library_code=code, acting_user=request.user)
    if counts["objects"]:
        messages.success(
            request,
            _(
                "已从“%(name)s”复制 %(objects)d 个风险点、%(events)d 个风险事件、"
                "%(measures)d 条管控措施到本企业风险清单，并完成评价定级。"
            )
            % {"name": library["name"], **counts},
        )
    if counts["skipped_objects"]:
        messages.info(
            request,
            _("%(n)d 个风险点本企业清单中已有同名风险点，未重复复制。")
            % {"n": counts["skipped_objects"]},
        )
    return redirect(_register_url() or reverse("risks:library_detail", kwargs={"code": code}))


def _library_or_404(code: str) -> Library:
    library = get_library(code)
    if library is None:
        raise Http404
    return library


def _mix(library: Library) -> list[dict[str, Any]]:
    return [
        {"colour": colour, "label": COLOUR_LABELS[colour], "count": count}
        for colour, count in colour_mix(library).items()
    ]


def _score(assessment: dict[str, Any]) -> str:
    score = Decimal(1)
    for value in assessment["inputs"].values():
        score *= Decimal(str(value))
    return plain(score)


def _object_view(obj: dict[str, Any], copied: bool) -> dict[str, Any]:
    categories = dict(MeasureCategory.choices)
    classify2 = dict(MeasureClassify2.choices)
    sources = dict(MeasureDataSrc.choices)
    rows = []
    for unit in obj["units"]:
        for index, event in enumerate(unit["events"]):
            assessment = event["assessment"]
            colour = default_colour(assessment)
            rows.append(
                {
                    "unit": unit["name"],
                    "unit_rows": len(unit["events"]) if index == 0 else 0,
                    "event": event,
                    "method": assessment["method"],
                    "inputs": " × ".join(f"{k}{v}" for k, v in assessment["inputs"].items()),
                    "score": _score(assessment),
                    "colour": colour,
                    "level": COLOUR_LABELS.get(colour, ""),
                    "measures": [
                        {
                            **measure,
                            "category_label": categories.get(measure["category"], ""),
                            "classify2_label": classify2.get(measure.get("classify2") or "", ""),
                            "source_label": sources.get(measure["data_src"], ""),
                            "post": " / ".join(measure["posts"]),
                        }
                        for measure in event["measures"]
                    ],
                }
            )
    return {
        "name": obj["name"],
        "type_label": dict(RiskObjectType.choices).get(obj["object_type"], ""),
        "org_units": " / ".join(obj["org_units"]),
        "location": obj.get("location", ""),
        "description": obj.get("description", ""),
        "copied": copied,
        "rows": rows,
    }
