"""The closed loop through the actions: report → grade → confirm → fix → accept, and the
rules that guard it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualprev.hazards.actions import (
    accept_hazard,
    confirm_hazard,
    reject_rectification,
    submit_rectification,
)
from dualprev.hazards.choices import HazardStatus
from dualprev.hazards.testing import photo
from dualprev.hazards.workflow import TransitionError
from dualprev.reference.choices import HazardState

pytestmark = pytest.mark.django_db


def test_the_loop_closes_with_a_different_acceptor(cast):
    hazard = cast.a.risks["hazard_rectifying"]
    assert (
        hazard.status == HazardStatus.RECTIFYING and hazard.danger_state == HazardState.RECTIFYING
    )
    assert hazard.number.startswith("YH-")
    with pytest.raises(ValidationError):
        submit_rectification(hazard=hazard, acting_user=cast.team_leader, note="已更换")
    submit_rectification(
        hazard=hazard, acting_user=cast.team_leader, note="已更换保温层", photos=[photo()]
    )
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.PENDING_ACCEPT and hazard.danger_state == 1
    with pytest.raises(PermissionDenied):
        accept_hazard(hazard=hazard, acting_user=cast.worker, comment="ok")
    with pytest.raises(ValidationError):
        accept_hazard(hazard=hazard, acting_user=cast.safety_officer, comment="")
    reject_rectification(hazard=hazard, acting_user=cast.safety_officer, reason="保温层接缝未密封")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING
    with pytest.raises(ValidationError):  # the rejected round's photo does not count
        submit_rectification(hazard=hazard, acting_user=cast.team_leader, note="接缝已密封")
    submit_rectification(
        hazard=hazard, acting_user=cast.team_leader, note="接缝已密封", photos=[photo()]
    )
    hazard.refresh_from_db()
    accept_hazard(hazard=hazard, acting_user=cast.safety_officer, comment="整改合格")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.ACCEPTED and hazard.danger_state == 9
    assert hazard.accepted_by == cast.safety_officer
    actions = list(hazard.events.values_list("action", flat=True))
    assert actions == ["report", "grade", "confirm", "submit", "reject", "submit", "accept"]


def test_a_stale_copy_loses_to_the_first_writer(cast):
    from dualprev.hazards.models import Hazard

    first = Hazard.objects.get(pk=cast.a.risks["hazard_rectifying"].pk)
    second = Hazard.objects.get(pk=first.pk)
    submit_rectification(hazard=first, acting_user=cast.team_leader, note="x", photos=[photo()])
    with pytest.raises(TransitionError):
        submit_rectification(
            hazard=second, acting_user=cast.team_leader, note="y", photos=[photo()]
        )
    assert first.events.filter(action="submit").count() == 1


def test_major_needs_company_acceptor_and_evaluation(cast):
    from dualprev.hazards.actions import apply_resumption, record_evaluation

    hazard = cast.a.risks["hazard_major"]
    submit_rectification(
        hazard=hazard, acting_user=cast.a.users["dept"], note="已安装", photos=[photo()]
    )
    hazard.refresh_from_db()
    with pytest.raises(ValidationError):
        accept_hazard(hazard=hazard, acting_user=cast.safety_officer, comment="ok")
    with pytest.raises(ValidationError):
        accept_hazard(hazard=hazard, acting_user=cast.owner, comment="ok")
    record_evaluation(
        hazard=hazard,
        acting_user=cast.safety_officer,
        by="own_experts",
        org="专家组",
        conclusion="合格",
    )
    apply_resumption(hazard=hazard, acting_user=cast.safety_officer, text="申请复产")
    hazard.refresh_from_db()
    accept_hazard(hazard=hazard, acting_user=cast.owner, comment="同意销号")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.ACCEPTED
    assert hazard.regulator_reports.filter(kind="closed").exists()


def test_a_reported_hazard_cannot_be_accepted(cast):
    hazard = cast.a.risks["hazard"]
    with pytest.raises(TransitionError):
        accept_hazard(hazard=hazard, acting_user=cast.owner, comment="ok", photos=[photo()])
    with pytest.raises(ValidationError):
        confirm_hazard(hazard=hazard, acting_user=cast.safety_officer)
