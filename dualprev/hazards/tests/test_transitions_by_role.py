"""Every transition of the hazard workflow (``workflow.TRANSITIONS``), allowed and forbidden,
by every role, through the action functions; every state × every transition the table does
not allow; and nothing is written when a move is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualprev.accounts.choices import EnterpriseRole
from dualprev.accounts.models import Membership
from dualprev.core.testing import make_user
from dualprev.hazards.actions import (
    ReportInput,
    accept_hazard,
    apply_resumption,
    cancel_hazard,
    confirm_fixed,
    confirm_hazard,
    record_evaluation,
    reject_rectification,
    report_hazard,
    save_hazard_fields,
    submit_rectification,
)
from dualprev.hazards.choices import EventAction, HazardStatus
from dualprev.hazards.models import Hazard, HazardEvent, HazardPhoto, RegulatorReport
from dualprev.hazards.testing import graded, photo
from dualprev.hazards.workflow import TRANSITIONS, TransitionError
from dualprev.reference.choices import DangerManageType, HazardDangerType, HazardLevel

pytestmark = pytest.mark.django_db

S = HazardStatus
ROLES = (
    "main leader",
    "deputy",
    "safety director",
    "safety officer",
    "dept head",
    "team leader",
    "worker",
    "other enterprise's safety officer",
    "district regulator",
)
COMPANY = ("main leader", "deputy", "safety director", "safety officer")
MANAGERS = (*COMPANY, "dept head")
MAJOR_ACCEPTORS = ("main leader", "deputy", "safety director")


def people(cast: Any) -> dict[str, Any]:
    """One user per role; the cast has no deputy or safety director, so they are added."""
    world = cast.a
    extra = {}
    for key, role in (
        ("deputy", EnterpriseRole.DEPUTY_LEADER),
        ("safety director", EnterpriseRole.SAFETY_DIRECTOR),
    ):
        user = make_user(f"a_{role}", f"A{role}")
        Membership.objects.create(
            enterprise=world.enterprise, user=user, role=role, org_unit=world.company
        )
        extra[key] = user
    return {
        "main leader": cast.owner,
        **extra,
        "safety officer": cast.safety_officer,
        "dept head": world.users["dept"],
        "team leader": cast.team_leader,
        "worker": cast.worker,
        "other enterprise's safety officer": cast.outsider,
        "district regulator": cast.district_regulator,
    }


def snapshot(hazard: Hazard) -> tuple[Any, ...]:
    """Everything an action could write about the hazard."""
    row = Hazard.objects.filter(pk=hazard.pk).values().get()
    return (
        row,
        HazardEvent.objects.filter(hazard=hazard).count(),
        HazardPhoto.objects.filter(hazard=hazard).count(),
        RegulatorReport.objects.filter(hazard=hazard).count(),
    )


def fresh(hazard: Hazard) -> Hazard:
    return Hazard.objects.get(pk=hazard.pk)


# --- Hazards ready for each transition (only who acts decides) ---------------------------------


def reported_fixed_on_spot(cast: Any, reporter: Any = None, liable: Any = None) -> Hazard:
    """A 一般 即查即改 hazard its reporter fixed on the spot, graded, still REPORTED."""
    reporter = reporter or cast.worker
    hazard = report_hazard(
        enterprise_id=cast.a.enterprise.pk,
        reporter=reporter,
        data=ReportInput(
            name="灭火器压力不足",
            description="配电室灭火器压力表指针在红区",
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
            "danger_type": HazardDangerType.EQUIPMENT,
        }
        | ({"liable_person": liable} if liable is not None else {}),
        action=EventAction.GRADE,
    )
    return hazard


def ready_to_confirm(cast: Any) -> Hazard:
    hazard = cast.a.risks["hazard"]
    return graded(hazard, cast.safety_officer, cast.team_leader, unit=cast.a.team)


def pending_accept(cast: Any) -> Hazard:
    """The cast's hazard under rectification (liable: the team leader), fixed by the team
    leader with an after photo."""
    hazard = cast.a.risks["hazard_rectifying"]
    submit_rectification(
        hazard=hazard, acting_user=cast.team_leader, note="已更换保温层", photos=[photo()]
    )
    return fresh(hazard)


SETUP: dict[str, Callable[[Any], Hazard]] = {
    EventAction.CONFIRM: ready_to_confirm,
    EventAction.CONFIRM_FIXED: reported_fixed_on_spot,
    EventAction.CANCEL: lambda cast: cast.a.risks["hazard"],
    EventAction.SUBMIT: lambda cast: cast.a.risks["hazard_rectifying"],
    EventAction.REJECT: pending_accept,
    EventAction.ACCEPT: pending_accept,
}


def act(action: str, hazard: Hazard, user: Any) -> None:
    """Do ``action`` on ``hazard`` as ``user`` with complete, valid input."""
    if action == EventAction.CONFIRM:
        confirm_hazard(hazard=hazard, acting_user=user)
    elif action == EventAction.CONFIRM_FIXED:
        confirm_fixed(hazard=hazard, acting_user=user)
    elif action == EventAction.CANCEL:
        cancel_hazard(hazard=hazard, acting_user=user, reason="not_a_hazard", note="纸箱已清走")
    elif action == EventAction.SUBMIT:
        submit_rectification(hazard=hazard, acting_user=user, note="已整改", photos=[photo()])
    elif action == EventAction.REJECT:
        reject_rectification(hazard=hazard, acting_user=user, reason="接缝未密封")
    elif action == EventAction.ACCEPT:
        accept_hazard(hazard=hazard, acting_user=user, comment="整改合格")
    else:  # pragma: no cover - the table and this test must list the same moves
        raise AssertionError(f"no test input for {action}")


ALLOWED: dict[str, tuple[str, ...]] = {
    EventAction.CONFIRM: MANAGERS,
    EventAction.CONFIRM_FIXED: MANAGERS,
    EventAction.CANCEL: MANAGERS,
    # The liable person (the team leader here) submits; a hazard manager may on their behalf.
    EventAction.SUBMIT: (*MANAGERS, "team leader"),
    EventAction.REJECT: MANAGERS,
    EventAction.ACCEPT: MANAGERS,
}


def test_the_role_table_covers_every_transition() -> None:
    assert set(ALLOWED) == set(TRANSITIONS) == set(SETUP)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_each_transition_by_each_role(cast, action: str, role: str) -> None:
    user = people(cast)[role]
    hazard = fresh(SETUP[action](cast))
    transition = TRANSITIONS[action]
    assert hazard.status in transition.sources
    before = snapshot(hazard)
    if role in ALLOWED[action]:
        act(action, hazard, user)
        saved = fresh(hazard)
        assert saved.status == transition.target, f"{role} could not {action}"
        assert saved.version == before[0]["version"] + 1
        event = HazardEvent.objects.filter(hazard=hazard, action=action).latest("id")
        assert (event.actor, event.from_status, event.to_status) == (
            user,
            before[0]["status"],
            transition.target,
        )
    else:
        with pytest.raises(PermissionDenied):
            act(action, hazard, user)
        assert snapshot(hazard) == before, f"{role}'s refused {action} wrote something"


# --- Acceptance: never by the rectifier or the liable person; 重大 only by company roles -------


def test_the_rectifier_cannot_accept_or_reject_their_own_fix(cast) -> None:
    hazard = cast.a.risks["hazard_rectifying"]  # liable: the team leader
    submit_rectification(
        hazard=hazard, acting_user=cast.safety_officer, note="代为提交", photos=[photo()]
    )
    hazard = fresh(hazard)
    assert hazard.rectified_by == cast.safety_officer
    before = snapshot(hazard)
    with pytest.raises(ValidationError, match="不能验收自己的整改"):
        accept_hazard(hazard=hazard, acting_user=cast.safety_officer, comment="合格")
    with pytest.raises(ValidationError, match="不能验收自己的整改"):
        reject_rectification(hazard=hazard, acting_user=cast.safety_officer, reason="不合格")
    assert snapshot(hazard) == before
    accept_hazard(hazard=hazard, acting_user=cast.owner, comment="合格")
    assert fresh(hazard).accepted_by == cast.owner


def test_the_liable_person_cannot_accept_even_when_someone_else_submitted(cast) -> None:
    dept_head = cast.a.users["dept"]
    hazard = report_hazard(
        enterprise_id=cast.a.enterprise.pk,
        reporter=cast.worker,
        data=ReportInput(name="平台护栏松动", description="二层平台护栏螺栓松动"),
    )
    graded(hazard, cast.safety_officer, dept_head, unit=cast.a.department)
    confirm_hazard(hazard=hazard, acting_user=cast.safety_officer)
    submit_rectification(
        hazard=hazard, acting_user=cast.safety_officer, note="已紧固", photos=[photo()]
    )
    hazard = fresh(hazard)
    before = snapshot(hazard)
    with pytest.raises(ValidationError, match="整改责任人不能验收"):
        accept_hazard(hazard=hazard, acting_user=dept_head, comment="合格")
    with pytest.raises(ValidationError):
        reject_rectification(hazard=hazard, acting_user=dept_head, reason="不合格")
    assert snapshot(hazard) == before
    assert HazardEvent.objects.filter(hazard=hazard, action=EventAction.ACCEPT).count() == 0


def major_pending_accept(cast: Any) -> Hazard:
    """The cast's 重大 hazard (liable: the dept head), fixed, evaluated, resumption applied."""
    hazard = cast.a.risks["hazard_major"]
    submit_rectification(
        hazard=hazard, acting_user=cast.a.users["dept"], note="已安装报警仪", photos=[photo()]
    )
    hazard = fresh(hazard)
    record_evaluation(
        hazard=hazard,
        acting_user=cast.safety_officer,
        by="own_experts",
        org="专家组",
        conclusion="合格",
    )
    apply_resumption(hazard=fresh(hazard), acting_user=cast.safety_officer, text="申请复产")
    return fresh(hazard)


