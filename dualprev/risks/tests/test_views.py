"""The register pages: building the hierarchy, retiring, the register's filters and colour
counts, assessment, settings, re-identification, and forged ids from another enterprise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from dualprev.reference.models import AccidentType
from dualprev.risks.actions import assess_event, record_trigger
from dualprev.risks.models import (
    Assessment,
    ControlMeasure,
    ReassessmentTodo,
    RiskEvent,
    RiskObject,
    RiskSettings,
    RiskUnit,
)

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def officer(client, cast):
    client.force_login(cast.safety_officer)
    return client


def _lec(event, user, l_, e, c, kind="residual"):
    return assess_event(
        event=event, acting_user=user, method="LEC", inputs={"L": l_, "E": e, "C": c}, kind=kind
    )


# --- Building the hierarchy through the pages ---------------------------------------------------


def test_a_safety_officer_builds_object_unit_event_and_measure_through_the_pages(
    officer, cast
) -> None:
    fire = AccidentType.objects.filter(name="火灾", dataset__is_current=True).get()
    response = officer.post(
        reverse("risks:object_create"),
        {"name": "液氨储罐区", "object_type": "place", "responsible_unit": cast.a.department.pk},
    )
    risk_object = RiskObject.objects.get(enterprise=cast.a.enterprise, name="液氨储罐区")
    assert response.status_code == 302
    assert response["Location"] == reverse("risks:object_detail", args=[risk_object.public_id])

    officer.post(reverse("risks:unit_create", args=[risk_object.public_id]), {"name": "1号罐"})
    unit = RiskUnit.objects.get(risk_object=risk_object)
    assert unit.enterprise == cast.a.enterprise and unit.name == "1号罐"

    officer.post(
        reverse("risks:event_create", args=[unit.public_id]),
        {"name": "液氨泄漏中毒", "accident_types": [fire.pk], "emergency_measures": "撤离"},
    )
    event = RiskEvent.objects.get(unit=unit)
    assert list(event.accident_types.all()) == [fire]

    response = officer.post(
        reverse("risks:measure_create", args=[event.public_id]),
        {
            "description": "氨气泄漏报警联锁",
            "category": "engineering",
            "classify1": 1,
            "classify2": "1-4",
            "data_src": 2,
            "check_content": "检查报警器是否完好",
            "responsible_post": cast.a.post.pk,
        },
    )
    measure = ControlMeasure.objects.get(event=event)
    assert measure.responsible_post == cast.a.post
    assert response["Location"].startswith(reverse("risks:event_detail", args=[event.public_id]))

    page = officer.get(reverse("risks:object_detail", args=[risk_object.public_id]))
    body = page.content.decode()
    assert "1号罐" in body and "液氨泄漏中毒" in body and "氨气泄漏报警联锁" in body


def test_a_duplicate_unit_name_is_a_form_error_not_a_crash(officer, cast) -> None:
    risk_object = cast.a.risks["object"]
    url = reverse("risks:unit_create", args=[risk_object.public_id])
    response = officer.post(url, {"name": cast.a.risks["unit"].name})
    assert response.status_code == 200
    assert "该风险点下已有同名的分析单元。" in response.content.decode()
    assert RiskUnit.objects.filter(risk_object=risk_object).count() == 1


def test_a_measure_checked_by_inspection_needs_check_content(officer, cast) -> None:
    event = cast.a.risks["event"]
    response = officer.post(
        reverse("risks:measure_create", args=[event.public_id]),
        {"description": "巡检", "category": "management", "data_src": 2},
    )
    assert "管控方式为隐患排查时必须填写排查内容。" in response.content.decode()
    assert event.measures.count() == 1


def test_editing_an_event_saves_the_form(officer, cast) -> None:
    event = cast.a.risks["event"]
    response = officer.post(
        reverse("risks:event_edit", args=[event.public_id]),
        {"name": "储罐满溢", "emergency_measures": "关闭进料阀"},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.name, event.emergency_measures) == ("储罐满溢", "关闭进料阀")


# --- Retire vs delete -------------------------------------------------------------------------


def test_an_unused_row_is_deleted_and_a_used_one_retired_and_hidden_by_default(
    officer, cast
) -> None:
    from dualprev.inspections.generation import generate
    from dualprev.inspections.models import CheckOccurrence, CheckTask
    from dualprev.risks.actions import sync_check_tasks

    chain = cast.a.risks
    fresh = ControlMeasure.objects.create(
        enterprise=cast.a.enterprise,
        event=chain["event"],
        description="临时警戒措施",
        category="management",
        data_src=2,
        check_content="检查警戒线",
        responsible_post=cast.a.post,
    )
    sync_check_tasks(measures=[fresh])
    generate(enterprise_ids=[cast.a.enterprise.pk])
    assert CheckOccurrence.objects.filter(measure=fresh).exists()  # due, never checked
    response = officer.post(reverse("risks:measure_retire", args=[fresh.public_id]))
    assert "已删除管控措施" in _messages(response)[0]
    assert not ControlMeasure.objects.filter(pk=fresh.pk).exists()
    assert not CheckTask.objects.filter(measure_id=fresh.pk).exists()

    # The cast's measure has check records: it is retired, never deleted.
    response = officer.post(reverse("risks:measure_retire", args=[chain["measure"].public_id]))
    assert "已停用管控措施" in _messages(response)[-1]
    assert ControlMeasure.objects.filter(pk=chain["measure"].pk, retired_at__isnull=False).exists()

    _lec(chain["event"], cast.safety_officer, 6, 3, 15)
    response = officer.post(reverse("risks:object_retire", args=[chain["object"].public_id]))
    assert "已停用风险点" in _messages(response)[-1]
    chain["event"].refresh_from_db()
    assert chain["event"].retired_at is not None  # retired with everything below it
    assert Assessment.objects.filter(event=chain["event"]).count() == 1  # history kept

    listing = officer.get(reverse("risks:object_list"))
    assert chain["object"] not in listing.context["objects"]
    listing = officer.get(reverse("risks:object_list") + "?retired=1")
    assert chain["object"] in listing.context["objects"] and "已停用" in listing.content.decode()
    register = officer.get(reverse("risks:register")).content.decode()
    assert chain["event"].name not in register


def test_nothing_is_added_under_a_retired_row(officer, cast) -> None:
    chain = cast.a.risks
    officer.post(reverse("risks:unit_retire", args=[chain["unit"].public_id]))
    response = officer.post(
        reverse("risks:event_create", args=[chain["unit"].public_id]), {"name": "新事件"}
    )
    assert response.status_code == 302
    assert "已停用，不能在其下添加内容" in _messages(response)[-1]
    assert not RiskEvent.objects.filter(name="新事件").exists()


def test_retiring_is_post_only(officer, cast) -> None:
    url = reverse("risks:event_retire", args=[cast.a.risks["event"].public_id])
    assert officer.get(url).status_code == 405
    assert RiskEvent.objects.get(pk=cast.a.risks["event"].pk).retired_at is None


# --- The register -----------------------------------------------------------------------------


@pytest.fixture
def graded(cast):
    """Enterprise A: the cast's event graded orange, plus a red and an unassessed event in a
    second object of another type."""
    chain = cast.a.risks
    _lec(chain["event"], cast.safety_officer, 6, 3, 15)  # 270 → orange
    second = RiskObject.objects.create(
        enterprise=cast.a.enterprise,
        name="高处作业",
        object_type="special_work",
        responsible_unit=cast.a.team,
    )
    unit = RiskUnit.objects.create(enterprise=cast.a.enterprise, risk_object=second, name="检修")
    red = RiskEvent.objects.create(enterprise=cast.a.enterprise, unit=unit, name="坠落致死")
    _lec(red, cast.safety_officer, 10, 6, 40)  # 2400 → red
    RiskEvent.objects.create(enterprise=cast.a.enterprise, unit=unit, name="工具坠落伤人")
    return {"orange": chain["event"], "red": red}


def test_the_register_lists_active_events_with_colours_and_counts(officer, cast, graded) -> None:
    response = officer.get(reverse("risks:register"))
    counts = response.context["counts"]
    assert counts == {"total": 3, "red": 1, "orange": 1, "yellow": 0, "blue": 0, "none": 1}
    body = response.content.decode()
    assert 'class="level risk-orange"' in body and 'class="level risk-red"' in body
    assert "green" not in body
    rows = list(response.context["page_obj"])
    assert [e.name for e in rows] == [cast.a.risks["event"].name, "坠落致死", "工具坠落伤人"]
    assert rows[0].measure_count == 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "0"}, ["坠落致死"]),
        ({"level": "none"}, ["工具坠落伤人"]),
        ({"object_type": "special_work"}, ["坠落致死", "工具坠落伤人"]),
        ({"q": "坠落"}, ["坠落致死", "工具坠落伤人"]),
        ({"q": "高处作业", "level": "0"}, ["坠落致死"]),
    ],
)
def test_the_register_filters_and_counts_the_filtered_set(
    officer, cast, graded, params, expected
) -> None:
    response = officer.get(reverse("risks:register"), params)
    assert [e.name for e in response.context["page_obj"]] == expected
    assert response.context["counts"]["total"] == len(expected)


def test_the_register_filters_by_department_post_and_accident_type(officer, cast, graded) -> None:
    chain = cast.a.risks
    fire = chain["event"].accident_types.get()
    for params in (
        {"department": cast.a.department.pk},
        {"post": cast.a.post.pk},
        {"accident_type": fire.pk},
    ):
        response = officer.get(reverse("risks:register"), params)
        assert [e.name for e in response.context["page_obj"]] == [chain["event"].name], params
        assert response.context["counts"]["orange"] == 1


def test_a_colour_count_links_to_the_filtered_set_narrowed_to_its_level(
    officer, cast, graded
) -> None:
    response = officer.get(reverse("risks:register"), {"object_type": "special_work"})
    assert response.context["counts"]["red"] == 1
    assert 'href="?object_type=special_work&amp;level=0"' in response.content.decode()


def test_an_htmx_filter_request_gets_only_the_results_fragment(officer, cast, graded) -> None:
    response = officer.get(reverse("risks:register"), {"level": "0"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "坠落致死" in body and "<html" not in body and 'class="colour-counts"' in body


def test_the_register_shows_only_the_own_enterprise(client, cast, graded) -> None:
    client.force_login(cast.outsider)
    response = client.get(reverse("risks:register"))
    names = [e.name for e in response.context["page_obj"]]
    assert names == [cast.b.risks["event"].name]
    assert "坠落致死" not in response.content.decode()


def _bulk_events(cast, n: int) -> None:
    unit = cast.a.risks["unit"]
    fire = cast.a.risks["event"].accident_types.get()
    events = RiskEvent.objects.bulk_create(
        RiskEvent(enterprise=cast.a.enterprise, unit=unit, name=f"事件{i}", residual_level=i % 4)
        for i in range(n)
    )
    RiskEvent.accident_types.through.objects.bulk_create(
        RiskEvent.accident_types.through(riskevent_id=e.pk, accidenttype_id=fire.pk) for e in events
    )


# Baselines: 3 queries for session/user/membership, 1 session save, 1 aggregate for the colour
# counts (which also gives the paginator its total), 4 for the filter choices, 1 for the page of
# rows, 1 for their accident types, 1 for their measure counts and 1 for their repeated-hazard
# flags (hazards.feedback); each filter by an id adds the lookup of that id.
@pytest.mark.parametrize(
    ("params", "budget", "rows"),
    [
        # Budgets include the header's unread-message COUNT (notifications).
        ({}, 16, 50),
        ({"level": "1", "q": "事件"}, 16, 30),
        ({"department": "department", "post": "post", "accident_type": "fire"}, 19, 1),
    ],
)
def test_the_register_page_query_count_does_not_grow_with_rows(
    officer, cast, django_assert_max_num_queries, params, budget, rows
) -> None:
    _bulk_events(cast, 120)
    ids = {
        "department": cast.a.department.pk,
        "post": cast.a.post.pk,
        "fire": cast.a.risks["event"].accident_types.get().pk,
    }
    params = {key: ids.get(value, value) for key, value in params.items()}
    with django_assert_max_num_queries(budget):
        response = officer.get(reverse("risks:register"), params)
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == rows


def test_the_register_paginates_fifty_rows_a_page(officer, cast) -> None:
    _bulk_events(cast, 120)
    response = officer.get(reverse("risks:register"), {"page": 3})
    page = response.context["page_obj"]
    assert page.paginator.count == 121 and len(page.object_list) == 21
    assert "第 3 / 3 页" in response.content.decode()


def test_the_object_pages_query_count_is_bounded(
    officer, cast, graded, django_assert_max_num_queries
) -> None:
    _bulk_events(cast, 60)
    with django_assert_max_num_queries(14):  # +1: the header's unread-message COUNT
        officer.get(reverse("risks:object_detail", args=[cast.a.risks["object"].public_id]))
    with django_assert_max_num_queries(10):
        officer.get(reverse("risks:object_list"))
    with django_assert_max_num_queries(12):
        officer.get(reverse("risks:unit_detail", args=[cast.a.risks["unit"].public_id]))


def test_export_and_import_links_appear_only_when_their_routes_exist(officer, cast) -> None:
    from django.urls import NoReverseMatch

    response = officer.get(reverse("risks:register"))
    try:
        reverse("risks:export")
    except NoReverseMatch:
        assert response.context["export_url"] == ""
    else:
        assert response.context["export_url"] in response.content.decode()


# --- Assessment -------------------------------------------------------------------------------


def test_submitting_an_assessment_updates_levels_and_history(officer, cast) -> None:
    chain = cast.a.risks
    url = reverse("risks:event_assess", args=[chain["event"].public_id])
    page = officer.get(url)
    assert page.context["form"].method_obj.code == "LEC"  # the enterprise default
    assert "6 — 相当可能" in page.content.decode()
    assert "/api/v1/assessments/preview" in page.content.decode()
    response = officer.post(
        url, {"kind": "residual", "method": "LEC", "f_L": "6", "f_E": "3", "f_C": "15"}
    )
    assert response.status_code == 302
    chain["event"].refresh_from_db()
    chain["object"].refresh_from_db()
    assert chain["event"].residual_level == 1 and chain["event"].control_level == "department"
    assert chain["object"].colour == "orange"
    officer.post(url, {"kind": "inherent", "method": "LS", "f_L": "5", "f_S": "5"})
    chain["event"].refresh_from_db()
    assert chain["event"].inherent_level == 0
    detail = officer.get(reverse("risks:event_detail", args=[chain["event"].public_id]))
    history = list(detail.context["history"])
    assert [(a.kind, a.method, a.colour) for a in history] == [
        ("inherent", "LS", "red"),
        ("residual", "LEC", "orange"),
    ]


def test_switching_the_method_reloads_only_the_factor_fields(officer, cast) -> None:
    url = reverse("risks:event_assess", args=[cast.a.risks["event"].public_id])
    response = officer.get(url, {"method": "MES"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'name="f_M"' in body and 'name="f_S"' in body and 'name="f_L"' not in body
    assert "<html" not in body


def test_a_scoring_error_shows_its_chinese_message_as_a_form_error(officer, cast) -> None:
    RiskSettings.objects.update_or_create(
        enterprise=cast.a.enterprise, defaults={"lec_profile": "LEC_X"}
    )
    url = reverse("risks:event_assess", args=[cast.a.risks["event"].public_id])
    response = officer.post(
        url, {"kind": "residual", "method": "LEC", "f_L": "6", "f_E": "3", "f_C": "15"}
    )
    assert response.status_code == 200
    assert "未知的分级方案：LEC_X。" in response.content.decode()
    assert not Assessment.objects.filter(event=cast.a.risks["event"]).exists()


def test_a_value_outside_the_table_is_rejected_by_the_form(officer, cast) -> None:
    url = reverse("risks:event_assess", args=[cast.a.risks["event"].public_id])
    response = officer.post(
        url, {"kind": "residual", "method": "LEC", "f_L": "7", "f_E": "3", "f_C": "15"}
    )
    assert response.status_code == 200 and response.context["form"].errors["f_L"]
    assert not Assessment.objects.exists()


# --- Settings ---------------------------------------------------------------------------------


def _settings_post(**overrides):
    data = {
        "default_method": "LEC",
        "lec_profile": "LEC_A",
        "ls_profile": "LS_A",
        "mes_profile": "MES",
        "control_0": "company",
        "control_1": "department",
        "control_2": "workshop",
        "control_3": "team",
    }
    return {**data, **overrides}


def test_changing_the_profile_recomputes_levels_and_says_how_many(officer, cast) -> None:
    event = cast.a.risks["event"]
    _lec(event, cast.safety_officer, 6, 3, 15)  # 270: LEC_A orange, LEC_B red
    page = officer.get(reverse("risks:settings"))
    assert "LEC_B · " in page.content.decode()
    response = officer.post(
        reverse("risks:settings"), _settings_post(lec_profile="LEC_B", control_0="department")
    )
    assert "重新定级了 1 个风险事件" in _messages(response)[0]
    event.refresh_from_db()
    assert event.residual_level == 0 and event.control_level == "department"
    settings_row = RiskSettings.objects.get(enterprise=cast.a.enterprise)
    assert settings_row.lec_profile == "LEC_B" and settings_row.control_levels["0"] == "department"


def test_settings_reject_a_profile_of_another_method(officer, cast) -> None:
    response = officer.post(reverse("risks:settings"), _settings_post(lec_profile="LS_A"))
    assert response.status_code == 200 and response.context["form"].errors["lec_profile"]


# --- Re-identification ------------------------------------------------------------------------


def test_recording_a_trigger_opens_todos_that_an_assessment_closes(officer, cast) -> None:
    chain = cast.a.risks
    response = officer.post(
        reverse("risks:trigger_create"),
        {
            "kind": "process_change",
            "description": "新增精馏塔",
            "occurred_on": "2026-11-20",
            "risk_objects": [chain["object"].pk],
        },
    )
    assert "生成 1 项重新评价待办" in _messages(response)[0]
    page = officer.get(reverse("risks:reassessment"))
    assert [t.risk_object for t in page.context["open_todos"]] == [chain["object"]]
    assert reverse("risks:object_detail", args=[chain["object"].public_id]) in (
        page.content.decode()
    )
    detail = officer.get(reverse("risks:object_detail", args=[chain["object"].public_id]))
    assert "待重新评价" in detail.content.decode()
    officer.post(
        reverse("risks:event_assess", args=[chain["event"].public_id]),
        {"kind": "residual", "method": "LEC", "f_L": "3", "f_E": "3", "f_C": "7"},
    )
    assert ReassessmentTodo.objects.get().status == "done"
    assert list(officer.get(reverse("risks:reassessment")).context["open_todos"]) == []


def test_a_worker_reads_the_reassessment_page_without_the_record_button(client, cast) -> None:
    record_trigger(
        enterprise=cast.a.enterprise,
        acting_user=cast.owner,
        kind="accident",
        description="泄漏事故",
        occurred_on=dt.date(2026, 11, 1),
        risk_objects=[cast.a.risks["object"]],
    )
    client.force_login(cast.worker)
    body = client.get(reverse("risks:reassessment")).content.decode()
    assert "泄漏事故" in body and reverse("risks:trigger_create") not in body


# --- Forged ids -------------------------------------------------------------------------------


def test_forged_ids_of_another_enterprise_are_rejected(officer, cast) -> None:
    b = cast.b
    response = officer.post(
        reverse("risks:object_create"),
        {"name": "伪造", "object_type": "place", "responsible_unit": b.department.pk},
    )
    assert response.status_code == 200 and response.context["form"].errors["responsible_unit"]
    response = officer.post(
        reverse("risks:measure_create", args=[cast.a.risks["event"].public_id]),
        {
            "description": "伪造岗位",
            "category": "management",
            "data_src": 1,
            "responsible_post": b.post.pk,
        },
    )
    assert response.context["form"].errors["responsible_post"]
    response = officer.post(
        reverse("risks:trigger_create"),
        {
            "kind": "other",
            "description": "x",
            "occurred_on": "2026-11-20",
            "risk_objects": [b.risks["object"].pk],
        },
    )
    assert response.context["form"].errors["risk_objects"]
    # Creating under, assessing or retiring another enterprise's rows: 404.
    assert (
        officer.post(
            reverse("risks:unit_create", args=[b.risks["object"].public_id]), {"name": "x"}
        ).status_code
        == 404
    )
    assert (
        officer.post(
            reverse("risks:event_assess", args=[b.risks["event"].public_id]),
            {"kind": "residual", "method": "LEC", "f_L": "6", "f_E": "3", "f_C": "15"},
        ).status_code
        == 404
    )
    assert (
        officer.post(
            reverse("risks:measure_retire", args=[b.risks["measure"].public_id])
        ).status_code
        == 404
    )
    assert ControlMeasure.objects.filter(pk=b.risks["measure"].pk, retired_at=None).exists()
    assert not RiskObject.objects.filter(name="伪造").exists()


def test_a_worker_sees_the_register_but_no_write_buttons(client, cast, graded) -> None:
    client.force_login(cast.worker)
    body = client.get(reverse("risks:register")).content.decode()
    assert "坠落致死" in body and reverse("risks:object_create") not in body
    event_page = client.get(reverse("risks:event_detail", args=[graded["red"].public_id]))
    assert reverse("risks:event_assess", args=[graded["red"].public_id]) not in (
        event_page.content.decode()
    )


def test_the_register_filters_by_the_owning_unit_including_risks_controlled_above(
    client, cast
) -> None:
    from dualprev.risks.actions import assess_event

    event = cast.a.risks["event"]
    assess_event(
        event=event, acting_user=cast.safety_officer, method="LEC", inputs={"L": 6, "E": 3, "C": 15}
    )  # 较大: controlled at the department, so its teams own it too
    client.force_login(cast.worker)
    team = client.get(reverse("risks:register"), {"owner": cast.a.team.pk})
    assert [e.pk for e in team.context["page_obj"]] == [event.pk]
    company = client.get(reverse("risks:register"), {"owner": cast.a.company.pk})
    assert list(company.context["page_obj"]) == []
