"""Grading, history, roll-up, control levels, profile changes, re-identification, retiring."""

from __future__ import annotations

import datetime as dt

import pytest

from dualprev.reference.scoring import InvalidInputError
from dualprev.risks.actions import (
    assess_event,
    change_risk_settings,
    owner_unit_for,
    record_trigger,
    retire,
    risk_settings,
)
from dualprev.risks.models import Assessment, ControlMeasure, RiskEvent, RiskObject, RiskUnit

pytestmark = pytest.mark.django_db


def _second_event(cast):
    chain = cast.a.risks
    return RiskEvent.objects.create(
        enterprise=cast.a.enterprise, unit=chain["unit"], name="人员高处坠落"
    )


def test_assessing_an_event_sets_its_level_and_rolls_up_to_unit_and_object(cast) -> None:
    chain = cast.a.risks
    event = chain["event"]
    assessment = assess_event(
        event=event, acting_user=cast.safety_officer, method="LEC", inputs={"L": 6, "E": 3, "C": 15}
    )
    assert (assessment.score, assessment.band, assessment.level_code) == (270, "2", 1)
    assert assessment.colour == "orange" and assessment.profile == "LEC_A"
    event.refresh_from_db()
    assert event.residual_level == 1 and event.colour == "orange"
    assert event.control_level == "department"
    other = _second_event(cast)
    assess_event(
        event=other,
        acting_user=cast.safety_officer,
        method="LEC",
        inputs={"L": 10, "E": 6, "C": 40},
    )  # 2400 → band 1, red
    chain["unit"].refresh_from_db()
    chain["object"].refresh_from_db()
    assert chain["unit"].level == 0 and chain["object"].level == 0
    assert chain["object"].colour == "red"


def test_every_assessment_is_kept_as_history(cast) -> None:
    event = cast.a.risks["event"]
    assess_event(
        event=event, acting_user=cast.safety_officer, method="LEC", inputs={"L": 6, "E": 3, "C": 15}
    )
    assess_event(event=event, acting_user=cast.owner, method="LS", inputs={"L": 2, "S": 2})
    assess_event(
        event=event,
        acting_user=cast.owner,
        method="LEC",
        kind="inherent",
        inputs={"L": 10, "E": 6, "C": 40},
    )
    history = list(Assessment.objects.filter(event=event).order_by("id"))
    assert [(a.method, a.kind, a.level_code) for a in history] == [
        ("LEC", "residual", 1),
        ("LS", "residual", 2),
        ("LEC", "inherent", 0),
    ]
    assert history[0].assessed_by == cast.safety_officer
    assert history[0].inputs == {"L": "6", "E": "3", "C": "15"}
    event.refresh_from_db()
    assert (event.inherent_level, event.residual_level) == (0, 2)


def test_a_bad_value_writes_nothing(cast) -> None:
    event = cast.a.risks["event"]
    with pytest.raises(InvalidInputError):
        assess_event(
            event=event,
            acting_user=cast.safety_officer,
            method="LEC",
            inputs={"L": 7, "E": 3, "C": 15},
        )
    assert not Assessment.objects.exists()
    event.refresh_from_db()
    assert event.residual_level is None


def test_the_control_level_owner_is_the_unit_at_that_level_above_the_responsible_unit(
    cast,
) -> None:
    team, department, company = cast.a.team, cast.a.department, cast.a.company
    assert owner_unit_for(team, "company") == company
    assert owner_unit_for(team, "department") == department
    assert owner_unit_for(team, "workshop") == department  # no 车间 on the path: next above
    assert owner_unit_for(team, "team") == team
    assert owner_unit_for(department, "post") == department  # already above: owns it itself


def test_changing_the_profile_rebands_the_latest_assessments_without_rewriting_history(
    cast,
) -> None:
    event = cast.a.risks["event"]
    first = assess_event(
        event=event, acting_user=cast.safety_officer, method="LEC", inputs={"L": 6, "E": 3, "C": 15}
    )  # 270: orange under LEC_A
    change_risk_settings(
        enterprise=cast.a.enterprise, acting_user=cast.owner, changes={"lec_profile": "LEC_B"}
    )
    event.refresh_from_db()
    assert event.residual_level == 0  # 270 > 160: red under LEC_B
    assert event.control_level == "company"
    first.refresh_from_db()
    assert first.level_code == 1 and first.profile == "LEC_A"  # history untouched
    latest = Assessment.objects.filter(event=event).order_by("-id").first()
    assert latest and latest.reason == "profile_change" and latest.profile == "LEC_B"
    cast.a.risks["object"].refresh_from_db()
    assert cast.a.risks["object"].level == 0


def test_the_control_level_mapping_is_configurable(cast) -> None:
    event = cast.a.risks["event"]
    change_risk_settings(
        enterprise=cast.a.enterprise,
        acting_user=cast.owner,
        changes={"control_levels": {"1": "company"}},
    )
    assess_event(
        event=event, acting_user=cast.safety_officer, method="LEC", inputs={"L": 6, "E": 3, "C": 15}
    )
    event.refresh_from_db()
    assert event.control_level == "company" and event.owner_unit == cast.a.company
    assert risk_settings(cast.a.enterprise).control_level_for(3) == "team"