@pytest.mark.parametrize("role", ROLES)
def test_a_major_hazard_is_accepted_only_by_company_level_roles(cast, role: str) -> None:
    user = people(cast)[role]
    hazard = major_pending_accept(cast)
    before = snapshot(hazard)
    if role in MAJOR_ACCEPTORS:
        accept_hazard(hazard=hazard, acting_user=user, comment="同意销号")
        saved = fresh(hazard)
        assert saved.status == S.ACCEPTED and saved.accepted_by == user
        assert saved.regulator_reports.filter(kind="closed").count() == 1
        return
    # The safety officer and the dept head may accept 一般 hazards but not a 重大 one; the
    # others may not accept at all.
    expected = ValidationError if role in ("safety officer", "dept head") else PermissionDenied
    with pytest.raises(expected):
        accept_hazard(hazard=hazard, acting_user=user, comment="同意销号")
    with pytest.raises(expected):
        reject_rectification(hazard=hazard, acting_user=user, reason="不合格")
    assert snapshot(hazard) == before


def test_a_safety_officer_cannot_accept_a_major_hazard_even_when_everything_is_ready(cast) -> None:
    hazard = major_pending_accept(cast)
    with pytest.raises(ValidationError, match="主要负责人、分管负责人或安全总监"):
        accept_hazard(hazard=hazard, acting_user=cast.safety_officer, comment="同意")
    assert fresh(hazard).status == S.PENDING_ACCEPT


