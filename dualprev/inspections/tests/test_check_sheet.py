"""The paper check sheet of a post (PDF): the post's checks grouped by risk point with each
point's QR code, tick boxes, note and signature columns; ``?date=`` prints that day's
occurrences. Read back with ``pdftotext``; rendered to PNG for people to look at."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from dualprev.conftest import ARTIFACTS
from dualprev.core.testing import Cast
from dualprev.inspections.models import CheckTask
from dualprev.inspections.tests.reports_world import ReportWorld, build_report_world

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]


@pytest.fixture
def world(cast: Cast) -> ReportWorld:
    return build_report_world(cast)


def _pdf(user: Any, url: str) -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return response.content


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return out.stdout


def _images(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True)
    return len(out.stdout.strip().splitlines()[2:]) if out.returncode == 0 else -1


def test_the_blank_sheet_lists_the_posts_checks_by_risk_point(
    world: ReportWorld, tmp_path: Path
) -> None:
    post = world.cast.a.post
    pdf = _pdf(world.cast.worker, f"/inspections/sheets/{post.public_id}.pdf")
    assert pdf.startswith(b"%PDF")
    text = _text(pdf, tmp_path)
    for expected in (
        "隐患排查记录表",
        "甲化工有限公司",
        "A操作工岗",
        "风险点：A储罐区",
        "A液位高高联锁投用",
        "A可燃气体报警仪完好",
        "正常",
        "存在隐患",
        "其他",
        "排查人签名",
        "扫码排查",
    ):
        assert expected in text, expected
    # Only this post's checks: R2's measure belongs to the other department's post.
    assert "A静电接地夹完好" not in text and "A防火堤无破损" not in text
    # The cast's default task, T1, T2 and T5 of post P1, numbered 1–4.
    assert text.count("检查：A可燃气体报警仪完好") == 2


def test_each_risk_point_gets_its_qr_code(world: ReportWorld, tmp_path: Path) -> None:
    t3 = world.tasks["T3"]
    CheckTask.objects.filter(pk=t3.pk).update(post=world.cast.a.post)
    pdf = _pdf(world.cast.safety_officer, f"/inspections/sheets/{world.cast.a.post.public_id}.pdf")
    text = _text(pdf, tmp_path)
    assert "风险点：A储罐区" in text and "风险点：A装卸站" in text
    assert text.count("扫码排查") == 2
    if shutil.which("pdfimages"):
        assert _images(pdf, tmp_path) in (0, 2)  # SVG QR codes are vector paths, not images


def test_the_sheet_of_a_day_prints_one_line_per_occurrence_with_its_window(
    world: ReportWorld, tmp_path: Path
) -> None:
    url = f"/inspections/sheets/{world.cast.a.post.public_id}.pdf?date=2026-03-02"
    text = _text(_pdf(world.cast.safety_officer, url), tmp_path)
    assert "日期：2026-03-02" in text
    assert "08:00–10:00" in text  # T5's window
    assert text.count("全天") == 2  # T1's and T2's day windows
    assert "A防火堤无破损" not in text  # the team leader's own check, not the post's
    empty = _text(
        _pdf(world.cast.safety_officer, url.replace("2026-03-02", "2026-01-15")), tmp_path
    )
    assert "该岗位当天没有排查任务" in empty


def test_a_bad_date_is_refused(world: ReportWorld) -> None:
    client = Client()
    client.force_login(world.cast.safety_officer)
    url = f"/inspections/sheets/{world.cast.a.post.public_id}.pdf?date=2026-02-30"
    assert client.get(url).status_code == 400


def test_another_enterprises_post_is_not_found(world: ReportWorld) -> None:
    client = Client()
    client.force_login(world.cast.outsider)
    assert client.get(f"/inspections/sheets/{world.cast.a.post.public_id}.pdf").status_code == 404


def test_the_sheet_list_offers_each_post(world: ReportWorld) -> None:
    client = Client()
    client.force_login(world.cast.safety_officer)
    body = client.get("/inspections/sheets/").content.decode()
    assert f"/inspections/sheets/{world.cast.a.post.public_id}.pdf" in body
    assert f"/inspections/sheets/{world.post2.public_id}.pdf" in body
    assert "4 项排查任务" in body  # P1: the default task, T1, T2, T5
    assert 'action="/inspections/checklist.xlsx"' in body


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_sheet_renders_to_an_image_for_people_to_look_at(
    world: ReportWorld, tmp_path: Path
) -> None:
    t3 = world.tasks["T3"]
    CheckTask.objects.filter(pk=t3.pk).update(post=world.cast.a.post)
    ARTIFACTS.mkdir(exist_ok=True)
    for name, query in (("reports-sheet-blank", ""), ("reports-sheet-day", "?date=2026-03-02")):
        pdf = _pdf(
            world.cast.safety_officer,
            f"/inspections/sheets/{world.cast.a.post.public_id}.pdf{query}",
        )
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(ARTIFACTS / name)],
            check=True,
        )
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
