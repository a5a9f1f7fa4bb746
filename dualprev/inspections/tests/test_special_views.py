"""Special inspection pages (专项排查): the list, the plan form, the detail page and the three
ways to add checklist items (control measures, a library checklist, free text)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from dualprev.inspections.choices import OccurrenceStatus
from dualprev.inspections.models import (
    CheckOccurrence,
    SpecialInspection,
    SpecialInspectionItem,
)
from dualprev.reference.choices import DangerSrc
from dualprev.reference.models import MajorHazardCriterion
from dualprev.risks.models import ControlMeasure

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
LIST = "/inspections/special/"
NEW = "/inspections/special/new/"
WHP_CRITERIA = "whp-major-hazard-2017"

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, inspection: SpecialInspection) -> str:
    return reverse(f"inspections:{name}", args=[inspection.public_id])


def plan_data(cast: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "节前综合检查",
        "inspection_type": DangerSrc.HOLIDAY,
        "start_date": "2026-03-12",
        "end_date": "2026-03-14",
        "leader": cast.safety_officer.pk,
        "members": [cast.worker.pk, cast.team_leader.pk],
        "description": "清明节前全面检查",
    }
    data.update(changes)
    return data


def empty_plan(cast: Any) -> SpecialInspection:
    client_for(cast.safety_officer).post(NEW, plan_data(cast))
    return SpecialInspection.objects.get(name="节前综合检查")


def test_the_list_shows_the_enterprises_own_plans_with_progress(cast: Any) -> None:
    body = client_for(cast.worker).get(LIST).content.decode()
    assert "冬季专项排查" in body and "季节性排查" in body
    assert "1 / 1" in body  # the cast's one item was checked
    assert "新建专项排查" not in body  # a worker only reads
    assert "冬季专项排查" not in client_for(cast.outsider).get(LIST).content.decode()


def test_the_list_makes_the_same_few_queries_however_many_plans(cast: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.safety_officer)
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for n in range(10):
        client.post(NEW, plan_data(cast, name=f"专项排查 {n}"))
    with CaptureQueriesContext(connection) as many:
        body = client.get(LIST).content.decode()
    assert body.count("专项排查 ") >= 10
    assert len(many) == len(one) <= 10


def test_a_new_plan_is_saved_with_its_people(cast: Any) -> None:
    response = client_for(cast.safety_officer).post(NEW, plan_data(cast))
    plan = SpecialInspection.objects.get(name="节前综合检查")
    assert response.headers["Location"] == url("special_detail", plan)
    assert (plan.enterprise, plan.inspection_type, plan.created_by) == (
        cast.a.enterprise,
        DangerSrc.HOLIDAY,
        cast.safety_officer,
    )
    assert set(plan.members.all()) == {cast.worker, cast.team_leader}
    assert (plan.start_date, plan.end_date) == (dt.date(2026, 3, 12), dt.date(2026, 3, 14))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"inspection_type": DangerSrc.DAILY}, "inspection_type"),
        ({"inspection_type": DangerSrc.OTHER}, "inspection_type"),
        ({"end_date": "2026-03-11"}, "end_date"),
        ({"leader": "outsider"}, "leader"),
        ({"members": ["outsider"]}, "members"),
        ({"name": ""}, "name"),
    ],
)
def test_a_bad_plan_is_refused(cast: Any, changes: dict[str, Any], field: str) -> None:
    for key, value in changes.items():
        if value == "outsider":
            changes[key] = cast.outsider.pk
        elif value == ["outsider"]:
            changes[key] = [cast.outsider.pk]
    response = client_for(cast.safety_officer).post(NEW, plan_data(cast, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not SpecialInspection.objects.filter(name=plan_data(cast, **changes)["name"]).exists()


def test_the_end_date_message_is_clear(cast: Any) -> None:
    response = client_for(cast.safety_officer).post(NEW, plan_data(cast, end_date="2026-03-11"))
    assert response.context["form"].errors["end_date"] == ["结束日期不能早于开始日期。"]


def test_items_from_chosen_measures_get_an_occurrence_over_the_plans_dates(cast: Any) -> None:
    plan = empty_plan(cast)
    measure = cast.a.risks["measure"]
    client = client_for(cast.safety_officer)
    response = client.post(url("special_add_measures", plan), {"measures": [measure.pk]})
    assert response.headers["Location"] == url("special_detail", plan)
    item = SpecialInspectionItem.objects.get(inspection=plan)
    assert (item.content, item.measure, item.risk_object) == (
        "检查液位联锁是否投用",
        measure,
        cast.a.risks["object"],
    )
    occurrence = CheckOccurrence.objects.get(special_item=item)
    assert occurrence.window_start == dt.datetime(2026, 3, 12, tzinfo=TZ)
    assert occurrence.window_end == dt.datetime(2026, 3, 15, tzinfo=TZ)
    assert (occurrence.source_code, occurrence.status) == (DangerSrc.HOLIDAY, "open")

    # Picking the same measure again adds nothing.
    again = client.post(url("special_add_measures", plan), {"measures": [measure.pk]}, follow=True)
    assert "所选条目都已在清单中" in again.content.decode()
    assert plan.items.count() == 1


def test_the_measure_picker_filters_and_marks_measures_already_added(cast: Any) -> None:
    plan = cast.a.risks["special_inspection"]  # its item came from A's measure
    extra = ControlMeasure.objects.create(
        enterprise=cast.a.enterprise,
        event=cast.a.risks["event"],
        description="A可燃气体报警器完好",
        category="engineering",
        data_src=2,
        check_content="检查可燃气体报警器",
    )
    client = client_for(cast.safety_officer)
    page = client.get(url("special_add_measures", plan))
    assert [m.pk for m in page.context["measures"]] == [cast.a.risks["measure"].pk, extra.pk]
    assert page.context["used"] == {cast.a.risks["measure"].pk}
    body = page.content.decode()
    assert f'name="measures" value="{extra.pk}"' in body
    assert f'name="measures" value="{cast.a.risks["measure"].pk}"' not in body
    searched = client.get(url("special_add_measures", plan), {"q": "可燃气体"})
    assert [m.pk for m in searched.context["measures"]] == [extra.pk]
    # Another enterprise's measures are neither listed nor accepted.
    b_measure = cast.b.risks["measure"]
    assert b_measure.pk not in [m.pk for m in page.context["measures"]]
    refused = client.post(url("special_add_measures", plan), {"measures": [b_measure.pk]})
    assert refused.status_code == 200 and refused.context["form"].errors["measures"]
    assert plan.items.count() == 1


def test_items_from_the_whp_major_hazard_criteria(cast: Any) -> None:
    plan = empty_plan(cast)
    client = client_for(cast.safety_officer)
    page = client.get(url("special_add_library", plan), {"dataset": WHP_CRITERIA})
    dataset = page.context["dataset"]
    assert dataset.code == WHP_CRITERIA and len(page.context["criteria"]) == 20
    assert "特种作业人员未持证上岗" in page.content.decode()
    chosen = list(MajorHazardCriterion.objects.filter(dataset=dataset, number__in=[1, 2, 5]))
    response = client.post(
        url("special_add_library", plan),
        {
            "dataset": dataset.pk,
            "criteria": [c.pk for c in chosen],
            "risk_object": cast.a.risks["object"].pk,
        },
        follow=True,
    )
    assert "已添加 3 个检查条目" in response.content.decode()
    items = list(plan.items.order_by("sort_order"))
    assert [i.criterion.number for i in items] == [1, 2, 5]
    assert items[1].content == "特种作业人员未持证上岗"
    assert {i.risk_object for i in items} == {cast.a.risks["object"]}
    assert CheckOccurrence.objects.filter(special_item__in=items, status="open").count() == 3
    # The detail page names the criterion's source.
    assert "安监总管三〔2017〕121号 第 2 条" in response.content.decode()


def test_criteria_must_belong_to_the_chosen_checklist(cast: Any) -> None:
    plan = empty_plan(cast)
    whp = MajorHazardCriterion.objects.filter(dataset__code=WHP_CRITERIA).first()
    other = MajorHazardCriterion.objects.exclude(dataset__code=WHP_CRITERIA).first()
    assert whp is not None and other is not None
    response = client_for(cast.safety_officer).post(
        url("special_add_library", plan), {"dataset": whp.dataset_id, "criteria": [other.pk]}
    )
    assert response.context["form"].errors["criteria"] == ["所选条目不属于该判定标准。"]
    assert plan.items.count() == 0


def test_a_free_text_item(cast: Any) -> None:
    plan = empty_plan(cast)
    client = client_for(cast.safety_officer)
    client.post(url("special_add_text", plan), {"content": "  检查应急物资储备  "})
    item = plan.items.get()
    assert (item.content, item.measure, item.criterion) == ("检查应急物资储备", None, None)
    assert CheckOccurrence.objects.filter(special_item=item).count() == 1
    blank = client.post(url("special_add_text", plan), {"content": "   "})
    assert blank.context["form"].errors["content"]
    assert plan.items.count() == 1


def test_the_detail_shows_items_progress_who_checked_and_hazards_found(cast: Any) -> None:
    plan = cast.a.risks["special_inspection"]
    body = client_for(cast.worker).get(url("special_detail", plan)).content.decode()
    assert "检查储罐区防冻保温" in body
    assert "已排查 1 / 1（100%）" in body
    assert "存在隐患" in body and "保温层破损" in body
    assert cast.worker.display_name in body
    assert "本次专项排查尚未发现隐患" not in body
    assert url("special_add_measures", plan) not in body  # a worker only reads


def test_changing_the_dates_moves_the_open_checks(cast: Any) -> None:
    plan = empty_plan(cast)
    client = client_for(cast.safety_officer)
    client.post(url("special_add_text", plan), {"content": "检查消防通道"})
    client.post(
        url("special_edit", plan),
        plan_data(cast, start_date="2026-03-20", end_date="2026-03-21", inspection_type=2),
    )
    occurrence = CheckOccurrence.objects.get(special_item__inspection=plan)
    assert occurrence.window_start == dt.datetime(2026, 3, 20, tzinfo=TZ)
    assert occurrence.window_end == dt.datetime(2026, 3, 22, tzinfo=TZ)
    assert occurrence.source_code == DangerSrc.COMPREHENSIVE


def test_a_checked_item_keeps_its_window_when_the_dates_change(cast: Any) -> None:
    plan = cast.a.risks["special_inspection"]
    occurrence = cast.a.risks["special_occurrence"]
    before = (occurrence.window_start, occurrence.window_end)
    client_for(cast.safety_officer).post(
        url("special_edit", plan),
        plan_data(cast, name=plan.name, start_date="2026-04-01", end_date="2026-04-02"),
    )
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.DONE
    assert (occurrence.window_start, occurrence.window_end) == before


def test_a_worker_may_not_plan_or_add_items(cast: Any) -> None:
    plan = cast.a.risks["special_inspection"]
    client = client_for(cast.worker)
    assert client.get(NEW).status_code == 403
    assert client.get(url("special_edit", plan)).status_code == 403
    response = client.post(url("special_add_text", plan), {"content": "越权添加"})
    assert response.status_code == 403
    assert not plan.items.filter(content="越权添加").exists()


def test_another_enterprise_gets_404(cast: Any) -> None:
    plan = cast.a.risks["special_inspection"]
    client = client_for(cast.outsider)
    assert client.get(url("special_detail", plan)).status_code == 404
    assert client.post(url("special_add_text", plan), {"content": "x"}).status_code == 404
    assert plan.items.count() == 1
