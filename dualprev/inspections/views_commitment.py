"""安全风险研判与承诺: the daily commitment of an enterprise with a major hazard source — its
history (missing days flagged), one day's commitment, and today's form (file or correct)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dualprev.accounts.roles import COMMIT
from dualprev.core.access import route
from dualprev.inspections import actions, office_queries
from dualprev.inspections.access import access_commitment
from dualprev.inspections.forms import STANDARD_COMMITMENT, CommitmentForm
from dualprev.inspections.models import SafetyCommitment
from dualprev.inspections.views_office import can, done
from dualprev.orgs.access import own_enterprise

HISTORY_DAYS = 30


def _end_date(request: HttpRequest, today: dt.date) -> dt.date:
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        return today
    return min(end, today)


@route("enterprise")
def commitment_list(request: HttpRequest) -> HttpResponse:
    enterprise = own_enterprise(request.user)
    status = actions.commitment_status(enterprise)
    today = timezone.localdate()
    end = _end_date(request, today)
    days, first = office_queries.commitment_days(
        request.user,
        enterprise,
        actions.inspection_settings(enterprise),
        required=status["required"],
        end=end,
        days=HISTORY_DAYS,
    )
    registered = timezone.localtime(enterprise.created_at).date()
    context = {
        "status": status,
        "days": days,
        "missing_count": sum(1 for day in days if day.missing),
        "earlier": first - dt.timedelta(days=1) if first > registered else None,
        "later": min(end + dt.timedelta(days=HISTORY_DAYS), today) if end < today else None,
        "can_commit": can(request, COMMIT),
    }
    return render(request, "inspections/office/commitment_list.html", context)


@route("enterprise", subject=SafetyCommitment)
def commitment_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    commitment = access_commitment(request.user, public_id)
    context = {
        "commitment": commitment,
        "form": CommitmentForm(instance=commitment),
        "is_today": commitment.date == timezone.localdate(),
        "can_commit": can(request, COMMIT),
    }
    return render(request, "inspections/office/commitment_detail.html", context)


@route("enterprise", action=COMMIT)
def commitment_today(request: HttpRequest) -> HttpResponse:
    """File today's commitment, or correct it the same day. The date is always today's: an
    older commitment cannot be filed or changed afterwards."""
    enterprise = own_enterprise(request.user, COMMIT)
    status = actions.commitment_status(enterprise)
    instance = status["filed"] or SafetyCommitment(enterprise=enterprise, date=timezone.localdate())
    initial = {}
    if status["filed"] is None:
        initial = {
            "leader_name": office_queries.main_leader_name(enterprise),
            "commitment": STANDARD_COMMITMENT,
            **office_queries.commitment_unit_counts(enterprise),
        }
    form = CommitmentForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.file_commitment(commitment=form.save(commit=False), acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except IntegrityError:
            form.add_error(None, _("今天的承诺刚刚已由他人提交，请刷新页面后修改。"))
        else:
            message = (
                _("已提交今日安全风险研判与承诺。")
                if status["filed"] is None
                else _("已更正今日安全风险研判与承诺。")
            )
            return done(request, reverse("inspections:commitment_list"), message)
    context = {"form": form, "status": status, "enterprise": enterprise}
    return render(request, "inspections/office/commitment_form.html", context)
