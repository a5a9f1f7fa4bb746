"""The worker's phone pages: 上报隐患 (with photos, fixed on the spot, sent twice, from a risk
point's QR), completing a check's hazard draft, 我的隐患 by role, and 提交整改 by the liable
person."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dualprev.accounts.models import User
from dualprev.hazards.actions import (
    ReportInput,
    acceptance_problems,
    apply_resumption,
    confirm_hazard,
    record_evaluation,
    report_hazard,
    submit_rectification,
)
from dualprev.hazards.choices import Channel, EventAction, HazardStatus, PhotoKind
from dualprev.hazards.forms_worker import ReportGuard
from dualprev.hazards.models import Hazard, HazardPhoto
from dualprev.hazards.testing import graded, photo
from dualprev.hazards.views_worker import to_accept
from dualprev.inspections.choices import DraftStatus
from dualprev.inspections.models import HazardDraft
from dualprev.inspections.testing import sample_jpeg
from dualprev.reference.choices import DangerSrc, HazardDangerType

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _jpeg(name: str = "IMG_0001.jpg", colour: str = "#8a9bb0") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, sample_jpeg(colour=colour), content_type="image/jpeg")


def _report_data(**extra: Any) -> dict[str, Any]:
    return {
        "token": str(uuid.uuid4()),
        "name": "库房消防通道堵塞",
        "description": "二号库房东侧消防通道堆放纸箱，影响疏散",
        "location": "二号库房东侧",
        "danger_type": str(HazardDangerType.FIRE.value),
    } | extra


def _stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- 上报隐患 ---------------------------------------------------------------------------------


def test_a_worker_reports_a_hazard_with_photos_and_gets_its_number(cast: Any) -> None:
    from dualprev.evidence.models import ChainEntry, ChainKind

    point = cast.a.risks["object"]
    client = _client(cast.worker)
    form = client.get(reverse("hazards:report"))
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="token"' in html and point.name in html and "已当场整改" in html

    response = client.post(
        reverse("hazards:report"),
        _report_data(
            risk_object=str(point.public_id),
            photos=[_jpeg("a.jpg"), _jpeg("b.jpg", "#223344")],
        ),
    )
    hazard = Hazard.objects.get(reported_by=cast.worker, name="库房消防通道堵塞")
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:reported", args=[hazard.public_id])
    assert hazard.status == HazardStatus.REPORTED and hazard.danger_state is None
    assert hazard.channel == Channel.EMPLOYEE and hazard.source == DangerSrc.OTHER
    assert hazard.enterprise == cast.a.enterprise and hazard.risk_object == point
    assert hazard.location == "二号库房东侧" and hazard.danger_type == HazardDangerType.FIRE
    assert hazard.number.startswith(f"YH-{timezone.localdate().year}-")
    assert hazard.rectified_by is None and hazard.rectification_note == ""

    [event] = hazard.events.all()
    assert event.action == EventAction.REPORT and event.actor == cast.worker
    photos = list(hazard.photos.all())
    assert [p.kind for p in photos] == [PhotoKind.BEFORE, PhotoKind.BEFORE]
    assert all(p.event == event and p.uploaded_by == cast.worker for p in photos)
    for stored in photos:
        with stored.image.open("rb") as handle:
            import hashlib

            assert hashlib.sha256(handle.read()).hexdigest() == stored.sha256
    assert ChainEntry.objects.filter(kind=ChainKind.HAZARD_EVENT, object_id=event.pk).exists()

    done = client.get(response["Location"]).content.decode()
    assert hazard.number in done and "隐患已上报" in done and "待确认" in done
    assert reverse("hazards:mine") in done


def test_a_hazard_fixed_on_the_spot_keeps_the_fix_and_its_after_photos(cast: Any) -> None:
    client = _client(cast.worker)
    response = client.post(
        reverse("hazards:report"),
        _report_data(
            photos=[_jpeg("before.jpg")],
            fixed_on_spot="on",
            fix_note="已将纸箱清走，通道畅通",
            after_photos=[_jpeg("after.jpg", "#445566"), _jpeg("after2.jpg", "#667788")],
        ),
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get(reported_by=cast.worker, name="库房消防通道堵塞")
    kinds = sorted(hazard.photos.values_list("kind", flat=True))
    assert kinds == [PhotoKind.AFTER, PhotoKind.AFTER, PhotoKind.BEFORE]
    assert hazard.status == HazardStatus.REPORTED
    assert hazard.rectification_note == "已将纸箱清走，通道畅通"
    assert hazard.rectified_by == cast.worker and hazard.rectified_at is not None
    assert "已记录当场整改情况" in client.get(response["Location"]).content.decode()


def test_fixed_on_the_spot_needs_the_note_and_an_after_photo(cast: Any, media: Path) -> None:
    response = _client(cast.worker).post(
        reverse("hazards:report"), _report_data(photos=[_jpeg()], fixed_on_spot="on")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已当场整改的隐患请填写整改情况。" in html
    assert "已当场整改的隐患请上传整改后照片。" in html
    assert "照片没有保存，请重新选择。" in html
    assert not Hazard.objects.filter(name="库房消防通道堵塞").exists()


def test_without_fixed_on_the_spot_the_fix_part_is_ignored(cast: Any) -> None:
    _client(cast.worker).post(
        reverse("hazards:report"),
        _report_data(fix_note="顺手清理了", after_photos=[_jpeg("after.jpg")]),
    )
    hazard = Hazard.objects.get(name="库房消防通道堵塞")
    assert hazard.rectification_note == "" and hazard.rectified_by is None
    assert not hazard.photos.exists()


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_written(
    cast: Any, media: Path
) -> None:
    before_files = set(_stored_files(media))
    hazards_before = Hazard.objects.count()
    fake = SimpleUploadedFile("photo.jpg", b"just some text, not a picture", "image/jpeg")
    response = _client(cast.worker).post(
        reverse("hazards:report"), _report_data(photos=[_jpeg("good.jpg"), fake])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "第 2 张照片：" in html and "不是图片" in html
    assert "请检查标红的项目。" in html
    assert Hazard.objects.count() == hazards_before
    assert not HazardPhoto.objects.filter(hazard__name="库房消防通道堵塞").exists()
    assert set(_stored_files(media)) == before_files


def test_more_than_three_photos_are_refused(cast: Any) -> None:
    response = _client(cast.worker).post(
        reverse("hazards:report"),
        _report_data(photos=[_jpeg(f"{n}.jpg") for n in range(4)]),
    )
    assert "最多上传 3 张照片。" in response.content.decode()
    assert not Hazard.objects.filter(name="库房消防通道堵塞").exists()


def test_name_and_description_are_required_with_chinese_messages(cast: Any) -> None:
    response = _client(cast.worker).post(
        reverse("hazards:report"), _report_data(name="", description="  ")
    )
    html = response.content.decode()
    assert "请填写隐患名称。" in html and "请描述隐患情况。" in html


def test_a_form_sent_twice_makes_one_hazard(cast: Any) -> None:
    client = _client(cast.worker)
    data = _report_data(photos=[_jpeg()])
    first = client.post(reverse("hazards:report"), data)
    data["photos"] = [_jpeg()]  # the browser sends the file again
    second = client.post(reverse("hazards:report"), data, follow=True)
    [hazard] = Hazard.objects.filter(name="库房消防通道堵塞")
    assert first["Location"] == reverse("hazards:reported", args=[hazard.public_id])
    assert second.redirect_chain[0][0] == first["Location"]
    assert "已经提交过，没有重复上报" in second.content.decode()
    assert hazard.photos.count() == 1
    # A new form (a new token) is a new report.
    client.post(reverse("hazards:report"), _report_data())
    assert Hazard.objects.filter(name="库房消防通道堵塞").count() == 2


def test_the_guard_reads_the_stored_session_not_the_requests_earlier_copy(cast: Any) -> None:
    """A double tap: the second request loaded the session before the first saved its token;
    under the lock it re-reads the stored session and finds it."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    stored = SessionStore()
    stored["seen"] = True
    stored.create()
    first = RequestFactory().post("/")
    first.user = cast.worker
    first.session = SessionStore(session_key=stored.session_key)
    second = RequestFactory().post("/")
    second.user = cast.worker
    second.session = SessionStore(session_key=stored.session_key)
    assert second.session["seen"]  # loaded now, before the first request saves

    token = uuid.uuid4()
    hazard = cast.a.risks["hazard"]
    ReportGuard(first).remember(token, hazard)
    guard = ReportGuard(second)
    assert guard.reported(token) is None
    assert guard.reported(token, fresh=True) == str(hazard.public_id)
    # …and its own copy now carries the token, so saving it does not forget it.
    second.session.save()
    assert ReportGuard(first).reported(token, fresh=True) == str(hazard.public_id)


