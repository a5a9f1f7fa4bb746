"""Submitting a check (POST /checks/submit/<occurrence>/): JSON for the page's script, a
redirect with a message for a plain form; idempotent on the client's id; offline replays keep
their time; photos are checked, scaled and hashed; bad input writes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from dualprev.inspections.choices import DraftStatus, EntryMode, OccurrenceStatus
from dualprev.inspections.models import CheckOccurrence, CheckPhoto, CheckRecord, HazardDraft
from dualprev.inspections.photos import MAX_BYTES
from dualprev.inspections.scan import scan_token
from dualprev.inspections.tests.worker_world import (
    EARLY,
    NOW,
    WorkerDay,
    add_measure,
    add_task,
    at,
    build_day,
    image_bytes,
    jpeg_bytes,
)
from dualprev.reference.choices import CheckStatus, DangerSrc, WorkType

pytestmark = pytest.mark.django_db
JSON = {"Accept": "application/json"}


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def day(time_machine: Any, request: Any, media_root: Path) -> WorkerDay:
    time_machine.move_to(EARLY, tick=False)
    return build_day(request.getfixturevalue("cast"), time_machine)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(occurrence: CheckOccurrence) -> str:
    return reverse("checks:submit", args=[occurrence.public_id])


def _stored(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _photo(data: bytes, name: str = "IMG_0001.jpg", kind: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, data, content_type=kind)


def test_a_plain_form_post_records_the_check_and_goes_back_to_the_point(
    day: WorkerDay,
) -> None:
    occurrence = day.occ("p1_valve")
    client_id = uuid.uuid4()
    token = scan_token(day.p1.public_id)
    response = _client(day.cast.worker).post(
        _url(occurrence), {"client_id": str(client_id), "status": "0", "scanned": token}
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("checks:point", args=[day.p1.public_id]) + "?" + urlencode({"scan": token})
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["已提交：正常。"]
    record = CheckRecord.objects.get(client_id=client_id)
    assert record.status == CheckStatus.NORMAL and record.checked_by == day.cast.worker
    assert record.check_time == NOW  # no time sent: the server's
    assert record.entry_mode == EntryMode.ONLINE and record.scanned and not record.is_late
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.DONE and occurrence.record == record


def test_a_plain_form_post_with_a_mistake_goes_back_with_the_message_and_writes_nothing(
    day: WorkerDay,
) -> None:
    occurrence = day.occ("p1_valve")
    response = _client(day.cast.worker).post(
        _url(occurrence), {"client_id": str(uuid.uuid4()), "status": "3", "note": "  "}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("checks:point", args=[day.p1.public_id])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "结果为“存在隐患”或“其他”时必须填写说明。"
    ]
    assert not CheckRecord.objects.filter(occurrence=occurrence).exists()


def test_a_retry_with_the_same_client_id_returns_the_first_record(day: WorkerDay) -> None:
    occurrence = day.occ("p1_valve")
    client = _client(day.cast.worker)
    body = {"client_id": str(uuid.uuid4()), "status": "0", "note": "正常"}
    first = client.post(_url(occurrence), {**body, "photos": _photo(jpeg_bytes())}, headers=JSON)
    assert first.status_code == 201
    data = first.json()
    assert data["ok"] and data["created"] and data["counted"]
    assert data["record"]["status_label"] == "正常" and data["record"]["photos"] == 1
    assert data["draft"] is None
    for _attempt in range(2):
        again = client.post(
            _url(occurrence), {**body, "photos": _photo(jpeg_bytes())}, headers=JSON
        )
        assert again.status_code == 200
        assert again.json()["created"] is False and again.json()["counted"] is True
        assert again.json()["record"]["id"] == data["record"]["id"]
        assert "已经提交过" in again.json()["message"]
    assert CheckRecord.objects.filter(client_id=body["client_id"]).count() == 1
    assert CheckPhoto.objects.filter(record__client_id=body["client_id"]).count() == 1


def test_an_offline_replay_keeps_its_original_time_and_counts_after_the_window_closed(
    day: WorkerDay,
) -> None:
    occurrence = day.occ("p2_round", 8)
    assert occurrence.status == OccurrenceStatus.MISSED  # closed at 10:00 with no record
    made = at(9, 15)
    response = _client(day.cast.worker).post(
        _url(occurrence),
        {
            "client_id": str(uuid.uuid4()),
            "status": "0",
            "check_time": made.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "offline": "1",
        },
        headers=JSON,
    )
    assert response.status_code == 201 and response.json()["counted"] is True
    record = CheckRecord.objects.get(public_id=response.json()["record"]["id"])
    assert record.check_time == made and record.created_at == NOW
    assert record.entry_mode == EntryMode.OFFLINE and not record.is_late
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.DONE and occurrence.record == record


def test_a_check_made_after_its_window_is_kept_but_not_counted(day: WorkerDay) -> None:
    occurrence = day.occ("p2_round", 8)
    response = _client(day.cast.worker).post(
        _url(occurrence), {"client_id": str(uuid.uuid4()), "status": "0"}, headers=JSON
    )
    assert response.status_code == 201
    data = response.json()
    assert data["counted"] is False and data["record"]["is_late"] is True
    assert "不计入完成率" in data["message"]
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.MISSED
    assert occurrence.record is not None and occurrence.record.status == CheckStatus.NOT_CHECKED
    assert CheckRecord.objects.get(public_id=data["record"]["id"]).is_late


def test_photos_are_stored_upright_scaled_down_stripped_and_hashed(
    day: WorkerDay, media_root: Path
) -> None:
    occurrence = day.occ("p1_valve")
    # A 3000×2000 phone photo taken holding the phone upright (EXIF orientation 6).
    upright = jpeg_bytes(3000, 2000, orientation=6, secret="GPS 34.7N 113.6E 设备序列号")
    response = _client(day.cast.worker).post(
        _url(occurrence),
        {
            "client_id": str(uuid.uuid4()),
            "status": "0",
            "photos": [_photo(upright), _photo(image_bytes("PNG", mode="RGBA"), "a.png")],
        },
        headers=JSON,
    )
    assert response.status_code == 201, response.content
    photos = list(CheckPhoto.objects.filter(record__public_id=response.json()["record"]["id"]))
    assert len(photos) == 2
    big, png = photos
    assert (big.width, big.height) == (1067, 1600)  # turned upright, long side 1600
    assert (png.width, png.height) == (400, 300)  # small ones keep their size
    for photo in photos:
        stored = Path(photo.image.path).read_bytes()
        assert photo.sha256 == hashlib.sha256(stored).hexdigest()
        assert photo.size_bytes == len(stored)
        assert len(photo.phash) == 32
        assert photo.enterprise == day.cast.a.enterprise
        assert photo.image.name.startswith(f"checks/{day.cast.a.enterprise.public_id}/")
        with Image.open(io.BytesIO(stored)) as image:
            assert image.format == "JPEG" and image.size == (photo.width, photo.height)
            assert not image.getexif()  # no orientation, description or GPS left
    assert b"GPS" not in Path(big.image.path).read_bytes()
    assert int(big.phash, 16) != 0 and int(png.phash, 16) == 0  # a flat picture has no edges


def test_a_photo_is_served_only_through_the_access_checked_view(day: WorkerDay) -> None:
    cast = day.cast
    photo = cast.a.risks["check_photo"]
    url = reverse("checks:photo", args=[photo.public_id])
    response = _client(cast.worker).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=86400"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert hashlib.sha256(body).hexdigest() == photo.sha256
    assert _client(cast.outsider).get(url).status_code == 404
    assert _client(cast.other_district_regulator).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    assert Client().get(f"/media/{photo.image.name}").status_code == 404


BAD_PHOTOS = [
    ("text renamed .jpg", "这不是图片\n".encode() * 50, "不是图片"),
    ("gif", image_bytes("GIF"), "GIF"),
    ("svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
    ("truncated jpeg", jpeg_bytes(800, 600)[:5000], "损坏或不完整"),
    ("empty", b"", "空"),
    ("over 10 MB", b"\xff\xd8\xff" + b"\x00" * MAX_BYTES, "10 MB"),
]


@pytest.mark.parametrize(("label", "data", "message"), BAD_PHOTOS, ids=[b[0] for b in BAD_PHOTOS])
def test_a_bad_or_oversized_photo_is_refused_and_nothing_is_written(
    day: WorkerDay, media_root: Path, label: str, data: bytes, message: str
) -> None:
    occurrence = day.occ("p1_valve")
    files_before = _stored(media_root)
    records_before = CheckRecord.objects.count()
    response = _client(day.cast.worker).post(
        _url(occurrence),
        {
            "client_id": str(uuid.uuid4()),
            "status": "1",
            "note": "阀门渗漏",
            "photos": [_photo(jpeg_bytes()), _photo(data, "IMG_0002.jpg")],
        },
        headers=JSON,
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith("第 2 张照片：") and message in error
    assert CheckRecord.objects.count() == records_before
    assert not HazardDraft.objects.filter(occurrence=occurrence).exists()
    assert _stored(media_root) == files_before
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN


def test_more_than_three_photos_are_refused(day: WorkerDay, media_root: Path) -> None:
    occurrence = day.occ("p1_valve")
    files_before = _stored(media_root)
    response = _client(day.cast.worker).post(
        _url(occurrence),
        {
            "client_id": str(uuid.uuid4()),
            "status": "0",
            "photos": [_photo(jpeg_bytes(), f"{i}.jpg") for i in range(4)],
        },
        headers=JSON,
    )
    assert response.status_code == 400 and response.json()["error"] == "最多上传 3 张照片。"
    assert not CheckRecord.objects.filter(occurrence=occurrence).exists()
    assert _stored(media_root) == files_before


def test_a_request_larger_than_any_valid_one_is_refused_before_it_is_read(
    day: WorkerDay,
) -> None:
    occurrence = day.occ("p1_valve")
    response = _client(day.cast.worker).post(
        _url(occurrence),
        {"client_id": str(uuid.uuid4()), "status": "0"},
        CONTENT_LENGTH=str(40 * 1024 * 1024),
        headers=JSON,
    )
    # Refused by the request-size middleware before CSRF could parse the body.
    assert response.status_code == 413
    assert response.json()["message"] == "上传内容过大：一次提交不能超过 32 MB。"
    assert not CheckRecord.objects.filter(occurrence=occurrence).exists()


def test_hazard_found_starts_a_hazard_draft_prefilled_with_measure_point_and_record(
    day: WorkerDay,
) -> None:
    occurrence = day.occ("p1_valve")
    response = _client(day.cast.worker).post(
        _url(occurrence),
        {
            "client_id": str(uuid.uuid4()),
            "status": "1",
            "note": "罐根阀阀杆渗漏",
            "photos": _photo(jpeg_bytes()),
        },
        headers=JSON,
    )
    assert response.status_code == 201
    data = response.json()
    record = CheckRecord.objects.get(public_id=data["record"]["id"])
    draft = HazardDraft.objects.get(record=record)
    assert data["draft"] == {
        "id": str(draft.public_id),
        "url": reverse("checks:draft", args=[draft.public_id]),
    }
    assert "已生成隐患报告草稿" in data["message"]
    assert draft.measure is not None and draft.measure == occurrence.measure
    assert draft.measure.description == "罐根阀完好"
    assert draft.risk_object == day.p1 and draft.occurrence == occurrence
    assert draft.description == "罐根阀阀杆渗漏" and draft.reported_by == day.cast.worker
    assert draft.source_code == DangerSrc.DAILY and draft.category_code == 0
    assert draft.status == DraftStatus.DRAFT
    page = _client(day.cast.worker).get(data["record"]["url"]).content.decode()
    assert data["draft"]["url"] in page and "隐患模块将接手处理" in page


def test_hazard_found_or_other_needs_a_note(day: WorkerDay) -> None:
    occurrence = day.occ("p1_valve")
    for status in ("1", "3"):
        response = _client(day.cast.worker).post(
            _url(occurrence), {"client_id": str(uuid.uuid4()), "status": status}, headers=JSON
        )
        assert response.status_code == 400
        assert response.json() == {
            "ok": False,
            "error": "结果为“存在隐患”或“其他”时必须填写说明。",
        }
    response = _client(day.cast.worker).post(
        _url(occurrence), {"client_id": str(uuid.uuid4()), "status": "2"}, headers=JSON
    )
    assert response.status_code == 400 and "请选择排查结果" in response.json()["error"]
    assert not CheckRecord.objects.filter(occurrence=occurrence).exists()


def test_a_defend_task_record_is_marked_as_such(day: WorkerDay) -> None:
    from dualprev.inspections.generation import generate

    cast = day.cast
    task = add_task(
        add_measure(cast.a.risks["event"], "重大危险源包保检查"),
        assignee=cast.worker,
        work_type=WorkType.TECHNICAL_LEADER,
        task_num=3,
        start=EARLY,
    )
    generate(enterprise_ids=[cast.a.enterprise.pk], start=at(0), until=at(23))
    occurrence = CheckOccurrence.objects.get(task=task)
    assert occurrence.is_defend
    page = _client(cast.worker).get(reverse("checks:point", args=[day.p1.public_id]))
    assert "包保 · 技术负责人任务 3" in page.content.decode()
    response = _client(cast.worker).post(
        _url(occurrence),
        {"client_id": str(uuid.uuid4()), "status": "1", "note": "包保检查发现问题"},
        headers=JSON,
    )
    record = CheckRecord.objects.get(public_id=response.json()["record"]["id"])
    assert record.is_defend is True
    assert HazardDraft.objects.get(record=record).category_code == WorkType.TECHNICAL_LEADER


def test_someone_not_assigned_gets_403_and_another_enterprise_404_and_nothing_is_written(
    day: WorkerDay,
) -> None:
    cast = day.cast
    occurrence = day.occ("p1_valve")
    body = {"client_id": str(uuid.uuid4()), "status": "0"}
    leader = _client(cast.team_leader).post(_url(occurrence), body, headers=JSON)
    assert leader.status_code == 403
    assert leader.json() == {"ok": False, "error": "这项排查不是分配给你的，不能提交。"}
    assert _client(cast.team_leader).post(_url(occurrence), body).status_code == 403
    outsider = _client(cast.outsider).post(_url(occurrence), body, headers=JSON)
    assert outsider.status_code == 404 and outsider.json()["error"] == "没有找到这项排查。"
    assert _client(cast.b.users["worker"]).post(_url(occurrence), body).status_code == 404
    assert _client(cast.district_regulator).post(_url(occurrence), body).status_code == 404
    missing = reverse("checks:submit", args=[uuid.uuid4()])
    assert _client(cast.worker).post(missing, body, headers=JSON).status_code == 404
    assert Client().post(_url(occurrence), body).status_code == 302
    assert not CheckRecord.objects.filter(occurrence=occurrence).exists()
    assert _client(cast.worker).get(_url(occurrence)).status_code == 405


def test_a_client_id_already_used_for_another_check_is_refused(day: WorkerDay) -> None:
    client = _client(day.cast.worker)
    client_id = str(uuid.uuid4())
    first = client.post(
        _url(day.occ("p1_valve")), {"client_id": client_id, "status": "0"}, headers=JSON
    )
    assert first.status_code == 201
    other = client.post(
        _url(day.occ("p1_sprinkler")), {"client_id": client_id, "status": "0"}, headers=JSON
    )
    assert other.status_code == 400 and "提交编号已被另一条排查记录使用" in other.json()["error"]
    assert not CheckRecord.objects.filter(occurrence=day.occ("p1_sprinkler")).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"client_id": "abc"}, "提交编号无效"),
        ({"client_id": ""}, "提交编号缺失"),
        ({"check_time": "昨天"}, "排查时间格式不正确"),
        # A phone's own time counts only for an offline replay (online: the server's time).
        ({"check_time": "2026-12-01T11:00:00+08:00", "offline": "1"}, "排查时间不能晚于当前时间"),
        (
            {"check_time": "2026-11-30T20:00:00+08:00", "offline": "1"},
            "排查时间早于该排查的开始时间",
        ),
        ({"latitude": "91", "longitude": "113.6"}, "定位数据无效"),
    ],
    ids=["bad id", "no id", "bad time", "future", "before window", "bad latitude"],
)
def test_bad_fields_are_refused_with_a_chinese_message(
    day: WorkerDay, fields: dict[str, str], message: str
) -> None:
    occurrence = day.occ("p1_valve")
    body = {"client_id": str(uuid.uuid4()), "status": "0", **fields}
    response = _client(day.cast.worker).post(_url(occurrence), body, headers=JSON)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not CheckRecord.objects.filter(occurrence=occurrence).exists()


def test_the_location_and_device_are_kept_when_the_browser_gave_them(day: WorkerDay) -> None:
    occurrence = day.occ("p1_valve")
    response = _client(day.cast.worker).post(
        _url(occurrence),
        {
            "client_id": str(uuid.uuid4()),
            "status": "0",
            "latitude": "34.7472381234",
            "longitude": "113.6250119876",
            "accuracy": "12.5",
            "device_id": "web-" + "x" * 80,
            "check_time": "2026-12-01T10:29:40+08:00",
        },
        headers=JSON,
    )
    record = CheckRecord.objects.get(public_id=response.json()["record"]["id"])
    assert str(record.latitude) == "34.747238" and str(record.longitude) == "113.625012"
    assert record.location_accuracy == 12.5 and len(record.device_id) == 64
    assert record.check_time == at(10, 29) + dt.timedelta(seconds=40)
    page = _client(day.cast.worker).get(reverse("checks:record", args=[record.public_id]))
    assert "34.747238, 113.625012" in page.content.decode()
    assert "精度约 12 米" in page.content.decode() or "精度约 13 米" in page.content.decode()
