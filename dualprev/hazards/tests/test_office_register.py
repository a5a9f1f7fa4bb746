"""The hazard register (隐患台账, /hazards/): who sees which hazards, the filters, the status
counts, the overdue marking, paging and the query count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dualprev.hazards.choices import Channel, HazardStatus
from dualprev.hazards.models import Hazard

pytestmark = pytest.mark.django_db
URL = "/hazards/"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def numbers(response: Any) -> list[str]:
    return [h.number for h in response.context["page_obj"]]


def add_hazards(world: Any, count: int, **fields: Any) -> list[Hazard]:
    """Plain rows for list tests (the register reads rows; the loop is tested elsewhere)."""
    now = timezone.now()
    rows = [
        Hazard(
            enterprise=world.enterprise,
            number=f"YH-2020-{n:04d}",
            channel=Channel.OFFICE,
            name=f"批量隐患{n}",
            description="批量",
            found_at=now - dt.timedelta(days=400 + n),
            **fields,
        )
        for n in range(1, count + 1)
    ]
    return Hazard.objects.bulk_create(rows)


def test_the_url_is_named() -> None:
    assert reverse("hazards:index") == URL


def test_a_safety_officer_sees_every_hazard_of_the_enterprise_newest_first(cast: Any) -> None:
    a = cast.a.risks
    response = client_for(cast.safety_officer).get(URL)
    assert response.status_code == 200
    assert numbers(response) == [
        a["hazard_major"].number,
        a["hazard_rectifying"].number,
        a["hazard"].number,
    ]
    body = response.content.decode()
    assert "消防通道堆放杂物" in body and "隐患治理设置" in body
    assert cast.b.risks["hazard"].public_id.hex not in body.replace("-", "")


def test_a_worker_sees_only_the_hazards_they_reported_are_liable_for_or_fixed(cast: Any) -> None:
    a = cast.a.risks
    worker = client_for(cast.worker).get(URL)
    assert set(numbers(worker)) == {a["hazard"].number, a["hazard_rectifying"].number}
    assert "这里列出您上报、负责整改或整改过的隐患" in worker.content.decode()
    leader = client_for(cast.team_leader).get(URL)
    assert numbers(leader) == [a["hazard_rectifying"].number]
    assert leader.context["counts"].total == 1


def test_another_enterprise_sees_only_its_own_hazards(cast: Any) -> None:
    response = client_for(cast.outsider).get(URL)
    assert numbers(response) == [cast.b.risks["hazard"].number]
    assert "甲化工" not in response.content.decode()


def test_regulators_use_their_own_pages_not_the_register(cast: Any) -> None:
    assert client_for(cast.district_regulator).get(URL).status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=rectifying", {"hazard_rectifying", "hazard_major"}),
        ("status=reported", {"hazard"}),
        ("status=open", {"hazard", "hazard_rectifying", "hazard_major"}),
        ("status=accepted", set()),
        ("level=1", {"hazard_major"}),
        ("level=0", {"hazard_rectifying"}),
        ("manage_type=1", {"hazard_rectifying", "hazard_major"}),
        ("danger_type=7", {"hazard_rectifying", "hazard_major"}),
        ("source=10", {"hazard", "hazard_rectifying", "hazard_major"}),
        ("source=1", set()),
        ("q=保温层", {"hazard_rectifying"}),
        ("q=东侧储罐区", {"hazard_major"}),
        ("level=abc", {"hazard", "hazard_rectifying", "hazard_major"}),
    ],
)
def test_each_filter_narrows_the_register(cast: Any, query: str, expected: set[str]) -> None:
    a = cast.a.risks
    response = client_for(cast.safety_officer).get(f"{URL}?{query}")
    assert set(numbers(response)) == {a[key].number for key in expected}


def test_filters_by_number_unit_subtree_person_and_found_dates(cast: Any) -> None:
    a = cast.a.risks
    officer = client_for(cast.safety_officer)
    assert numbers(officer.get(URL, {"q": a["hazard"].number})) == [a["hazard"].number]
    # A department's filter includes the teams below it.
    department = officer.get(URL, {"responsible_unit": cast.a.department.public_id})
    assert set(numbers(department)) == {a["hazard_rectifying"].number, a["hazard_major"].number}
    team = officer.get(URL, {"responsible_unit": cast.a.team.public_id})
    assert numbers(team) == [a["hazard_rectifying"].number]
    person = officer.get(URL, {"liable_person": cast.team_leader.public_id})
    assert numbers(person) == [a["hazard_rectifying"].number]
    Hazard.objects.filter(pk=a["hazard"].pk).update(
        found_at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    )
    dated = officer.get(URL, {"found_from": "2026-01-01", "found_to": "2026-01-31"})
    assert numbers(dated) == [a["hazard"].number]


def test_a_person_of_another_enterprise_is_not_a_valid_filter_and_is_ignored(cast: Any) -> None:
    response = client_for(cast.safety_officer).get(
        URL, {"liable_person": cast.b.users["leader"].public_id}
    )
    assert response.status_code == 200
    assert len(numbers(response)) == 3


def test_overdue_hazards_are_marked_red_and_can_be_listed_alone(cast: Any) -> None:
    a = cast.a.risks
    Hazard.objects.filter(pk=a["hazard_rectifying"].pk).update(
        deadline=timezone.now() - dt.timedelta(hours=1)
    )
    # An accepted hazard past its deadline is not overdue.
    add_hazards(
        cast.a,
        1,
        status=HazardStatus.ACCEPTED,
        deadline=timezone.now() - dt.timedelta(days=3),
        accepted_by=cast.safety_officer,
        accepted_at=timezone.now(),
    )
    officer = client_for(cast.safety_officer)
    overdue = officer.get(URL, {"overdue": "on"})
    assert numbers(overdue) == [a["hazard_rectifying"].number]
    row = next(h for h in overdue.context["page_obj"])
    assert row.is_overdue
    body = officer.get(URL).content.decode()
    assert body.count('class="overdue"') == 1 and "hz-late" in body
    assert officer.get(URL).context["counts"].overdue == 1


def test_status_counts_cover_the_filtered_set_and_ignore_the_status_tab(cast: Any) -> None:
    response = client_for(cast.safety_officer).get(URL, {"status": "rectifying"})
    counts = response.context["counts"]
    assert counts.by_status == {
        "reported": 1,
        "rectifying": 2,
        "pending_accept": 0,
        "accepted": 0,
        "cancelled": 0,
    }
    assert (counts.total, counts.open, counts.major_open, counts.overdue) == (3, 3, 1, 0)
    tabs = {tab["value"]: tab for tab in response.context["status_tabs"]}
    assert tabs["rectifying"]["active"] and tabs["rectifying"]["count"] == 2
    # Another filter narrows the counts too.
    narrowed = client_for(cast.safety_officer).get(URL, {"level": "1"}).context["counts"]
    assert narrowed.by_status["rectifying"] == 1 and narrowed.by_status["reported"] == 0


def test_fifty_hazards_a_page(cast: Any) -> None:
    add_hazards(cast.a, 52)
    officer = client_for(cast.safety_officer)
    first = officer.get(URL)
    assert len(numbers(first)) == 50
    assert first.context["page_obj"].paginator.count == 55
    second = officer.get(URL, {"page": 2})
    assert numbers(second) == [f"YH-2020-{n:04d}" for n in range(48, 53)]
    assert "第 1 / 2 页，共 55 条" in first.content.decode()


def _queries(client: Client, query: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, query or {}).status_code == 200
    return len(captured.captured_queries)


def test_the_register_reads_a_fixed_number_of_queries_however_many_rows(cast: Any) -> None:
    officer = client_for(cast.safety_officer)
    _queries(officer)  # warm the session and caches
    few = _queries(officer)
    add_hazards(
        cast.a,
        45,
        responsible_unit=cast.a.team,
        liable_person=cast.team_leader,
        deadline=timezone.now() + dt.timedelta(days=2),
    )
    many = _queries(officer)
    assert many == few
    filtered = _queries(
        officer,
        {"status": "open", "responsible_unit": cast.a.department.public_id, "overdue": "on"},
    )
    # Baseline 11 (session, user, actor, menu badge, the two chooser lists, counts, page
    # count, rows ...); one spare for the shared page frame.
    assert many <= 12, many
    assert filtered <= many + 2


def test_the_menu_links_the_register_for_every_member(cast: Any) -> None:
    body = client_for(cast.worker).get(reverse("orgs:enterprise_home")).content.decode()
    assert f'href="{URL}"' in body and "隐患治理" in body
