"""安全风险研判与承诺 pages and the hub: the deadline banner (filed / due / overdue), today's form
(file or correct, today's only), the history with missing days flagged."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from dualprev.inspections.actions import file_commitment
from dualprev.inspections.forms import STANDARD_COMMITMENT
from dualprev.inspections.models import SafetyCommitment

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
HUB = "/inspections/"
LIST = "/inspections/commitments/"
TODAY_URL = "/inspections/commitments/today/"

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def commitment_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "units_running": 3,
        "units_stopped": 1,
        "units_maintenance": 0,
        "hot_work": 2,
        "confined_space": 1,
        "blind_plate": 0,
        "work_at_height": 1,
        "lifting": 0,
        "temporary_power": 0,
        "excavation": 0,
        "road_closure": 0,
        "contractors_on_site": 12,
        "trial_production": "",
        "start_stop": "on",
        "major_hazards_ok": "on",
        "leader_name": "张总",
        "commitment": "今天我公司已进行安全风险研判，各项措施落实到位。",
    }
    data.update(changes)
    return data


def without_todays(cast: Any) -> None:
    SafetyCommitment.objects.filter(enterprise=cast.a.enterprise).delete()


def banner_state(body: str) -> str:
    marker = 'id="commitment-banner" data-state="'
    if marker not in body:
        return ""
    return body.split(marker, 1)[1].split('"', 1)[0]


def test_the_urls_are_named() -> None:
    assert reverse("inspections:index") == HUB
    assert reverse("inspections:commitment_list") == LIST
    assert reverse("inspections:commitment_today") == TODAY_URL


# --- The hub ---------------------------------------------------------------------------------


def test_the_hub_shows_todays_figures_and_links_to_every_page(cast: Any) -> None:
    response = client_for(cast.worker).get(HUB)
    # Today: the daily task's check (open) and the special inspection's item (done).
    assert response.context["figures"] == {"due": 2, "done": 1, "missed": 0, "open": 1}
    body = response.content.decode()
    for name in (
        "task_list",
        "special_list",
        "deactivation_list",
        "commitment_list",
        "settings",
    ):
        assert f'href="{reverse(f"inspections:{name}")}"' in body
    assert banner_state(body) == "filed"
    assert "今日安全风险研判与承诺已提交（09:00，主要负责人 Aowner）" in body


def test_the_hub_counts_missed_checks(cast: Any, time_machine: Any) -> None:
    from dualprev.inspections.actions import close_missed

    time_machine.move_to(NOW + dt.timedelta(days=1))
    close_missed()
    figures = client_for(cast.worker).get(HUB).context["figures"]
    # Yesterday's check ended unchecked; today's is open; the special item is still due.
    assert figures == {"due": 2, "done": 1, "missed": 0, "open": 1}
    time_machine.move_to(NOW)
    assert client_for(cast.worker).get(HUB).context["figures"]["missed"] == 1


def test_the_banner_says_due_before_the_deadline_and_overdue_after(
    cast: Any, time_machine: Any
) -> None:
    without_todays(cast)
    body = client_for(cast.owner).get(HUB).content.decode()
    assert banner_state(body) == "due"
    assert "今日安全风险研判与承诺尚未提交（截止 10:00）" in body
    assert f'href="{TODAY_URL}"' in body

    time_machine.move_to(NOW.replace(hour=10, minute=30))
    body = client_for(cast.owner).get(HUB).content.decode()
    assert banner_state(body) == "overdue"
    assert "今日安全风险研判与承诺已逾期未提交（截止 10:00）" in body
    assert 'class="banner banner-overdue"' in body


def test_a_worker_sees_the_banner_without_a_filing_button(cast: Any) -> None:
    without_todays(cast)
    body = client_for(cast.worker).get(HUB).content.decode()
    assert banner_state(body) == "due" and f'href="{TODAY_URL}"' not in body


def test_an_enterprise_without_a_major_hazard_source_gets_no_banner(cast: Any) -> None:
    body = client_for(cast.outsider).get(HUB).content.decode()
    assert banner_state(body) == ""
    assert "甲化工有限公司" not in body
    page = client_for(cast.outsider).get(LIST).content.decode()
    assert banner_state(page) == "not-required"
    assert "不要求每日提交" in page


# --- Today's form ----------------------------------------------------------------------------


def test_the_form_starts_from_the_main_leader_and_the_standard_sentence(cast: Any) -> None:
    without_todays(cast)
    form = client_for(cast.safety_officer).get(TODAY_URL).context["form"]
    assert form.initial["leader_name"] == cast.owner.display_name
    assert form.initial["commitment"] == STANDARD_COMMITMENT
    # Enterprise A has one analysis unit and nothing stopped.
    assert (form.initial["units_running"], form.initial["units_stopped"]) == (1, 0)


def test_filing_today_saves_the_commitment(cast: Any) -> None:
    without_todays(cast)
    response = client_for(cast.owner).post(TODAY_URL, commitment_data(), follow=True)
    assert "已提交今日安全风险研判与承诺。" in response.content.decode()
    row = SafetyCommitment.objects.get(enterprise=cast.a.enterprise)
    assert row.date == dt.date(2026, 3, 10)
    assert (row.units_running, row.units_stopped, row.hot_work, row.confined_space) == (3, 1, 2, 1)
    assert row.special_work_total == 4
    assert (row.contractors_on_site, row.trial_production, row.start_stop) == (12, False, True)
    assert (row.leader_name, row.committed_by, row.committed_at) == ("张总", cast.owner, NOW)
    assert banner_state(client_for(cast.owner).get(HUB).content.decode()) == "filed"


def test_filing_again_the_same_day_corrects_it(cast: Any, time_machine: Any) -> None:
    first = SafetyCommitment.objects.get(enterprise=cast.a.enterprise)
    form = client_for(cast.owner).get(TODAY_URL).context["form"]
    assert form.instance == first  # the form opens today's commitment
    time_machine.move_to(NOW + dt.timedelta(hours=2))
    response = client_for(cast.owner).post(TODAY_URL, commitment_data(hot_work=5), follow=True)
    assert "已更正今日安全风险研判与承诺。" in response.content.decode()
    row = SafetyCommitment.objects.get(enterprise=cast.a.enterprise)
    assert row.pk == first.pk and row.hot_work == 5
    # The filing time stays the first one (on time or not); updated_at tells the correction.
    assert row.committed_at == first.committed_at
    assert row.updated_at == NOW + dt.timedelta(hours=2)


def test_only_todays_commitment_can_be_filed(cast: Any) -> None:
    without_todays(cast)
    yesterday = SafetyCommitment(
        enterprise=cast.a.enterprise,
        date=dt.date(2026, 3, 9),
        commitment="补交昨天的承诺",
        leader_name="张总",
    )
    with pytest.raises(ValidationError) as caught:
        file_commitment(commitment=yesterday, acting_user=cast.owner)
    assert caught.value.message_dict["date"] == ["只能提交当天的承诺。"]
    # The form has no date: whatever is posted, it files today's.
    client_for(cast.owner).post(TODAY_URL, commitment_data(date="2026-03-09"))
    assert list(SafetyCommitment.objects.values_list("date", flat=True)) == [dt.date(2026, 3, 10)]


def test_bad_figures_and_an_empty_commitment_are_refused(cast: Any) -> None:
    without_todays(cast)
    response = client_for(cast.owner).post(
        TODAY_URL, commitment_data(hot_work=-1, commitment="  ", leader_name="")
    )
    errors = response.context["form"].errors
    assert errors["hot_work"] and errors["leader_name"]
    assert errors["commitment"]
    assert not SafetyCommitment.objects.exists()


def test_an_enterprise_without_a_major_hazard_source_may_still_file(cast: Any) -> None:
    page = client_for(cast.outsider).get(TODAY_URL).content.decode()
    assert "不要求每日提交" in page
    client_for(cast.outsider).post(TODAY_URL, commitment_data())
    assert SafetyCommitment.objects.filter(enterprise=cast.b.enterprise).count() == 1


def test_people_without_the_commit_right_cannot_file(cast: Any) -> None:
    without_todays(cast)
    dept_head = cast.a.users["dept"]
    for user in (cast.worker, dept_head):
        client = client_for(user)
        assert client.get(TODAY_URL).status_code == 403
        assert client.post(TODAY_URL, commitment_data()).status_code == 403
        assert client.get(LIST).status_code == 200  # the history is readable
    assert not SafetyCommitment.objects.exists()


# --- History ---------------------------------------------------------------------------------


def test_the_history_flags_missing_days(cast: Any, time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 13, 9, 30, tzinfo=TZ))
    response = client_for(cast.worker).get(LIST)
    days = {d.date.day: d for d in response.context["days"]}
    assert sorted(days) == [10, 11, 12, 13]  # from the enterprise's first day
    assert days[10].commitment is not None and not days[10].missing
    assert days[11].missing and days[12].missing
    assert not days[13].missing  # before today's deadline: still due
    body = response.content.decode()
    assert "2 天未提交" in body and body.count("status status-missed") == 3  # summary + 2 rows

    time_machine.move_to(dt.datetime(2026, 3, 13, 10, 30, tzinfo=TZ))
    days = {d.date.day: d for d in client_for(cast.worker).get(LIST).context["days"]}
    assert days[13].missing


def test_a_late_commitment_is_marked_late(cast: Any, time_machine: Any) -> None:
    without_todays(cast)
    time_machine.move_to(NOW.replace(hour=11))
    client_for(cast.owner).post(TODAY_URL, commitment_data())
    body = client_for(cast.worker).get(LIST).content.decode()
    assert "逾期提交" in body


def test_the_history_shows_thirty_days_and_pages_back(cast: Any) -> None:
    from dualprev.orgs.models import Enterprise

    Enterprise.objects.filter(pk=cast.a.enterprise.pk).update(
        created_at=NOW - dt.timedelta(days=90)
    )
    client = client_for(cast.worker)
    response = client.get(LIST)
    days = response.context["days"]
    assert len(days) == 30 and days[0].date == dt.date(2026, 3, 10)
    assert sum(d.missing for d in days) == 29
    assert response.context["earlier"] == dt.date(2026, 2, 8)
    older = client.get(LIST, {"end": "2026-02-08"}).context["days"]
    assert older[0].date == dt.date(2026, 2, 8) and len(older) == 30


def test_a_commitment_page_shows_what_was_committed(cast: Any) -> None:
    row = cast.a.risks["commitment"]
    url = reverse("inspections:commitment_detail", args=[row.public_id])
    body = client_for(cast.worker).get(url).content.decode()
    assert "今日风险研判完成，各项安全措施落实到位。" in body
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.district_regulator).get(url).status_code == 404
