"""The workflow endpoints behind a hazard's action panel (/hazards/<id>/<action>/): each one
works for the right person, is refused to the wrong role (403) and to other enterprises (404),
answers a move the state does not allow or a stale page with a message and writes nothing,
and takes POST only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dualprev.hazards.actions import (
    ReportInput,
    report_hazard,
    save_hazard_fields,
    submit_rectification,
)
from dualprev.hazards.choices import CancelReason, EventAction, HazardStatus
from dualprev.hazards.models import Hazard, HazardEvent, MajorHazardPlan, RegulatorReport
from dualprev.hazards.testing import MAJOR_PLAN, graded, photo
from dualprev.inspections.testing import sample_jpeg
from dualprev.reference.choices import DangerManageType, HazardDangerType, HazardLevel

pytestmark = pytest.mark.django_db

MANAGER_ENDPOINTS = [
    "grade",
    "confirm",
    "confirm_fixed",
    "cancel",
    "major_plan",
    "approve_plan",
    "report_regulator",
    "evaluation",
    "resumption",
]
ENDPOINTS = [*MANAGER_ENDPOINTS, "submit", "accept", "reject", "add_photos"]
STALE = "该隐患刚刚已被其他人处理，请刷新页面查看最新状态后再操作。"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, hazard: Any) -> str:
    return reverse(f"hazards:{name}", args=[hazard.public_id])


def post(user: Any, name: str, hazard: Any, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    hazard.refresh_from_db()
    payload = {"version": hazard.version, **(data or {})}
    return client_for(user).post(url(name, hazard), payload, **kw)


def upload(name: str = "fix.jpg", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or sample_jpeg(), content_type="image/jpeg")


def events(hazard: Any) -> list[str]:
    return list(HazardEvent.objects.filter(hazard=hazard).values_list("action", flat=True))


def message(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def grading(world: Any, liable: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "level": HazardLevel.GENERAL,
        "manage_type": DangerManageType.DEADLINE,
        "danger_type": HazardDangerType.FIRE,
        "source": 10,
        "category": 0,
        "name": "消防通道堆放杂物",
        "description": "二号库房消防通道堆放纸箱",
        "location": "二号库房",
        "reason": "库房管理不到位",
        "rectification_measures": "清理纸箱，划定禁放区",
        "responsible_unit": world.team.public_id,
        "liable_person": liable.public_id,
        "cost": "0",
        "deadline": (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "contingency_plan": "清理前设置警示，专人看护",
        "interim_measures": "",
    }
    data.update(changes)
    return data


# --- Every endpoint --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ENDPOINTS)
def test_every_endpoint_takes_post_only(cast: Any, name: str) -> None:
    response = client_for(cast.safety_officer).get(url(name, cast.a.risks["hazard"]))
    assert response.status_code == 405


@pytest.mark.parametrize("name", ENDPOINTS)
def test_another_enterprise_and_a_regulator_get_404_and_nothing_is_written(
    cast: Any, name: str
) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    before = events(hazard)
    for user in (cast.outsider, cast.district_regulator):
        assert post(user, name, hazard).status_code == 404
    assert events(hazard) == before


@pytest.mark.parametrize("name", [*MANAGER_ENDPOINTS, "accept", "reject"])
def test_a_worker_gets_403_on_what_their_role_may_not_do(cast: Any, name: str) -> None:
    hazard = cast.a.risks["hazard"]  # the worker's own report: visible, not theirs to manage
    before = events(hazard)
    assert post(cast.worker, name, hazard).status_code == 403
    assert events(hazard) == before


def test_a_worker_opening_anothers_hazard_url_gets_404(cast: Any) -> None:
    hazard = cast.a.risks["hazard_major"]
    for name in ("submit", "add_photos"):
        assert post(cast.worker, name, hazard).status_code == 404


def test_anonymous_posts_are_sent_to_log_in(cast: Any) -> None:
    response = Client().post(url("confirm", cast.a.risks["hazard"]), {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_stale_page_is_refused_with_a_message_and_nothing_is_written(cast: Any) -> None:
    hazard = graded(cast.a.risks["hazard"], cast.safety_officer, cast.worker, unit=cast.a.team)
    hazard.refresh_from_db()
    response = client_for(cast.safety_officer).post(
        url("confirm", hazard), {"version": hazard.version - 1}
    )
    assert response.status_code == 200
    assert STALE in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REPORTED
    assert events(hazard) == ["report", "grade"]
    # The re-rendered page carries the current version, so a second look-and-submit works.
    assert f'name="version" value="{hazard.version}"' in response.content.decode()


def test_a_form_without_a_version_is_treated_as_stale(cast: Any) -> None:
    response = client_for(cast.safety_officer).post(url("grade", cast.a.risks["hazard"]), {})
    assert STALE in response.content.decode()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("confirm", {}),
        ("cancel", {"reason": "not_a_hazard", "note": "x"}),
        ("accept", {"comment": "好"}),
        ("reject", {"reason": "不行"}),
    ],
)
def test_a_move_the_state_does_not_allow_is_answered_with_a_message(
    cast: Any, name: str, data: dict[str, Any]
) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    before = events(hazard)
    response = post(cast.safety_officer, name, hazard, data)
    assert response.status_code == 200
    assert "该隐患当前为“整改中”，不能执行" in response.content.decode()
    assert events(hazard) == before
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING


# --- Grading and confirmation ----------------------------------------------------------------


def test_grading_saves_the_five_plan_as_one_grade_event(cast: Any) -> None:
    hazard = cast.a.risks["hazard"]
    response = post(cast.safety_officer, "grade", hazard, grading(cast.a, cast.worker))
    assert response.status_code == 302
    assert response["Location"] == url("detail", hazard)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REPORTED
    assert hazard.level == HazardLevel.GENERAL and hazard.danger_type == HazardDangerType.FIRE
    assert hazard.liable_person == cast.worker and hazard.responsible_unit == cast.a.team
    assert hazard.cost == 0 and hazard.reason == "库房管理不到位"
    assert events(hazard) == ["report", "grade"]
    event = hazard.events.get(action="grade")
    assert event.data["liable_person_id"] == cast.worker.pk
    # Saving the same values again writes nothing.
    again = post(cast.safety_officer, "grade", hazard, grading(cast.a, cast.worker), follow=True)
    assert "没有需要保存的修改。" in again.content.decode()
    assert events(hazard) == ["report", "grade"]


def test_grading_links_the_risk_point_event_and_measure(cast: Any) -> None:
    hazard = cast.a.risks["hazard"]
    risks = cast.a.risks
    data = grading(
        cast.a,
        cast.worker,
        risk_object=risks["object"].public_id,
        risk_event=risks["event"].public_id,
        measure=risks["measure"].public_id,
    )
    assert post(cast.safety_officer, "grade", hazard, data).status_code == 302
    hazard.refresh_from_db()
    assert (hazard.risk_object, hazard.risk_event, hazard.measure) == (
        risks["object"],
        risks["event"],
        risks["measure"],
    )


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"cost": "-1"}, "确保该值大于或等于0"),
        ({"deadline": "2020-01-01T08:00"}, "整改期限必须晚于当前时间。"),
        ({"level": "2"}, "选择一个有效的选项"),
        ({"name": ""}, "这个字段是必填项"),
    ],
)
def test_bad_grading_input_is_refused_and_nothing_is_written(
    cast: Any, changes: dict[str, Any], error: str
) -> None:
    hazard = cast.a.risks["hazard"]
    response = post(cast.safety_officer, "grade", hazard, grading(cast.a, cast.worker, **changes))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert events(hazard) == ["report"]


def test_a_liable_person_or_unit_of_another_enterprise_cannot_be_chosen(cast: Any) -> None:
    hazard = cast.a.risks["hazard"]
    for changes in (
        {"liable_person": cast.b.users["leader"].public_id},
        {"responsible_unit": cast.b.team.public_id},
        {"risk_object": cast.b.risks["object"].public_id},
    ):
        response = post(
            cast.safety_officer, "grade", hazard, grading(cast.a, cast.worker, **changes)
        )
        assert response.status_code == 200
    assert events(hazard) == ["report"]


def test_after_confirmation_level_and_manage_type_stay_and_edits_are_edit_events(
    cast: Any,
) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    data = grading(cast.a, cast.team_leader, level=HazardLevel.MAJOR, rectification_measures="改")
    assert post(cast.safety_officer, "grade", hazard, data).status_code == 302
    hazard.refresh_from_db()
    assert hazard.level == HazardLevel.GENERAL  # the disabled field keeps its value
    assert hazard.rectification_measures == "改"
    assert events(hazard)[-1] == "edit"


def test_confirming_issues_the_notice_and_starts_rectification(cast: Any) -> None:
    hazard = graded(cast.a.risks["hazard"], cast.safety_officer, cast.worker, unit=cast.a.team)
    response = post(cast.safety_officer, "confirm", hazard, follow=True)
    assert "已确认隐患并下达整改通知" in message(response)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING and hazard.danger_state == 0
    assert hazard.notice_issued_by == cast.safety_officer
    assert events(hazard)[-1] == "confirm"


def test_confirming_an_incomplete_hazard_lists_what_is_missing(cast: Any) -> None:
    hazard = cast.a.risks["hazard"]
    response = post(cast.safety_officer, "confirm", hazard)
    body = response.content.decode()
    assert response.status_code == 200
    assert "未能完成操作" in body and "未确定隐患等级。" in body
    assert events(hazard) == ["report"]


def test_a_hazard_fixed_on_the_spot_is_confirmed_straight_to_acceptance(cast: Any) -> None:
    hazard = report_hazard(
        enterprise_id=cast.a.enterprise.pk,
        reporter=cast.worker,
        data=ReportInput(
            name="灭火器压力不足",
            description="已当场更换",
            photos=[photo()],
            fixed_on_spot=True,
            fix_note="已更换灭火器",
            after_photos=[photo()],
        ),
    )
    save_hazard_fields(
        hazard=hazard,
        acting_user=cast.safety_officer,
        changes={
            "level": HazardLevel.GENERAL,
            "manage_type": DangerManageType.IMMEDIATE,
            "danger_type": HazardDangerType.FIRE,
        },
        action=EventAction.GRADE,
    )
    detail = client_for(cast.safety_officer).get(url("detail", hazard))
    assert detail.context["can"]["confirm_fixed"]
    response = post(cast.safety_officer, "confirm_fixed", hazard, follow=True)
    assert "已确认当场整改" in message(response)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.PENDING_ACCEPT and hazard.liable_person == cast.worker


def test_confirm_fixed_is_refused_for_a_deadline_hazard(cast: Any) -> None:
    hazard = graded(cast.a.risks["hazard"], cast.safety_officer, cast.worker, unit=cast.a.team)
    response = post(cast.safety_officer, "confirm_fixed", hazard)
    assert "只有即查即改的一般隐患" in response.content.decode()
    assert events(hazard) == ["report", "grade"]


# --- Cancel ----------------------------------------------------------------------------------


def test_cancelling_a_duplicate_names_the_hazard_it_repeats(cast: Any) -> None:
    hazard = cast.a.risks["hazard"]
    original = cast.a.risks["hazard_rectifying"]
    data = {"reason": CancelReason.DUPLICATE, "duplicate_number": original.number.lower()}
    response = post(cast.safety_officer, "cancel", hazard, data, follow=True)
    assert "已撤销该隐患。" in message(response)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CANCELLED and hazard.duplicate_of == original
    assert "重复于" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"reason": "not_a_hazard", "note": ""}, "请说明撤销理由。"),
        ({"reason": "duplicate", "duplicate_number": "YH-1999-0001"}, "本企业没有编号为"),
        ({"reason": "duplicate", "duplicate_number": ""}, "请填写与之重复的隐患编号。"),
        ({"reason": ""}, "这个字段是必填项"),
    ],
)
def test_a_cancel_without_its_reason_is_refused(
    cast: Any, data: dict[str, Any], error: str
) -> None:
    hazard = cast.a.risks["hazard"]
    response = post(cast.safety_officer, "cancel", hazard, data)
    assert response.status_code == 200 and error in response.content.decode()
    assert events(hazard) == ["report"]


def test_a_hazard_of_another_enterprise_cannot_be_named_as_the_original(cast: Any) -> None:
    b_hazards = [
        report_hazard(
            enterprise_id=cast.b.enterprise.pk,
            reporter=cast.b.users["worker"],
            data=ReportInput(name=f"乙{n}", description="乙企业隐患"),
        )
        for n in range(3)
    ]
    only_in_b = b_hazards[-1].number  # B now has one number more than A
    assert not Hazard.objects.filter(enterprise=cast.a.enterprise, number=only_in_b).exists()
    hazard = cast.a.risks["hazard"]
    data = {"reason": "duplicate", "duplicate_number": only_in_b}
    response = post(cast.safety_officer, "cancel", hazard, data)
    assert f"本企业没有编号为 {only_in_b} 的隐患" in response.content.decode()
    assert events(hazard) == ["report"]


# --- 重大 hazards ----------------------------------------------------------------------------


def new_major(cast: Any) -> Hazard:
    hazard = report_hazard(
        enterprise_id=cast.a.enterprise.pk,
        reporter=cast.safety_officer,
        data=ReportInput(name="液氨罐区无喷淋", description="液氨储罐区未设喷淋"),
    )
    graded(
        hazard,
        cast.safety_officer,
        cast.a.users["dept"],
        unit=cast.a.department,
        level=HazardLevel.MAJOR,
        interim_measures="停止充装",
    )
    return hazard


def test_the_plan_is_saved_approved_by_the_owner_and_reported(cast: Any) -> None:
    hazard = new_major(cast)
    plan = {k: v for k, v in MAJOR_PLAN.items() if k != "production_stopped"}
    plan["production_stopped"] = "on"
    response = post(cast.safety_officer, "major_plan", hazard, plan, follow=True)
    assert "已保存治理方案。" in message(response)
    assert MajorHazardPlan.objects.get(hazard=hazard).plan_complete
    # The safety officer may not approve (a message, nothing written); the owner may.
    refused = post(cast.safety_officer, "approve_plan", hazard)
    assert "须由主要负责人或分管负责人批准" in refused.content.decode()
    assert MajorHazardPlan.objects.get(hazard=hazard).approved_at is None
    owner = client_for(cast.owner).get(url("detail", hazard))
    assert owner.context["can"]["approve_plan"]
    assert "已批准" in message(post(cast.owner, "approve_plan", hazard, follow=True))
    assert MajorHazardPlan.objects.get(hazard=hazard).approved_by == cast.owner
    reported = post(cast.safety_officer, "report_regulator", hazard, follow=True)
    assert "已向区应急管理局报告" in message(reported)
    assert RegulatorReport.objects.filter(hazard=hazard, kind="major_report").count() == 1
    assert not reported.context["can"]["report_regulator"]
    confirmed = post(cast.safety_officer, "confirm", hazard)
    assert confirmed.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING


def test_changing_an_approved_plan_withdraws_the_approval(cast: Any) -> None:
    hazard = cast.a.risks["hazard_major"]
    plan = {k: v for k, v in MAJOR_PLAN.items() if k != "production_stopped"}
    plan |= {"production_stopped": "on", "goals": "消除报警缺失并完善联锁"}
    response = post(cast.safety_officer, "major_plan", hazard, plan, follow=True)
    assert "方案内容有修改，需重新批准" in message(response)
    assert MajorHazardPlan.objects.get(hazard=hazard).approved_at is None


def test_the_plan_form_is_refused_for_a_general_hazard(cast: Any) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    response = post(cast.safety_officer, "major_plan", hazard, {"goals": "x"})
    assert "只有重大事故隐患需要治理方案" in response.content.decode()
    assert not MajorHazardPlan.objects.filter(hazard=hazard).exists()


def test_evaluation_then_resumption_then_the_owner_accepts(cast: Any) -> None:
    hazard = cast.a.risks["hazard_major"]
    early = post(cast.safety_officer, "resumption", hazard, {"text": "申请复产"})
    assert "复产申请须在治理效果评估之后提出" in early.content.decode()
    data = {"by": "own_experts", "org": "公司专家组", "conclusion": "报警仪安装调试合格"}
    assert "已记录治理效果评估" in message(
        post(cast.safety_officer, "evaluation", hazard, data, follow=True)
    )
    assert "已提交复产申请" in message(
        post(cast.safety_officer, "resumption", hazard, {"text": "申请恢复装卸作业"}, follow=True)
    )
    assert RegulatorReport.objects.filter(hazard=hazard, kind="resumption").exists()
    hazard.refresh_from_db()
    submit_rectification(
        hazard=hazard, acting_user=cast.a.users["dept"], note="已安装", photos=[photo()]
    )
    response = post(cast.owner, "accept", hazard, {"comment": "同意销号"}, follow=True)
    assert "验收通过，隐患已销号" in message(response)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.ACCEPTED and hazard.accepted_by == cast.owner


def test_an_evaluation_needs_every_part(cast: Any) -> None:
    hazard = cast.a.risks["hazard_major"]
    response = post(cast.safety_officer, "evaluation", hazard, {"by": "own_experts", "org": ""})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert not MajorHazardPlan.objects.get(hazard=hazard).evaluated


# --- Fix, acceptance, photos -----------------------------------------------------------------


def test_the_liable_person_submits_the_fix_with_photos(cast: Any) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    data = {"note": "已更换保温层", "cost": "0.8", "photos": [upload(), upload("b.png")]}
    response = post(cast.team_leader, "submit", hazard, data, follow=True)
    assert "已提交整改，等待验收。" in message(response)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.PENDING_ACCEPT and hazard.rectified_by == cast.team_leader
    assert str(hazard.cost) == "0.8000"
    assert hazard.photos.filter(kind="after").count() == 2


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"note": "已更换"}, "请上传整改后照片（退回重新整改后须上传新的照片）。"),
        ({"note": ""}, "这个字段是必填项"),
        ({"note": "x", "photos": [upload("a.jpg", b"not an image")]}, "第 1 张照片"),
        ({"note": "x", "photos": [upload(), upload(), upload(), upload()]}, "最多上传 3 张照片"),
        ({"note": "x", "cost": "-2", "photos": [upload()]}, "确保该值大于或等于0"),
    ],
)
def test_a_fix_without_what_it_needs_is_refused_and_nothing_is_written(
    cast: Any, data: dict[str, Any], error: str
) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    response = post(cast.team_leader, "submit", hazard, data)
    assert response.status_code == 200 and error in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING and not hazard.photos.filter(kind="after")
    # What was typed is kept for the second try.
    if data.get("note"):
        assert data["note"] in response.content.decode()


def test_someone_who_is_not_liable_may_not_submit_the_fix(cast: Any) -> None:
    hazard = cast.a.risks["hazard_rectifying"]  # reported by the worker, liable: team leader
    response = post(cast.worker, "submit", hazard, {"note": "x", "photos": [upload()]})
    assert response.status_code == 403
    assert events(hazard) == ["report", "grade", "confirm"]


def pending(cast: Any) -> Hazard:
    hazard = cast.a.risks["hazard_rectifying"]
    submit_rectification(
        hazard=hazard, acting_user=cast.team_leader, note="已更换", photos=[photo()]
    )
    return hazard


def test_an_acceptor_accepts_with_a_comment_and_the_hazard_is_closed(cast: Any) -> None:
    hazard = pending(cast)
    response = post(cast.safety_officer, "accept", hazard, {"comment": "整改合格"}, follow=True)
    assert "验收通过，隐患已销号。" in message(response)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.ACCEPTED and hazard.danger_state == 9
    assert hazard.accepted_by == cast.safety_officer and hazard.accept_comment == "整改合格"
    body = response.content.decode()
    assert "已销号" in body and "验收销号" in body


def test_acceptance_needs_a_comment(cast: Any) -> None:
    hazard = pending(cast)
    response = post(cast.safety_officer, "accept", hazard, {"comment": ""})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.PENDING_ACCEPT


def test_the_rectifier_may_not_accept_their_own_fix(cast: Any) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    submit_rectification(
        hazard=hazard, acting_user=cast.safety_officer, note="代为整改", photos=[photo()]
    )
    response = post(cast.safety_officer, "accept", hazard, {"comment": "合格"})
    assert "整改人和整改责任人不能验收自己的整改。" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.PENDING_ACCEPT


def test_a_rejected_fix_goes_back_with_the_reason(cast: Any) -> None:
    hazard = pending(cast)
    response = post(cast.safety_officer, "reject", hazard, {"reason": "接缝未密封"}, follow=True)
    assert "验收不通过" in message(response)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING
    assert hazard.events.order_by("-id")[0].note == "接缝未密封"


def test_the_reporter_adds_photos_to_their_report(cast: Any) -> None:
    hazard = cast.a.risks["hazard"]
    data = {"kind": "before", "photos": [upload()]}
    response = post(cast.worker, "add_photos", hazard, data, follow=True)
    assert "已添加 1 张照片。" in message(response)
    assert hazard.photos.filter(kind="before").count() == 2
    empty = post(cast.worker, "add_photos", hazard, {"kind": "before"})
    assert "请选择照片。" in empty.content.decode()


def test_two_acceptors_at_once_one_wins_and_the_other_is_told(cast: Any) -> None:
    hazard = pending(cast)
    hazard.refresh_from_db()
    version = hazard.version
    first = client_for(cast.safety_officer).post(
        url("accept", hazard), {"version": version, "comment": "合格"}
    )
    second = client_for(cast.a.users["dept"]).post(
        url("reject", hazard), {"version": version, "reason": "不合格"}
    )
    assert first.status_code == 302
    assert STALE in second.content.decode()
    assert events(hazard).count("accept") == 1 and "reject" not in events(hazard)


def test_an_evaluation_of_a_general_hazard_is_refused(cast: Any) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    data = {"by": "own_experts", "org": "x", "conclusion": "y"}
    response = post(cast.safety_officer, "evaluation", hazard, data)
    assert "只有重大事故隐患需要治理方案" in response.content.decode()
    assert "evaluation" not in events(hazard)
