"""Reporting a hazard without an account: one QR URL per risk point (employees of the point's
enterprise go to its checks, anyone else gets the report form), the enterprise's report link,
and the limits that keep a flood from filling the disk or the triage queue."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dualprev.core.testing import Cast
from dualprev.hazards import ratelimit
from dualprev.hazards.choices import PublicReportStatus
from dualprev.hazards.forms_public import MAX_PHOTO_BYTES
from dualprev.hazards.models import HazardSettings, PublicReport
from dualprev.hazards.public import rotate_report_key
from dualprev.inspections.testing import sample_jpeg
from dualprev.risks.models import RiskObject

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"
OTHER_IP = "198.51.100.9"
START = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Each test stores uploads in its own folder, so files can be counted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    folder = media / "public-reports"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def qr_url(point: RiskObject) -> str:
    return reverse("risk_point_qr", args=[point.public_id])


def link_url(cast: Cast) -> str:
    key = rotate_report_key(enterprise_id=cast.a.enterprise.pk, acting_user=cast.safety_officer)
    return reverse("report:form", args=[key])


def post(client: Client, url: str, *, ip: str = IP, photo: bytes | None = None, **fields: Any):
    data: dict[str, Any] = {"description": "配电室门口堆放易燃纸箱", "website": ""} | fields
    if photo is not None:
        data["photo"] = SimpleUploadedFile("p.jpg", photo, content_type="image/jpeg")
    return client.post(url, data, REMOTE_ADDR=ip)


def key_of(ip: str) -> str:
    return hmac.new(django_settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()


def reports(cast: Cast) -> Any:
    # The cast has one waiting public report of its own; the tests count the others.
    return PublicReport.objects.exclude(pk=cast.a.risks["public_report"].pk)


# --- One URL on the label ---------------------------------------------------------------------


def test_anyone_not_logged_in_gets_the_report_form_on_a_points_qr_url(
    cast: Cast, media: Path
) -> None:
    point = cast.a.risks["object"]
    client = Client()
    page = client.get(qr_url(point))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="public-report-form"' in html
    assert point.name in html and cast.a.enterprise.name in html
    assert "csrftoken" in page.cookies  # the form works without a login

    response = post(client, qr_url(point), photo=sample_jpeg(), reporter_phone="138 0013 8000")

    assert response.status_code == 302
    report = reports(cast).get()
    assert (report.enterprise, report.risk_object) == (cast.a.enterprise, point)
    assert report.status == PublicReportStatus.NEW
    assert report.description == "配电室门口堆放易燃纸箱"
    assert report.reporter_phone == "13800138000"
    assert report.client_key == key_of(IP)  # a keyed hash; the address is kept nowhere
    assert IP not in str(PublicReport.objects.filter(pk=report.pk).values().get())
    assert report.photo and len(stored_files(media)) == 1
    thanks = client.get(response["Location"]).content.decode()
    code = report.public_id.hex[:8].upper()
    assert f"{code[:4]}-{code[4:]}" in thanks  # the reference, not the hazard number
    assert "易燃纸箱" not in thanks and cast.a.enterprise.name not in thanks


def test_the_enterprise_link_opens_the_same_form_without_a_point(cast: Cast) -> None:
    url = link_url(cast)
    page = Client().get(url).content.decode()
    assert 'id="public-report-form"' in page and cast.a.enterprise.name in page
    assert 'id="point-name"' not in page

    assert post(Client(), url, reporter_name="张师傅").status_code == 302

    report = reports(cast).get()
    assert report.enterprise == cast.a.enterprise and report.risk_object is None
    assert report.reporter_name == "张师傅" and not report.photo


def test_an_employee_of_the_points_enterprise_is_still_sent_to_its_checks(cast: Cast) -> None:
    point = cast.a.risks["object"]
    client = Client()
    client.force_login(cast.worker)
    response = client.get(qr_url(point))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("checks:point", args=[point.public_id]))
    # Posting the form as an employee stores nothing: employees report as themselves.
    assert post(client, qr_url(point)).status_code == 302
    assert not reports(cast).exists()


def test_an_employee_opening_the_enterprise_link_reports_under_their_account(
    cast: Cast,
) -> None:
    url = link_url(cast)
    client = Client()
    client.force_login(cast.worker)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("hazards:report")


@pytest.mark.parametrize("who", ["outsider", "district_regulator"])
def test_someone_of_another_enterprise_or_a_regulator_gets_the_form_not_the_points_data(
    cast: Cast, who: str
) -> None:
    point = cast.a.risks["object"]
    point.location = "甲厂区东门配电室"
    point.save()
    client = Client()
    client.force_login(getattr(cast, who))
    response = client.get(qr_url(point))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="public-report-form"' in html
    assert point.name in html and cast.a.enterprise.name in html
    # Nothing else of enterprise A: not the point's place or unit, its events or measures.
    for secret in (
        point.location,
        point.responsible_unit.name,
        cast.a.risks["unit"].name,
        cast.a.risks["event"].name,
        cast.a.risks["measure"].description,
        str(reverse("risks:object_detail", args=[point.public_id])),
    ):
        assert secret not in html, secret

    assert post(client, qr_url(point)).status_code == 302
    assert reports(cast).get().enterprise == cast.a.enterprise


def test_an_unknown_point_a_retired_point_and_a_replaced_link_give_the_same_404(
    cast: Cast,
) -> None:
    retired = RiskObject.objects.create(
        enterprise=cast.a.enterprise,
        name="A已停用的风险点",
        object_type="place",
        responsible_unit=cast.a.department,
        retired_at=timezone.now(),
    )
    old_link = link_url(cast)
    link_url(cast)  # replaced: the old key stops working at once
    unknown = "/q/00000000-0000-4000-8000-000000000000/"
    client = Client()
    answers = [
        client.get(url)
        for url in (unknown, qr_url(retired), old_link, "/r/00000000-0000-4000-8000-000000000000/")
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1  # nothing tells them apart
    assert post(client, qr_url(retired)).status_code == 404
    assert post(client, old_link).status_code == 404
    assert not reports(cast).exists()


def test_reading_the_link_page_does_not_create_settings_and_posting_does(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.safety_officer)
    assert client.get(reverse("hazards:triage_link")).status_code == 200
    assert not HazardSettings.objects.filter(enterprise=cast.a.enterprise).exists()
    assert client.post(reverse("hazards:triage_rotate_link")).status_code == 302
    key = HazardSettings.objects.get(enterprise=cast.a.enterprise).public_report_key
    assert key is not None
    assert Client().get(reverse("report:form", args=[key])).status_code == 200


# --- The form's rules -------------------------------------------------------------------------


def test_a_description_is_required_and_at_most_500_characters(cast: Cast) -> None:
    url = qr_url(cast.a.risks["object"])
    empty = post(Client(), url, description="   ")
    assert empty.status_code == 400 and "请描述隐患情况" in empty.content.decode()
    long = post(Client(), url, description="漏" * 501)
    assert long.status_code == 400 and "不能超过 500 字" in long.content.decode()
    assert not reports(cast).exists()
    assert post(Client(), url, description="漏" * 500).status_code == 302


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0371-66668888", "037166668888"),
        ("(0371)6666888转123", "03716666888#123"),
        ("", ""),
    ],
)
def test_a_chinese_mobile_or_landline_is_accepted(cast: Cast, typed: str, stored: str) -> None:
    assert post(Client(), qr_url(cast.a.risks["object"]), reporter_phone=typed).status_code == 302
    assert reports(cast).get().reporter_phone == stored


@pytest.mark.parametrize("typed", ["12345", "23800138000", "电话13800138000", "1380013800a"])
def test_a_phone_number_that_is_not_one_is_refused(cast: Cast, typed: str) -> None:
    response = post(Client(), qr_url(cast.a.risks["object"]), reporter_phone=typed)
    assert response.status_code == 400
    assert "请填写正确的手机号或座机号码" in response.content.decode()
    assert not reports(cast).exists()


def test_an_oversized_photo_is_refused_with_a_clear_message_and_nothing_is_stored(
    cast: Cast, media: Path
) -> None:
    url = qr_url(cast.a.risks["object"])
    big = sample_jpeg() + b"\0" * (MAX_PHOTO_BYTES + 1 - len(sample_jpeg()))
    response = post(Client(), url, photo=big)
    assert response.status_code == 400
    assert "照片过大：不能超过 8 MB" in response.content.decode()
    # A body larger than any valid report is refused unread.
    huge = post(Client(), url, photo=b"\xff" * (MAX_PHOTO_BYTES + 512 * 1024))
    assert huge.status_code == 413 and "照片过大" in huge.content.decode()
    assert not reports(cast).exists() and stored_files(media) == []


def test_a_text_file_named_jpg_is_refused_and_nothing_is_stored(cast: Cast, media: Path) -> None:
    response = post(Client(), qr_url(cast.a.risks["object"]), photo=b"just some text\n" * 50)
    assert response.status_code == 400
    assert "上传的文件不是图片" in response.content.decode()
    assert not reports(cast).exists() and stored_files(media) == []


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(cast: Cast, media: Path) -> None:
    response = post(
        Client(), qr_url(cast.a.risks["object"]), photo=sample_jpeg(), website="http://spam"
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("report:thanks"))
    assert 'id="reference"' in Client().get(response["Location"]).content.decode()
    assert not reports(cast).exists() and stored_files(media) == []


def test_the_form_needs_its_csrf_token_and_works_with_it_without_a_login(cast: Cast) -> None:
    url = qr_url(cast.a.risks["object"])
    client = Client(enforce_csrf_checks=True)
    refused = client.post(url, {"description": "地面油污"}, REMOTE_ADDR=IP)
    assert refused.status_code == 403 and "请刷新页面后重新提交" in refused.content.decode()
    assert not reports(cast).exists()

    client.get(url)
    token = client.cookies["csrftoken"].value
    data = {"description": "地面油污", "csrfmiddlewaretoken": token}
    assert client.post(url, data, REMOTE_ADDR=IP).status_code == 302
    assert reports(cast).count() == 1


# --- Limits -----------------------------------------------------------------------------------


def test_a_thousand_reports_from_one_client_in_an_hour_store_twenty_and_the_rest_get_429(
    cast: Cast, media: Path
) -> None:
    url = qr_url(cast.a.risks["object"])
    photo = sample_jpeg()
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        codes = []
        for n in range(1000):
            if n % 100 == 0:
                traveller.shift(dt.timedelta(minutes=5))  # 1,000 posts spread over the hour
            codes.append(post(client, url, photo=photo).status_code)

        assert codes.count(302) == 20 and codes[:20] == [302] * 20
        assert codes.count(429) == 980
        assert reports(cast).filter(client_key=key_of(IP)).count() == 20
        assert len(stored_files(media)) == 20  # no file beyond the twenty stored photos

        refused = post(client, url, photo=photo)
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 0
        assert "提交过于频繁" in refused.content.decode()

        # Another client is not held up by the first one's flood.
        assert post(Client(), url, ip=OTHER_IP).status_code == 302

        # An hour after its first report, the first client can report again.
        traveller.shift(dt.timedelta(hours=1))
        assert post(client, url).status_code == 302
    assert reports(cast).count() == 22


def test_retry_after_says_when_the_oldest_report_of_the_hour_expires(cast: Cast) -> None:
    url = qr_url(cast.a.risks["object"])
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(20):
            assert post(Client(), url).status_code == 302
        traveller.shift(dt.timedelta(minutes=45))
        refused = post(Client(), url)
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(15 * 60)
    assert "15 分钟" in refused.content.decode()


def test_an_enterprise_stores_at_most_its_daily_number_of_reports(
    cast: Cast, settings: Any
) -> None:
    settings.DUALPREV_PUBLIC_REPORTS_PER_DAY = 5
    url = qr_url(cast.a.risks["object"])
    with time_machine.travel(START, tick=False) as traveller:  # 17:00 in Shanghai
        codes = [post(Client(), url, ip=f"10.1.0.{n}").status_code for n in range(1, 6)]
        refused = post(Client(), url, ip="10.1.0.99")
        assert codes == [302] * 5 and refused.status_code == 429
        assert "今天收到的举报已满" in refused.content.decode()
        assert refused["Retry-After"] == str(7 * 3600)  # until midnight, local time
        # Other enterprises are not affected.
        assert post(Client(), qr_url(cast.b.risks["object"]), ip="10.1.0.99").status_code == 302
        traveller.shift(dt.timedelta(hours=7))
        assert post(Client(), url, ip="10.1.0.99").status_code == 302
    assert reports(cast).filter(enterprise=cast.a.enterprise).count() == 6


def test_beyond_the_daily_photo_budget_reports_are_stored_without_their_photo(
    cast: Cast, media: Path, monkeypatch: Any
) -> None:
    budget = ratelimit.Limits(
        per_client_hour=20, per_enterprise_day=200, photo_bytes_per_enterprise_day=1
    )
    url = qr_url(cast.a.risks["object"])
    assert post(Client(), url, photo=sample_jpeg(), ip="10.2.0.1").status_code == 302
    used = stored_files(media)[0].stat().st_size
    budget = ratelimit.Limits(20, 200, used + 10)
    monkeypatch.setattr(ratelimit, "limits", lambda: budget)

    second = post(Client(), url, photo=sample_jpeg(colour="#223344"), ip="10.2.0.2")

    assert second.status_code == 302
    assert 'id="photo-dropped"' in Client().get(second["Location"]).content.decode()
    latest = reports(cast).order_by("-id").first()
    assert latest is not None and not latest.photo and latest.description
    assert len(stored_files(media)) == 1


def test_a_refused_report_writes_nothing_and_is_refused_before_its_body_is_read(
    cast: Cast, monkeypatch: Any, settings: Any
) -> None:
    settings.DUALPREV_PUBLIC_REPORTS_PER_HOUR = 1
    url = qr_url(cast.a.risks["object"])
    assert post(Client(), url).status_code == 302

    from django.http.multipartparser import MultiPartParser

    def never(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the body of a refused report was parsed")

    monkeypatch.setattr(MultiPartParser, "parse", never)
    assert post(Client(), url, photo=sample_jpeg()).status_code == 429
    assert reports(cast).count() == 1


# --- Who the client is ------------------------------------------------------------------------


def _request(remote: str, forwarded: str = "") -> Any:
    from django.test import RequestFactory

    meta: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_the_client_is_the_connecting_address_unless_it_is_a_trusted_proxy(
    settings: Any,
) -> None:
    settings.DUALPREV_TRUSTED_PROXIES = []
    assert ratelimit.client_ip(_request("10.0.0.1", "1.2.3.4")) == "10.0.0.1"
    settings.DUALPREV_TRUSTED_PROXIES = ["10.0.0.0/8", "192.168.1.5"]
    # Behind the proxy: the right-most address that is not a trusted proxy.
    assert ratelimit.client_ip(_request("10.0.0.1", "1.2.3.4")) == "1.2.3.4"
    assert ratelimit.client_ip(_request("10.0.0.1", "9.9.9.9, 1.2.3.4, 192.168.1.5")) == "1.2.3.4"
    assert ratelimit.client_ip(_request("10.0.0.1", "nonsense")) == "10.0.0.1"
    # A client cannot pick its own key by sending the header directly.
    assert ratelimit.client_ip(_request("8.8.8.8", "1.2.3.4")) == "8.8.8.8"
    key = ratelimit.client_key(_request("8.8.8.8"))
    assert len(key) == 64 and "8.8.8.8" not in key


def test_thirty_reports_from_one_ipv6_64_store_twenty_whatever_the_addresses(
    cast: Cast, media: Path
) -> None:
    url = qr_url(cast.a.risks["object"])
    with time_machine.travel(START, tick=False):
        # One host owns a /64: each post from a different address of it.
        codes = [post(Client(), url, ip=f"2001:db8:1:2::{n:x}").status_code for n in range(1, 31)]
        assert codes == [302] * 20 + [429] * 10
        assert reports(cast).count() == 20
        assert reports(cast).values("client_key").distinct().count() == 1
        # Another /64 (the neighbouring one) is a different client.
        assert post(Client(), url, ip="2001:db8:1:3::1").status_code == 302
    assert reports(cast).count() == 21


def test_a_client_is_its_ipv4_address_or_its_ipv6_64_and_an_ipv4_mapped_address_is_ipv4(
    settings: Any,
) -> None:
    settings.DUALPREV_TRUSTED_PROXIES = []

    def key(remote: str) -> str:
        return ratelimit.client_key(_request(remote))

    assert key("::ffff:203.0.113.7") == key("203.0.113.7") == key_of("203.0.113.7")
    assert key("203.0.113.7") != key("203.0.113.8")
    assert key("2001:db8:1:2::1") == key("2001:db8:1:2:ffff:ffff:ffff:ffff")
    assert key("2001:db8:1:2::1") == key_of("2001:db8:1:2::/64")
    assert key("2001:db8:1:2::1") != key("2001:db8:1:3::1")
    assert ratelimit.client_network("2001:DB8:1:2:0:0:0:1") == "2001:db8:1:2::/64"
    # Malformed addresses all share one fixed key (documented in ratelimit).
    assert key("") == key("unix:/run/app.sock") == key_of(ratelimit.UNKNOWN_CLIENT)
    # A trusted proxy written IPv4-mapped is still the proxy.
    settings.DUALPREV_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ratelimit.client_ip(_request("::ffff:10.0.0.1", "::ffff:1.2.3.4")) == "1.2.3.4"
    # The IPv6 prefix length is a setting.
    settings.DUALPREV_PUBLIC_IPV6_PREFIX = 48
    assert key("2001:db8:1:2::1") == key("2001:db8:1:3::1") == key_of("2001:db8:1::/48")