# --- 即查即改 and cancelling ------------------------------------------------------------------


def test_fixed_on_the_spot_goes_straight_to_acceptance_by_someone_else(cast) -> None:
    hazard = reported_fixed_on_spot(cast)
    confirm_fixed(hazard=hazard, acting_user=cast.safety_officer)
    hazard = fresh(hazard)
    assert hazard.status == S.PENDING_ACCEPT and hazard.danger_state == 1
    assert hazard.liable_person == cast.worker and hazard.rectified_by == cast.worker
    with pytest.raises(PermissionDenied):  # the worker may not accept at all
        accept_hazard(hazard=hazard, acting_user=cast.worker, comment="好了")
    accept_hazard(hazard=hazard, acting_user=cast.safety_officer, comment="现场已整改")
    assert fresh(hazard).status == S.ACCEPTED
    actions = list(hazard.events.values_list("action", flat=True))
    assert actions == ["report", "grade", "confirm_fixed", "accept"]


def test_a_manager_who_fixed_on_the_spot_cannot_accept_their_own_fix(cast) -> None:
    hazard = reported_fixed_on_spot(cast, reporter=cast.safety_officer)
    confirm_fixed(hazard=hazard, acting_user=cast.safety_officer)
    hazard = fresh(hazard)
    with pytest.raises(ValidationError):
        accept_hazard(hazard=hazard, acting_user=cast.safety_officer, comment="好了")
    accept_hazard(hazard=hazard, acting_user=cast.owner, comment="现场已整改")


@pytest.mark.parametrize(
    "change",
    [
        {"manage_type": DangerManageType.DEADLINE},
        {"level": HazardLevel.MAJOR},
        {"danger_type": None},
        {"level": None},
    ],
    ids=["deadline", "major", "no-type", "no-level"],
)
def test_confirm_fixed_refuses_what_was_not_a_general_on_the_spot_fix(cast, change) -> None:
    hazard = reported_fixed_on_spot(cast)
    Hazard.objects.filter(pk=hazard.pk).update(**change)
    hazard = fresh(hazard)
    before = snapshot(hazard)
    with pytest.raises(ValidationError):
        confirm_fixed(hazard=hazard, acting_user=cast.safety_officer)
    assert snapshot(hazard) == before


