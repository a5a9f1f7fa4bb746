"""The enterprise home page and the enterprise side's navigation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from dualprev.core.testing import Cast
from dualprev.orgs.choices import BenchmarkLevel
from dualprev.orgs.models import Shift

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_home_page_shows_the_profile_counts_and_my_posts(cast: Cast) -> None:
    enterprise = cast.a.enterprise
    enterprise.benchmark_level = BenchmarkLevel.MUNICIPAL
    enterprise.benchmark_date = dt.date(2025, 6, 1)
    enterprise.has_major_hazard_source = True
    enterprise.emergency_phone = "0371-66668888"
    enterprise.save()

    response = _client(cast.worker).get(reverse("orgs:enterprise_home"))

    html = response.content.decode()
    assert response.context["enterprise"] == enterprise
    assert response.context["counts"] == {"units": 3, "posts": 1, "people": 5, "shifts": 1}
    assert list(response.context["me"].posts.all()) == [cast.a.post]
    assert response.context["my_shifts"] == [cast.a.shift]
    for text in (enterprise.credit_code, "市级标杆", "2025-06-01", "0371-66668888", "A操作工岗"):
        assert text in html, text
    assert enterprise.region.name in html


def test_my_shifts_follow_my_units_override(cast: Cast) -> None:
    night = Shift.objects.create(
        enterprise=cast.a.enterprise,
        name="夜班",
        start=dt.time(20),
        end=dt.time(8),
        org_unit=cast.a.team,
    )

    response = _client(cast.worker).get(reverse("orgs:enterprise_home"))

    assert response.context["my_shifts"] == [night]
    assert "20:00–次日08:00" in response.content.decode()


def test_quick_links_follow_the_users_role(cast: Cast) -> None:
    worker_links = _client(cast.worker).get(reverse("orgs:enterprise_home")).context["links"]
    manager_links = (
        _client(cast.safety_officer).get(reverse("orgs:enterprise_home")).context["links"]
    )

    assert [link["url"] for link in worker_links] == [
        reverse("orgs:org_tree"),
        reverse("accounts:password_change"),
    ]
    assert {reverse("orgs:people"), reverse("orgs:settings")} <= {
        link["url"] for link in manager_links
    }


def test_another_enterprises_manager_sees_only_their_own_enterprise(cast: Cast) -> None:
    response = _client(cast.outsider).get(reverse("orgs:enterprise_home"))

    assert response.context["enterprise"] == cast.b.enterprise
    assert "甲化工有限公司" not in response.content.decode()


def test_regulators_and_anonymous_users_cannot_open_the_enterprise_home(cast: Cast) -> None:
    assert _client(cast.district_regulator).get(reverse("orgs:enterprise_home")).status_code == 403
    response = Client().get(reverse("orgs:enterprise_home"))
    assert response.status_code == 302 and "/accounts/login/" in response.headers["Location"]


def _nav_labels(user) -> list[str]:
    response = _client(user).get(reverse("orgs:enterprise_home"))
    return [str(item["label"]) for item in response.context["nav_items"]]


def test_the_menu_offers_people_and_settings_to_managers_only(cast: Cast) -> None:
    manager = _nav_labels(cast.safety_officer)
    worker = _nav_labels(cast.worker)

    assert [x for x in manager if x in {"企业首页", "组织架构", "人员管理", "企业设置"}] == [
        "企业首页",
        "组织架构",
        "人员管理",
        "企业设置",
    ]
    assert "企业首页" in worker and "组织架构" in worker
    assert "人员管理" not in worker and "企业设置" not in worker
