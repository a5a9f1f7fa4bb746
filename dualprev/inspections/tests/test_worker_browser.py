"""In a real browser on a phone-sized screen (390×844): a worker opens a risk point's QR URL,
checks three items (one 存在隐患 with a photo), then records one more check with the network
off, sees it waiting in the offline queue, and sees it sent when the network is back — once.
Also: my checks today by state, and the pages working with JavaScript turned off."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db: Any, settings: Any, tmp_path: Path) -> Any:
    """The persona cast (after reloading the seed rows a transactional test's flush removed),
    and three more measures on the cast's risk point, each with a daily task for the worker's
    post: with the cast's own task, four checks are due there today."""
    from dualprev.core.testing import build_cast, ensure_seed_data
    from dualprev.inspections.actions import today_start
    from dualprev.inspections.generation import generate
    from dualprev.inspections.models import CheckOccurrence
    from dualprev.inspections.tests.worker_world import add_measure, add_task

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_seed_data()
    cast = build_cast()
    a = cast.a
    texts = ["罐根阀无渗漏", "喷淋系统完好", "可燃气体报警器完好"]
    tasks = [
        add_task(add_measure(a.risks["event"], text, a.post), post=a.post, start=today_start())
        for text in texts
    ]
    generate(enterprise_ids=[a.enterprise.pk])
    checks = [CheckOccurrence.objects.filter(task=t).earliest("window_start") for t in tasks]
    return cast, [*checks, a.risks["occurrence"]]


def _photo(tmp_path: Path) -> Path:
    from dualprev.inspections.tests.worker_world import jpeg_bytes

    path = tmp_path / "IMG_20261201_101500.jpg"
    path.write_bytes(jpeg_bytes(2400, 1800, orientation=6))
    return path


def _big_photo(tmp_path: Path) -> Path:
    """A 12-megapixel camera photo of over 10 MB (grainy: it hardly compresses), held upright
    (EXIF orientation 6)."""
    import io

    from PIL import Image

    image = Image.effect_noise((4000, 3000), 60).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    path = tmp_path / "IMG_20261201_101501.jpg"
    path.write_bytes(out.getvalue())
    assert path.stat().st_size > 10 * 1024 * 1024
    return path


def test_a_worker_checks_a_point_by_its_qr_code_online_and_offline(
    browser: Any, live_server: Any, screenshot: Any, world: Any, tmp_path: Path
) -> None:
    from dualprev.core.testing import PASSWORD
    from dualprev.inspections.choices import EntryMode, OccurrenceStatus
    from dualprev.inspections.models import CheckOccurrence, CheckRecord, HazardDraft
    from dualprev.reference.choices import CheckStatus

    world, checks = world
    point = world.a.risks["object"]
    valve, sprinkler, detector, cast_item = checks
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        has_touch=True,
        geolocation={"latitude": 34.747238, "longitude": 113.625012, "accuracy": 15},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", world.worker.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    # The QR code on the point's label.
    page.goto(f"{live_server.url}/q/{point.public_id}/")
    page.wait_for_load_state("networkidle")
    assert f"/checks/point/{point.public_id}/?scan=" in page.url
    assert page.inner_text("#point-name") == point.name
    assert page.inner_text("#scan-state") == "已扫码"
    assert page.locator("form[data-check-form]").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "worker-point-phone")

    def card(occurrence: CheckOccurrence) -> Any:
        return page.locator(f"#card-{occurrence.public_id}")

    # 1. 正常.
    card(valve).locator("label.result-0").click()
    card(valve).locator(".submit-check").click()
    card(valve).locator(".card-result").wait_for(state="visible")
    assert "已提交" in card(valve).locator(".card-result").inner_text()

    # 2. 存在隐患 without a note is stopped in the page, then sent with a note and a photo.
    card(sprinkler).locator("label.result-1").click()
    card(sprinkler).locator(".submit-check").click()
    assert "必须填写说明" in card(sprinkler).locator(".card-error").inner_text()
    card(sprinkler).locator("textarea[name=note]").fill("3号喷淋头堵塞，喷淋不均匀")
    # Over 10 MB from the camera: scaled down on the phone, so it is accepted.
    card(sprinkler).locator("input[type=file]").set_input_files(str(_big_photo(tmp_path)))
    card(sprinkler).locator(".thumbs img").wait_for(state="visible")
    assert card(sprinkler).locator(".card-error").is_hidden()
    screenshot(page, "worker-card-hazard-phone")
    card(sprinkler).locator(".submit-check").click()
    card(sprinkler).locator(".draft-link").wait_for(state="visible")
    assert "已生成隐患报告草稿" in card(sprinkler).locator(".card-result").inner_text()

    # 3. 其他, with a note.
    card(detector).locator("label.result-3").click()
    card(detector).locator("textarea[name=note]").fill("报警器正在校验，已贴校验标签")
    card(detector).locator(".submit-check").click()
    card(detector).locator(".card-result").wait_for(state="visible")
    screenshot(page, "worker-point-done-phone")

    records = {r.occurrence_id: r for r in CheckRecord.objects.filter(checked_by=world.worker)}
    assert records[valve.pk].status == CheckStatus.NORMAL
    assert records[sprinkler.pk].status == CheckStatus.HAZARD_FOUND
    assert records[detector.pk].status == CheckStatus.OTHER
    for occurrence in (valve, sprinkler, detector):
        record = records[occurrence.pk]
        assert record.scanned and record.entry_mode == EntryMode.ONLINE
        assert record.latitude is not None and abs(float(record.latitude) - 34.747238) < 1e-5
        assert record.device_id.startswith("web-")
    hazard = records[sprinkler.pk]
    [photo] = hazard.photos.all()
    assert (photo.width, photo.height) == (1200, 1600) and len(photo.phash) == 32
    draft = HazardDraft.objects.get(record=hazard)
    assert draft.measure == sprinkler.measure and draft.risk_object == point

    # The hazard draft link opens the read-only draft page.
    card(sprinkler).locator(".draft-link").click()
    page.wait_for_load_state("networkidle")
    assert "隐患模块将接手处理" in page.inner_text("#draft-note")
    screenshot(page, "worker-draft-phone")
    page.go_back()
    page.wait_for_load_state("networkidle")
    # Not a stale copy from the cache: the three checks are done, one is left.
    assert page.locator("form[data-check-form]").count() == 1

    # 4. Offline: the check is kept on the phone, in the queue.
    context.set_offline(True)
    page.wait_for_selector("#net-status", state="visible")
    remaining = card(cast_item)
    remaining.locator("label.result-0").click()
    pressed = dt.datetime.now(dt.UTC)
    remaining.locator(".submit-check").click()
    remaining.locator(".card-result.queued").wait_for(state="visible")
    page.wait_for_selector("#offline-queue", state="visible")
    assert page.inner_text("#queue-count") == "1"
    queued = page.locator("#queue-items li")
    assert queued.count() == 1 and "等待上传" in queued.inner_text()
    assert "离线保存，联网后自动上传" in page.inner_text("#offline-queue")
    assert not CheckRecord.objects.filter(occurrence=cast_item, checked_by=world.worker).exists()
    screenshot(page, "worker-offline-queue-phone")

    # 5. Back online: the queue is sent by itself, once.
    context.set_offline(False)
    page.wait_for_selector("#offline-queue", state="hidden", timeout=15000)
    remaining.locator(".card-result:not(.queued)").wait_for(state="visible")
    assert "已提交" in remaining.locator(".card-result").inner_text()
    screenshot(page, "worker-offline-sent-phone")
    sent = CheckRecord.objects.filter(occurrence=cast_item, checked_by=world.worker)
    assert sent.count() == 1
    record = sent.get()
    assert record.entry_mode == EntryMode.OFFLINE and record.scanned
    # Its time is when the button was pressed (offline), not when it reached the server.
    assert abs((record.check_time - pressed).total_seconds()) < 3
    assert record.check_time < record.created_at
    cast_item.refresh_from_db()
    assert cast_item.status == OccurrenceStatus.DONE and cast_item.record == record

    # A reload does not send it again; the point's list shows the four checks done.
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator("#offline-queue").is_hidden()
    assert page.locator("form[data-check-form]").count() == 0
    assert page.locator("#done-items .done-item").count() == 5  # + the special item
    assert CheckRecord.objects.filter(occurrence=cast_item).count() == 1
    screenshot(page, "worker-point-after-phone")

    # My checks today, and the record page with its photo.
    page.goto(f"{live_server.url}/checks/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "worker-today-phone")
    page.goto(f"{live_server.url}/checks/records/{hazard.public_id}/")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#record-status") == "存在隐患"
    assert page.evaluate(
        "Array.from(document.querySelectorAll('#record-photos img')).every(i => i.naturalWidth > 0)"
    )
    screenshot(page, "worker-record-phone")
    context.close()


def _login(context: Any, live_server: Any, user: Any) -> Any:
    from dualprev.core.testing import PASSWORD

    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


@pytest.fixture
def day(transactional_db: Any, settings: Any, tmp_path: Path, time_machine: Any) -> Any:
    """The worker's day of worker_world.py (10:30 on 1 December 2026, the clock running)."""
    from dualprev.core.testing import build_cast, ensure_seed_data
    from dualprev.inspections.tests.worker_world import EARLY, build_day

    settings.MEDIA_ROOT = tmp_path / "media"
    time_machine.move_to(EARLY, tick=False)
    ensure_seed_data()
    return build_day(build_cast(), time_machine, tick=True)


def test_my_checks_today_on_a_phone_shows_walks_by_state(
    browser: Any, live_server: Any, screenshot: Any, day: Any
) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = _login(context, live_server, day.cast.worker)
    page.goto(f"{live_server.url}/checks/")
    page.wait_for_load_state("networkidle")
    counts = page.inner_text("#day-counts")
    assert counts.split() == ["4", "现在要查", "3", "今天稍后", "1", "已完成", "1", "未排查"]
    due = page.locator("#due a.walk")
    assert due.count() == 2
    assert "A装卸站" in due.nth(0).inner_text() and "10:00–12:00" in due.nth(0).inner_text()
    assert "A储罐区" in due.nth(1).inner_text() and "已查 0/3" in due.nth(1).inner_text()
    assert page.locator("#missed a.walk").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "worker-today-busy-phone")
    due.nth(0).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("form[data-check-form]").count() == 1
    page.locator("#later-items summary").click()
    assert page.locator("#later-items li").count() == 3
    screenshot(page, "worker-point-rounds-phone")
    context.close()


