"""The office forms bound every long text (4,000 characters; name and location 128, the
model's limit): an oversized field is refused with Django's Chinese message and nothing is
written — neither the hazard or plan nor a chained event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dualprev.evidence.models import ChainEntry
from dualprev.hazards.forms import LONG_TEXT_MAX, GradingForm, MajorPlanForm
from dualprev.hazards.models import HazardEvent, MajorHazardPlan
from dualprev.hazards.testing import MAJOR_PLAN
from dualprev.reference.choices import DangerManageType, HazardDangerType, HazardLevel

pytestmark = pytest.mark.django_db

TOO_LONG = "隐" * (LONG_TEXT_MAX + 1)
LONG_TEXTS = (
    "description",
    "reason",
    "rectification_measures",
    "contingency_plan",
    "interim_measures",
)


def _post(user: Any, name: str, hazard: Any, data: dict[str, Any]) -> Any:
    client = Client()
    client.force_login(user)
    hazard.refresh_from_db()
    url = reverse(f"hazards:{name}", args=[hazard.public_id])
    return client.post(url, {"version": hazard.version, **data})


def _grading(cast: Any, **changes: Any) -> dict[str, Any]:
    return {
        "level": HazardLevel.GENERAL,
        "manage_type": DangerManageType.DEADLINE,
        "danger_type": HazardDangerType.FIRE,
        "source": 10,
        "category": 0,
        "name": "消防通道堆放杂物",
        "description": "二号库房消防通道堆放纸箱",
        "location": "二号库房",
        "reason": "库房管理不到位",
        "rectification_measures": "清理纸箱，划定禁放区",
        "responsible_unit": cast.a.team.public_id,
        "liable_person": cast.worker.public_id,
        "cost": "0",
        "deadline": (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "contingency_plan": "清理前设置警示，专人看护",
        "interim_measures": "",
    } | changes


def _written() -> tuple[int, int]:
    return HazardEvent.objects.count(), ChainEntry.objects.count()


def _limit(form: Any, name: str) -> int | None:
    return form.fields[name].max_length


def test_every_long_text_of_the_forms_is_bounded_and_the_widget_says_so(cast: Any) -> None:
    grading = GradingForm(hazard=cast.a.risks["hazard"], larger_tier=False)
    for name in LONG_TEXTS:
        assert _limit(grading, name) == LONG_TEXT_MAX, name
        assert grading.fields[name].widget.attrs["maxlength"] == str(LONG_TEXT_MAX)
    assert _limit(grading, "name") == 128 and _limit(grading, "location") == 128
    plan = MajorPlanForm(hazard=cast.a.risks["hazard_major"])
    texts = [name for name in MAJOR_PLAN if name != "production_stopped"]
    assert texts and all(_limit(plan, name) == LONG_TEXT_MAX for name in texts)


@pytest.mark.parametrize("name", LONG_TEXTS)
def test_an_oversized_grading_text_is_refused_and_nothing_is_written(cast: Any, name: str) -> None:
    hazard = cast.a.risks["hazard"]
    before = _written()

    response = _post(cast.safety_officer, "grade", hazard, _grading(cast, **{name: TOO_LONG}))

    assert response.status_code == 200
    errors = response.context["forms"]["grade"].errors
    assert errors[name] == [f"确保该变量包含不超过 4000 字符 (目前字符数 {LONG_TEXT_MAX + 1})。"]
    assert "确保该变量包含不超过 4000 字符" in response.content.decode()
    hazard.refresh_from_db()
    assert getattr(hazard, name) != TOO_LONG and hazard.level is None
    assert _written() == before


def test_a_text_of_exactly_the_limit_is_accepted(cast: Any) -> None:
    hazard = cast.a.risks["hazard"]
    exact = "隐" * LONG_TEXT_MAX
    response = _post(cast.safety_officer, "grade", hazard, _grading(cast, reason=exact))
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.reason == exact


def test_an_oversized_plan_field_is_refused_and_nothing_is_written(cast: Any) -> None:
    hazard = cast.a.risks["hazard_major"]
    plan = MajorHazardPlan.objects.get(hazard=hazard)
    before = _written()
    data = {k: v for k, v in MAJOR_PLAN.items() if k != "production_stopped"}
    data |= {"production_stopped": "on", "harm_analysis": TOO_LONG}

    response = _post(cast.safety_officer, "major_plan", hazard, data)

    assert response.status_code == 200
    errors = response.context["forms"]["major_plan"].errors
    assert errors["harm_analysis"] == [
        f"确保该变量包含不超过 4000 字符 (目前字符数 {LONG_TEXT_MAX + 1})。"
    ]
    plan.refresh_from_db()
    assert plan.harm_analysis == MAJOR_PLAN["harm_analysis"] and plan.approved_at is not None
    assert _written() == before
