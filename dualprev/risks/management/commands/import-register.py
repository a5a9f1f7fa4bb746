"""``dualprev import-register --enterprise <credit code> FILE.xlsx [--commit]``.

Without ``--commit`` it is a dry run: it prints the per-row report and writes nothing. It exits
non-zero when the file is refused or any row has an error (and then ``--commit`` writes nothing
either: all or nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualprev.risks.importers import run_import
from dualprev.risks.management.commands._register_io import enterprise_by_credit_code


class Command(BaseCommand):
    help = "Import a 风险分级管控清单 (.xlsx) into an enterprise's register (dry run by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--enterprise", required=True, help="统一社会信用代码")
        parser.add_argument("--commit", action="store_true", help="write the rows (all or none)")
        parser.add_argument("--quiet-ok", action="store_true", help="print only problem rows")

    def handle(self, *args: Any, **options: Any) -> None:
        enterprise = enterprise_by_credit_code(options["enterprise"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
        report = run_import(data, enterprise, commit=options["commit"])
        if report.file_error:
            raise CommandError(report.file_error)
        for warning in report.warnings:
            self.stdout.write(f"提示：{warning}")
        labels = {"ok": "通过", "warning": "提示", "error": "错误"}
        for row in report.rows:
            if row.status == "ok" and options["quiet_ok"]:
                continue
            where = " / ".join(p for p in (row.object_name, row.event_name, row.measure) if p)
            self.stdout.write(f"第 {row.number} 行 [{labels[row.status]}] {where}")
            for message in row.messages:
                self.stdout.write(f"    {message}")
        c = report.counts
        summary = (
            f"共 {len(report.rows)} 行：错误 {report.error_rows} 行，"
            f"提示 {report.warning_rows} 行；"
            f"风险点 新增 {c.get('objects_new', 0)} / 更新 {c.get('objects_matched', 0)}，"
            f"风险事件 新增 {c.get('events_new', 0)} / 更新 {c.get('events_matched', 0)}，"
            f"管控措施 新增 {c.get('measures_new', 0)} / 更新 {c.get('measures_matched', 0)}。"
        )
        self.stdout.write(summary)
        if not report.ok:
            raise CommandError("有错误的行，未写入任何数据。")
        if report.committed:
            self.stdout.write(self.style.SUCCESS("已全部导入。"))
        else:
            self.stdout.write("试导入通过（未写入）；加 --commit 导入。")
