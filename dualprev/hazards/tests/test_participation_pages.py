"""The 积分排行 and 我的积分 pages: who sees what, the department filter, pagination and a
query count that does not grow with the number of people."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from dualprev.accounts.choices import EnterpriseRole
from dualprev.accounts.models import Membership
from dualprev.core.navigation import NAV_ITEMS
from dualprev.core.testing import make_user

pytestmark = pytest.mark.django_db


def add_people(cast, n: int) -> list:
    users = []
    for i in range(n):
        user = make_user(f"lb_{uuid.uuid4().hex[:10]}", f"员工{i:03d}")
        Membership.objects.create(
            enterprise=cast.a.enterprise,
            user=user,
            role=EnterpriseRole.WORKER,
            org_unit=cast.a.team,
        )
        users.append(user)
    return users


def test_every_member_sees_the_leaderboard_of_their_own_enterprise(client, cast) -> None:
    client.force_login(cast.worker)
    response = client.get(reverse("hazards:leaderboard"))
    assert response.status_code == 200
    page = response.content.decode()
    people = response.context["page_obj"].object_list
    assert [r.name for r in people][:2] == ["Asafety", "Aworker"]  # 20 and 6 points
    assert people[0].points == 20 and people[0].rank == 1
    assert "Aworker" in page and "A生产部 / A甲班组" in page
    assert 'class="me"' in page  # the worker's own row is marked
    assert "部门排行" in page and "积分规则" in page


def test_another_enterprise_sees_only_its_own_people(client, cast) -> None:
    client.force_login(cast.outsider)
    page = client.get(reverse("hazards:leaderboard")).content.decode()
    assert "Bworker" in page
    assert "Aworker" not in page and "甲化工有限公司" not in page


def test_regulators_and_anonymous_users_do_not_get_the_board(client, cast) -> None:
    assert client.get(reverse("hazards:leaderboard")).status_code == 302
    client.force_login(cast.district_regulator)
    assert client.get(reverse("hazards:leaderboard")).status_code == 403
    assert client.get(reverse("hazards:my_points")).status_code == 403


def test_the_department_filter_shows_only_that_subtree(client, cast) -> None:
    client.force_login(cast.worker)
    response = client.get(
        reverse("hazards:leaderboard"), {"unit": cast.a.team.public_id, "period": "year"}
    )
    names = {r.name for r in response.context["page_obj"].object_list}
    assert names == {"Aleader", "Aworker"}
    assert response.context["board"].period.key == "year"
    # The department table still covers the whole enterprise.
    labels = {d.label for d in response.context["board"].departments}
    assert labels == {"A生产部", "甲化工有限公司（本部）"}


def test_a_unit_of_another_enterprise_or_a_bad_id_is_not_found(client, cast) -> None:
    client.force_login(cast.worker)
    url = reverse("hazards:leaderboard")
    assert client.get(url, {"unit": cast.b.department.public_id}).status_code == 404
    assert client.get(url, {"unit": "not-a-uuid"}).status_code == 404


def test_the_board_pages_fifty_people_at_a_time(client, cast) -> None:
    add_people(cast, 60)
    client.force_login(cast.worker)
    first = client.get(reverse("hazards:leaderboard"))
    assert len(first.context["page_obj"].object_list) == 50
    second = client.get(reverse("hazards:leaderboard"), {"page": 2, "period": "quarter"})
    rows = second.context["page_obj"].object_list
    assert len(rows) == 15 and rows[-1].rank <= 65
    assert "period=quarter&amp;page=1" in second.content.decode()


@pytest.mark.parametrize("people", [5, 50])
def test_the_board_page_query_count_does_not_grow_with_people(
    client, cast, people, django_assert_max_num_queries
) -> None:
    add_people(cast, people)
    client.force_login(cast.worker)
    # session, user, membership, enterprise, settings, units, figures, + base page extras
    with django_assert_max_num_queries(12):
        response = client.get(reverse("hazards:leaderboard"))
    assert response.status_code == 200


def test_my_points_show_my_figures_rank_rules_and_recent_confirmed_hazards(client, cast) -> None:
    client.force_login(cast.worker)
    response = client.get(reverse("hazards:my_points"))
    assert response.status_code == 200
    mine = response.context["mine"]
    assert (mine.row.points, mine.row.rank, mine.pending) == (6, 2, 1)
    page = response.content.decode()
    assert "第 2 名" in page and "怎样获得积分" in page
    recent = response.context["recent"]
    assert [h.name for h in recent] == ["储罐保温层破损"] and recent[0].points == 5
    assert reverse("hazards:detail", args=[recent[0].public_id]) in page


def test_the_menu_lists_the_leaderboard_for_enterprise_members(client, cast) -> None:
    assert any(item.url_name == "hazards:leaderboard" for item in NAV_ITEMS)
    client.force_login(cast.worker)
    page = client.get(reverse("hazards:my_points")).content.decode()
    assert reverse("hazards:leaderboard") in page and "积分排行" in page
