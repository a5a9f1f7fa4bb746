"""In a real browser: a safety officer adds an event under a risk object, assesses it with LEC
(L=6, E=3, C=15 → D=270), sees the live preview turn orange before saving, and the event and
the register show orange afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: Any) -> Any:
    """The persona cast, after reloading the rows a transactional test's flush removed (regions
    and industries, and the reference tables the data migration seeded)."""
    from dualprev.core.testing import build_cast, ensure_seed_data
    from dualprev.reference.models import AccidentType
    from dualprev.reference.seed import load_all

    ensure_seed_data()
    if not AccidentType.objects.exists():
        load_all()
    return build_cast()


def test_a_safety_officer_builds_an_event_and_grades_it_orange_with_lec(
    browser: Any, live_server: Any, screenshot: Any, world: Any
) -> None:
    from dualprev.core.testing import PASSWORD
    from dualprev.risks.models import RiskEvent

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", world.safety_officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/risks/objects/")
    page.click(f"text={world.a.risks['object'].name}")
    page.click("text=添加风险事件")
    page.fill("input[name=name]", "人员进入罐内作业中毒窒息")
    page.fill("textarea[name=emergency_measures]", "立即停止作业，佩戴空气呼吸器施救。")
    page.click("main button.btn-primary[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已添加风险事件" in page.inner_text(".messages")
    assert "未评价" in page.inner_text("#residual-level")

    page.click("main a.btn[href$='/assess/']")
    page.wait_for_selector("#id_f_L")
    page.select_option("#id_f_L", "6")
    page.select_option("#id_f_E", "3")
    preview = page.locator("#preview")
    assert preview.get_attribute("data-colour") == ""  # not all factors chosen yet
    page.select_option("#id_f_C", "15")
    page.wait_for_selector("#preview[data-colour=orange]")
    assert "270" in preview.inner_text() and "较大" in preview.inner_text()
    assert "risk-orange" in (page.locator("#preview .swatch-big").get_attribute("class") or "")
    screenshot(page, "risk-assess-preview-orange")

    page.click("text=保存评价")
    page.wait_for_load_state("networkidle")
    assert page.locator("#residual-level .level.risk-orange").inner_text() == "较大"
    assert "LEC · LEC_A" in page.inner_text("#history")
    screenshot(page, "risk-event-assessed-orange")

    event = RiskEvent.objects.get(name="人员进入罐内作业中毒窒息")
    assert event.residual_level == 1 and event.assessments.count() == 1

    page.goto(f"{live_server.url}/risks/?level=1")
    assert "人员进入罐内作业中毒窒息" in page.inner_text(".register-table")
    page.close()


def test_a_safety_officer_exports_the_register_and_imports_it_through_the_dry_run(
    browser: Any, live_server: Any, screenshot: Any, world: Any, tmp_path: Path
) -> None:
    from dualprev.core.testing import PASSWORD
    from dualprev.risks.actions import assess_event
    from dualprev.risks.models import Assessment

    event = world.a.risks["event"]
    assess_event(
        event=event, acting_user=world.safety_officer, method="LEC", inputs={"L": 3, "E": 6, "C": 7}
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", world.safety_officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/risks/")
    with page.expect_download() as download_info:
        page.click("text=导出 Excel")
    exported = tmp_path / "register.xlsx"
    download_info.value.save_as(exported)
    assert exported.read_bytes()[:2] == b"PK"

    page.click("text=导入 Excel")
    page.set_input_files("input[name=file]", str(exported))
    page.click("main button.btn-primary[type=submit]")
    commit = page.locator("form button[type=submit]", has_text="确认导入")
    commit.wait_for(timeout=30_000)
    body = page.inner_text("main")
    assert "检查通过" in body
    screenshot(page, "risk-import-dry-run")
    before = Assessment.objects.count()
    commit.click()
    page.wait_for_selector("text=已全部写入风险分级管控清单", timeout=30_000)
    screenshot(page, "risk-import-committed")
    # Same file, same inputs: matched rows, nothing duplicated and no needless re-assessment.
    assert Assessment.objects.count() == before
    page.close()
