"""The regulator's side: the jurisdiction overview and the enterprises in it (read-only)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dualprev.core.access import route
from dualprev.core.tenancy import access_object
from dualprev.inspections.summary import district_commitments, enterprise_summary
from dualprev.majorhazards.models import MajorHazardSource
from dualprev.orgs.choices import BenchmarkLevel, ConstructionStatus, IndustryGroup
from dualprev.orgs.models import Agency, Enterprise, Region
from dualprev.orgs.summary import enterprise_counts
from dualprev.risks.queries import active_events, colour_counts, register_rows
from dualprev.supervision.filters import EnterpriseFilterForm
from dualprev.supervision.hazard_queries import enterprise_card, jurisdiction_line


def _jurisdiction(request: HttpRequest) -> tuple[Agency | None, Region | None]:
    membership = getattr(request.user, "agency_membership", None)
    if membership is None:
        return None, None
    return membership.agency, membership.jurisdiction


@route("regulator")
def home(request: HttpRequest) -> HttpResponse:
    enterprises = Enterprise.objects.visible_to(request.user)
    totals = enterprises.aggregate(
        total=Count("id"),
        above_scale=Count("id", filter=Q(is_above_scale=True)),
        major_hazard=Count("id", filter=Q(has_major_hazard_source=True)),
        provincial=Count("id", filter=Q(benchmark_level=BenchmarkLevel.PROVINCIAL)),
        municipal=Count("id", filter=Q(benchmark_level=BenchmarkLevel.MUNICIPAL)),
    )
    status_counts = dict(
        enterprises.values_list("construction_status").annotate(n=Count("id")).order_by()
    )
    group_counts = dict(
        enterprises.values_list("industry__group").annotate(n=Count("id")).order_by()
    )
    street_rows = (
        enterprises.values("region__name", "region__code")
        .annotate(n=Count("id"), benchmark=Count("id", filter=~Q(benchmark_level="none")))
        .order_by("region__code")
    )
    agency, region = _jurisdiction(request)
    risk_counts = colour_counts(active_events(request.user))
    context = {
        "risk_counts": risk_counts,
        "commitments": district_commitments(enterprises),
        "hazard_line": jurisdiction_line(request.user),
        "agency": agency,
        "region": region,
        "totals": totals,
        "status_rows": [
            (value, label, status_counts.get(value, 0))
            for value, label in ConstructionStatus.choices
        ],
        "group_rows": [
            (value, label, group_counts.get(value, 0)) for value, label in IndustryGroup.choices
        ],
        "street_rows": street_rows,
        "benchmarks": enterprises.exclude(benchmark_level=BenchmarkLevel.NONE)
        .select_related("industry", "region")
        .order_by("-benchmark_level", "name"),
    }
    return render(request, "supervision/home.html", context)


@route("regulator")
def enterprise_list(request: HttpRequest) -> HttpResponse:
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    enterprises = form.apply(
        Enterprise.objects.visible_to(request.user).select_related("industry", "region")
    )
    page = Paginator(enterprises.order_by("region__code", "name"), 25).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page,
        "querystring_without_page": (query.urlencode() + "&") if query else "",
    }
    htmx = getattr(request, "htmx", False)
    template = "supervision/_enterprise_rows.html" if htmx else "supervision/enterprise_list.html"
    return render(request, template, context)


@route("regulator", subject=Enterprise)
def enterprise_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    enterprise = access_object(Enterprise, request.user, public_id, "view")
    events = active_events(request.user).filter(enterprise=enterprise)
    context = {
        "enterprise": enterprise,
        "counts": enterprise_counts(enterprise),
        "risk_counts": colour_counts(events),
        "top_risks": register_rows(events.filter(residual_level__lte=1)).order_by(
            "residual_level", "unit__risk_object__name"
        )[:20],
        "hazard_sources": MajorHazardSource.objects.visible_to(request.user)
        .filter(enterprise=enterprise)
        .order_by("level", "name"),
        "inspections": enterprise_summary(enterprise),
        "hazard_card": enterprise_card(request.user, enterprise),
    }
    return render(request, "supervision/enterprise_detail.html", context)
