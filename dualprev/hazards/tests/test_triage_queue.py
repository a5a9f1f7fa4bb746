"""The safety officer's triage queue of reports made without an account: a flood from one
source does not bury the others, accepting makes exactly one hazard, dismissing needs a reason,
photos are served only to the enterprise's hazard managers, and the report link can be created,
printed and replaced."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from dualprev.core.testing import Cast
from dualprev.hazards.choices import Channel, HazardStatus, PhotoKind, PublicReportStatus
from dualprev.hazards.models import Hazard, PublicReport
from dualprev.hazards.public import PublicInput, RateLimited, submit_public_report
from dualprev.hazards.testing import photo

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed"
)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submit(
    cast: Cast,
    source: str,
    text: str = "配电室门没有关",
    *,
    with_photo: bool = False,
    world: Any = None,
) -> PublicReport:
    world = world or cast.a
    return submit_public_report(
        enterprise_id=world.enterprise.pk,
        risk_object=world.risks["object"],
        data=PublicInput(description=text, photo=photo() if with_photo else None),
        client_key=source * 64,
    ).report


def queue_ids(html: str) -> list[str]:
    import re

    return re.findall(r'id="report-([0-9a-f-]{36})"', html)


# --- The queue --------------------------------------------------------------------------------


def test_the_queue_lists_the_enterprises_waiting_reports_with_their_photo(cast: Cast) -> None:
    report = submit(cast, "a", "二号罐区护栏松动", with_photo=True)
    submit(cast, "b", "乙公司的举报", world=cast.b)
    client = client_for(cast.safety_officer)

    html = client.get(reverse("hazards:triage")).content.decode()

    ids = queue_ids(html)
    assert str(report.public_id) in ids and str(cast.a.risks["public_report"].public_id) in ids
    assert len(ids) == 2 and "乙公司的举报" not in html
    assert "二号罐区护栏松动" in html and cast.a.risks["object"].name in html
    photo_url = reverse("hazards:triage_photo", args=[report.public_id])
    assert photo_url in html and "/media/" not in html
    image = client.get(photo_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    content = b"".join(image.streaming_content)  # type: ignore[attr-defined]
    assert content[:3] == b"\xff\xd8\xff"


def test_a_flood_from_one_source_does_not_bury_the_other_reports(cast: Cast) -> None:
    start = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        real = submit(cast, "c", "消防栓被货物挡住")
        for n in range(12):
            traveller.shift(dt.timedelta(minutes=1))
            submit(cast, "f", f"垃圾举报{n}")
    client = client_for(cast.safety_officer)

    html = client.get(reverse("hazards:triage")).content.decode()

    ids = queue_ids(html)
    flood = PublicReport.objects.filter(client_key="f" * 64).order_by("-created_at")
    assert len(ids) == 3 + 2  # three of the flood, the real report and the cast's
    # Round-robin: every source's newest first, so the real report is in the first rows.
    assert ids.index(str(real.public_id)) < ids.index(str(flood[1].public_id))
    assert [i for i in ids if i in {str(f.public_id) for f in flood}] == [
        str(f.public_id) for f in flood[:3]
    ]
    assert 'id="floods"' in html and "显示该来源的全部 12 条" in html

    source = client.get(reverse("hazards:triage"), {"source": "f" * 64}).content.decode()
    assert len(queue_ids(source)) == 12 and str(real.public_id) not in queue_ids(source)

    response = client.post(
        reverse("hazards:triage_dismiss_source"), {"source": "f" * 64, "note": "恶意刷屏"}
    )

    assert response.status_code == 302
    assert set(flood.values_list("status", "dismiss_note")) == {
        (PublicReportStatus.DISMISSED, "恶意刷屏")
    }
    real.refresh_from_db()
    assert real.status == PublicReportStatus.NEW
    remaining = client.get(reverse("hazards:triage")).content.decode()
    assert set(queue_ids(remaining)) == {
        str(real.public_id),
        str(cast.a.risks["public_report"].public_id),
    }


def test_bulk_dismiss_cannot_reach_another_enterprises_reports(cast: Cast) -> None:
    theirs = submit(cast, "e", world=cast.b)
    client_for(cast.safety_officer).post(
        reverse("hazards:triage_dismiss_source"), {"source": "e" * 64}
    )
    theirs.refresh_from_db()
    assert theirs.status == PublicReportStatus.NEW


# --- Decisions --------------------------------------------------------------------------------


def test_accepting_a_report_makes_one_hazard_with_its_photo_and_opens_it(cast: Cast) -> None:
    report = submit(cast, "a", "二号罐区护栏松动", with_photo=True)
    client = client_for(cast.safety_officer)
    url = reverse("hazards:triage_accept", args=[report.public_id])

    response = client.post(url, {"name": "罐区护栏松动"})

    hazard = Hazard.objects.get(public_report=report)
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:detail", args=[hazard.public_id])
    assert (hazard.name, hazard.channel, hazard.status) == (
        "罐区护栏松动",
        Channel.PUBLIC,
        HazardStatus.REPORTED,
    )
    assert hazard.risk_object == cast.a.risks["object"] and hazard.reported_by is None
    assert hazard.photos.filter(kind=PhotoKind.BEFORE).count() == 1
    report.refresh_from_db()
    assert (report.status, report.handled_by) == (PublicReportStatus.ACCEPTED, cast.safety_officer)

    again = client.post(url, {"name": "再受理一次"}, follow=True)
    assert "该举报已被其他人处理" in again.content.decode()
    assert Hazard.objects.filter(channel=Channel.PUBLIC).count() == 1


def test_dismissing_needs_a_reason_and_the_history_shows_the_decision(cast: Cast) -> None:
    report = cast.a.risks["public_report"]
    client = client_for(cast.safety_officer)
    url = reverse("hazards:triage_dismiss", args=[report.public_id])

    refused = client.post(url, {"note": "  "}, follow=True)
    assert "请填写忽略原因" in refused.content.decode()
    report.refresh_from_db()
    assert report.status == PublicReportStatus.NEW

    assert client.post(url, {"note": "经核实门已关闭"}).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.dismiss_note) == (PublicReportStatus.DISMISSED, "经核实门已关闭")
    history = client.get(reverse("hazards:triage_history")).content.decode()
    assert "经核实门已关闭" in history and "配电室门没有关" in history
    assert queue_ids(client.get(reverse("hazards:triage")).content.decode()) == []


# --- Who may ----------------------------------------------------------------------------------


def test_a_worker_may_not_triage(cast: Cast) -> None:
    report = submit(cast, "a", with_photo=True)
    client = client_for(cast.worker)
    for url in (
        reverse("hazards:triage"),
        reverse("hazards:triage_history"),
        reverse("hazards:triage_link"),
        reverse("hazards:triage_report", args=[report.public_id]),
        reverse("hazards:triage_photo", args=[report.public_id]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("hazards:triage_accept", args=[report.public_id])).status_code == 403
    assert client.post(reverse("hazards:triage_rotate_link")).status_code == 403
    report.refresh_from_db()
    assert (
        report.status == PublicReportStatus.NEW
        and not Hazard.objects.filter(public_report=report).exists()
    )


def test_another_enterprise_gets_404_on_a_reports_pages_and_changes_nothing(cast: Cast) -> None:
    report = submit(cast, "a", with_photo=True)
    client = client_for(cast.outsider)
    for url in (
        reverse("hazards:triage_report", args=[report.public_id]),
        reverse("hazards:triage_photo", args=[report.public_id]),
    ):
        assert client.get(url).status_code == 404, url
    for name, data in (("hazards:triage_accept", {}), ("hazards:triage_dismiss", {"note": "x"})):
        assert client.post(reverse(name, args=[report.public_id]), data).status_code == 404
    report.refresh_from_db()
    assert report.status == PublicReportStatus.NEW


# --- The report link --------------------------------------------------------------------------


@needs_poppler
def test_the_link_page_shows_the_qr_and_prints_an_a4_poster(cast: Cast, tmp_path: Path) -> None:
    client = client_for(cast.safety_officer)
    assert 'id="create-link"' in client.get(reverse("hazards:triage_link")).content.decode()
    client.post(reverse("hazards:triage_rotate_link"))

    page = client.get(reverse("hazards:triage_link")).content.decode()
    assert 'id="link-qr"' in page and "<svg" in page and "/r/" in page

    response = client.get(reverse("hazards:triage_poster"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "扫码报告隐患" in text and cast.a.enterprise.name in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages:           1" in info and "595.276 x 841.89" in info  # one A4 page


def test_replacing_the_link_stops_the_old_one_at_once(cast: Cast) -> None:
    client = client_for(cast.safety_officer)
    client.post(reverse("hazards:triage_rotate_link"))
    old = _link_path(client)
    client.post(reverse("hazards:triage_rotate_link"))
    new = _link_path(client)
    assert old != new
    assert Client().get(old).status_code == 404 and Client().get(new).status_code == 200


def _link_path(client: Client) -> str:
    import re

    html = client.get(reverse("hazards:triage_link")).content.decode()
    match = re.search(r'id="link-url">https?://[^/]+(/r/[0-9a-f-]+/)<', html)
    assert match
    return match.group(1)


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------


def _together(count: int, work: Any) -> list[Any]:
    """Run ``work`` in ``count`` threads released at once; each result or exception."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # the outcome is what is tested
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_of_one_client_never_exceed_the_hourly_limit(cast: Cast) -> None:
    for n in range(19):
        submit(cast, "9", f"举报{n}")

    results = _together(8, lambda i: submit(cast, "9", f"并发举报{i}"))

    stored = [r for r in results if isinstance(r, PublicReport)]
    assert len(stored) == 1, results
    assert all(isinstance(r, RateLimited) for r in results if r not in stored)
    assert PublicReport.objects.filter(client_key="9" * 64).count() == 20


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_managers_accepting_at_once_make_exactly_one_hazard(cast: Cast) -> None:
    from dualprev.hazards.actions import accept_public_report

    report = submit(cast, "a", "二号罐区护栏松动", with_photo=True)
    managers = [cast.safety_officer, cast.owner]

    def accept(i: int) -> Any:
        fresh = PublicReport.objects.get(pk=report.pk)
        return accept_public_report(report=fresh, acting_user=managers[i], name="护栏松动")

    results = _together(2, accept)

    assert sum(isinstance(r, Hazard) for r in results) == 1, results
    assert Hazard.objects.filter(channel=Channel.PUBLIC).count() == 1
    report.refresh_from_db()
    assert report.status == PublicReportStatus.ACCEPTED and report.hazard is not None
