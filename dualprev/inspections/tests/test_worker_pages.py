"""The worker's phone pages: my checks today (walks by point and window, by state), a risk
point's due checks, the QR URL that leads there, and the record and hazard-draft pages."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dualprev.inspections.actions import CheckInput, submit_check
from dualprev.inspections.models import CheckOccurrence
from dualprev.inspections.scan import is_scanned, scan_token
from dualprev.inspections.tests.worker_world import EARLY, WorkerDay, at, build_day
from dualprev.reference.choices import CheckStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(time_machine: Any, request: Any) -> WorkerDay:
    time_machine.move_to(EARLY, tick=False)
    return build_day(request.getfixturevalue("cast"), time_machine)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _walks(response: Any) -> dict[str, list[tuple[str, str, list[int]]]]:
    """Section key → [(point name, window label, occurrence ids)]."""
    return {
        section.key: [
            (
                walk.risk_object.name if walk.risk_object else "",
                walk.label,
                sorted(item.pk for item in walk.items),
            )
            for walk in section.walks
        ]
        for section in response.context["sections"]
    }


def test_my_checks_groups_todays_occurrences_into_walks_by_point_and_window(
    day: WorkerDay,
) -> None:
    cast = day.cast
    p1_items = sorted(day.occ(t).pk for t in ("cast", "p1_valve", "p1_sprinkler"))
    special = cast.a.risks["special_occurrence"]
    response = _client(cast.worker).get(reverse("checks:today"))
    assert response.status_code == 200
    walks = _walks(response)
    # Due now, the walk that ends first on top: the 10–12 round, then the all-day walk of P1
    # (its three measures merged into one walk).
    assert walks["due"] == [
        ("A装卸站", "10:00–12:00", [day.occ("p2_round", 10).pk]),
        ("A储罐区", "全天", p1_items),
    ]
    assert walks["later"] == [
        ("A装卸站", "12:00–14:00", [day.occ("p2_round", 12).pk]),
        ("A装卸站", "14:00–16:00", [day.occ("p2_round", 14).pk]),
        ("A装卸站", "16:00–18:00", [day.occ("p2_round", 16).pk]),
    ]
    assert walks["done"] == [("A储罐区", "12月1日–12月7日", [special.pk])]
    assert walks["missed"] == [("A装卸站", "08:00–10:00", [day.occ("p2_round", 8).pk])]
    assert response.context["counts"] == {"due": 4, "later": 3, "done": 1, "missed": 1}
    html = response.content.decode()
    # Only my occurrences: not the team leader's task at the same point, nothing of B.
    shown = {pk for rows in walks.values() for _n, _l, pks in rows for pk in pks}
    assert day.occ("p1_leader").pk not in shown
    assert "乙乳业" not in html and "B储罐区" not in html
    assert html.count(reverse("checks:point", args=[day.p1.public_id])) == 2
    assert "已查 0/3" in html and 'id="offline-queue"' in html
    assert "inspections/checks.js" in html


def test_a_check_moves_its_walk_along_and_the_counts_follow(day: WorkerDay) -> None:
    cast = day.cast
    for task in ("cast", "p1_valve", "p1_sprinkler"):
        submit_check(
            occurrence=day.occ(task),
            checked_by=cast.worker,
            data=CheckInput(client_id=uuid.uuid4(), status=CheckStatus.NORMAL),
        )
    response = _client(cast.worker).get(reverse("checks:today"))
    walks = _walks(response)
    assert [w[:2] for w in walks["due"]] == [("A装卸站", "10:00–12:00")]
    assert ("A储罐区", "全天") in [w[:2] for w in walks["done"]]
    assert response.context["counts"]["done"] == 4


def test_someone_with_nothing_assigned_sees_an_empty_state(day: WorkerDay) -> None:
    response = _client(day.cast.a.users["dept"]).get(reverse("checks:today"))
    assert response.status_code == 200
    assert response.context["total"] == 0
    assert "今天没有分配给你的排查任务" in response.content.decode()


def test_regulators_and_strangers_cannot_use_the_check_pages(day: WorkerDay) -> None:
    cast = day.cast
    assert _client(cast.district_regulator).get(reverse("checks:today")).status_code == 403
    anonymous = Client().get(reverse("checks:today"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    point = reverse("checks:point", args=[day.p1.public_id])
    assert _client(cast.outsider).get(point).status_code == 404
    assert _client(cast.b.users["worker"]).get(point).status_code == 404
    assert _client(cast.district_regulator).get(point).status_code == 404
    other = reverse("checks:point", args=[cast.b.risks["object"].public_id])
    assert _client(cast.worker).get(other).status_code == 404


def _cards(html: str) -> list[str]:
    return re.findall(r'<form class="check-card[^"]*" id="card-([0-9a-f-]+)"', html)


def test_the_point_page_has_a_form_for_each_of_my_checks_due_there(day: WorkerDay) -> None:
    cast = day.cast
    response = _client(cast.worker).get(reverse("checks:point", args=[day.p1.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    due = {str(day.occ(t).public_id) for t in ("cast", "p1_valve", "p1_sprinkler")}
    assert set(_cards(html)) == due  # not the team leader's
    assert str(day.occ("p1_leader").public_id) not in html
    # Each card: three results, a note, up to three photos from the camera, its own client id.
    assert html.count('type="radio" name="status"') == 9
    for value in ("0", "1", "3"):
        assert html.count(f'name="status" value="{value}"') == 3
    assert html.count('accept="image/*" capture="environment" multiple') == 3
    client_ids = re.findall(r'name="client_id" value="([0-9a-f-]+)"', html)
    assert len(set(client_ids)) == 3
    assert html.count('name="scanned" value=""') == 3
    assert "未扫码" in html
    # The special inspection item checked earlier is listed as done, with its draft.
    record = cast.a.risks["check_record"]
    assert reverse("checks:record", args=[record.public_id]) in html
    assert reverse("checks:draft", args=[cast.a.risks["hazard_draft"].public_id]) in html
    assert reverse("risks:object_detail", args=[day.p1.public_id]) in html
    for task in ("cast", "p1_valve"):
        action = reverse("checks:submit", args=[day.occ(task).public_id])
        assert f'action="{action}"' in html


def test_the_point_page_shows_later_rounds_collapsed_and_missed_ones_apart(
    day: WorkerDay,
) -> None:
    response = _client(day.cast.worker).get(reverse("checks:point", args=[day.p2.public_id]))
    html = response.content.decode()
    assert _cards(html) == [str(day.occ("p2_round", 10).public_id)]
    groups = response.context["groups"]
    assert [o.window_start for o in groups["later"]] == [at(12), at(14), at(16)]
    assert [o.window_start for o in groups["missed"]] == [at(8)]
    assert '<details class="later" id="later-items">' in html
    assert "今天稍后 3 项" in html


def test_the_qr_url_takes_a_checker_to_the_points_checks_marked_as_scanned(
    day: WorkerDay,
) -> None:
    cast = day.cast
    qr = reverse("risk_point_qr", args=[day.p1.public_id])
    response = _client(cast.worker).get(qr)
    point_url = reverse("checks:point", args=[day.p1.public_id])
    assert response.status_code == 302 and response["Location"].startswith(point_url + "?scan=")
    token = parse_qs(urlsplit(response["Location"]).query)["scan"][0]
    assert is_scanned(token, day.p1.public_id)
    page = _client(cast.worker).get(response["Location"]).content.decode()
    assert page.count(f'name="scanned" value="{token}"') == 3
    assert 'id="scan-state">已扫码' in page
    # A hand-made flag, another point's token or an expired one is not a scan.
    for forged in ("1", scan_token(day.p2.public_id)):
        forged_page = _client(cast.worker).get(point_url + "?" + urlencode({"scan": forged}))
        assert 'id="scan-state">已扫码' not in forged_page.content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=3)):
        assert not is_scanned(token, day.p1.public_id)
    # Anyone else gets the public hazard report form for the point (hazards.views_public).
    for other in (_client(cast.outsider), _client(cast.district_regulator), Client()):
        answer = other.get(qr)
        assert answer.status_code == 200 and 'id="public-report-form"' in answer.content.decode()


def test_a_scanned_check_and_an_unscanned_one_are_recorded_as_such(day: WorkerDay) -> None:
    client = _client(day.cast.worker)
    token = scan_token(day.p1.public_id)
    cases = (("p1_valve", token, True), ("p1_sprinkler", "1", False), ("cast", token, True))
    for task, scanned, expected in cases:
        occurrence = day.occ(task)
        client.post(
            reverse("checks:submit", args=[occurrence.public_id]),
            {"client_id": str(uuid.uuid4()), "status": "0", "scanned": scanned},
        )
        occurrence.refresh_from_db()
        assert occurrence.record is not None
        assert occurrence.record.scanned is expected, task


def test_the_item_page_offers_the_form_only_to_the_person_it_is_for(day: WorkerDay) -> None:
    cast = day.cast
    occurrence = day.occ("p1_leader")
    url = reverse("checks:item", args=[occurrence.public_id])
    mine = _client(cast.team_leader).get(url).content.decode()
    assert _cards(mine) == [str(occurrence.public_id)]
    theirs = _client(cast.worker).get(url).content.decode()
    assert _cards(theirs) == [] and "这项排查不是分配给你的" in theirs
    assert _client(cast.outsider).get(url).status_code == 404


def test_the_record_page_shows_result_time_person_flags_location_and_photos(
    day: WorkerDay,
) -> None:
    cast = day.cast
    record = cast.a.risks["check_record"]
    photo = cast.a.risks["check_photo"]
    response = _client(cast.safety_officer).get(reverse("checks:record", args=[record.public_id]))
    html = response.content.decode()
    assert 'id="record-status">存在隐患' in html
    assert "保温层破损" in html and cast.worker.display_name in html
    assert "未扫码" in html and "未获取" in html
    assert reverse("checks:photo", args=[photo.public_id]) in html
    assert "/media/" not in html and photo.image.name not in html
    assert reverse("checks:draft", args=[cast.a.risks["hazard_draft"].public_id]) in html
    # The district's regulator may read it; another district's may not.
    assert _client(cast.district_regulator).get(reverse("checks:record", args=[record.public_id]))
    other = _client(cast.other_district_regulator).get(
        reverse("checks:record", args=[record.public_id])
    )
    assert other.status_code == 404


def test_the_hazard_draft_page_is_read_only_and_says_who_takes_it_over(day: WorkerDay) -> None:
    cast = day.cast
    draft = cast.a.risks["hazard_draft"]
    html = _client(cast.worker).get(reverse("checks:draft", args=[draft.public_id])).content
    text = html.decode()
    assert "隐患模块将接手处理" in text and "保温层破损" in text
    assert "A储罐区" in text and "A液位高高联锁投用" in text and "季节性排查" in text
    assert "<form" not in text.split('<main class="content">')[1]
    assert (
        _client(cast.outsider).get(reverse("checks:draft", args=[draft.public_id])).status_code
        == 404
    )


def test_cancelled_occurrences_are_not_on_the_list(day: WorkerDay) -> None:
    CheckOccurrence.objects.filter(pk=day.occ("p2_round", 12).pk).update(status="cancelled")
    response = _client(day.cast.worker).get(reverse("checks:today"))
    later = _walks(response)["later"]
    assert [w[1] for w in later] == ["14:00–16:00", "16:00–18:00"]


def test_the_qr_url_still_opens_the_object_page_for_a_member_who_may_not_check(
    day: WorkerDay, monkeypatch: Any
) -> None:
    from dualprev.accounts import roles
    from dualprev.accounts.choices import EnterpriseRole

    monkeypatch.setitem(roles.ENTERPRISE_ACTIONS, EnterpriseRole.WORKER, frozenset({"view"}))
    client = _client(day.cast.worker)
    response = client.get(reverse("risk_point_qr", args=[day.p1.public_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("risks:object_detail", args=[day.p1.public_id])
    assert client.get(reverse("checks:today")).status_code == 403
    assert client.get(reverse("checks:point", args=[day.p1.public_id])).status_code == 403


def test_a_special_inspection_item_without_a_point_is_checked_on_its_own_page(
    day: WorkerDay,
) -> None:
    from dualprev.inspections.actions import add_special_items
    from dualprev.inspections.models import SpecialInspectionItem

    cast = day.cast
    special = cast.a.risks["special_inspection"]
    add_special_items(
        inspection=special,
        items=[SpecialInspectionItem(content="检查应急物资储备是否充足")],
        acting_user=cast.safety_officer,
    )
    occurrence = CheckOccurrence.objects.get(special_item__content="检查应急物资储备是否充足")
    assert occurrence.risk_object is None
    client = _client(cast.worker)
    html = client.get(reverse("checks:today")).content.decode()
    item_url = reverse("checks:item", args=[occurrence.public_id])
    assert f'href="{item_url}"' in html and "冬季专项排查" in html
    page = client.get(item_url).content.decode()
    assert _cards(page) == [str(occurrence.public_id)]
    response = client.post(
        reverse("checks:submit", args=[occurrence.public_id]),
        {"client_id": str(uuid.uuid4()), "status": "0"},
    )
    assert response.status_code == 302 and response["Location"] == item_url
    occurrence.refresh_from_db()
    assert occurrence.status == "done" and occurrence.record is not None
    assert occurrence.record.checked_by == cast.worker
