"""The org structure pages: the tree, and managing units and posts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dualprev.accounts.choices import EnterpriseRole
from dualprev.accounts.models import Membership
from dualprev.core.testing import Cast, make_user
from dualprev.orgs.models import OrgUnit, Post

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- The tree ---------------------------------------------------------------------------------


def test_the_tree_nests_units_with_posts_as_leaves_and_counts_people(cast: Cast) -> None:
    response = _client(cast.worker).get(reverse("orgs:org_tree"))

    assert response.status_code == 200
    [root] = response.context["roots"]
    assert root.unit == cast.a.company
    [department] = root.children
    [team] = department.children
    assert [p.name for p in team.posts] == ["A操作工岗"]
    assert team.posts[0].holder_count == 1
    # owner + safety officer in the company, the dept head in the department, leader + worker
    # in the team.
    assert (root.direct_members, root.total_members) == (2, 5)
    assert (department.direct_members, department.total_members) == (1, 3)
    assert (team.direct_members, team.total_members) == (2, 2)
    assert response.context["people_count"] == 5


def test_workers_read_the_tree_without_edit_buttons(cast: Cast) -> None:
    html = _client(cast.worker).get(reverse("orgs:org_tree")).content.decode()

    assert "A甲班组" in html
    assert reverse("orgs:unit_create") not in html
    assert reverse("orgs:unit_edit", args=[cast.a.team.public_id]) not in html


def test_managers_get_add_and_edit_buttons_but_no_child_button_on_the_lowest_level(
    cast: Cast,
) -> None:
    html = _client(cast.safety_officer).get(reverse("orgs:org_tree")).content.decode()

    assert reverse("orgs:unit_edit", args=[cast.a.team.public_id]) in html
    assert f"?parent={cast.a.department.public_id}" in html
    assert f"?parent={cast.a.team.public_id}" not in html  # 班组 is the lowest level
    assert f"?unit={cast.a.team.public_id}" in html


def test_the_tree_shows_only_the_users_own_enterprise(cast: Cast) -> None:
    html = _client(cast.outsider).get(reverse("orgs:org_tree")).content.decode()

    assert "乙乳业有限公司" in html
    assert "甲化工有限公司" not in html


def test_deactivated_posts_are_hidden_from_workers_and_marked_for_managers(cast: Cast) -> None:
    cast.a.post.is_active = False
    cast.a.post.save()

    worker_html = _client(cast.worker).get(reverse("orgs:org_tree")).content.decode()
    manager_html = _client(cast.safety_officer).get(reverse("orgs:org_tree")).content.decode()

    assert "A操作工岗" not in worker_html
    assert "A操作工岗" in manager_html and "已停用" in manager_html


def test_regulators_get_403_on_the_enterprise_pages(cast: Cast) -> None:
    client = _client(cast.district_regulator)
    for name in ("orgs:enterprise_home", "orgs:org_tree", "orgs:unit_create", "orgs:settings"):
        assert client.get(reverse(name)).status_code == 403, name


def test_the_tree_query_count_does_not_grow_with_the_tree(
    cast: Cast, django_assert_max_num_queries
) -> None:
    enterprise = cast.a.enterprise
    for i in range(15):
        workshop = OrgUnit.objects.create(
            enterprise=enterprise, name=f"车间{i}", level="workshop", parent=cast.a.department
        )
        team = OrgUnit.objects.create(
            enterprise=enterprise, name=f"班组{i}", level="team", parent=workshop
        )
        post = Post.objects.create(enterprise=enterprise, name=f"岗位{i}", org_unit=team)
        user = make_user(f"extra{i}", f"员工{i}")
        Membership.objects.create(
            enterprise=enterprise, user=user, role=EnterpriseRole.WORKER, org_unit=team
        ).posts.add(post)
    client = _client(cast.safety_officer)

    with django_assert_max_num_queries(11):  # +1: the header's unread-message COUNT
        response = client.get(reverse("orgs:org_tree"))

    assert response.context["unit_count"] == 33


# --- Units ------------------------------------------------------------------------------------


def _unit_data(**overrides: object) -> dict[str, object]:
    return {"name": "A一车间", "parent": "", "level": "workshop", "sort_order": 0, **overrides}


def test_a_manager_adds_a_unit_below_its_parent(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:unit_create"), _unit_data(parent=cast.a.department.pk)
    )

    unit = OrgUnit.objects.get(name="A一车间")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#unit-{unit.public_id}")
    assert (unit.enterprise, unit.parent, unit.level) == (
        cast.a.enterprise,
        cast.a.department,
        "workshop",
    )


def test_the_add_form_proposes_the_level_below_the_parent(cast: Cast) -> None:
    url = reverse("orgs:unit_create") + f"?parent={cast.a.department.public_id}"
    form = _client(cast.safety_officer).get(url).context["form"]

    assert form.initial["parent"] == cast.a.department
    assert form.initial["level"] == "workshop"
    assert [code for code, _label in form.fields["level"].choices] == cast.a.enterprise.org_levels


def test_a_unit_must_sit_below_its_parents_level(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:unit_create"), _unit_data(parent=cast.a.team.pk, level="department")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["level"] == ["下级的层级必须低于上级。"]
    assert not OrgUnit.objects.filter(name="A一车间").exists()


def test_a_level_outside_the_enterprises_level_set_is_refused(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:unit_create"), _unit_data(parent=cast.a.company.pk, level="division")
    )

    assert "level" in response.context["form"].errors
    assert not OrgUnit.objects.filter(name="A一车间").exists()


def test_a_second_top_level_unit_is_refused(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:unit_create"), _unit_data(name="另一公司", level="company")
    )

    assert "每个企业只能有一个顶层组织单元。" in str(response.context["form"].errors)
    assert OrgUnit.objects.filter(enterprise=cast.a.enterprise, parent=None).count() == 1


def test_a_duplicate_name_under_the_same_parent_is_refused(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:unit_create"),
        _unit_data(name="A甲班组", parent=cast.a.department.pk, level="team"),
    )

    assert "同一上级下已有同名组织单元。" in str(response.context["form"].errors)
    assert OrgUnit.objects.filter(name="A甲班组").count() == 1


def test_a_forged_parent_from_another_enterprise_fails_validation(cast: Cast) -> None:
    before = OrgUnit.objects.count()

    response = _client(cast.safety_officer).post(
        reverse("orgs:unit_create"), _unit_data(parent=cast.b.department.pk)
    )

    assert "parent" in response.context["form"].errors
    assert OrgUnit.objects.count() == before


def test_a_parent_of_another_enterprise_in_the_query_string_is_404(cast: Cast) -> None:
    url = reverse("orgs:unit_create") + f"?parent={cast.b.department.public_id}"

    assert _client(cast.safety_officer).get(url).status_code == 404


def test_workers_cannot_add_units(cast: Cast) -> None:
    response = _client(cast.worker).post(
        reverse("orgs:unit_create"), _unit_data(parent=cast.a.department.pk)
    )

    assert response.status_code == 403
    assert not OrgUnit.objects.filter(name="A一车间").exists()


def test_a_manager_renames_and_reorders_a_unit(cast: Cast) -> None:
    url = reverse("orgs:unit_edit", args=[cast.a.team.public_id])
    response = _client(cast.safety_officer).post(
        url,
        _unit_data(name="A乙班组", parent=cast.a.department.pk, level="team", sort_order=3),
    )

    cast.a.team.refresh_from_db()
    assert response.status_code == 302
    assert (cast.a.team.name, cast.a.team.sort_order) == ("A乙班组", 3)


def test_a_unit_cannot_move_below_its_own_child(cast: Cast) -> None:
    url = reverse("orgs:unit_edit", args=[cast.a.department.public_id])
    client = _client(cast.safety_officer)

    form = client.get(url).context["form"]
    response = client.post(url, _unit_data(name="A生产部", parent=cast.a.team.pk))

    assert cast.a.team not in form.fields["parent"].queryset
    assert cast.a.department not in form.fields["parent"].queryset
    assert "parent" in response.context["form"].errors
    cast.a.department.refresh_from_db()
    assert cast.a.department.parent == cast.a.company


def test_a_unit_cannot_be_relevelled_to_or_below_its_childrens_level(cast: Cast) -> None:
    url = reverse("orgs:unit_edit", args=[cast.a.department.public_id])

    response = _client(cast.safety_officer).post(
        url, _unit_data(name="A生产部", parent=cast.a.company.pk, level="team")
    )

    assert response.context["form"].errors["level"] == [
        "已有下级单元的层级不低于该层级，请先调整下级。"
    ]
    cast.a.department.refresh_from_db()
    assert cast.a.department.level == "department"


def test_deleting_a_unit_in_use_is_refused_and_says_why(cast: Cast) -> None:
    client = _client(cast.safety_officer)

    response = client.post(reverse("orgs:unit_delete", args=[cast.a.team.public_id]), follow=True)

    assert OrgUnit.objects.filter(pk=cast.a.team.pk).exists()
    [message] = _messages(response)
    assert "岗位 1 个" in message and "人员 2 人" in message and "不能删除" in message


def test_a_unit_with_children_only_is_still_in_use(cast: Cast) -> None:
    Membership.objects.filter(org_unit=cast.a.department).update(org_unit=cast.a.company)

    _client(cast.safety_officer).post(
        reverse("orgs:unit_delete", args=[cast.a.department.public_id])
    )

    assert OrgUnit.objects.filter(pk=cast.a.department.pk).exists()


def test_an_unused_unit_is_deleted(cast: Cast) -> None:
    empty = OrgUnit.objects.create(
        enterprise=cast.a.enterprise, name="A空车间", level="workshop", parent=cast.a.department
    )

    response = _client(cast.safety_officer).post(
        reverse("orgs:unit_delete", args=[empty.public_id])
    )

    assert response.status_code == 302
    assert not OrgUnit.objects.filter(pk=empty.pk).exists()


def test_deleting_is_post_only(cast: Cast) -> None:
    url = reverse("orgs:unit_delete", args=[cast.a.team.public_id])

    assert _client(cast.safety_officer).get(url).status_code == 405


def test_another_enterprises_unit_is_404_for_edit_and_delete(cast: Cast) -> None:
    client = _client(cast.outsider)

    assert client.get(reverse("orgs:unit_edit", args=[cast.a.team.public_id])).status_code == 404
    response = client.post(reverse("orgs:unit_delete", args=[cast.a.team.public_id]))
    assert response.status_code == 404


# --- htmx inline forms ------------------------------------------------------------------------


def test_the_inline_add_form_is_a_fragment_for_htmx(cast: Cast) -> None:
    url = reverse("orgs:unit_create") + f"?parent={cast.a.department.public_id}"

    html = _client(cast.safety_officer).get(url, headers={"HX-Request": "true"}).content.decode()

    assert "<html" not in html
    assert 'hx-post="' in html and "A生产部" in html


def test_an_htmx_submit_redirects_the_page_on_success(cast: Cast) -> None:
    url = reverse("orgs:unit_create") + f"?parent={cast.a.department.public_id}"

    response = _client(cast.safety_officer).post(
        url, _unit_data(parent=cast.a.department.pk), headers={"HX-Request": "true"}
    )

    unit = OrgUnit.objects.get(name="A一车间")
    # A different URL from the page the form sits on (not only a new #anchor), so htmx
    # really reloads the tree; the new unit is highlighted.
    assert response.headers["HX-Redirect"] == (
        f"{reverse('orgs:org_tree')}?new={unit.public_id}#unit-{unit.public_id}"
    )
    page = _client(cast.safety_officer).get(response.headers["HX-Redirect"])
    assert f'id="unit-{unit.public_id}" class="just-added"' in page.content.decode()


def test_an_htmx_submit_with_errors_returns_the_fragment_with_errors(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:unit_create"), _unit_data(name=""), headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'class="error"' in html


# --- Posts ------------------------------------------------------------------------------------


def test_a_manager_adds_a_post_to_a_unit(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:post_create"),
        {"name": "A巡检岗", "org_unit": cast.a.team.pk, "description": "巡回检查"},
    )

    post = Post.objects.get(name="A巡检岗")
    assert response.status_code == 302
    assert (post.enterprise, post.org_unit, post.description, post.is_active) == (
        cast.a.enterprise,
        cast.a.team,
        "巡回检查",
        True,
    )


def test_a_post_in_another_enterprises_unit_is_refused(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:post_create"), {"name": "A巡检岗", "org_unit": cast.b.team.pk}
    )

    assert "org_unit" in response.context["form"].errors
    assert not Post.objects.filter(name="A巡检岗").exists()


def test_two_posts_of_one_unit_cannot_share_a_name(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:post_create"), {"name": "A操作工岗", "org_unit": cast.a.team.pk}
    )

    assert "该组织单元下已有同名岗位。" in str(response.context["form"].errors)
    assert Post.objects.filter(name="A操作工岗").count() == 1


def test_a_manager_edits_a_post(cast: Cast) -> None:
    url = reverse("orgs:post_edit", args=[cast.a.post.public_id])

    _client(cast.safety_officer).post(
        url, {"name": "A主操岗", "org_unit": cast.a.department.pk, "description": "x"}
    )

    cast.a.post.refresh_from_db()
    assert (cast.a.post.name, cast.a.post.org_unit) == ("A主操岗", cast.a.department)


def test_a_post_is_deactivated_and_reactivated_but_never_loses_its_holders(cast: Cast) -> None:
    client = _client(cast.safety_officer)

    client.post(reverse("orgs:post_deactivate", args=[cast.a.post.public_id]))
    cast.a.post.refresh_from_db()
    assert cast.a.post.is_active is False
    assert list(cast.a.post.holders.all()) == [cast.worker.membership]

    client.post(reverse("orgs:post_activate", args=[cast.a.post.public_id]))
    cast.a.post.refresh_from_db()
    assert cast.a.post.is_active is True


def test_a_held_post_cannot_be_deleted(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:post_delete", args=[cast.a.post.public_id]), follow=True
    )

    assert Post.objects.filter(pk=cast.a.post.pk).exists()
    assert "仍有 1 名人员" in _messages(response)[0]


def test_an_unheld_post_is_deleted(cast: Cast) -> None:
    post = Post.objects.create(enterprise=cast.a.enterprise, name="A空岗", org_unit=cast.a.team)

    _client(cast.safety_officer).post(reverse("orgs:post_delete", args=[post.public_id]))

    assert not Post.objects.filter(pk=post.pk).exists()


def test_workers_cannot_change_posts(cast: Cast) -> None:
    client = _client(cast.worker)

    assert (
        client.post(reverse("orgs:post_deactivate", args=[cast.a.post.public_id])).status_code
        == 403
    )
    cast.a.post.refresh_from_db()
    assert cast.a.post.is_active is True
