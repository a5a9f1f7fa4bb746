"""补录: paper results typed in later keep their real check time, carry the 补录 flag (entry mode
backfill, entered_by), turn a 未排查 check done in time into done, and never duplicate on a
double submit. Bad input is explained per row."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client

from dualprev.core.testing import Cast
from dualprev.inspections.choices import EntryMode, OccurrenceStatus
from dualprev.inspections.models import CheckOccurrence, CheckRecord, HazardDraft
from dualprev.inspections.tests.reports_world import ReportWorld, at, build_report_world
from dualprev.reference.choices import CheckStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Cast) -> ReportWorld:
    return build_report_world(cast)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(world: ReportWorld, day: str, post: Any = None, person: Any = None) -> str:
    who = f"person={person.public_id}" if person is not None else ""
    if post is not None or not who:
        who = f"post={(post or world.cast.a.post).public_id}"
    return f"/inspections/backfill/?{who}&date={day}"


def _page(client: Client, url: str) -> tuple[str, dict[str, str]]:
    """The page and its row hidden inputs (rows, occurrence and client ids) as form data."""
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    data: dict[str, Any] = {"rows": re.findall(r'name="rows" value="([^"]+)"', body)}
    for name, value in re.findall(r'<input type="hidden" name="(o-[^"]+)" value="([^"]+)"', body):
        data[name] = value
    return body, data


def _row(occurrence: CheckOccurrence, **fields: Any) -> dict[str, Any]:
    prefix = f"o-{occurrence.public_id}"
    return {f"{prefix}-{key}": value for key, value in fields.items()}


def test_the_page_lists_the_days_open_and_missed_checks_of_the_post(world: ReportWorld) -> None:
    body, data = _page(_client(world.cast.safety_officer), _url(world, "2026-03-03"))
    assert data["rows"] == [str(world.occ["T2-3"].public_id)]  # T1 Mar 3 is done already
    assert "A可燃气体报警仪完好" in body and "未排查" in body
    # The done check of the day is listed below, with how it was entered.
    assert 'id="backfill-done"' in body and "罐根阀渗漏" not in body and "在线" in body
    # The post's holder is the default person for each row.
    assert f'<option value="{world.cast.worker.public_id}" selected>' in body


def test_a_backfilled_check_keeps_its_real_time_and_carries_the_backfill_flag(
    world: ReportWorld,
) -> None:
    occurrence = world.occ["T2-3"]
    client = _client(world.cast.safety_officer)
    url = _url(world, "2026-03-03")
    _body, data = _page(client, url)
    data.update(
        _row(
            occurrence,
            status=str(CheckStatus.NORMAL.value),
            checked_by=str(world.cast.worker.public_id),
            check_time="2026-03-03T15:20",
            note="纸质记录补录",
        )
    )
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    record = CheckRecord.objects.get(occurrence=occurrence, status=CheckStatus.NORMAL)
    assert record.entry_mode == EntryMode.BACKFILL
    assert record.entered_by == world.cast.safety_officer
    assert record.checked_by == world.cast.worker
    assert record.check_time == at(3, 15, 20)
    assert not record.is_late and record.note == "纸质记录补录"
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.DONE  # it was 未排查, done in time
    assert occurrence.record == record
    page = client.get(url).content.decode()
    assert "已补录 1 条排查记录" in page
    assert "纸质补录" in page and "录入人：Asafety" in page
    assert 'name="rows"' not in page  # nothing left to enter that day


def test_a_double_submit_writes_one_record(world: ReportWorld) -> None:
    occurrence = world.occ["T2-3"]
    client = _client(world.cast.safety_officer)
    url = _url(world, "2026-03-03")
    _body, data = _page(client, url)
    data.update(
        _row(
            occurrence,
            status=str(CheckStatus.OTHER.value),
            checked_by=str(world.cast.worker.public_id),
            check_time="2026-03-03T09:00",
            note="报警仪送检",
        )
    )
    first = client.post(url, data)
    second = client.post(url, data)  # the same page sent again (double click, resend)
    assert first.status_code == second.status_code == 302
    records = CheckRecord.objects.filter(occurrence=occurrence).exclude(
        status=CheckStatus.NOT_CHECKED
    )
    assert records.count() == 1
    assert str(records.get().client_id) == data[f"o-{occurrence.public_id}-client_id"]
    # A new entry for the check that is now done (another page, another id) is refused.
    data[f"o-{occurrence.public_id}-client_id"] = str(uuid.uuid4())
    third = client.post(url, data)
    assert third.status_code == 200 and "该排查已完成，无需补录" in third.content.decode()
    assert records.count() == 1


def test_an_open_check_becomes_done_and_a_hazard_starts_a_draft(world: ReportWorld) -> None:
    occurrence = world.occ["T2-30"]
    assert occurrence.status == OccurrenceStatus.OPEN
    client = _client(world.cast.safety_officer)
    url = _url(world, "2026-03-30")
    _body, data = _page(client, url)
    data.update(
        _row(
            occurrence,
            status=str(CheckStatus.HAZARD_FOUND.value),
            checked_by=str(world.cast.worker.public_id),
            check_time="2026-03-30T10:05",
            note="报警仪显示故障",
        )
    )
    assert client.post(url, data).status_code == 302
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.DONE
    draft = HazardDraft.objects.get(record=occurrence.record)
    assert draft.description == "报警仪显示故障" and draft.measure == world.measures["M2"]


def test_rows_left_at_no_entry_keep_their_state(world: ReportWorld) -> None:
    client = _client(world.cast.safety_officer)
    url = _url(world, "2026-03-02", person=world.cast.team_leader)
    _body, data = _page(client, url)
    assert data["rows"] == [str(world.occ["T4-2"].public_id)]
    before = CheckRecord.objects.count()
    assert client.post(url, data).status_code == 302
    assert CheckRecord.objects.count() == before
    assert CheckOccurrence.objects.get(pk=world.occ["T4-2"].pk).status == OccurrenceStatus.MISSED


def _post_one(world: ReportWorld, key: str, day: str, **fields: Any) -> tuple[Any, str]:
    occurrence = world.occ[key]
    client = _client(world.cast.safety_officer)
    url = _url(world, day)
    _body, data = _page(client, url)
    data.update(_row(occurrence, **fields))
    response = client.post(url, data)
    return response, response.content.decode()


def test_a_time_after_the_window_is_refused_as_late(world: ReportWorld) -> None:
    response, body = _post_one(
        world,
        "T2-3",
        "2026-03-03",
        status="0",
        checked_by=str(world.cast.worker.public_id),
        check_time="2026-03-04T09:00",
    )
    assert response.status_code == 200
    assert "排查时间晚于该排查的截止时间（2026-03-04 00:00）" in body and "超时" in body
    assert not CheckRecord.objects.filter(
        occurrence=world.occ["T2-3"], entry_mode=EntryMode.BACKFILL
    ).exists()
    assert 'value="2026-03-04T09:00"' in body  # what was typed is kept for correcting


def test_a_time_before_the_window_is_refused(world: ReportWorld) -> None:
    _response, body = _post_one(
        world,
        "T2-3",
        "2026-03-03",
        status="0",
        checked_by=str(world.cast.worker.public_id),
        check_time="2026-03-02T23:00",
    )
    assert "排查时间早于该排查的开始时间（2026-03-03 00:00）" in body


def test_a_future_time_is_refused(world: ReportWorld, time_machine: Any) -> None:
    time_machine.move_to(at(30, 11), tick=False)
    _response, body = _post_one(
        world,
        "T2-30",
        "2026-03-30",
        status="0",
        checked_by=str(world.cast.worker.public_id),
        check_time="2026-03-30T14:00",
    )
    assert "排查时间不能晚于当前时间" in body
    assert CheckOccurrence.objects.get(pk=world.occ["T2-30"].pk).status == OccurrenceStatus.OPEN


def test_a_person_of_another_enterprise_is_refused(world: ReportWorld) -> None:
    _response, body = _post_one(
        world,
        "T2-3",
        "2026-03-03",
        status="0",
        checked_by=str(world.cast.outsider.public_id),
        check_time="2026-03-03T10:00",
    )
    assert "排查人必须是本企业在职人员" in body
    assert not CheckRecord.objects.filter(checked_by=world.cast.outsider).exists()


def test_missing_person_time_or_note_are_explained(world: ReportWorld) -> None:
    _response, body = _post_one(world, "T2-3", "2026-03-03", status="1")
    assert "请选择实际排查人" in body
    assert "请填写实际排查时间" in body
    assert "必须填写说明" in body


def test_an_occurrence_of_another_enterprise_cannot_be_posted(world: ReportWorld) -> None:
    foreign = world.cast.b.risks["occurrence"]
    client = _client(world.cast.safety_officer)
    url = _url(world, "2026-03-03")
    data = {"rows": [str(foreign.public_id)], **_row(foreign, status="0")}
    assert client.post(url, data).status_code == 404
    assert not CheckRecord.objects.filter(occurrence=foreign).exists()


def test_workers_may_not_backfill(world: ReportWorld) -> None:
    client = _client(world.cast.worker)
    assert client.get(_url(world, "2026-03-03")).status_code == 403
    assert client.post(_url(world, "2026-03-03"), {}).status_code == 403


def test_a_department_head_backfills_only_their_department(world: ReportWorld) -> None:
    client = _client(world.cast.a.users["dept"])
    body = client.get(_url(world, "2026-03-03", post=world.post2)).content.decode()
    assert "选择一个有效的选项" in body and 'name="rows"' not in body
    own = client.get(_url(world, "2026-03-03")).content.decode()
    assert str(world.occ["T2-3"].public_id) in own
    foreign = world.occ["T3-3"]  # A储运部's post
    data = {"rows": [str(foreign.public_id)], **_row(foreign, status="0")}
    assert client.post(_url(world, "2026-03-03"), data).status_code == 404


def test_the_selection_needs_a_post_or_a_person(world: ReportWorld) -> None:
    client = _client(world.cast.safety_officer)
    body = client.get("/inspections/backfill/?date=2026-03-03").content.decode()
    assert "请选择岗位或人员" in body
    both = (
        f"/inspections/backfill/?post={world.cast.a.post.public_id}"
        f"&person={world.cast.worker.public_id}&date=2026-03-03"
    )
    assert "岗位和人员只能选择一个" in client.get(both).content.decode()
