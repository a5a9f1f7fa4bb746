"""Hazards feed back into risks: repeated hazards flag a risk event for reassessment; its page
shows its hazard history; the register marks flagged events without extra queries per row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from dualprev.hazards.actions import ReportInput, cancel_hazard, report_hazard
from dualprev.hazards.feedback import (
    hazard_history,
    record_repeat_trigger,
    repeat_flag,
    repeat_flagged_events,
)
from dualprev.hazards.models import Hazard, HazardSettings
from dualprev.risks.actions import assess_event
from dualprev.risks.models import ReassessmentTodo, ReassessmentTrigger, RiskEvent

pytestmark = pytest.mark.django_db


def found(cast: Any, days_ago: float, event: Any = None, name: str = "液位计失灵") -> Hazard:
    """A hazard on enterprise A's event found ``days_ago`` days ago."""
    return report_hazard(
        enterprise_id=cast.a.enterprise.pk,
        reporter=cast.worker,
        data=ReportInput(
            name=name,
            description=name,
            risk_event=event or cast.a.risks["event"],
            found_at=timezone.now() - dt.timedelta(days=days_ago),
        ),
    )


def event_of(cast: Any) -> RiskEvent:
    return cast.a.risks["event"]


# --- The rule -------------------------------------------------------------------------------


def test_one_hazard_does_not_flag_the_event(cast) -> None:
    # The cast's hazard under rectification is linked to the event through its measure.
    assert hazard_history(event_of(cast)).count() == 1
    assert repeat_flag(event_of(cast)) is None


def test_two_hazards_within_ninety_days_flag_the_event(cast) -> None:
    found(cast, 30)
    flag = repeat_flag(event_of(cast))
    assert flag is not None and (flag.count, flag.window_days, flag.threshold) == (2, 90, 2)
    assert flag.text == "近 90 天发生 2 条隐患，建议重新评价"
    assert set(repeat_flagged_events(cast.a.enterprise.pk)) == {event_of(cast).pk}


def test_hazards_found_before_the_window_do_not_count(cast) -> None:
    found(cast, 91)
    found(cast, 200)
    assert repeat_flag(event_of(cast)) is None
    found(cast, 89)
    flag = repeat_flag(event_of(cast))
    assert flag is not None and flag.count == 2


def test_cancelled_hazards_do_not_count(cast) -> None:
    duplicate = found(cast, 1)
    cancel_hazard(
        hazard=duplicate,
        acting_user=cast.safety_officer,
        reason="duplicate",
        duplicate_of=cast.a.risks["hazard_rectifying"],
    )
    assert repeat_flag(event_of(cast)) is None


def test_the_enterprise_sets_its_own_threshold_and_window(cast) -> None:
    settings = HazardSettings.objects.create(
        enterprise=cast.a.enterprise, repeat_threshold=3, repeat_window_days=10
    )
    found(cast, 5)
    assert repeat_flag(event_of(cast)) is None  # 2 < 3
    found(cast, 12)
    assert repeat_flag(event_of(cast)) is None  # outside 10 days
    found(cast, 9)
    flag = repeat_flag(event_of(cast))
    assert flag is not None and (flag.count, flag.window_days, flag.threshold) == (3, 10, 3)
    settings.repeat_window_days = 30
    settings.save()
    wider = repeat_flag(event_of(cast))
    assert wider is not None and wider.count == 4


def test_a_reassessment_after_the_hazards_clears_the_flag_until_new_ones(cast) -> None:
    found(cast, 3)
    assert repeat_flag(event_of(cast)) is not None
    assess_event(
        event=event_of(cast),
        acting_user=cast.safety_officer,
        method="LEC",
        inputs={"L": 3, "E": 6, "C": 7},
    )
    assert repeat_flag(event_of(cast)) is None
    later = timezone.now() + dt.timedelta(hours=1)
    for name in ("联锁旁路未恢复", "液位报警失效"):
        report_hazard(
            enterprise_id=cast.a.enterprise.pk,
            reporter=cast.worker,
            data=ReportInput(name=name, description=name, risk_event=event_of(cast)),
            now=later,
        )
    again = repeat_flag(event_of(cast), now=later)
    assert again is not None and again.count == 2


def test_only_the_asked_events_are_computed_and_other_enterprises_never_mix(cast) -> None:
    found(cast, 2)
    b_event = cast.b.risks["event"]
    for days in (1, 2):
        report_hazard(
            enterprise_id=cast.b.enterprise.pk,
            reporter=cast.b.users["worker"],
            data=ReportInput(
                name="B",
                description="B",
                risk_event=b_event,
                found_at=timezone.now() - dt.timedelta(days=days),
            ),
        )
    assert set(repeat_flagged_events(cast.a.enterprise.pk)) == {event_of(cast).pk}
    assert set(repeat_flagged_events(cast.b.enterprise.pk)) == {b_event.pk}
    assert repeat_flagged_events(cast.a.enterprise.pk, event_ids=[b_event.pk]) == {}


# --- The event page -------------------------------------------------------------------------


def test_the_event_page_shows_its_hazard_history_and_the_flag(client, cast) -> None:
    second = found(cast, 10, name="储罐液位计失灵")
    client.force_login(cast.safety_officer)
    response = client.get(reverse("risks:event_detail", args=[event_of(cast).public_id]))
    page = response.content.decode()
    assert [h.pk for h in response.context["hazard_history"]] == [
        cast.a.risks["hazard_rectifying"].pk,
        second.pk,
    ]
    assert "隐患记录" in page and second.number in page and "储罐液位计失灵" in page
    assert reverse("hazards:detail", args=[second.public_id]) in page
    assert "近 90 天发生 2 条隐患，建议重新评价" in page
    assert reverse("risks:event_assess", args=[event_of(cast).public_id]) in page
    assert reverse("hazards:event_reassessment", args=[event_of(cast).public_id]) in page


