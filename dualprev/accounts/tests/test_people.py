"""The people pages and actions: a person is a User plus a Membership, written together."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from dualprev.accounts import actions
from dualprev.accounts.choices import EnterpriseRole
from dualprev.accounts.models import Membership, User
from dualprev.core.testing import PASSWORD, Cast, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Anquan-shengchan-2026"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _new_person(cast: Cast, **overrides: object) -> dict[str, object]:
    return {
        "username": "a_newcomer",
        "name": "张三",
        "mobile": "13900000001",
        "password": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "role": EnterpriseRole.WORKER,
        "org_unit": cast.a.team.pk,
        "posts": [cast.a.post.pk],
        **overrides,
    }


def _edit(person: Membership, **overrides: object) -> dict[str, object]:
    return {
        "name": person.user.name,
        "mobile": person.user.mobile or "13900000009",
        "role": person.role,
        "org_unit": person.org_unit_id,
        "posts": list(person.posts.values_list("pk", flat=True)),
        "is_active": "on" if person.is_active else "",
        **overrides,
    }


# --- The list ---------------------------------------------------------------------------------


def test_the_list_shows_the_managers_own_enterprise_only(cast: Cast) -> None:
    response = _client(cast.safety_officer).get(reverse("orgs:people"))

    people = list(response.context["page_obj"])
    assert {m.enterprise_id for m in people} == {cast.a.enterprise.pk}
    assert len(people) == 5
    assert "乙乳业" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Aworker", {"a_worker"}), ("a_lead", {"a_leader"}), ("1390000", {"a_worker"})],
)
def test_search_matches_name_username_and_mobile(cast: Cast, query: str, expected: set) -> None:
    cast.worker.mobile = "13900000002"
    cast.worker.save()

    response = _client(cast.safety_officer).get(reverse("orgs:people"), {"q": query})

    assert {m.user.username for m in response.context["page_obj"]} == expected


def test_filters_by_role_and_by_org_unit_including_units_below(cast: Cast) -> None:
    client = _client(cast.safety_officer)

    by_role = client.get(reverse("orgs:people"), {"role": EnterpriseRole.TEAM_LEADER})
    by_unit = client.get(reverse("orgs:people"), {"org_unit": cast.a.department.pk})

    assert [m.user.username for m in by_role.context["page_obj"]] == ["a_leader"]
    assert {m.user.username for m in by_unit.context["page_obj"]} == {
        "a_dept",
        "a_leader",
        "a_worker",
    }


def test_deactivated_people_appear_under_their_own_filter(cast: Cast) -> None:
    actions.deactivate_person(membership=cast.worker.membership, acting_user=cast.safety_officer)
    client = _client(cast.safety_officer)

    active = client.get(reverse("orgs:people"))
    inactive = client.get(reverse("orgs:people"), {"status": "inactive"})

    assert "a_worker" not in {m.user.username for m in active.context["page_obj"]}
    assert [m.user.username for m in inactive.context["page_obj"]] == ["a_worker"]


def test_the_list_pages_by_25_and_keeps_the_filters_in_page_links(cast: Cast) -> None:
    for i in range(30):
        Membership.objects.create(
            enterprise=cast.a.enterprise,
            user=make_user(f"bulk{i:02d}", f"批量{i:02d}"),
            role=EnterpriseRole.WORKER,
            org_unit=cast.a.team,
        )
    client = _client(cast.safety_officer)

    first = client.get(reverse("orgs:people"), {"role": EnterpriseRole.WORKER})
    second = client.get(reverse("orgs:people"), {"role": "worker", "page": "2"})

    assert len(first.context["page_obj"]) == 25
    assert len(second.context["page_obj"]) == 6
    assert "role=worker&amp;page=2" in first.content.decode()


def test_the_list_query_count_does_not_grow_with_the_page(
    cast: Cast, django_assert_max_num_queries
) -> None:
    for i in range(30):
        Membership.objects.create(
            enterprise=cast.a.enterprise,
            user=make_user(f"bulk{i:02d}", f"批量{i:02d}"),
            role=EnterpriseRole.WORKER,
            org_unit=cast.a.team,
        ).posts.add(cast.a.post)
    client = _client(cast.safety_officer)

    with django_assert_max_num_queries(12):  # +1: the header's unread-message COUNT
        response = client.get(reverse("orgs:people"))

    assert len(response.context["page_obj"]) == 25


def test_workers_and_regulators_cannot_see_the_people_list(cast: Cast) -> None:
    assert _client(cast.worker).get(reverse("orgs:people")).status_code == 403
    assert _client(cast.district_regulator).get(reverse("orgs:people")).status_code == 403


# --- Creating ---------------------------------------------------------------------------------


def test_creating_a_person_writes_the_user_and_membership_together(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(reverse("orgs:person_create"), _new_person(cast))

    user = User.objects.get(username="a_newcomer")
    assert response.status_code == 302
    assert (user.name, user.mobile, user.is_active) == ("张三", "13900000001", True)
    assert user.check_password(NEW_PASSWORD)
    membership = user.membership
    assert (membership.enterprise, membership.role, membership.org_unit) == (
        cast.a.enterprise,
        EnterpriseRole.WORKER,
        cast.a.team,
    )
    assert list(membership.posts.all()) == [cast.a.post]


def test_a_mobile_number_already_in_use_is_refused_and_nothing_is_written(cast: Cast) -> None:
    cast.worker.mobile = "13900000001"
    cast.worker.save()
    users_before, members_before = User.objects.count(), Membership.objects.count()

    response = _client(cast.safety_officer).post(reverse("orgs:person_create"), _new_person(cast))

    assert response.context["form"].errors["mobile"] == ["该手机号已被其他账号使用。"]
    assert (User.objects.count(), Membership.objects.count()) == (users_before, members_before)


def test_a_mobile_number_used_as_someone_elses_username_is_refused(cast: Cast) -> None:
    make_user("13900000001", "手机号用户名")

    response = _client(cast.safety_officer).post(reverse("orgs:person_create"), _new_person(cast))

    assert response.context["form"].errors["mobile"] == ["该手机号已被其他账号用作用户名。"]
    assert not User.objects.filter(username="a_newcomer").exists()


def test_a_taken_username_and_a_weak_password_are_reported_together(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:person_create"),
        _new_person(cast, username="a_worker", password="12345678", password2="12345678"),
    )

    errors = response.context["form"].errors
    assert "username" in errors and "password" in errors


def test_mismatched_passwords_are_refused(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:person_create"), _new_person(cast, password2="Something-else-2026")
    )

    assert response.context["form"].errors["password2"] == ["两次输入的密码不一致。"]
    assert not User.objects.filter(username="a_newcomer").exists()


def test_forged_unit_and_posts_of_another_enterprise_fail_validation(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:person_create"),
        _new_person(cast, org_unit=cast.b.team.pk, posts=[cast.b.post.pk]),
    )

    errors = response.context["form"].errors
    assert "org_unit" in errors and "posts" in errors
    assert not User.objects.filter(username="a_newcomer").exists()


def test_create_person_refuses_another_enterprises_post_even_without_the_form(cast: Cast) -> None:
    with pytest.raises(ValidationError) as info:
        actions.create_person(
            enterprise=cast.a.enterprise,
            username="a_newcomer",
            name="张三",
            mobile="13900000001",
            password=NEW_PASSWORD,
            role=EnterpriseRole.WORKER,
            org_unit=cast.a.team,
            posts=[cast.b.post],
        )

    assert info.value.message_dict["posts"] == ["岗位必须属于本企业。"]
    assert not User.objects.filter(username="a_newcomer").exists()


def test_a_failure_after_the_user_row_is_written_rolls_everything_back(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise IntegrityError("simulated race on the membership row")

    monkeypatch.setattr(Membership, "save", fail)

    with pytest.raises(ValidationError):
        actions.create_person(
            enterprise=cast.a.enterprise,
            username="a_newcomer",
            name="张三",
            mobile="13900000001",
            password=NEW_PASSWORD,
            role=EnterpriseRole.WORKER,
            org_unit=cast.a.team,
        )

    assert not User.objects.filter(username="a_newcomer").exists()


def test_the_new_person_logs_in_with_the_initial_password(cast: Cast) -> None:
    _client(cast.safety_officer).post(reverse("orgs:person_create"), _new_person(cast))

    response = Client().post(
        reverse("accounts:login"), {"username": "13900000001", "password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:home")


# --- Editing, deactivating, passwords ---------------------------------------------------------


def test_a_manager_changes_a_persons_role_unit_posts_and_details(cast: Cast) -> None:
    person = cast.worker.membership

    response = _client(cast.safety_officer).post(
        reverse("orgs:person_edit", args=[person.public_id]),
        _edit(
            person,
            name="李四",
            mobile="13900000003",
            role=EnterpriseRole.TEAM_LEADER,
            org_unit=cast.a.department.pk,
            posts=[],
        ),
    )

    person.refresh_from_db()
    person.user.refresh_from_db()
    assert response.status_code == 302
    assert (person.user.name, person.user.mobile) == ("李四", "13900000003")
    assert (person.role, person.org_unit) == (EnterpriseRole.TEAM_LEADER, cast.a.department)
    assert list(person.posts.all()) == []


def test_a_manager_cannot_change_their_own_role(cast: Cast) -> None:
    me = cast.safety_officer.membership

    response = _client(cast.safety_officer).post(
        reverse("orgs:person_edit", args=[me.public_id]), _edit(me, role=EnterpriseRole.WORKER)
    )

    assert response.context["form"].errors["role"] == ["不能修改自己的角色，请由其他管理人员操作。"]
    me.refresh_from_db()
    assert me.role == EnterpriseRole.SAFETY_OFFICER


def test_a_manager_cannot_deactivate_themselves(cast: Cast) -> None:
    me = cast.safety_officer.membership
    client = _client(cast.safety_officer)

    by_form = client.post(reverse("orgs:person_edit", args=[me.public_id]), _edit(me, is_active=""))
    client.post(reverse("orgs:person_deactivate", args=[me.public_id]))

    assert by_form.context["form"].errors["is_active"] == ["不能停用自己的账号。"]
    me.refresh_from_db()
    cast.safety_officer.refresh_from_db()
    assert me.is_active and cast.safety_officer.is_active


def test_a_manager_can_still_edit_their_own_name(cast: Cast) -> None:
    me = cast.safety_officer.membership

    _client(cast.safety_officer).post(
        reverse("orgs:person_edit", args=[me.public_id]), _edit(me, name="王安全")
    )

    cast.safety_officer.refresh_from_db()
    assert cast.safety_officer.name == "王安全"


def test_deactivating_keeps_the_person_but_stops_their_login(cast: Cast) -> None:
    person = cast.worker.membership

    response = _client(cast.safety_officer).post(
        reverse("orgs:person_deactivate", args=[person.public_id])
    )

    person.refresh_from_db()
    cast.worker.refresh_from_db()
    assert response.status_code == 302
    assert person.is_active is False and cast.worker.is_active is False
    assert Membership.objects.filter(pk=person.pk).exists()
    login = Client().post(reverse("accounts:login"), {"username": "a_worker", "password": PASSWORD})
    assert login.status_code == 200 and not login.wsgi_request.user.is_authenticated


def test_deactivation_is_post_only(cast: Cast) -> None:
    url = reverse("orgs:person_deactivate", args=[cast.worker.membership.public_id])

    assert _client(cast.safety_officer).get(url).status_code == 405


def test_reactivating_through_the_edit_form_restores_the_login(cast: Cast) -> None:
    person = cast.worker.membership
    actions.deactivate_person(membership=person, acting_user=cast.safety_officer)

    _client(cast.safety_officer).post(
        reverse("orgs:person_edit", args=[person.public_id]), _edit(person, is_active="on")
    )

    person.refresh_from_db()
    cast.worker.refresh_from_db()
    assert person.is_active and cast.worker.is_active


def test_a_manager_sets_a_new_password(cast: Cast) -> None:
    person = cast.worker.membership

    response = _client(cast.safety_officer).post(
        reverse("orgs:person_password", args=[person.public_id]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    cast.worker.refresh_from_db()
    assert response.status_code == 302
    assert cast.worker.check_password(NEW_PASSWORD)
    assert not cast.worker.check_password(PASSWORD)


def test_a_weak_new_password_is_refused(cast: Cast) -> None:
    person = cast.worker.membership

    response = _client(cast.safety_officer).post(
        reverse("orgs:person_password", args=[person.public_id]),
        {"new_password1": "12345678", "new_password2": "12345678"},
    )

    assert response.context["form"].errors
    cast.worker.refresh_from_db()
    assert cast.worker.check_password(PASSWORD)


def test_another_enterprises_person_is_404_and_workers_get_403(cast: Cast) -> None:
    url = reverse("orgs:person_edit", args=[cast.worker.membership.public_id])

    assert _client(cast.outsider).get(url).status_code == 404
    assert _client(cast.team_leader).get(url).status_code == 403
    response = _client(cast.outsider).post(
        reverse("orgs:person_deactivate", args=[cast.worker.membership.public_id])
    )
    assert response.status_code == 404
    cast.worker.refresh_from_db()
    assert cast.worker.is_active


def test_the_edit_form_offers_only_the_enterprises_units_and_posts(cast: Cast) -> None:
    url = reverse("orgs:person_edit", args=[cast.worker.membership.public_id])

    form = _client(cast.safety_officer).get(url).context["form"]

    assert set(form.fields["org_unit"].queryset) == {cast.a.company, cast.a.department, cast.a.team}
    assert list(form.fields["posts"].queryset) == [cast.a.post]