def test_confirm_fixed_needs_the_fix_note_and_an_after_photo(cast) -> None:
    hazard = ready_to_confirm(cast)
    save_hazard_fields(
        hazard=hazard,
        acting_user=cast.safety_officer,
        changes={"manage_type": DangerManageType.IMMEDIATE},
    )
    hazard = fresh(hazard)
    before = snapshot(hazard)
    with pytest.raises(ValidationError, match="没有当场整改的说明和整改后照片"):
        confirm_fixed(hazard=hazard, acting_user=cast.safety_officer)
    assert snapshot(hazard) == before


@pytest.mark.parametrize(
    ("reason", "note", "duplicate", "message"),
    [
        ("", "说明", None, "请选择撤销原因"),
        ("because", "说明", None, "请选择撤销原因"),
        ("not_a_hazard", "  ", None, "请说明撤销理由"),
        ("other", "", None, "请说明撤销理由"),
        ("duplicate", "", None, "请填写与之重复的隐患编号"),
        ("duplicate", "", "itself", "不能与自身重复"),
        ("duplicate", "", "other enterprise", "请填写与之重复的隐患编号"),
    ],
)
def test_cancelling_needs_a_reason(cast, reason, note, duplicate, message) -> None:
    hazard = fresh(cast.a.risks["hazard"])
    duplicate_of = {
        None: None,
        "itself": hazard,
        "other enterprise": cast.b.risks["hazard"],
    }[duplicate]
    before = snapshot(hazard)
    with pytest.raises(ValidationError, match=message):
        cancel_hazard(
            hazard=hazard,
            acting_user=cast.safety_officer,
            reason=reason,
            note=note,
            duplicate_of=duplicate_of,
        )
    assert snapshot(hazard) == before


def test_a_duplicate_is_cancelled_with_its_original_named(cast) -> None:
    hazard = fresh(cast.a.risks["hazard"])
    original = cast.a.risks["hazard_rectifying"]
    cancel_hazard(
        hazard=hazard, acting_user=cast.safety_officer, reason="duplicate", duplicate_of=original
    )
    saved = fresh(hazard)
    assert saved.status == S.CANCELLED and saved.danger_state is None
    assert (saved.cancel_reason, saved.duplicate_of) == ("duplicate", original)


# --- Every state × every transition the table does not allow ---------------------------------


def hazards_in_every_state(cast: Any) -> dict[str, Hazard]:
    """即查即改 hazards (fix note, after photo, graded, liable: the worker) in each state, so
    that every action's own checks pass and only the state decides."""
    reported = reported_fixed_on_spot(cast, liable=cast.worker)
    pending = reported_fixed_on_spot(cast)
    confirm_fixed(hazard=pending, acting_user=cast.safety_officer)
    rectifying = reported_fixed_on_spot(cast)
    confirm_fixed(hazard=rectifying, acting_user=cast.safety_officer)
    reject_rectification(hazard=fresh(rectifying), acting_user=cast.safety_officer, reason="未清理")
    accepted = reported_fixed_on_spot(cast)
    confirm_fixed(hazard=accepted, acting_user=cast.safety_officer)
    accept_hazard(hazard=fresh(accepted), acting_user=cast.safety_officer, comment="合格")
    cancelled = reported_fixed_on_spot(cast, liable=cast.worker)
    cancel_hazard(hazard=cancelled, acting_user=cast.safety_officer, reason="other", note="误报")
    found = {
        S.REPORTED: reported,
        S.RECTIFYING: rectifying,
        S.PENDING_ACCEPT: pending,
        S.ACCEPTED: accepted,
        S.CANCELLED: cancelled,
    }
    return {state: fresh(h) for state, h in found.items()}


FORBIDDEN = [
    (state, action)
    for state in S.values
    for action, transition in TRANSITIONS.items()
    if state not in transition.sources
]


def test_the_forbidden_pairs_are_all_but_the_table() -> None:
    assert len(FORBIDDEN) == len(S.values) * len(TRANSITIONS) - sum(
        len(t.sources) for t in TRANSITIONS.values()
    )
    # The closed states allow nothing.
    assert {(S.ACCEPTED, a) for a in TRANSITIONS} <= set(FORBIDDEN)
    assert {(S.CANCELLED, a) for a in TRANSITIONS} <= set(FORBIDDEN)


def test_every_transition_the_table_does_not_allow_is_refused_in_every_state(cast) -> None:
    hazards = hazards_in_every_state(cast)
    assert {state: h.status for state, h in hazards.items()} == {s: s for s in S.values}
    for state, action in FORBIDDEN:
        hazard = fresh(hazards[state])
        before = snapshot(hazard)
        # The main leader may do everything the roles allow, and neither rectified nor is
        # liable for these hazards: only the state refuses.
        with pytest.raises(TransitionError):
            act(action, hazard, cast.owner)
        assert snapshot(hazard) == before, f"{action} in {state} wrote something"
        assert fresh(hazard).status == state
