"""One hazard's page (/hazards/<id>/): what it shows in each state, the timeline as readable
evidence, the action panel showing only what the viewer may do now, who may open it at all,
and the access-checked photo view."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dualprev.hazards.actions import add_photos, save_hazard_fields, submit_rectification
from dualprev.hazards.choices import EventAction
from dualprev.hazards.models import HazardSettings
from dualprev.hazards.testing import graded, photo
from dualprev.reference.choices import HazardLevel

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(user: Any, hazard: Any) -> Any:
    return client_for(user).get(reverse("hazards:detail", args=[hazard.public_id]))


def test_a_reported_hazard_shows_the_grading_form_and_what_confirmation_still_needs(
    cast: Any,
) -> None:
    response = page(cast.safety_officer, cast.a.risks["hazard"])
    body = response.content.decode()
    assert response.status_code == 200
    assert "消防通道堆放杂物" in body and "二号库房消防通道堆放纸箱" in body
    assert 'id="grade-form"' in body and 'id="confirm-form"' in body
    assert "未确定隐患等级。" in body and "未指定整改责任人。" in body
    assert response.context["can"]["confirm"] and response.context["confirm_problems"]
    assert 'id="cancel-form"' in body
    # Without the 较大 tier the level chooser offers 一般 and 重大 only.
    levels = [str(v) for v, _ in response.context["forms"]["grade"].fields["level"].choices]
    assert levels == ["", "0", "1"]


def test_the_larger_tier_is_offered_when_the_enterprise_uses_it(cast: Any) -> None:
    HazardSettings.objects.create(enterprise=cast.a.enterprise, larger_tier_enabled=True)
    form = page(cast.safety_officer, cast.a.risks["hazard"]).context["forms"]["grade"]
    assert ("2", "较大（本地扩展）") in [(str(v), str(t)) for v, t in form.fields["level"].choices]


def test_a_graded_hazard_is_ready_to_confirm(cast: Any) -> None:
    hazard = graded(cast.a.risks["hazard"], cast.safety_officer, cast.worker, unit=cast.a.team)
    response = page(cast.safety_officer, hazard)
    assert response.context["confirm_problems"] == []
    assert "可以下达整改通知" in response.content.decode()


def test_the_national_codes_are_shown_with_their_labels(cast: Any) -> None:
    body = page(cast.safety_officer, cast.a.risks["hazard_major"]).content.decode()
    for text in ("dangerLevel", "重大（1）", "dangerManageType", "限期整改（1）", "dangerState"):
        assert text in body
    assert "整改中（0）" in body and "设备（7）" in body


def test_a_local_larger_level_is_shown_as_the_national_general_level(cast: Any) -> None:
    HazardSettings.objects.create(enterprise=cast.a.enterprise, larger_tier_enabled=True)
    hazard = cast.a.risks["hazard"]
    save_hazard_fields(
        hazard=hazard,
        acting_user=cast.safety_officer,
        changes={"level": HazardLevel.LARGER},
        action=EventAction.GRADE,
    )
    codes = dict(
        (code, value) for _, code, value in page(cast.safety_officer, hazard).context["codes"]
    )
    assert codes["dangerLevel"] == "一般（0）"


def test_a_major_hazard_shows_its_plan_approval_reports_and_what_is_still_to_come(
    cast: Any,
) -> None:
    response = page(cast.safety_officer, cast.a.risks["hazard_major"])
    body = response.content.decode()
    assert "重大事故隐患治理" in body
    assert "增设可燃气体检测报警仪并接入DCS" in body and "Aowner 于" in body
    assert "重大事故隐患报告" in body and "待签收" in body
    assert "治理结束后、验收前须进行治理效果评估" in body
    assert 'id="major-plan-form"' in body and 'id="evaluation-form"' in body
    # The safety officer may not approve plans; the report is already sent.
    assert not response.context["can"]["approve_plan"]
    assert not response.context["can"]["report_regulator"]


def test_the_timeline_lists_every_event_with_readable_changes(cast: Any) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    submit_rectification(
        hazard=hazard, acting_user=cast.team_leader, note="已更换保温层", photos=[photo()]
    )
    response = page(cast.safety_officer, hazard)
    entries = response.context["timeline"]
    assert [e.event.action for e in entries] == ["report", "grade", "confirm", "submit"]
    grade = dict(entries[1].changes)
    assert grade["整改责任人"] == "Aleader" and grade["整改责任单位"] == "A甲班组"
    assert grade["隐患等级"] == "一般" and grade["治理类型"] == "限期整改"
    assert grade["整改资金（万元）"] == "0.5"
    assert "逾期升级次数" not in grade  # a new deadline's reset follow-up is not news
    assert entries[2].moved and dict(entries[2].changes)["整改通知"] == "已下达"
    assert entries[3].event.note == "已更换保温层" and len(entries[3].photos) == 1
    body = response.content.decode()
    assert "整改中 → 待验收" in body and "待确认 → 整改中" in body
    # Each event names its place in the enterprise's evidence chain.
    seqs = [e.chain[0] for e in entries if e.chain is not None]
    assert len(seqs) == 4 and seqs == sorted(seqs)
    assert f"链上记录 #{seqs[-1]}" in body


def test_the_timeline_reads_a_fixed_number_of_queries(
    cast: Any, django_assert_max_num_queries: Any
) -> None:
    from dualprev.hazards.queries import timeline

    hazard = cast.a.risks["hazard_major"]
    with django_assert_max_num_queries(7):
        entries = timeline(hazard)
    assert len(entries) >= 6


def test_the_liable_person_sees_the_fix_form_and_nothing_else_to_do(cast: Any) -> None:
    response = page(cast.team_leader, cast.a.risks["hazard_rectifying"])
    can = response.context["can"]
    assert can["submit"] and can["photos"]
    assert not any(v for k, v in can.items() if k not in ("submit", "photos"))
    body = response.content.decode()
    assert 'id="submit-form"' in body and 'enctype="multipart/form-data"' in body


def test_an_acceptor_sees_why_they_may_not_accept_a_major_fix(cast: Any) -> None:
    hazard = cast.a.risks["hazard_major"]
    submit_rectification(
        hazard=hazard, acting_user=cast.a.users["dept"], note="已安装", photos=[photo()]
    )
    response = page(cast.safety_officer, hazard)
    body = response.content.decode()
    assert "重大事故隐患须由主要负责人、分管负责人或安全总监验收。" in body
    assert "须先进行治理效果评估" in body
    assert response.context["accept_problems"]
    owner = page(cast.owner, hazard).context
    assert owner["accept_problems"] == ["重大事故隐患治理结束后须先进行治理效果评估。"]


def test_a_regulator_reads_the_page_without_any_action(cast: Any) -> None:
    response = page(cast.district_regulator, cast.a.risks["hazard_major"])
    assert response.status_code == 200
    body = response.content.decode()
    assert "储罐区未设可燃气体报警" in body and "监管部门查看，只读。" in body
    assert not any(response.context["can"].values())
    assert '<form method="post" action="/hazards/' not in body


@pytest.mark.parametrize(
    ("who", "key"),
    [
        ("outsider", "hazard"),
        ("other_district_regulator", "hazard"),
        ("worker", "hazard_major"),
        ("team_leader", "hazard"),
    ],
)
def test_a_hazard_is_404_for_anyone_who_may_not_see_it(cast: Any, who: str, key: str) -> None:
    assert page(getattr(cast, who), cast.a.risks[key]).status_code == 404


def test_the_reporter_may_add_photos_to_their_reported_hazard_but_not_act(cast: Any) -> None:
    response = page(cast.worker, cast.a.risks["hazard"])
    assert response.status_code == 200
    can = response.context["can"]
    assert can["photos"] and not can["confirm"] and not can["grade"]
    assert "隐患台账" in response.content.decode()


# --- Photos ----------------------------------------------------------------------------------


def photo_url(row: Any) -> str:
    return reverse("hazards:photo", args=[row.public_id])


def test_a_photo_is_served_only_through_the_access_checked_view(cast: Any) -> None:
    row = cast.a.risks["hazard_photo"]
    response = client_for(cast.safety_officer).get(photo_url(row))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    streamed: Any = response
    assert streamed.getvalue()[:2] == b"\xff\xd8"
    body = page(cast.safety_officer, cast.a.risks["hazard_rectifying"]).content.decode()
    assert photo_url(row) in body and "/media/" not in body


def test_photo_access_follows_the_hazard(cast: Any) -> None:
    major = cast.a.risks["hazard_major"]
    add_photos(hazard=major, acting_user=cast.safety_officer, kind="before", photos=[photo()])
    major_photo = major.photos.get()
    rectifying_photo = cast.a.risks["hazard_photo"]
    assert client_for(cast.worker).get(photo_url(rectifying_photo)).status_code == 200
    assert client_for(cast.team_leader).get(photo_url(rectifying_photo)).status_code == 200
    assert client_for(cast.district_regulator).get(photo_url(major_photo)).status_code == 200
    for user, row in (
        (cast.worker, major_photo),
        (cast.outsider, rectifying_photo),
        (cast.other_district_regulator, rectifying_photo),
    ):
        assert client_for(user).get(photo_url(row)).status_code == 404
    assert Client().get(photo_url(major_photo)).status_code == 302
