"""The reference-data browser: open to every logged-in user, read-only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dualprev.core.access import route
from dualprev.reference import browse
from dualprev.reference.choices import ENUMERATIONS

# Years the calendar page accepts; outside it the packages know nothing useful.
MIN_YEAR, MAX_YEAR = 2000, 2100


@route("user")
def index(request: HttpRequest) -> HttpResponse:
    """All datasets by kind, plus the enumerations and the holiday calendar."""
    return render(
        request,
        "reference/index.html",
        {"groups": browse.dataset_groups(), "enumeration_count": len(ENUMERATIONS)},
    )


@route("user")
def dataset_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One dataset; the template and its context depend on the dataset's kind."""
    dataset = browse.dataset_or_404(code)
    context = browse.detail_context(dataset, request.GET)
    context["dataset"] = dataset
    return render(request, f"reference/dataset_{dataset.kind}.html", context)


@route("user")
def enumerations(request: HttpRequest) -> HttpResponse:
    """Every code enumeration of Spec §B with its codes, labels and colours."""
    return render(request, "reference/enumerations.html", {"enumerations": ENUMERATIONS})


@route("user")
def holiday_calendar(request: HttpRequest) -> HttpResponse:
    """Statutory holidays and 调休 workdays of a year (``?year=``, default this year)."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, MIN_YEAR), MAX_YEAR)
    context = browse.calendar_context(year)
    context["this_year"] = this_year
    return render(request, "reference/calendar.html", context)
