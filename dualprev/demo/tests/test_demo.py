"""The demo district: what the README promises, loaded twice without duplicates."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from dualprev.accounts.models import AgencyMembership, Membership, User
from dualprev.demo.accounts import DEMO_PASSWORD, ENTERPRISE_ACCOUNTS, REGULATOR_ACCOUNTS
from dualprev.demo.builder import build_demo
from dualprev.orgs.models import Enterprise, OrgUnit, Post, Region, Shift

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Enterprise, OrgUnit, Post, Shift, User, Membership))


def test_the_demo_loads_the_district_of_the_seed_article_and_is_idempotent() -> None:
    build_demo()
    first = _counts()
    build_demo()
    assert _counts() == first
    erqi = Region.objects.get(code="410103")
    in_erqi = Enterprise.objects.filter(region__path__startswith=erqi.path)
    assert in_erqi.count() == 60
    assert in_erqi.filter(benchmark_level="provincial").count() == 1
    assert in_erqi.filter(benchmark_level="municipal").count() == 10
    zhongyuan = Region.objects.get(code="410102")
    assert Enterprise.objects.filter(region__path__startswith=zhongyuan.path).count() == 2
    whp = Enterprise.objects.get(name="郑州豫安化工有限公司（演示）")
    assert whp.has_major_hazard_source and whp.industry.group == "whp"
    for name in ("郑州花园乳业有限公司（演示）", "中建示范工程局郑州二七项目部（演示）"):
        enterprise = Enterprise.objects.get(name=name)
        assert OrgUnit.objects.filter(enterprise=enterprise).count() >= 4
        assert Post.objects.filter(enterprise=enterprise).count() >= 4
        assert Membership.objects.filter(enterprise=enterprise).count() >= 3
    # Every enterprise has an org root and at least one post.
    assert not Enterprise.objects.exclude(
        pk__in=OrgUnit.objects.filter(parent__isnull=True).values("enterprise")
    ).exists()


def test_every_demo_account_logs_in_with_the_published_password() -> None:
    build_demo()
    request = RequestFactory().post("/accounts/login/")
    for username, *_ in ENTERPRISE_ACCOUNTS + REGULATOR_ACCOUNTS:
        assert authenticate(request, username=username, password=DEMO_PASSWORD), username
    assert Membership.objects.filter(user__username="huagong_cz1", posts__isnull=False).exists()
    staff = AgencyMembership.objects.get(user__username="erqi_huaihe")
    assert staff.jurisdiction.name == "淮河路街道"
