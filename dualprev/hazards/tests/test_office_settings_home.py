"""The hazard settings page (/hazards/settings/) and the hazard card on the enterprise home."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dualprev.core.tenancy import actor_for
from dualprev.hazards.actions import hazard_settings, submit_rectification
from dualprev.hazards.models import HazardSettings
from dualprev.hazards.queries import home_figures
from dualprev.hazards.testing import photo

pytestmark = pytest.mark.django_db
URL = "/hazards/settings/"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def settings_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "remind_before_hours": 48,
        "escalation_period_days": 2,
        "points_check": 1,
        "points_hazard_general": 5,
        "points_hazard_larger": 10,
        "points_hazard_major": 30,
        "repeat_threshold": 3,
        "repeat_window_days": 60,
    }
    data.update(changes)
    return data


def test_the_url_is_named() -> None:
    assert reverse("hazards:settings") == URL


def test_every_member_reads_the_defaults_and_reading_writes_nothing(cast: Any) -> None:
    response = client_for(cast.worker).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "只有公司级管理人员可以修改隐患治理设置" in body and "保存设置" not in body
    assert response.context["form"]["escalation_period_days"].value() == 3
    assert not HazardSettings.objects.exists()


def test_a_company_manager_saves_the_settings_and_the_first_save_creates_the_row(
    cast: Any,
) -> None:
    response = client_for(cast.safety_officer).post(
        URL, settings_data(larger_tier_enabled="on"), follow=True
    )
    assert "已保存隐患治理设置。" in response.content.decode()
    row = HazardSettings.objects.get(enterprise=cast.a.enterprise)
    assert row.larger_tier_enabled and row.escalation_period_days == 2
    assert row.points_hazard_major == 30 and row.repeat_window_days == 60
    assert hazard_settings(cast.b.enterprise).pk is None  # another enterprise keeps defaults
    # Saving again updates the same row.
    client_for(cast.owner).post(URL, settings_data(remind_before_hours=12))
    assert HazardSettings.objects.get().remind_before_hours == 12
    assert not HazardSettings.objects.get().larger_tier_enabled


@pytest.mark.parametrize("who", ["worker", "team_leader"])
def test_members_below_company_level_may_not_save(cast: Any, who: str) -> None:
    assert client_for(getattr(cast, who)).post(URL, settings_data()).status_code == 403
    assert client_for(cast.a.users["dept"]).post(URL, settings_data()).status_code == 403
    assert not HazardSettings.objects.exists()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"escalation_period_days": 0}, "确保该值大于或等于1"),
        ({"repeat_threshold": 1}, "确保该值大于或等于2"),
        ({"remind_before_hours": -1}, "确保该值大于或等于0"),
        ({"points_check": ""}, "这个字段是必填项"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_saved(
    cast: Any, changes: dict[str, Any], error: str
) -> None:
    response = client_for(cast.safety_officer).post(URL, settings_data(**changes))
    assert response.status_code == 200 and error in response.content.decode()
    assert not HazardSettings.objects.exists()


def test_regulators_have_no_settings_page(cast: Any) -> None:
    assert client_for(cast.district_regulator).get(URL).status_code == 403


# --- Home card -------------------------------------------------------------------------------


def card(user: Any) -> dict[str, Any]:
    response = client_for(user).get(reverse("orgs:enterprise_home"))
    assert response.status_code == 200
    found = [c for c in response.context["cards"] if c["template"].startswith("hazards/")]
    assert len(found) == 1
    return found[0]


def test_the_safety_officer_sees_what_to_confirm_and_the_open_hazards(cast: Any) -> None:
    figures = card(cast.safety_officer)["figures"]
    assert figures == {
        "to_confirm": 1,
        "to_rectify": 0,
        "to_accept": 0,
        "open": 3,
        "overdue": 0,
        "major_open": 1,
    }


def test_the_liable_person_sees_what_to_fix(cast: Any) -> None:
    data = card(cast.team_leader)
    assert data["figures"]["to_rectify"] == 1 and data["figures"]["to_confirm"] == 0
    assert not data["manage"] and not data["accept"]
    body = client_for(cast.team_leader).get(reverse("orgs:enterprise_home")).content.decode()
    assert 'id="home-to-rectify">1<' in body and "待我确认" not in body


def test_acceptors_see_fixes_to_accept_but_a_major_one_only_at_company_level(cast: Any) -> None:
    rectifying, major = cast.a.risks["hazard_rectifying"], cast.a.risks["hazard_major"]
    submit_rectification(
        hazard=rectifying, acting_user=cast.team_leader, note="已换", photos=[photo()]
    )
    submit_rectification(
        hazard=major, acting_user=cast.a.users["dept"], note="已装", photos=[photo()]
    )
    assert card(cast.safety_officer)["figures"]["to_accept"] == 1
    assert card(cast.owner)["figures"]["to_accept"] == 2
    # The department head fixed the 重大 one: it is not theirs to accept.
    assert card(cast.a.users["dept"])["figures"]["to_accept"] == 1


def test_the_card_costs_one_query(cast: Any, django_assert_num_queries: Any) -> None:
    user = cast.safety_officer
    actor_for(user)  # resolved once per request by the page
    with django_assert_num_queries(1):
        home_figures(user)
