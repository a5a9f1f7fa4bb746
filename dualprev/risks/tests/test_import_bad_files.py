"""Bad files get a clear Chinese message and change nothing (row counts of every risk table
stay identical), whatever the file is called."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from dualprev.core.testing import Cast
from dualprev.risks.importers import run_import
from dualprev.risks.tests.test_io_support import build_register, counts, workbook_bytes

pytestmark = pytest.mark.django_db

GOOD_HEAD = ["风险点名称", "风险事件", "可能性L", "暴露频率E", "后果C", "管理措施", "责任部门"]


def good_rows(n: int) -> list[list[Any]]:
    return [[f"A点{i}", f"A事件{i}", 3, 6, 7, f"A措施{i}", "A生产部"] for i in range(n)]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A real workbook plus one member that inflates 40 MB of zeros from ~40 KB."""
    good = workbook_bytes([GOOD_HEAD, *good_rows(1)])
    buffer = io.BytesIO(good)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/image1.bin", b"\0" * (40 * 1024 * 1024))
    return buffer.getvalue()


def ods() -> bytes:
    return _zip({
        "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
        "content.xml": b"<office:document-content/>",
    })  # fmt: skip


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

BAD_FILES: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty file": (lambda: b"", "文件是空的"),
    "png renamed .xlsx": (
        lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 200,
        "文件不是 Excel 工作簿（可能是图片、文本或 CSV）",
    ),
    "text renamed .xlsx": (lambda: "风险点清单\n".encode() * 20, "文件不是 Excel 工作簿"),
    "csv": (
        lambda: "风险点名称,风险事件\nA点,A事件\n".encode("gb18030"),
        "只接受 Excel 工作簿（.xlsx）",
    ),
    "legacy .xls": (lambda: OLE + b"\0" * 600, "旧版 Excel（.xls）"),
    "password-protected .xlsx": (
        lambda: OLE + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100,
        "设有打开密码",
    ),
    ".ods": (ods, "OpenDocument（.ods）"),
    "zip that is not a workbook": (
        lambda: _zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"}),
        "压缩包但不是 Excel 工作簿",
    ),
    "truncated (corrupt) xlsx": (
        lambda: workbook_bytes([GOOD_HEAD, *good_rows(3)])[:900],
        "文件已损坏",
    ),
    "corrupt sheet xml": (
        lambda: _zip(
            {
                "[Content_Types].xml": b"<Types/>",
                "xl/workbook.xml": b"<workbook><sheets>",
            }
        ),
        "文件已损坏或不是有效的 Excel 工作簿",
    ),
    "zip bomb": (zip_bomb, "疑似压缩炸弹"),
    "empty workbook": (lambda: workbook_bytes([]), "工作簿是空的"),
    "no recognisable header": (
        lambda: workbook_bytes([["姓名", "年龄"], ["张三", 30], ["李四", 40]]),
        "未找到可识别的表头",
    ),
    "header only": (lambda: workbook_bytes([GOOD_HEAD]), "表中没有数据行"),
    "text in the numeric columns": (
        lambda: workbook_bytes(
            [GOOD_HEAD, ["A点", "A事件", "高", "经常", "严重", "A措施", "A生产部"]]
        ),
        "所有数据行都有错误",
    ),
    "every row fails": (
        lambda: workbook_bytes(
            [GOOD_HEAD, *([f"A点{i}", f"A事件{i}", 3, 6, 7, "A措施", "无此部门"] for i in range(5))]
        ),
        "所有数据行都有错误",
    ),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_is_refused_with_a_clear_message_and_changes_nothing(
    kind: str, cast: Cast
) -> None:
    build_register(cast)
    make, message = BAD_FILES[kind]
    before = counts()

    report = run_import(make(), cast.a.enterprise, acting_user=cast.safety_officer, commit=True)

    assert message in report.file_error, report.file_error
    assert not report.ok and not report.committed
    assert counts() == before


def test_a_file_over_the_size_limit_is_refused(cast: Cast, settings: Any) -> None:
    settings.RISK_IMPORT_MAX_FILE_BYTES = 4000
    data = workbook_bytes([GOOD_HEAD, *good_rows(50)])
    assert len(data) > 4000
    before = counts()
    report = run_import(data, cast.a.enterprise, commit=True)
    assert "文件过大" in report.file_error
    assert counts() == before


def test_a_file_with_too_many_rows_is_refused(cast: Cast, settings: Any) -> None:
    settings.RISK_IMPORT_MAX_ROWS = 10
    before = counts()
    report = run_import(workbook_bytes([GOOD_HEAD, *good_rows(11)]), cast.a.enterprise, commit=True)
    assert "行数过多（11 行），一次最多导入 10 行" in report.file_error
    assert counts() == before


def test_one_bad_row_among_good_ones_writes_nothing(cast: Cast) -> None:
    rows = [GOOD_HEAD, *good_rows(20)]
    rows[15][2] = 7  # L = 7 is not in the LEC table
    before = counts()

    report = run_import(workbook_bytes(rows), cast.a.enterprise, commit=True)

    assert not report.committed and not report.file_error
    assert report.error_rows == 1
    assert report.rows[14].messages[0].startswith("第 16 行，可能性L：值 7 不在 LEC 取值表中")
    assert counts() == before


def test_a_failure_while_writing_rolls_everything_back(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dualprev.risks import importers

    calls = {"n": 0}
    real = importers.actions.assess_event

    def flaky(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(importers.actions, "assess_event", flaky)
    before = counts()
    with pytest.raises(RuntimeError):
        run_import(workbook_bytes([GOOD_HEAD, *good_rows(5)]), cast.a.enterprise, commit=True)
    assert counts() == before


def test_damaged_copies_of_a_good_workbook_never_crash_and_never_write(cast: Cast) -> None:
    """Flip bytes all over a good workbook: every copy is either imported as a whole (the
    damage hit nothing that matters) or refused with a message — never an exception, never a
    partial write."""
    import random

    good = workbook_bytes([GOOD_HEAD, *good_rows(8)])
    rng = random.Random(6441)
    before = counts()
    for _ in range(60):
        damaged = bytearray(good)
        for _ in range(rng.randint(1, 40)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        report = run_import(bytes(damaged), cast.a.enterprise)  # dry run
        assert report.file_error or report.rows, report.as_dict()
    assert counts() == before
    # Truncations at every kilobyte.
    for cut in range(0, len(good), 1024):
        report = run_import(good[:cut], cast.a.enterprise, commit=True)
        assert report.file_error
    assert counts() == before


def test_a_zip_directory_that_understates_a_members_size_is_refused(cast: Cast) -> None:
    """A bomb that lies in the zip directory (declares a tiny size) fails the CRC check."""
    bomb = bytearray(zip_bomb())
    real = (40 * 1024 * 1024).to_bytes(4, "little")
    # Patch the declared uncompressed size (local header and central directory) to 1000 bytes.
    start = 0
    while (index := bomb.find(real, start)) != -1:
        bomb[index : index + 4] = (1000).to_bytes(4, "little")
        start = index + 4
    before = counts()
    report = run_import(bytes(bomb), cast.a.enterprise, commit=True)
    assert "文件已损坏" in report.file_error
    assert counts() == before
