"""In a real browser on a phone-sized screen (390×844), someone without an account scans a risk
point's label, describes a hazard, adds a photo and submits, and gets a reference; the
enterprise's report link opens the same form; a client over the limit gets the 429 page. The
safety officer then sees the report in the triage queue (1280 wide)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture
def cast(transactional_db: Any, settings: Any, tmp_path: Path) -> Any:
    from dualprev.core.testing import build_cast, ensure_seed_data

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_seed_data()
    return build_cast()


def test_a_stranger_reports_from_a_phone_and_the_officer_sees_it_in_triage(
    cast: Any, live_server: Any, browser: Any, screenshot: Any, tmp_path: Path, settings: Any
) -> None:
    from django.test import Client
    from django.urls import reverse

    from dualprev.hazards.models import PublicReport
    from dualprev.hazards.public import PublicInput, rotate_report_key, submit_public_report
    from dualprev.inspections.testing import sample_jpeg

    point = cast.a.risks["object"]
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(sample_jpeg(1200, 900))
    phone = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = phone.new_page()

    page.goto(live_server.url + reverse("risk_point_qr", args=[point.public_id]))
    assert page.locator("#point-name").inner_text() == point.name
    assert page.locator("#enterprise-name").inner_text() == cast.a.enterprise.name
    honeypot = page.locator("#id_website").bounding_box()  # not for people: off the screen
    assert honeypot is None or honeypot["x"] + honeypot["width"] <= 0
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "public-report-form-point")

    page.fill("#id_description", "二号罐区东侧护栏松动，人员经过有坠落危险")
    page.set_input_files("#id_photo", str(photo))
    page.fill("#id_reporter_name", "王师傅")
    page.fill("#id_reporter_phone", "138 0013 8000")
    page.click("#submit-report")
    page.wait_for_selector("#thanks")
    reference = page.locator("#reference").inner_text()
    screenshot(page, "public-report-thanks")

    report = PublicReport.objects.get(description__startswith="二号罐区")
    assert reference == f"{report.public_id.hex[:4].upper()}-{report.public_id.hex[4:8].upper()}"
    assert report.photo and report.reporter_phone == "13800138000"

    key = rotate_report_key(enterprise_id=cast.a.enterprise.pk, acting_user=cast.safety_officer)
    page.goto(live_server.url + reverse("report:form", args=[key]))
    assert page.locator("#point-name").count() == 0
    screenshot(page, "public-report-form-link")

    settings.DUALPREV_PUBLIC_REPORTS_PER_HOUR = 1
    page.fill("#id_description", "再报一条")
    page.click("#submit-report")
    page.wait_for_selector("#limited")
    assert "提交过于频繁" in page.locator("#limit-message").inner_text()
    screenshot(page, "public-report-429")
    phone.close()
    settings.DUALPREV_PUBLIC_REPORTS_PER_HOUR = 20

    for n in range(5):  # and a flood from one source
        submit_public_report(
            enterprise_id=cast.a.enterprise.pk,
            risk_object=None,
            data=PublicInput(description=f"测试刷屏内容 {n}"),
            client_key="f" * 64,
        )
    client = Client()
    client.force_login(cast.safety_officer)
    office = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    office.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    desk = office.new_page()
    desk.goto(live_server.url + reverse("hazards:triage"))
    row = desk.locator(f"#report-{report.public_id}")
    assert "二号罐区东侧护栏松动" in row.inner_text() and "王师傅" in row.inner_text()
    # The photo comes through the access-checked view (lazily loaded: wait for it).
    desk.wait_for_function(
        "() => [...document.querySelectorAll('#queue img.thumb')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    assert "显示该来源的全部 5 条" in desk.locator("#floods").inner_text()
    assert desk.locator("#queue .report-row").count() == 2 + 3  # at most 3 of the flood
    screenshot(desk, "triage-queue")
    desk.click(f"#report-{report.public_id} a.btn")
    desk.wait_for_selector("#accept-form")
    screenshot(desk, "triage-report")
    desk.click("#accept-form button[type=submit]")
    desk.wait_for_url("**/hazards/*/")
    report.refresh_from_db()
    assert report.hazard is not None and report.hazard.public_id.hex[:8] in desk.url.replace(
        "-", ""
    )
    office.close()
