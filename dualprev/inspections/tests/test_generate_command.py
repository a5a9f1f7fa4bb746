"""``dualprev generate-checks``: defaults, then occurrences; idempotent; clear errors."""

from __future__ import annotations

import datetime as dt
import importlib
import zoneinfo
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dualprev.core.testing import Cast, make_credit_code
from dualprev.inspections.models import CheckOccurrence, CheckTask
from dualprev.reference.choices import CheckCycleUnit
from dualprev.risks.models import ControlMeasure

pytestmark = pytest.mark.django_db
BJ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BJ)


def run(*args: str) -> str:
    out = StringIO()
    call_command("generate-checks", *args, stdout=out)
    return out.getvalue()


def figures(output: str) -> dict[str, int]:
    found = {}
    for line in output.splitlines():
        for key in ("tasks", "windows", "created"):
            if line.startswith(f"{key}: "):
                found[key] = int(line.split(": ")[1])
        if line.startswith("suppressed"):
            found["suppressed"] = int(line.rsplit(": ", 1)[1])
    return found


@pytest.fixture
def march(cast: Cast, time_machine: Any) -> Cast:
    """The clock at 2026-03-02 00:00 with no occurrences yet, and a new measure in B that has
    no task (the command must give it one)."""
    time_machine.move_to(at("2026-03-02 00:00"), tick=False)
    CheckOccurrence.objects.filter(task__isnull=False).delete()
    CheckTask.objects.update(task_start=at("2026-03-02 00:00"), created_at=at("2026-03-01 00:00"))
    ControlMeasure.objects.create(
        enterprise=cast.b.enterprise,
        event=cast.b.risks["event"],
        description="灌装间通风",
        category="engineering",
        data_src=2,
        check_content="检查排风扇运行",
        responsible_post=cast.b.post,
    )
    return cast


def test_the_hyphenated_command_module_loads() -> None:
    module = importlib.import_module("dualprev.inspections.management.commands.generate-checks")
    assert "occurrences" in module.Command.help


def test_it_makes_default_tasks_then_generates_the_next_three_days(march: Cast) -> None:
    output = run()

    new = CheckTask.objects.get(measure__description="灌装间通风")
    assert new.is_default and new.cycle_unit == CheckCycleUnit.DAY
    # Four daily tasks (one per cast enterprise, plus the new one), Mar 2, 3 and 4.
    assert figures(output) == {"tasks": 4, "windows": 12, "suppressed": 0, "created": 12}
    assert "range: 2026-03-02 .. 2026-03-04" in output
    assert "default tasks created or updated: 1" in output
    assert CheckOccurrence.objects.filter(task__isnull=False).count() == 12
    assert new.occurrences.count() == 3


def test_a_second_run_creates_nothing(march: Cast) -> None:
    run()
    before = set(CheckOccurrence.objects.values_list("pk", flat=True))

    output = run()

    assert figures(output) == {"tasks": 4, "windows": 12, "suppressed": 0, "created": 0}
    assert "default tasks created or updated: 0" in output
    assert set(CheckOccurrence.objects.values_list("pk", flat=True)) == before


def test_one_enterprise_and_a_chosen_range(march: Cast) -> None:
    code = march.b.enterprise.credit_code
    output = run("--enterprise", code.lower(), "--from", "2026-03-03", "--until", "2026-03-09")

    assert figures(output) == {"tasks": 2, "windows": 14, "suppressed": 0, "created": 14}
    stored = CheckOccurrence.objects.filter(task__isnull=False)
    assert set(stored.values_list("enterprise_id", flat=True)) == {march.b.enterprise.pk}
    assert min(stored.values_list("window_start", flat=True)) == at("2026-03-03 00:00")
    assert max(stored.values_list("window_end", flat=True)) == at("2026-03-10 00:00")


def test_a_single_day(march: Cast) -> None:
    output = run("--from", "2026-03-05", "--until", "2026-03-05")
    assert figures(output)["created"] == 4
    assert "range: 2026-03-05 .. 2026-03-05" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--enterprise", "91410103MA0000000X"), "校验位"),
        (("--enterprise", "9141"), "18位"),
        (("--until", "2026-02-30"), "--until 日期格式应为 YYYY-MM-DD"),
        (("--from", "next week"), "--from 日期格式应为 YYYY-MM-DD"),
        (("--until", "2026-03-01"), "不能早于开始日期"),
        (("--from", "2026-03-10", "--until", "2026-03-09"), "不能早于开始日期"),
    ],
)
def test_bad_arguments_fail_with_a_clear_message(
    march: Cast, args: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not CheckOccurrence.objects.filter(task__isnull=False).exists()


def test_an_unknown_credit_code_is_refused(march: Cast) -> None:
    code = make_credit_code("410103", 99_999)
    with pytest.raises(CommandError, match=f"没有统一社会信用代码为 {code} 的企业"):
        run("--enterprise", code)
