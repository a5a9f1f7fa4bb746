"""visible_to: each persona sees exactly its tenant's rows."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from dualprev.core.tenancy import access_object, actor_for
from dualprev.orgs.models import Enterprise, OrgUnit

pytestmark = pytest.mark.django_db


def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


def test_an_enterprise_member_sees_only_their_enterprise(cast) -> None:
    assert names(Enterprise.objects.visible_to(cast.worker)) == {cast.a.enterprise.name}
    units = OrgUnit.objects.visible_to(cast.outsider)
    assert units.exists()
    assert set(units.values_list("enterprise_id", flat=True)) == {cast.b.enterprise.pk}


def test_a_district_regulator_sees_its_district_only(cast) -> None:
    assert names(Enterprise.objects.visible_to(cast.district_regulator)) == {
        cast.a.enterprise.name,
        cast.b.enterprise.name,
    }
    assert names(Enterprise.objects.visible_to(cast.other_district_regulator)) == {
        cast.c.enterprise.name
    }


def test_street_staff_see_their_street_and_industry_staff_their_industries(cast) -> None:
    assert names(Enterprise.objects.visible_to(cast.street_staff)) == {cast.a.enterprise.name}
    # The industry department of 二七区 is limited to 乳制品: B only (C is in 中原区).
    assert names(Enterprise.objects.visible_to(cast.industry_dept)) == {cast.b.enterprise.name}


def test_the_city_sees_every_district_read_only(cast) -> None:
    assert Enterprise.objects.visible_to(cast.city_readonly).count() == 3
    assert not Enterprise.objects.visible_to(cast.city_readonly, "manage_org").exists()


def test_regulators_cannot_write_enterprise_data(cast) -> None:
    assert not OrgUnit.objects.visible_to(cast.district_regulator, "manage_org").exists()


def test_anonymous_and_unassigned_users_see_nothing(cast, django_user_model) -> None:
    from django.contrib.auth.models import AnonymousUser

    loner = django_user_model.objects.create_user(username="loner", password="x")
    assert not Enterprise.objects.visible_to(AnonymousUser()).exists()
    assert not Enterprise.objects.visible_to(loner).exists()
    assert actor_for(loner).kind == "none"


def test_an_inactive_membership_sees_nothing(cast) -> None:
    membership = cast.worker.membership
    membership.is_active = False
    membership.save()
    worker = type(cast.worker).objects.get(pk=cast.worker.pk)
    assert not Enterprise.objects.visible_to(worker).exists()


def test_access_object_hides_other_tenants_and_refuses_forbidden_actions(cast) -> None:
    unit = cast.a.department
    assert access_object(OrgUnit, cast.safety_officer, unit.public_id, "manage_org") == unit
    with pytest.raises(Http404):
        access_object(OrgUnit, cast.outsider, unit.public_id, "view")
    with pytest.raises(Http404):
        access_object(OrgUnit, cast.other_district_regulator, unit.public_id, "view")
    with pytest.raises(Http404):
        access_object(OrgUnit, cast.safety_officer, "not-a-uuid", "view")
    with pytest.raises(PermissionDenied):
        access_object(OrgUnit, cast.worker, unit.public_id, "manage_org")
    assert access_object(OrgUnit, cast.district_regulator, unit.public_id, "view") == unit