def test_without_javascript_a_check_is_a_plain_form_post(
    browser: Any, live_server: Any, screenshot: Any, day: Any, tmp_path: Path
) -> None:
    from dualprev.inspections.models import CheckRecord

    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    page = _login(context, live_server, day.cast.worker)
    occurrence = day.occ("p1_valve")
    page.goto(f"{live_server.url}/checks/point/{day.p1.public_id}/")
    card = page.locator(f"#card-{occurrence.public_id}")
    # A mistake comes back as a message on the page; nothing is written.
    card.locator("label.result-1").click()
    card.locator(".submit-check").click()
    page.wait_for_load_state("networkidle")
    assert "必须填写说明" in page.inner_text(".messages")
    assert not CheckRecord.objects.filter(occurrence=occurrence).exists()
    card = page.locator(f"#card-{occurrence.public_id}")
    card.locator("label.result-1").click()
    card.locator("textarea[name=note]").fill("阀杆渗漏")
    card.locator("input[type=file]").set_input_files(str(_photo(tmp_path)))
    screenshot(page, "worker-point-nojs-phone")
    card.locator(".submit-check").click()
    page.wait_for_load_state("networkidle")
    assert "已提交：存在隐患" in page.inner_text(".messages")
    assert "已生成隐患报告草稿" in page.inner_text(".messages")
    record = CheckRecord.objects.get(occurrence=occurrence)
    assert record.photos.count() == 1 and not record.scanned
    assert page.locator(f"#card-{occurrence.public_id}").count() == 0
    assert page.locator("#done-items a", has_text="隐患报告草稿").count() == 2
    screenshot(page, "worker-point-nojs-sent-phone")
    context.close()


