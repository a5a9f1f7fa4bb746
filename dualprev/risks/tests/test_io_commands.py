"""``dualprev import-register`` and ``dualprev export-register``."""

from __future__ import annotations

import importlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dualprev.core.testing import Cast
from dualprev.risks.models import RiskObject
from dualprev.risks.tests.test_io_support import (
    build_register,
    counts,
    wipe_register,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db

HEAD = ["风险点名称", "风险事件", "可能性L", "暴露频率E", "后果C", "管理措施", "责任部门"]


def test_the_hyphenated_command_modules_load() -> None:
    for name in ("import-register", "export-register"):
        module = importlib.import_module(f"dualprev.risks.management.commands.{name}")
        assert module.Command.help


def _file(tmp_path: Path, rows: list[list[object]]) -> str:
    path = tmp_path / "register.xlsx"
    path.write_bytes(workbook_bytes([HEAD, *rows]))
    return str(path)


def test_a_dry_run_prints_the_report_and_writes_nothing(cast: Cast, tmp_path: Path) -> None:
    path = _file(tmp_path, [["A点", "A事件", 3, 6, 7, "A措施", "A生产部"]])
    before = counts()
    out = StringIO()

    call_command("import-register", path, enterprise=cast.a.enterprise.credit_code, stdout=out)

    assert "第 2 行 [通过] A点 / A事件 / A措施" in out.getvalue()
    assert "试导入通过（未写入）" in out.getvalue()
    assert counts() == before


def test_commit_writes_the_rows(cast: Cast, tmp_path: Path) -> None:
    path = _file(tmp_path, [["A点", "A事件", 3, 6, 7, "A措施", "A生产部"]])
    out = StringIO()
    call_command(
        "import-register", path, "--commit", enterprise=cast.a.enterprise.credit_code, stdout=out
    )
    assert "已全部导入" in out.getvalue()
    assert RiskObject.objects.filter(enterprise=cast.a.enterprise, name="A点").exists()


def test_a_failing_row_exits_non_zero_and_commit_writes_nothing(cast: Cast, tmp_path: Path) -> None:
    bad = ["A点", "A事件", 7, 6, 7, "A措施", "A生产部"]
    good = ["A点2", "A事件2", 3, 6, 7, "A措施", "A生产部"]
    path = _file(tmp_path, [bad, good])
    before = counts()
    out = StringIO()
    with pytest.raises(CommandError, match="有错误的行，未写入任何数据") as info:
        call_command(
            "import-register", path, "--commit", enterprise=cast.a.enterprise.credit_code,
            stdout=out,
        )  # fmt: skip
    assert info.value.returncode == 1
    assert "第 2 行，可能性L：值 7 不在 LEC 取值表中" in out.getvalue()
    assert counts() == before


def test_a_bad_file_and_an_unknown_enterprise_fail(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a spreadsheet")
    with pytest.raises(CommandError, match="文件不是 Excel 工作簿"):
        call_command("import-register", str(path), enterprise=cast.a.enterprise.credit_code)
    with pytest.raises(CommandError, match="没有统一社会信用代码为"):
        call_command("import-register", str(path), enterprise="91410000000000000X")


def test_export_then_import_round_trips(cast: Cast, tmp_path: Path) -> None:
    build_register(cast)
    target = tmp_path / "out.xlsx"
    code = cast.a.enterprise.credit_code
    call_command("export-register", enterprise=code, output=str(target), stdout=StringIO())
    before = counts()
    wipe_register(cast.a.enterprise)

    call_command("import-register", str(target), "--commit", enterprise=code, stdout=StringIO())

    assert counts()["ControlMeasure"] == before["ControlMeasure"]
    assert counts()["RiskEvent"] == before["RiskEvent"]


def test_export_the_template(cast: Cast, tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    call_command(
        "export-register", "--template", enterprise=cast.a.enterprise.credit_code,
        output=str(target), stdout=StringIO(),
    )  # fmt: skip
    assert target.read_bytes()[:2] == b"PK"