def test_a_worker_sees_the_history_and_flag_but_no_management_buttons(client, cast) -> None:
    found(cast, 10)
    client.force_login(cast.worker)
    page = client.get(reverse("risks:event_detail", args=[event_of(cast).public_id])).content
    text = page.decode()
    assert "建议重新评价" in text
    assert reverse("hazards:event_reassessment", args=[event_of(cast).public_id]) not in text


def test_the_event_page_lists_only_the_hazards_the_viewer_may_see(client, cast) -> None:
    from dualprev.accounts.choices import EnterpriseRole
    from dualprev.accounts.models import Membership
    from dualprev.core.testing import make_user

    officers = report_hazard(
        enterprise_id=cast.a.enterprise.pk,
        reporter=cast.safety_officer,
        data=ReportInput(name="液位计读数异常", description="x", risk_event=event_of(cast)),
    )
    workers = found(cast, 5, name="液位计玻璃管破裂")  # reported by the worker
    rectifying = cast.a.risks["hazard_rectifying"]  # reported by the worker, liable: leader
    colleague = make_user("a_worker_b", "A worker B")
    Membership.objects.create(
        enterprise=cast.a.enterprise,
        user=colleague,
        role=EnterpriseRole.WORKER,
        org_unit=cast.a.team,
    )
    url = reverse("risks:event_detail", args=[event_of(cast).public_id])

    def shown(user: Any) -> set[int]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        return {h.pk for h in response.context["hazard_history"]}

    assert shown(cast.safety_officer) == {officers.pk, workers.pk, rectifying.pk}
    assert shown(cast.a.users["dept"]) == {officers.pk, workers.pk, rectifying.pk}
    assert shown(cast.worker) == {workers.pk, rectifying.pk}
    assert shown(cast.team_leader) == {rectifying.pk}
    assert shown(colleague) == set()
    client.force_login(colleague)
    page = client.get(url).content.decode()
    assert officers.number not in page and workers.number not in page


def test_an_event_without_hazards_says_so(client, cast) -> None:
    client.force_login(cast.safety_officer)
    b_page = client.get(reverse("risks:event_detail", args=[cast.a.risks["event"].public_id]))
    assert "建议重新评价" not in b_page.content.decode()
    client.force_login(cast.outsider)
    page = client.get(reverse("risks:event_detail", args=[cast.b.risks["event"].public_id]))
    assert "该风险事件还没有隐患记录。" in page.content.decode()


def test_another_enterprises_event_page_is_still_not_found(client, cast) -> None:
    found(cast, 10)
    client.force_login(cast.outsider)
    url = reverse("risks:event_detail", args=[event_of(cast).public_id])
    assert client.get(url).status_code == 404


# --- The register ---------------------------------------------------------------------------


def _events(cast: Any, n: int) -> list[RiskEvent]:
    unit = cast.a.risks["unit"]
    return RiskEvent.objects.bulk_create(
        RiskEvent(enterprise=cast.a.enterprise, unit=unit, name=f"重复事件{i}") for i in range(n)
    )


def test_the_register_marks_flagged_events_with_one_query_for_the_page(client, cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    events = _events(cast, 30)
    client.force_login(cast.safety_officer)

    def register() -> tuple[Any, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("risks:register"))
        return response, [q["sql"] for q in queries.captured_queries]

    counts = []
    for flagged in (1, 20):
        for event in events[:flagged]:
            if not event.hazards.exists():
                found(cast, 1, event)
                found(cast, 2, event)
        response, sqls = register()
        rows = response.context["page_obj"].object_list
        assert {e.pk for e in rows if e.repeat_flag} == {e.pk for e in events[:flagged]}
        page = response.content.decode()
        assert page.count('class="badge badge-warn repeat-mark"') == flagged
        assert len([sql for sql in sqls if '"hazards_' in sql]) == 1
        counts.append(len(sqls))
    assert counts[0] == counts[1]


# --- Recording a re-identification trigger -------------------------------------------------------


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_flagged_event_can_be_recorded_as_a_trigger_once(client, cast) -> None:
    found(cast, 10)
    client.force_login(cast.safety_officer)
    url = reverse("hazards:event_reassessment", args=[event_of(cast).public_id])
    response = client.post(url)
    assert response.status_code == 302
    trigger = ReassessmentTrigger.objects.get(enterprise=cast.a.enterprise)
    assert trigger.kind == "other" and "近 90 天发生 2 条隐患" in trigger.description
    assert cast.a.risks["hazard_rectifying"].number in trigger.description
    todo = ReassessmentTodo.objects.get(trigger=trigger)
    assert todo.risk_object == cast.a.risks["object"] and todo.status == "open"
    again = client.post(url)
    assert ReassessmentTrigger.objects.count() == 1
    assert any("已有待重新评价事项" in m for m in _messages(again))


def test_an_unflagged_event_records_nothing(client, cast) -> None:
    client.force_login(cast.safety_officer)
    client.post(reverse("hazards:event_reassessment", args=[event_of(cast).public_id]))
    assert not ReassessmentTrigger.objects.exists()


def test_only_risk_managers_of_the_enterprise_record_triggers(client, cast) -> None:
    found(cast, 10)
    url = reverse("hazards:event_reassessment", args=[event_of(cast).public_id])
    client.force_login(cast.worker)
    assert client.post(url).status_code == 403
    client.force_login(cast.outsider)
    assert client.post(url).status_code == 404
    client.force_login(cast.safety_officer)
    assert client.get(url).status_code == 405
    assert not ReassessmentTrigger.objects.exists()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        record_repeat_trigger(risk_event=event_of(cast), acting_user=cast.worker)
