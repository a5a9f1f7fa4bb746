"""The web flow: export and template downloads, upload → dry run → commit, the background
job with its progress page, and another enterprise's upload answering 404."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from dualprev.core.testing import Cast
from dualprev.core.tests.test_jobs import restore_signal_handlers, run_worker_batch
from dualprev.risks.exporters import HEADERS, export_register
from dualprev.risks.importers import StoredUpload
from dualprev.risks.models import RiskEvent, RiskObject
from dualprev.risks.tests.test_io_support import build_register, counts, workbook_bytes

HEAD = ["风险点名称", "风险事件", "可能性L", "暴露频率E", "后果C", "管理措施", "责任部门"]


def rows(n: int, bad_at: int | None = None) -> bytes:
    data = [[f"A点{i}", f"A事件{i}", 3, 6, 7, f"A措施{i}", "A生产部"] for i in range(n)]
    if bad_at is not None:
        data[bad_at][2] = 7
    return workbook_bytes([HEAD, *data])


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, data: bytes, name: str = "清单.xlsx") -> Any:
    return client.post(reverse("risks:import"), {"file": SimpleUploadedFile(name, data)})


def _upload_id(response: Any) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].rstrip("/").split("/")[-1]


@pytest.mark.django_db
def test_any_member_downloads_the_register_and_the_template(cast: Cast) -> None:
    build_register(cast)
    client = _client(cast.worker)

    response = client.get(reverse("risks:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content))["风险分级管控清单"]
    assert ws.max_row == 8
    template = client.get(reverse("risks:template"))
    assert [c.value for c in load_workbook(io.BytesIO(template.content)).worksheets[0][2]] == (
        HEADERS
    )


@pytest.mark.django_db
def test_upload_dry_run_then_commit(cast: Cast) -> None:
    client = _client(cast.safety_officer)
    assert client.get(reverse("risks:import")).status_code == 200
    before = counts()

    upload_id = _upload_id(_upload(client, rows(3)))
    page = client.get(reverse("risks:import_upload", args=[upload_id]))

    body = page.content.decode()
    assert "检查通过" in body
    assert reverse("risks:import_commit", args=[upload_id]) in body
    assert body.count("通过</span>") == 3
    assert counts() == before  # the dry run wrote nothing
    upload = StoredUpload.load(upload_id)
    assert upload is not None and upload.state == "validated"
    assert upload.enterprise_id == cast.a.enterprise.pk
    response = client.post(reverse("risks:import_commit", args=[upload_id]))
    assert response.status_code == 302
    assert (
        RiskObject.objects.filter(enterprise=cast.a.enterprise, name__startswith="A点").count() == 3
    )
    done = client.get(reverse("risks:import_upload", args=[upload_id])).content.decode()
    assert "导入完成" in done and "已导入，共 3 行" in done
    # A second commit of the same upload is refused.
    client.post(reverse("risks:import_commit", args=[upload_id]))
    assert (
        RiskObject.objects.filter(enterprise=cast.a.enterprise, name__startswith="A点").count() == 3
    )


@pytest.mark.django_db
def test_the_dry_run_page_lists_row_errors_and_offers_no_commit(cast: Cast) -> None:
    client = _client(cast.safety_officer)
    upload_id = _upload_id(_upload(client, rows(4, bad_at=2)))
    body = client.get(reverse("risks:import_upload", args=[upload_id])).content.decode()
    assert "第 4 行，可能性L：值 7 不在 LEC 取值表中" in body
    assert reverse("risks:import_commit", args=[upload_id]) not in body
    assert "有错误的行，未导入任何数据" in body
    before = counts()
    client.post(reverse("risks:import_commit", args=[upload_id]))
    assert counts() == before
    problems = client.get(reverse("risks:import_upload", args=[upload_id]) + "?show=problems")
    assert problems.content.decode().count('<tr class="row-') == 1


@pytest.mark.django_db
def test_a_bad_file_is_refused_at_upload_and_nothing_is_stored(cast: Cast, media: Path) -> None:
    client = _client(cast.safety_officer)
    response = _upload(client, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, name="清单.xlsx")
    assert response.status_code == 400
    assert "文件不是 Excel 工作簿" in response.content.decode()
    assert not list(media.glob("imports/*"))


@pytest.mark.django_db
def test_the_upload_size_is_checked_before_reading(cast: Cast, settings: Any) -> None:
    settings.RISK_IMPORT_MAX_FILE_BYTES = 1000
    response = _upload(_client(cast.safety_officer), rows(30))
    assert response.status_code == 400
    assert "文件过大，上限为" in response.content.decode()


@pytest.mark.django_db
def test_another_enterprise_gets_404_for_an_upload_and_cannot_commit_it(cast: Cast) -> None:
    upload_id = _upload_id(_upload(_client(cast.safety_officer), rows(2)))
    outsider = _client(cast.outsider)
    assert outsider.get(reverse("risks:import_upload", args=[upload_id])).status_code == 404
    assert outsider.post(reverse("risks:import_commit", args=[upload_id])).status_code == 404
    regulator = _client(cast.district_regulator)
    assert regulator.get(reverse("risks:import_upload", args=[upload_id])).status_code == 404
    worker = _client(cast.worker)
    assert worker.post(reverse("risks:import_commit", args=[upload_id])).status_code == 403
    assert not RiskObject.objects.filter(name__startswith="A点").exists()
    missing = "00000000-0000-4000-8000-000000000000"
    safety = _client(cast.safety_officer)
    assert safety.get(reverse("risks:import_upload", args=[missing])).status_code == 404


@pytest.mark.django_db
def test_an_expired_upload_is_gone(cast: Cast) -> None:
    client = _client(cast.safety_officer)
    upload_id = _upload_id(_upload(client, rows(2)))
    upload = StoredUpload.load(upload_id)
    assert upload is not None
    upload.expires = "2000-01-01T00:00:00+00:00"
    upload.save()
    assert client.get(reverse("risks:import_upload", args=[upload_id])).status_code == 404


# --- The background path (large files) --------------------------------------------------------
# The worker fixtures are the job tests' own (same reasons: real transactions, signal handlers).
__all__ = ["restore_signal_handlers"]


@pytest.fixture
def world(transactional_db: Any) -> Cast:
    from dualprev.core.testing import build_cast, ensure_seed_data
    from dualprev.reference.models import AccidentType
    from dualprev.reference.seed import load_all

    ensure_seed_data()
    if not AccidentType.objects.exists():
        load_all()
    return build_cast()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_signal_handlers")
def test_a_large_file_runs_in_the_background_with_progress(world: Cast, settings: Any) -> None:
    settings.RISK_IMPORT_INLINE_ROWS = 5
    client = _client(world.safety_officer)

    upload_id = _upload_id(_upload(client, rows(12)))

    upload = StoredUpload.load(upload_id)
    assert upload is not None and upload.state == "queued"
    page = client.get(reverse("risks:import_upload", args=[upload_id])).content.decode()
    assert "排队等待处理" in page and 'hx-trigger="every 1s"' in page
    poll = client.get(
        reverse("risks:import_upload", args=[upload_id]) + "?progress=1", HTTP_HX_REQUEST="true"
    )
    assert "HX-Refresh" not in poll
    assert DBTaskResult.objects.count() == 1

    run_worker_batch()

    upload = StoredUpload.load(upload_id)
    assert upload is not None
    assert (upload.state, upload.done, upload.total) == ("validated", 12, 12)
    assert upload.report is not None and upload.report["ok"]
    poll = client.get(
        reverse("risks:import_upload", args=[upload_id]) + "?progress=1", HTTP_HX_REQUEST="true"
    )
    assert poll["HX-Refresh"] == "true"
    assert not RiskEvent.objects.filter(name__startswith="A事件").exists()

    client.post(reverse("risks:import_commit", args=[upload_id]))
    assert StoredUpload.load(upload_id).state == "queued"  # type: ignore[union-attr]
    run_worker_batch()

    upload = StoredUpload.load(upload_id)
    assert upload is not None and upload.state == "committed"
    assert RiskEvent.objects.filter(name__startswith="A事件").count() == 12
    event = RiskEvent.objects.get(name="A事件0")
    assert event.residual_assessment is not None
    assert event.residual_assessment.assessed_by == world.safety_officer
    assert (
        "导入完成" in client.get(reverse("risks:import_upload", args=[upload_id])).content.decode()
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_signal_handlers")
def test_export_round_trip_through_the_web(world: Cast, settings: Any) -> None:
    build_register(world)
    data = export_register(world.a.enterprise)
    client = _client(world.safety_officer)
    before = counts()
    upload_id = _upload_id(_upload(client, data))
    client.post(reverse("risks:import_commit", args=[upload_id]))
    assert StoredUpload.load(upload_id).state == "committed"  # type: ignore[union-attr]
    assert counts() == before  # everything matched, nothing duplicated
