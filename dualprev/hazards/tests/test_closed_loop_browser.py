"""The whole loop in a real browser, every step through the pages (issue 6's flow): a worker
reports a hazard with a photo on a phone; the safety officer grades it, fills in the 五落实 and
issues the 整改通知 on a laptop; the liable team leader submits the fix with a photo on a phone;
the main leader (someone else) accepts it; the hazard shows as 销号 with its full timeline, and
the evidence chain of the enterprise verifies."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture
def world(transactional_db: Any, settings: Any, tmp_path: Path) -> Any:
    from dualprev.core.testing import build_cast, ensure_seed_data

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_seed_data()
    return build_cast()


def _photo(tmp_path: Path, name: str, colour: str) -> str:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 900), colour)
    ImageDraw.Draw(image).ellipse((300, 200, 900, 700), fill="#c0392b")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return str(path)


def _login(browser: Any, live_server: Any, user: Any, viewport: dict[str, int]) -> Any:
    from dualprev.core.testing import PASSWORD

    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_a_hazard_goes_round_the_closed_loop_through_the_pages(
    browser: Any, live_server: Any, screenshot: Any, world: Any, tmp_path: Path
) -> None:
    from dualprev.evidence.verify import verify
    from dualprev.hazards.choices import HazardStatus, PhotoKind
    from dualprev.hazards.models import Hazard

    cast = world
    a = cast.a

    # 1. The worker reports it on the phone, with a photo.
    worker = _login(browser, live_server, cast.worker, PHONE)
    worker.goto(live_server.url + reverse("hazards:report"))
    worker.fill("input[name=name]", "灭火器压力不足")
    worker.fill("textarea[name=description]", "罐区东侧2号灭火器压力表指针在红区")
    worker.fill("input[name=location]", "罐区东侧")
    worker.locator("#field-photos input[type=file]").set_input_files(
        _photo(tmp_path, "before.jpg", "#8a9bb0")
    )
    worker.locator("#field-photos .thumbs img").wait_for(state="visible")
    worker.click("#report-form button[type=submit]")
    worker.wait_for_url("**/reported/")
    hazard = Hazard.objects.get(name="灭火器压力不足")
    assert worker.inner_text("#hazard-number") == hazard.number
    screenshot(worker, "hazards-loop-1-reported")

    # 2. The safety officer grades it, fills in the 五落实 and issues the 整改通知.
    officer = _login(browser, live_server, cast.safety_officer, LAPTOP)
    officer.goto(live_server.url + reverse("hazards:detail", args=[hazard.public_id]))
    form = officer.locator("#grade-form")
    form.locator("select[name=level]").select_option(label="一般")
    form.locator("select[name=manage_type]").select_option(label="限期整改")
    form.locator("select[name=danger_type]").select_option(label="消防")
    form.locator("textarea[name=rectification_measures]").fill("更换2号灭火器并检查同区域灭火器")
    for name, text in (("responsible_unit", a.team.name), ("liable_person", "Aleader")):
        option = form.locator(f"select[name={name}] option", has_text=text).first
        form.locator(f"select[name={name}]").select_option(option.get_attribute("value"))
    form.locator("input[name=cost]").fill("0.03")
    deadline = timezone.localtime() + dt.timedelta(days=3)
    form.locator("input[name=deadline]").fill(f"{deadline:%Y-%m-%dT%H:%M}")
    form.locator("textarea[name=contingency_plan]").fill("更换前在旁增配一具灭火器")
    form.locator("button[type=submit]").click()
    officer.wait_for_load_state("networkidle")
    officer.locator("#confirm-form button[type=submit]").click()
    officer.wait_for_load_state("networkidle")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING and hazard.danger_state == 0
    assert hazard.notice_issued_by == cast.safety_officer
    assert hazard.liable_person == cast.team_leader
    screenshot(officer, "hazards-loop-2-notice-issued")
    notice = officer.request.get(
        live_server.url + reverse("hazards:notice_pdf", args=[hazard.public_id])
    )
    assert notice.ok and notice.body().startswith(b"%PDF")

    # 3. The liable team leader submits the fix on the phone, with an after photo.
    leader = _login(browser, live_server, cast.team_leader, PHONE)
    leader.goto(live_server.url + reverse("hazards:fix", kwargs={"hazard_id": hazard.public_id}))
    leader.fill("textarea[name=note]", "已更换灭火器，同区域其余3具压力正常")
    leader.locator("#field-photos input[type=file]").set_input_files(
        _photo(tmp_path, "after.jpg", "#44aa66")
    )
    leader.locator("#field-photos .thumbs img").wait_for(state="visible")
    leader.click("#fix-form button[type=submit]")
    leader.wait_for_url("**/hazards/mine/**")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.PENDING_ACCEPT
    assert hazard.rectified_by == cast.team_leader

    # The team leader cannot accept their own fix: no accept form on their page.
    leader.goto(live_server.url + reverse("hazards:detail", args=[hazard.public_id]))
    assert leader.locator("#accept-form").count() == 0

    # 4. The main leader accepts it: 销号, with the full timeline.
    owner = _login(browser, live_server, cast.owner, LAPTOP)
    owner.goto(live_server.url + reverse("hazards:detail", args=[hazard.public_id]))
    owner.fill("#accept-form textarea[name=comment]", "现场复查合格，同意销号")
    owner.locator("#accept-form button[type=submit]").click()
    owner.wait_for_load_state("networkidle")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.ACCEPTED and hazard.danger_state == 9
    assert hazard.accepted_by == cast.owner and hazard.accepted_at is not None
    page_text = owner.inner_text("body")
    assert "已销号" in page_text
    timeline = [e.action for e in hazard.events.order_by("at", "id")]
    assert timeline == ["report", "grade", "confirm", "submit", "accept"]
    for label in ("上报", "分级", "确认并下达整改", "提交整改", "验收销号"):
        assert label in page_text
    assert hazard.photos.filter(kind=PhotoKind.BEFORE).count() == 1
    assert hazard.photos.filter(kind=PhotoKind.AFTER).count() == 1
    screenshot(owner, "hazards-loop-3-accepted")

    # Every step is on the enterprise's evidence chain, which verifies.
    report = verify(enterprise_id=a.enterprise.pk, check_files=True)
    assert report.ok, [p.message for chain in report.chains for p in chain.problems]
