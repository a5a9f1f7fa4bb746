"""In a real browser on a phone-sized screen (390×844): a worker reports a hazard with a photo
(随手拍) and sees its number; once the safety officer has graded and confirmed it (through the
actions), the liable team leader finds it in 我的隐患 and submits the fix with a photo. Also:
the report form's errors and its 已当场整改 part, and a check's draft completed as a hazard."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db: Any, settings: Any, tmp_path: Path) -> Any:
    """The persona cast, after reloading the seed rows a transactional test's flush removed."""
    from dualprev.core.testing import build_cast, ensure_seed_data

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_seed_data()
    return build_cast()


def _camera_photo(tmp_path: Path, name: str, colour: str) -> Path:
    """A phone camera's JPEG (3000×2000, so the page scales it before sending)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (3000, 2000), colour)
    ImageDraw.Draw(image).rectangle((600, 500, 2400, 1500), fill="#c0392b")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def _phone(browser: Any, live_server: Any, user: Any) -> Any:
    from dualprev.core.testing import PASSWORD

    context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_worker_reports_a_hazard_and_the_liable_person_fixes_it_on_the_phone(
    browser: Any, live_server: Any, screenshot: Any, world: Any, tmp_path: Path
) -> None:
    from dualprev.hazards.actions import confirm_hazard
    from dualprev.hazards.choices import Channel, HazardStatus, PhotoKind
    from dualprev.hazards.models import Hazard
    from dualprev.hazards.testing import graded

    cast = world
    point = cast.a.risks["object"]
    page = _phone(browser, live_server, cast.worker)

    # 上报隐患 from the menu's page, empty.
    page.goto(f"{live_server.url}/hazards/report/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#report-form").is_visible()
    assert page.locator(".fix-section").is_hidden()  # 已当场整改 not ticked
    _fits(page)
    screenshot(page, "hazards-worker-report-empty")

    # Ticking 已当场整改 opens the fix part; sending it without the fix shows the errors.
    page.fill("input[name=name]", "配电室门未关闭")
    page.fill("textarea[name=description]", "配电室门敞开无人看管，有小动物进入风险")
    page.check("input[name=fixed_on_spot]")
    assert page.locator(".fix-section").is_visible()
    screenshot(page, "hazards-worker-report-fixed-open")
    page.click("#report-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已当场整改的隐患请填写整改情况。" in page.inner_text("#field-fix_note")
    assert "请检查标红的项目。" in page.inner_text("#form-errors")
    assert page.locator(".fix-section").is_visible()
    _fits(page)
    screenshot(page, "hazards-worker-report-errors")
    assert not Hazard.objects.filter(name="配电室门未关闭").exists()

    # The real report: not fixed, with a point and a camera photo.
    page.uncheck("input[name=fixed_on_spot]")
    page.fill("input[name=location]", "A区配电室")
    page.select_option("select[name=risk_object]", str(point.public_id))
    page.locator("#field-photos input[type=file]").set_input_files(
        str(_camera_photo(tmp_path, "IMG_0001.jpg", "#8a9bb0"))
    )
    page.locator("#field-photos .thumbs img").wait_for(state="visible")
    screenshot(page, "hazards-worker-report-filled")
    page.click("#report-form button[type=submit]")
    page.wait_for_url("**/reported/")
    hazard = Hazard.objects.get(name="配电室门未关闭")
    assert page.inner_text("#hazard-number") == hazard.number
    assert page.inner_text("#hazard-status") == "待确认"
    _fits(page)
    screenshot(page, "hazards-worker-reported")
    assert hazard.status == HazardStatus.REPORTED and hazard.channel == Channel.EMPLOYEE
    assert hazard.reported_by == cast.worker and hazard.risk_object == point
    [before] = hazard.photos.all()
    assert before.kind == PhotoKind.BEFORE and max(before.width, before.height) == 1600

    # 我的隐患 of the worker: what they reported, and the check's draft.
    page.goto(f"{live_server.url}/hazards/mine/?tab=reported")
    page.wait_for_load_state("networkidle")
    assert hazard.number in page.inner_text("#list-reported")
    _fits(page)
    screenshot(page, "hazards-worker-mine-reported")
    page.click("#tab-drafts")
    page.wait_for_load_state("networkidle")
    screenshot(page, "hazards-worker-mine-drafts")

    # The safety officer grades it and issues the 整改通知 (liable: the team leader).
    graded(hazard, cast.safety_officer, cast.team_leader, unit=cast.a.team)
    confirm_hazard(hazard=hazard, acting_user=cast.safety_officer)

    leader = _phone(browser, live_server, cast.team_leader)
    leader.goto(f"{live_server.url}/hazards/mine/")
    leader.wait_for_load_state("networkidle")
    fix_list = leader.inner_text("#list-fix")
    assert hazard.number in fix_list and cast.a.risks["hazard_rectifying"].number in fix_list
    _fits(leader)
    screenshot(leader, "hazards-worker-mine-fix")
    leader.locator(f"#hazard-{hazard.public_id} .hz-item-actions a").click()
    leader.wait_for_load_state("networkidle")
    assert "更换破损保温层" in leader.inner_text("#fix-measures")
    leader.locator("#before-photos img").first.wait_for(state="visible")
    assert leader.evaluate("document.querySelector('#before-photos img').naturalWidth") > 0
    _fits(leader)
    screenshot(leader, "hazards-worker-fix")

    leader.fill("textarea[name=note]", "已关闭配电室门并加装闭门器")
    leader.locator("#field-photos input[type=file]").set_input_files(
        str(_camera_photo(tmp_path, "IMG_0002.jpg", "#44aa66"))
    )
    leader.locator("#field-photos .thumbs img").wait_for(state="visible")
    leader.click("#fix-form button[type=submit]")
    leader.wait_for_url("**/hazards/mine/?tab=fix")
    assert "已提交整改" in leader.inner_text(".messages")
    assert hazard.number not in leader.inner_text("#list-fix")
    screenshot(leader, "hazards-worker-fix-done")

    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.PENDING_ACCEPT and hazard.danger_state == 1
    assert hazard.rectified_by == cast.team_leader
    assert hazard.rectification_note == "已关闭配电室门并加装闭门器"
    [after] = hazard.photos.filter(kind=PhotoKind.AFTER)
    assert after.uploaded_by == cast.team_leader

    # The safety officer finds it waiting in 我的隐患 → 待我验收.
    officer = _phone(browser, live_server, cast.safety_officer)
    officer.goto(f"{live_server.url}/hazards/mine/?tab=accept")
    officer.wait_for_load_state("networkidle")
    assert hazard.number in officer.inner_text("#list-accept")
    _fits(officer)
    screenshot(officer, "hazards-worker-mine-accept")


def test_a_worker_completes_a_checks_hazard_draft_on_the_phone(
    browser: Any, live_server: Any, screenshot: Any, world: Any
) -> None:
    from dualprev.hazards.models import Hazard
    from dualprev.inspections.choices import DraftStatus

    cast = world
    draft = cast.a.risks["hazard_draft"]
    record = cast.a.risks["check_record"]
    page = _phone(browser, live_server, cast.worker)

    page.goto(f"{live_server.url}/checks/records/{record.public_id}/")
    page.wait_for_load_state("networkidle")
    page.click("#draft-take")
    page.wait_for_load_state("networkidle")
    assert page.input_value("textarea[name=description]") == draft.description
    page.locator("#draft-photos img").first.wait_for(state="visible")
    _fits(page)
    screenshot(page, "hazards-worker-draft")

    page.fill("input[name=name]", "储罐保温层破损")
    page.click("#draft-form button[type=submit]")
    page.wait_for_url("**/reported/")
    hazard = Hazard.objects.get(draft=draft)
    assert page.inner_text("#hazard-number") == hazard.number
    draft.refresh_from_db()
    assert draft.status == DraftStatus.TAKEN and hazard.check_record == record
    assert hazard.photos.get().sha256 == cast.a.risks["check_photo"].sha256

    page.goto(f"{live_server.url}/checks/records/{record.public_id}/")
    page.wait_for_load_state("networkidle")
    assert hazard.number in page.inner_text("#record-draft")
