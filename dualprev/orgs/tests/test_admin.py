"""The admin of the orgs and accounts apps (operators only)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from dualprev.accounts.models import User
from dualprev.core.testing import Cast
from dualprev.orgs.choices import RegionLevel
from dualprev.orgs.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(cast: Cast) -> Client:
    user = User.objects.create_superuser("root", password="Dualprev-root-2026")
    client = Client()
    client.force_login(user)
    return client


def test_every_orgs_and_accounts_model_has_a_working_admin_list(operator: Client) -> None:
    models = [m for m in admin.site._registry if m._meta.app_label in ("orgs", "accounts")]
    assert {m.__name__ for m in models} >= {
        "Region", "Industry", "Enterprise", "OrgUnit", "Post", "Shift", "Agency",
        "User", "Membership", "AgencyMembership",
    }  # fmt: skip
    for model in models:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert operator.get(url).status_code == 200, url
        assert operator.get(url + "?q=甲").status_code == 200, url


def test_the_admin_derives_a_regions_path_from_its_parent(cast: Cast, operator: Client) -> None:
    response = operator.post(
        reverse("admin:orgs_region_add"),
        {
            "code": "410103999",
            "name": "测试街道",
            "level": RegionLevel.STREET,
            "parent": cast.erqi.pk,
        },
    )

    region = Region.objects.get(code="410103999")
    assert response.status_code == 302
    assert region.path == f"{cast.erqi.path}410103999/"


def test_moving_a_region_re_roots_its_subtree(cast: Cast, operator: Client) -> None:
    street = cast.erqi.children.order_by("code").first()
    assert street is not None
    village = Region.objects.create(
        code="999", name="测试社区", level=RegionLevel.STREET, parent=street
    )
    village.path = village.compute_path()
    village.save()

    operator.post(
        reverse("admin:orgs_region_change", args=[street.pk]),
        {
            "code": street.code,
            "name": street.name,
            "level": street.level,
            "parent": cast.zhongyuan.pk,
        },
    )

    street.refresh_from_db()
    village.refresh_from_db()
    assert street.path == f"{cast.zhongyuan.path}{street.code}/"
    assert village.path == f"{street.path}999/"


def test_the_enterprise_admin_filters_by_industry_region_benchmark_and_status(
    cast: Cast, operator: Client
) -> None:
    url = reverse("admin:orgs_enterprise_changelist")

    response = operator.get(url, {"benchmark_level": "none", "q": cast.a.enterprise.credit_code})

    assert list(response.context["cl"].result_list) == [cast.a.enterprise]


def test_the_user_admin_shows_name_and_mobile(cast: Cast, operator: Client) -> None:
    cast.worker.mobile = "13800000001"
    cast.worker.save()

    response = operator.get(reverse("admin:accounts_user_changelist"), {"q": "13800000001"})

    assert list(response.context["cl"].result_list) == [cast.worker]
    html = operator.get(reverse("admin:accounts_user_change", args=[cast.worker.pk])).content
    assert b'name="mobile"' in html and b'name="name"' in html