def test_a_queued_check_the_server_refuses_stays_marked_failed_until_discarded(
    browser: Any, live_server: Any, screenshot: Any, day: Any
) -> None:
    from dualprev.inspections.models import CheckOccurrence, CheckRecord

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = _login(context, live_server, day.cast.worker)
    occurrence = day.occ("p2_round", 10)
    page.goto(f"{live_server.url}/checks/point/{day.p2.public_id}/")
    page.wait_for_load_state("networkidle")
    context.set_offline(True)
    card = page.locator(f"#card-{occurrence.public_id}")
    card.locator("label.result-0").click()
    card.locator(".submit-check").click()
    page.wait_for_selector("#offline-queue", state="visible")
    # Meanwhile the unit was stopped: the check is no longer wanted.
    CheckOccurrence.objects.filter(pk=occurrence.pk).update(status="cancelled")
    context.set_offline(False)
    failed = page.locator("#queue-items li.failed")
    failed.wait_for(state="visible", timeout=15000)
    assert "上传失败" in failed.inner_text() and "该排查已取消" in failed.inner_text()
    assert page.locator("#queue-items li").count() == 1  # kept, not dropped
    screenshot(page, "worker-queue-failed-phone")
    # A reload keeps it (it is not sent again by itself)…
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator("#queue-items li.failed").count() == 1
    # …until the worker discards it.
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(".queue-discard").click()
    page.wait_for_selector("#offline-queue", state="hidden")
    assert not CheckRecord.objects.filter(occurrence=occurrence).exists()
    context.close()