def test_a_trigger_opens_one_todo_per_object_that_only_a_new_assessment_closes(cast) -> None:
    chain = cast.a.risks
    trigger = record_trigger(
        enterprise=cast.a.enterprise,
        acting_user=cast.safety_officer,
        kind="process_change",
        description="新增加氢工艺",
        occurred_on=dt.date(2026, 11, 1),
        risk_objects=[chain["object"], chain["object"]],
    )
    todos = list(trigger.todos.all())
    assert len(todos) == 1 and todos[0].status == "open"
    assessment = assess_event(
        event=chain["event"], acting_user=cast.safety_officer, method="LS", inputs={"L": 3, "S": 3}
    )
    todos[0].refresh_from_db()
    assert todos[0].status == "done" and todos[0].closed_by == assessment
    with pytest.raises(ValueError):
        record_trigger(
            enterprise=cast.a.enterprise,
            acting_user=cast.safety_officer,
            kind="accident",
            description="x",
            occurred_on=dt.date(2026, 11, 2),
            risk_objects=[cast.b.risks["object"]],
        )


def test_unused_rows_are_deleted_and_used_rows_retired_with_everything_below(cast) -> None:
    chain = cast.a.risks
    spare = RiskUnit.objects.create(
        enterprise=cast.a.enterprise, risk_object=chain["object"], name="空单元"
    )
    assert retire(obj=spare, acting_user=cast.safety_officer) == "deleted"
    assert not RiskUnit.objects.filter(pk=spare.pk).exists()
    assess_event(
        event=chain["event"],
        acting_user=cast.safety_officer,
        method="LEC",
        inputs={"L": 6, "E": 3, "C": 15},
    )
    assert retire(obj=chain["object"], acting_user=cast.safety_officer) == "retired"
    assert RiskObject.objects.get(pk=chain["object"].pk).retired_at is not None
    assert RiskEvent.objects.get(pk=chain["event"].pk).retired_at is not None
    assert ControlMeasure.objects.get(pk=chain["measure"].pk).retired_at is not None
    assert Assessment.objects.filter(event=chain["event"]).count() == 1


def test_editing_keeps_control_level_and_owner_true(cast) -> None:
    from dualprev.risks.actions import save_register_form
    from dualprev.risks.forms import RiskEventForm, RiskObjectForm

    chain = cast.a.risks
    event = chain["event"]
    assess_event(
        event=event, acting_user=cast.safety_officer, method="LEC", inputs={"L": 6, "E": 3, "C": 15}
    )  # 较大 → department
    event.refresh_from_db()
    assert event.owner_unit == cast.a.department
    fixed = RiskEventForm(
        {"name": event.name, "control_level_fixed": "on", "control_level": "company"},
        instance=event,
        enterprise=cast.a.enterprise,
    )
    assert fixed.is_valid(), fixed.errors
    save_register_form(form=fixed)
    event.refresh_from_db()
    assert (event.control_level, event.owner_unit) == ("company", cast.a.company)
    unfixed = RiskEventForm({"name": event.name}, instance=event, enterprise=cast.a.enterprise)
    assert unfixed.is_valid(), unfixed.errors
    save_register_form(form=unfixed)
    # The object moves from the department to its team: the event's owner follows.
    moved = RiskObjectForm(
        {"name": chain["object"].name, "object_type": "place", "responsible_unit": cast.a.team.pk},
        instance=RiskObject.objects.get(pk=chain["object"].pk),
        enterprise=cast.a.enterprise,
    )
    assert moved.is_valid(), moved.errors
    save_register_form(form=moved)
    event.refresh_from_db()
    assert (event.control_level, event.owner_unit) == ("department", cast.a.department)
    change_risk_settings(
        enterprise=cast.a.enterprise,
        acting_user=cast.owner,
        changes={"control_levels": {"1": "team"}},
    )
    event.refresh_from_db()
    assert (event.control_level, event.owner_unit) == ("team", cast.a.team)


def test_a_retired_event_cannot_be_assessed_through_the_page(client, cast) -> None:
    from django.urls import reverse

    event = cast.a.risks["event"]
    retire(obj=event, acting_user=cast.safety_officer)
    client.force_login(cast.safety_officer)
    url = reverse("risks:event_assess", kwargs={"public_id": event.public_id})
    response = client.post(
        url, {"kind": "residual", "method": "LEC", "f_L": "6", "f_E": "3", "f_C": "15"}
    )
    assert response.status_code == 302
    assert not Assessment.objects.filter(event=event).exists()


def test_a_risk_controlled_at_a_level_is_owned_by_every_level_below_it(cast) -> None:
    from dualprev.risks.queries import events_owned_by

    event = cast.a.risks["event"]  # object under the department; its team is below
    assess_event(
        event=event, acting_user=cast.safety_officer, method="LEC", inputs={"L": 6, "E": 3, "C": 15}
    )  # 较大 → controlled at the department
    user = cast.safety_officer
    assert list(events_owned_by(user, cast.a.department)) == [event]
    assert list(events_owned_by(user, cast.a.team)) == [event]  # below: owns it too
    assert list(events_owned_by(user, cast.a.company)) == []  # above: not its risk
    assert list(events_owned_by(cast.outsider, cast.a.team)) == []  # never across tenants