def test_a_remembered_token_is_kept_for_a_day(cast: Any) -> None:
    from types import SimpleNamespace

    token = uuid.uuid4()
    day_ago = timezone.now().timestamp() - 24 * 3600
    session = {ReportGuard.SESSION_KEY: {str(token): ["the-hazard", day_ago + 60]}}
    request = SimpleNamespace(session=session, user=cast.worker)
    assert ReportGuard(request).reported(token) == "the-hazard"  # type: ignore[arg-type]
    session[ReportGuard.SESSION_KEY][str(token)][1] = day_ago - 60
    assert ReportGuard(request).reported(token) is None  # type: ignore[arg-type]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_two_copies_of_one_form_at_the_same_moment_make_one_hazard(
    transactional_db: Any, settings: Any, tmp_path: Path
) -> None:
    from dualprev.core.testing import build_cast, ensure_seed_data

    ensure_seed_data()
    cast = build_cast()
    client = _client(cast.worker)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    data = _report_data()
    start = threading.Barrier(2)
    answers: list[int] = []

    def send() -> None:
        other = Client()
        other.cookies[settings.SESSION_COOKIE_NAME] = cookie
        start.wait()
        answers.append(other.post(reverse("hazards:report"), dict(data)).status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [302, 302]
    assert Hazard.objects.filter(name="库房消防通道堵塞").count() == 1


def test_the_qr_report_link_preselects_the_point_of_my_enterprise_only(cast: Any) -> None:
    point = cast.a.risks["object"]
    client = _client(cast.worker)
    html = client.get(reverse("hazards:report") + f"?point={point.public_id}").content.decode()
    assert f'<option value="{point.public_id}" selected>' in html
    assert 'id="report-point"' in html

    other = cast.b.risks["object"]
    html = client.get(reverse("hazards:report") + f"?point={other.public_id}").content.decode()
    assert f'value="{other.public_id}"' not in html and 'id="report-point"' not in html
    assert client.get(reverse("hazards:report") + "?point=nonsense").status_code == 200


def test_a_point_of_another_enterprise_is_refused(cast: Any) -> None:
    other = cast.b.risks["object"]
    response = _client(cast.worker).post(
        reverse("hazards:report"), _report_data(risk_object=str(other.public_id))
    )
    assert response.status_code == 200
    assert "所选风险点不存在或不属于本企业。" in response.content.decode()
    assert not Hazard.objects.filter(name="库房消防通道堵塞").exists()


def test_regulators_and_strangers_cannot_report(cast: Any) -> None:
    assert _client(cast.district_regulator).get(reverse("hazards:report")).status_code == 403
    anonymous = Client().get(reverse("hazards:report"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


# --- A check's hazard draft ------------------------------------------------------------------


def test_a_checks_draft_becomes_a_hazard_with_its_record_measure_point_and_photos(
    cast: Any,
) -> None:
    draft = cast.a.risks["hazard_draft"]
    record = cast.a.risks["check_record"]
    record_photo = cast.a.risks["check_photo"]
    client = _client(cast.worker)
    page = client.get(reverse("hazards:draft", args=[draft.public_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "保温层破损" in html  # the description, pre-filled
    assert reverse("checks:photo", args=[record_photo.public_id]) in html
    assert draft.measure.description in html and "季节性排查" in html
    assert f'<option value="{draft.risk_object.public_id}" selected>' in html

    response = client.post(
        reverse("hazards:draft", args=[draft.public_id]),
        {
            "name": "储罐保温层破损",
            "description": "保温层破损，约 30 cm",
            "location": "1号罐北侧",
            "risk_object": str(draft.risk_object.public_id),
            "danger_type": "",
            "photos": [_jpeg("extra.jpg", "#112233")],
        },
    )
    hazard = Hazard.objects.get(draft=draft)
    assert response["Location"] == reverse("hazards:reported", args=[hazard.public_id])
    draft.refresh_from_db()
    assert draft.status == DraftStatus.TAKEN
    assert hazard.check_record == record and hazard.measure == draft.measure
    assert hazard.risk_object == draft.risk_object and hazard.channel == Channel.CHECK
    assert hazard.source == DangerSrc.SEASONAL  # the special inspection's type
    assert hazard.special_inspection == cast.a.risks["special_inspection"]
    assert hazard.reported_by == cast.worker and hazard.status == HazardStatus.REPORTED
    hashes = sorted(hazard.photos.values_list("sha256", flat=True))
    assert record_photo.sha256 in hashes and len(hashes) == 2
    assert set(hazard.photos.values_list("kind", flat=True)) == {PhotoKind.BEFORE}


def test_a_draft_is_reported_once(cast: Any) -> None:
    draft = cast.a.risks["hazard_draft"]
    client = _client(cast.worker)
    data = {"name": "储罐保温层破损", "description": "保温层破损"}
    client.post(reverse("hazards:draft", args=[draft.public_id]), data)
    again = client.post(reverse("hazards:draft", args=[draft.public_id]), data, follow=True)
    [hazard] = Hazard.objects.filter(draft=draft)
    assert again.redirect_chain[-1][0] == reverse("hazards:reported", args=[hazard.public_id])
    assert "已经转为隐患" in again.content.decode()
    later = client.get(reverse("hazards:draft", args=[draft.public_id]))
    assert later.status_code == 302


def test_only_the_drafts_reporter_or_a_hazard_manager_may_complete_it(cast: Any) -> None:
    url = reverse("hazards:draft", args=[cast.a.risks["hazard_draft"].public_id])
    assert _client(cast.safety_officer).get(url).status_code == 200
    assert _client(cast.team_leader).get(url).status_code == 404
    assert _client(cast.outsider).get(url).status_code == 404
    assert _client(cast.b.users["worker"]).get(url).status_code == 404
    refused = _client(cast.team_leader).post(url, {"name": "x", "description": "y"})
    assert refused.status_code == 404
    assert HazardDraft.objects.get(pk=cast.a.risks["hazard_draft"].pk).status == DraftStatus.DRAFT


def test_the_check_record_offers_the_draft_to_its_reporter_and_then_links_the_hazard(
    cast: Any,
) -> None:
    draft = cast.a.risks["hazard_draft"]
    record_url = reverse("checks:record", args=[cast.a.risks["check_record"].public_id])
    take = reverse("hazards:draft", args=[draft.public_id])
    assert take in _client(cast.worker).get(record_url).content.decode()
    assert "完善并上报隐患" in _client(cast.worker).get(record_url).content.decode()
    assert take not in _client(cast.team_leader).get(record_url).content.decode()
    draft_page = reverse("checks:draft", args=[draft.public_id])
    assert take in _client(cast.worker).get(draft_page).content.decode()

    _client(cast.worker).post(take, {"name": "储罐保温层破损", "description": "保温层破损"})
    hazard = Hazard.objects.get(draft=draft)
    html = _client(cast.team_leader).get(record_url).content.decode()
    assert hazard.number in html and take not in html
    assert hazard.number in _client(cast.worker).get(draft_page).content.decode()


# --- 我的隐患 ----------------------------------------------------------------------------------


def _mine(user: User, tab: str = "", page: int | None = None) -> str:
    query = {"tab": tab} if tab else {}
    if page:
        query["page"] = str(page)
    response = _client(user).get(reverse("hazards:mine"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_my_hazards_shows_the_worker_what_they_reported_and_their_drafts(cast: Any) -> None:
    html = _mine(cast.worker, "reported")
    assert cast.a.risks["hazard"].number in html
    assert cast.a.risks["hazard_rectifying"].number in html
    assert cast.a.risks["hazard_major"].number not in html  # reported by the safety officer
    assert "待确认" in html and "整改中" in html
    drafts = _mine(cast.worker, "drafts")
    assert reverse("hazards:draft", args=[cast.a.risks["hazard_draft"].public_id]) in drafts
    assert "没有等你验收的整改。" in _mine(cast.worker, "accept")
    assert "没有需要你整改的隐患。" in _mine(cast.worker, "fix")


def test_my_hazards_opens_on_the_first_list_with_work_in_it(cast: Any) -> None:
    html = _mine(cast.team_leader)
    assert 'id="list-fix"' in html
    assert cast.a.risks["hazard_rectifying"].number in html
    assert reverse("hazards:fix", args=[cast.a.risks["hazard_rectifying"].public_id]) in html
    assert 'id="list-drafts"' in _mine(cast.worker)  # nothing to fix or accept: the draft


def test_the_liable_persons_list_puts_the_overdue_first_in_red(cast: Any) -> None:
    import time_machine

    a = cast.a
    later = report_hazard(
        enterprise_id=a.enterprise.pk,
        reporter=cast.worker,
        data=ReportInput(name="护栏松动", description="二层平台护栏松动"),
    )
    graded(
        later,
        cast.safety_officer,
        cast.team_leader,
        unit=a.team,
        deadline=timezone.now() + dt.timedelta(days=30),
    )
    confirm_hazard(hazard=later, acting_user=cast.safety_officer)
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        html = _mine(cast.team_leader, "fix")
    overdue = a.risks["hazard_rectifying"]  # its deadline was in 7 days
    assert html.index(overdue.number) < html.index(later.number)
    row = html.split(f'id="hazard-{overdue.public_id}"')[1].split("</li>")[0]
    assert "hz-deadline overdue" in row and "已逾期" in row
    row = html.split(f'id="hazard-{later.public_id}"')[1].split("</li>")[0]
    assert "overdue" not in row


def test_waiting_fixes_show_to_those_who_may_accept_them(cast: Any) -> None:
    a = cast.a
    general = a.risks["hazard_rectifying"]
    submit_rectification(
        hazard=general, acting_user=cast.team_leader, note="已更换", photos=[photo()]
    )
    major = a.risks["hazard_major"]
    submit_rectification(hazard=major, acting_user=a.users["dept"], note="已安装", photos=[photo()])

    officer = _mine(cast.safety_officer, "accept")
    assert general.number in officer and major.number not in officer  # 重大: company level
    assert reverse("hazards:detail", args=[general.public_id]) in officer and "去验收" in officer
    assert general.number not in _mine(cast.team_leader, "accept")  # liable, no acceptance role
    assert general.number not in _mine(cast.worker, "accept")
    # The owner may accept the 重大 hazard only after its evaluation and resumption request.
    assert major.number not in _mine(cast.owner, "accept")
    record_evaluation(
        hazard=major,
        acting_user=cast.safety_officer,
        by="own_experts",
        org="专家组",
        conclusion="合格",
    )
    assert major.number not in _mine(cast.owner, "accept")  # production was stopped
    apply_resumption(hazard=major, acting_user=cast.safety_officer, text="申请复产")
    assert major.number in _mine(cast.owner, "accept")
    assert major.number not in _mine(a.users["dept"], "accept")  # liable for it


def test_the_acceptance_list_agrees_with_the_acceptance_rules(cast: Any) -> None:
    a = cast.a
    submit_rectification(
        hazard=a.risks["hazard_rectifying"],
        acting_user=cast.team_leader,
        note="已更换",
        photos=[photo()],
    )
    major = a.risks["hazard_major"]
    submit_rectification(hazard=major, acting_user=a.users["dept"], note="已安装", photos=[photo()])
    record_evaluation(
        hazard=major,
        acting_user=cast.safety_officer,
        by="own_experts",
        org="专家组",
        conclusion="合格",
    )
    pending = list(Hazard.objects.filter(status=HazardStatus.PENDING_ACCEPT))
    assert len(pending) == 2
    for user in a.users.values():
        from dualprev.core.tenancy import actor_for

        listed = set(to_accept(user).values_list("pk", flat=True))
        may = {
            h.pk
            for h in pending
            if actor_for(user).can("accept_hazards") and not acceptance_problems(h, user)
        }
        assert listed == may, user.username


def test_another_enterprise_never_shows_in_my_hazards(cast: Any) -> None:
    html = _mine(cast.b.users["worker"], "reported")
    assert cast.b.risks["hazard"].number in html
    assert "甲化工有限公司" not in html
    assert str(cast.a.risks["hazard"].public_id) not in html


def test_my_hazards_pages_by_twenty_without_a_query_per_row(
    cast: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(23):
        report_hazard(
            enterprise_id=cast.a.enterprise.pk,
            reporter=cast.worker,
            data=ReportInput(
                name=f"隐患{n:02d}", description="描述", risk_object=cast.a.risks["object"]
            ),
        )
    client = _client(cast.worker)
    client.get(reverse("hazards:mine"), {"tab": "reported"})  # warm the session and caches
    with django_assert_max_num_queries(14):
        first = client.get(reverse("hazards:mine"), {"tab": "reported"}).content.decode()
    assert first.count('class="hz-item ') == 20 and "第 1 / 2 页，共 25 条" in first
    second = _mine(cast.worker, "reported", page=2)
    assert second.count('class="hz-item ') == 5 and "tab=reported&amp;page=1" in second


# --- 提交整改 -----------------------------------------------------------------------------------


def test_the_liable_person_submits_the_fix_from_the_phone(cast: Any) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    url = reverse("hazards:fix", args=[hazard.public_id])
    client = _client(cast.team_leader)
    page = client.get(url).content.decode()
    before = hazard.photos.get(kind=PhotoKind.BEFORE)
    assert reverse("hazards:photo", args=[before.public_id]) in page
    assert "更换破损保温层" in page and hazard.number in page  # the measures
    assert 'id="fix-form"' in page

    response = client.post(
        url, {"note": "已更换保温层并密封接缝", "photos": [_jpeg("after.jpg")], "cost": "0.35"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:mine") + "?tab=fix"
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.PENDING_ACCEPT and hazard.danger_state == 1
    assert hazard.rectification_note == "已更换保温层并密封接缝"
    assert hazard.rectified_by == cast.team_leader and str(hazard.cost) == "0.3500"
    [after] = hazard.photos.filter(kind=PhotoKind.AFTER)
    assert after.event == hazard.events.get(action=EventAction.SUBMIT)
    assert "已提交整改" in client.get(response["Location"]).content.decode()
    # Submitted: the fix page now leads to the hazard.
    assert client.get(url)["Location"] == reverse("hazards:detail", args=[hazard.public_id])


def test_a_fix_without_an_after_photo_is_refused(cast: Any) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    response = _client(cast.team_leader).post(
        reverse("hazards:fix", args=[hazard.public_id]), {"note": "已更换"}
    )
    assert response.status_code == 200
    assert "请上传整改后照片（退回重新整改后须上传新的照片）。" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING and hazard.rectified_by is None


def test_a_negative_cost_and_an_empty_note_are_refused(cast: Any) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    html = (
        _client(cast.team_leader)
        .post(
            reverse("hazards:fix", args=[hazard.public_id]),
            {"note": " ", "cost": "-1", "photos": [_jpeg()]},
        )
        .content.decode()
    )
    assert "请填写整改情况。" in html and "整改资金不能为负数。" in html
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING and not hazard.photos.filter(kind="after")


def test_only_the_liable_person_or_a_manager_may_submit_the_fix(cast: Any) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    url = reverse("hazards:fix", args=[hazard.public_id])
    assert _client(cast.worker).get(url).status_code == 403
    refused = _client(cast.worker).post(url, {"note": "x", "photos": [_jpeg()]})
    assert refused.status_code == 403
    assert _client(cast.outsider).get(url).status_code == 404
    assert _client(cast.b.users["worker"]).post(url, {"note": "x"}).status_code == 404
    assert _client(cast.district_regulator).get(url).status_code == 404
    assert _client(cast.safety_officer).get(url).status_code == 200
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING


def _colleague(cast: Any) -> User:
    """A second worker of enterprise A, in the same team, with no part in any hazard."""
    from dualprev.accounts.choices import EnterpriseRole
    from dualprev.accounts.models import Membership
    from dualprev.core.testing import make_user

    user = make_user("a_worker_b", "A worker B")
    Membership.objects.create(
        enterprise=cast.a.enterprise, user=user, role=EnterpriseRole.WORKER, org_unit=cast.a.team
    )
    return user


def test_a_colleague_cannot_open_a_workers_reported_page_but_its_reporter_and_managers_can(
    cast: Any,
) -> None:
    hazard = cast.a.risks["hazard"]  # reported by enterprise A's worker
    url = reverse("hazards:reported", args=[hazard.public_id])
    colleague = _colleague(cast)
    refused = _client(colleague).get(url)
    assert refused.status_code == 404 and hazard.number not in refused.content.decode()
    assert _client(cast.team_leader).get(url).status_code == 404  # no part in it either
    assert _client(cast.b.users["worker"]).get(url).status_code == 404
    assert hazard.number in _client(cast.worker).get(url).content.decode()
    assert hazard.number in _client(cast.safety_officer).get(url).content.decode()


def test_the_fix_page_of_a_hazard_the_user_cannot_see_is_not_found(cast: Any) -> None:
    hazard = cast.a.risks["hazard_rectifying"]  # reported by the worker, liable: team leader
    url = reverse("hazards:fix", args=[hazard.public_id])
    colleague = _colleague(cast)
    assert _client(colleague).get(url).status_code == 404
    refused = _client(colleague).post(url, {"note": "x", "photos": [_jpeg()]})
    assert refused.status_code == 404
    # Its reporter sees it but may not rectify it: 403; the liable person opens the form.
    assert _client(cast.worker).get(url).status_code == 403
    assert _client(cast.team_leader).get(url).status_code == 200
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING and hazard.rectified_by is None


def test_after_a_rejection_the_fix_page_shows_why_and_the_earlier_photos(cast: Any) -> None:
    from dualprev.hazards.actions import reject_rectification

    hazard = cast.a.risks["hazard_rectifying"]
    submit_rectification(hazard=hazard, acting_user=cast.team_leader, note="x", photos=[photo()])
    reject_rectification(hazard=hazard, acting_user=cast.safety_officer, reason="接缝未密封")
    html = _client(cast.team_leader).get(reverse("hazards:fix", args=[hazard.public_id]))
    text = html.content.decode()
    assert "上次整改验收未通过" in text and "接缝未密封" in text
    assert 'id="after-photos"' in text
    # The rejected round's photo does not show the new fix: a note alone is refused.
    response = _client(cast.team_leader).post(
        reverse("hazards:fix", args=[hazard.public_id]), {"note": "接缝已密封"}
    )
    assert "退回重新整改后须上传新的照片" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING


def test_a_risk_points_check_page_offers_to_report_a_hazard_there(cast: Any) -> None:
    point = cast.a.risks["object"]
    html = _client(cast.worker).get(reverse("checks:point", args=[point.public_id])).content
    assert f"{reverse('hazards:report')}?point={point.public_id}" in html.decode()


def test_the_menu_has_my_hazards_and_report_for_every_employee(cast: Any) -> None:
    html = _client(cast.worker).get(reverse("hazards:mine")).content.decode()
    nav = html.split('class="sidebar"')[1].split("</nav>")[0]
    assert reverse("hazards:mine") in nav and reverse("hazards:report") in nav
    assert nav.index(reverse("checks:today")) < nav.index(reverse("hazards:mine"))
