"""Verification also protects the hazard rows themselves: a hazard edited directly in the
database (closed by SQL, its version, deadline or liable person changed) disagrees with its
chained events and is reported, naming the hazard; every hazard made by the real actions, in
every state, verifies clean."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dualprev.cli import main
from dualprev.core.testing import Cast
from dualprev.evidence.tests.world import chain_of
from dualprev.evidence.verify import ChainReport, verify
from dualprev.hazards.actions import (
    ReportInput,
    accept_hazard,
    add_photos,
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
from dualprev.hazards.choices import CancelReason, EventAction, HazardStatus
from dualprev.hazards.deadlines import follow_deadlines
from dualprev.hazards.models import Hazard
from dualprev.hazards.testing import graded, photo
from dualprev.reference.choices import DangerManageType, HazardDangerType, HazardLevel

pytestmark = pytest.mark.django_db


def messages(chain: ChainReport) -> list[str]:
    return [problem.message for problem in chain.problems]


def hazard_problems(chain: ChainReport) -> list[str]:
    return [p.message for p in chain.problems if p.code == "hazard_state"]


def fixed_on_the_spot(cast: Cast) -> Hazard:
    """A 一般 即查即改 hazard the worker fixed while reporting it, confirmed as fixed (the
    liable person is filled in by ``confirm_fixed``)."""
    hazard = report_hazard(
        enterprise_id=cast.a.enterprise.pk,
        reporter=cast.worker,
        data=ReportInput(
            name="灭火器压力不足",
            description="二号库房灭火器压力表指向红区",
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
        },
        action=EventAction.GRADE,
    )
    confirm_fixed(hazard=hazard, acting_user=cast.safety_officer)
    return hazard


# --- the normal flows verify clean ----------------------------------------------------------


def test_the_cast_with_its_hazards_in_several_states_verifies_clean(cast: Cast) -> None:
    report = verify()

    assert report.ok, [m for chain in report.chains for m in messages(chain)]
    assert Hazard.objects.filter(enterprise=cast.a.enterprise).count() >= 3


def test_every_state_reached_by_the_real_actions_verifies_clean(cast: Cast) -> None:
    a = cast.a
    # Rectifying: the deadline moved after confirmation, sent back once, then accepted.
    rectifying = a.risks["hazard_rectifying"]
    new_deadline = timezone.now() + dt.timedelta(days=20)
    save_hazard_fields(
        hazard=rectifying,
        acting_user=cast.safety_officer,
        changes={"deadline": new_deadline},
        action=EventAction.FIVE_PLAN,
    )
    submit_rectification(
        hazard=rectifying, acting_user=cast.team_leader, note="已更换保温层", photos=[photo()]
    )
    reject_rectification(hazard=rectifying, acting_user=cast.safety_officer, reason="接缝未密封")
    submit_rectification(
        hazard=rectifying, acting_user=cast.team_leader, note="接缝已密封", photos=[photo()]
    )
    accept_hazard(hazard=rectifying, acting_user=cast.safety_officer, comment="整改合格")
    # 重大: fixed, evaluated, resumption applied, accepted by the main leader.
    major = a.risks["hazard_major"]
    submit_rectification(hazard=major, acting_user=a.users["dept"], note="已安装", photos=[photo()])
    record_evaluation(
        hazard=major,
        acting_user=cast.safety_officer,
        by="own_experts",
        org="专家组",
        conclusion="合格",
    )
    apply_resumption(hazard=major, acting_user=cast.safety_officer, text="申请复产")
    accept_hazard(hazard=major, acting_user=cast.owner, comment="同意销号")
    # 即查即改 fixed on the spot, then accepted.
    spot = fixed_on_the_spot(cast)
    accept_hazard(hazard=spot, acting_user=cast.owner, comment="确认已整改")
    # Graded, the liable person cleared again before confirmation; B's hazard cancelled.
    regraded = graded(a.risks["hazard"], cast.safety_officer, cast.team_leader, unit=a.team)
    save_hazard_fields(
        hazard=regraded, acting_user=cast.safety_officer, changes={"liable_person": None}
    )
    cancel_hazard(
        hazard=cast.b.risks["hazard"],
        acting_user=cast.b.users["safety"],
        reason=CancelReason.NOT_A_HAZARD,
        note="为正常堆放区域",
    )
    # One more under rectification: the deadline job reminds, marks it overdue and escalates
    # it (events dated in the future, before the ones written after them).
    late = report_hazard(
        enterprise_id=a.enterprise.pk,
        reporter=cast.worker,
        data=ReportInput(name="护栏松动", description="二层平台护栏松动", photos=[photo()]),
    )
    graded(late, cast.safety_officer, cast.team_leader, unit=a.team)
    confirm_hazard(hazard=late, acting_user=cast.safety_officer)
    later = timezone.now() + dt.timedelta(days=7)
    follow_deadlines(now=later - dt.timedelta(hours=3))
    counts = follow_deadlines(now=later + dt.timedelta(days=10))
    assert counts["overdue"] == 1 and counts["escalated"] >= 1
    late.refresh_from_db()
    add_photos(hazard=late, acting_user=cast.team_leader, kind="after", photos=[photo()])

    for hazard in (rectifying, major, spot, regraded):
        hazard.refresh_from_db()
    assert (rectifying.status, major.status, spot.status) == (HazardStatus.ACCEPTED,) * 3
    assert spot.liable_person_id == cast.worker.pk and regraded.liable_person_id is None
    report = verify()
    assert report.ok, [m for chain in report.chains for m in messages(chain)]


# --- direct edits are caught ----------------------------------------------------------------


def test_closing_a_rectifying_hazard_by_sql_is_caught_naming_the_hazard(cast: Cast) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Hazard._meta.db_table} SET status = %s, danger_state = %s, "
            "accepted_by_id = %s, accepted_at = %s WHERE id = %s",
            ["accepted", 9, cast.owner.pk, timezone.now(), hazard.pk],
        )

    chain = chain_of(cast.a.enterprise.pk)

    assert not chain.ok
    (problem,) = [p for p in chain.problems if p.code == "hazard_state"]
    assert problem.object_id == hazard.pk
    text = problem.message
    assert text.startswith(f"隐患 {hazard.number}：")
    assert "状态为“已销号”，处理记录为“整改中”" in text
    assert "国标隐患状态代码为 9，应为 0" in text
    assert f"验收人为用户 #{cast.owner.pk}，验收销号记录为（无）" in text


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"version": F("version") + 1}, "版本号为 3，应为 2（共 3 条处理记录）"),
        ({"version": 0}, "版本号为 0，应为 2"),
        ({"status": HazardStatus.PENDING_ACCEPT, "danger_state": 1}, "状态为“待验收”"),
        ({"danger_state": 9}, "国标隐患状态代码为 9，应为 0"),
        (
            {"deadline": dt.datetime(2030, 1, 1, 8, tzinfo=dt.UTC)},
            "整改期限为2030-01-01 16:00，处理记录为20",
        ),
        ({"deadline": None}, "整改期限为（无），处理记录为20"),
        ({"accepted_by_id": "owner"}, "未验收销号却记有验收人（用户 #"),
        ({"liable_person_id": "owner"}, "整改责任人为用户 #"),
        ({"liable_person_id": None}, "整改责任人为（无），处理记录为用户 #"),
    ],
)
def test_editing_the_hazard_row_directly_is_caught(
    cast: Cast, change: dict[str, Any], expected: str
) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    assert hazard.version == 2  # report, grade, confirm
    values = {k: cast.owner.pk if v == "owner" else v for k, v in change.items()}
    Hazard.objects.filter(pk=hazard.pk).update(**values)

    problems = hazard_problems(chain_of(cast.a.enterprise.pk))

    assert len(problems) == 1
    assert problems[0].startswith(f"隐患 {hazard.number}：隐患记录与其处理记录不符")
    assert expected in problems[0]


def test_a_changed_deadline_is_compared_with_the_latest_recorded_one(cast: Cast) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    first = hazard.deadline
    save_hazard_fields(
        hazard=hazard,
        acting_user=cast.safety_officer,
        changes={"deadline": first + dt.timedelta(days=3)},
        action=EventAction.FIVE_PLAN,
    )
    assert chain_of(cast.a.enterprise.pk).ok

    # Put back the first deadline (recorded by an older event): still caught.
    Hazard.objects.filter(pk=hazard.pk).update(deadline=first)

    assert hazard_problems(chain_of(cast.a.enterprise.pk))


def test_a_hazard_without_events_is_reported_as_unchained(cast: Cast) -> None:
    hazard = Hazard.objects.get(pk=cast.a.risks["hazard"].pk)
    hazard.pk = None
    hazard.public_id = uuid.uuid4()
    hazard.number = "YH-2099-9999"
    hazard.cost = Decimal("0")
    hazard.save()

    chain = chain_of(cast.a.enterprise.pk)

    assert [p.code for p in chain.problems] == ["unchained"]
    assert chain.problems[0].message.startswith("隐患 YH-2099-9999：没有任何处理记录")


def test_checking_the_hazards_takes_the_same_queries_however_many_there_are(
    cast: Cast,
) -> None:
    pk = cast.a.enterprise.pk
    with CaptureQueriesContext(connection) as before:
        assert chain_of(pk).ok
    for _n in range(4):
        fixed_on_the_spot(cast)
    with CaptureQueriesContext(connection) as after:
        assert chain_of(pk).ok

    assert len(after.captured_queries) == len(before.captured_queries)


# --- the command ----------------------------------------------------------------------------


def test_verify_chain_exits_with_status_1_on_a_tampered_hazard_row(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    Hazard.objects.filter(pk=hazard.pk).update(
        status=HazardStatus.ACCEPTED,
        danger_state=9,
        accepted_by=cast.owner,
        accepted_at=timezone.now(),
    )
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("verify-chain", stdout=io.StringIO(), stderr=err)

    assert caught.value.returncode == 1
    assert "1 家企业的证据链已被篡改" in str(caught.value)
    assert f"首个问题：隐患 {hazard.number}：隐患记录与其处理记录不符" in err.getvalue()
    monkeypatch.setattr("sys.argv", ["dualprev", "verify-chain"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
