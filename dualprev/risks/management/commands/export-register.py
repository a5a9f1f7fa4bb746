"""``dualprev export-register --enterprise <credit code> -o FILE.xlsx``: the enterprise's
风险分级管控清单 in the standard layout (``--template`` writes the blank template instead)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualprev.risks.exporters import export_register, export_template
from dualprev.risks.management.commands._register_io import enterprise_by_credit_code


class Command(BaseCommand):
    help = "Export an enterprise's 风险分级管控清单 to .xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprise", required=True, help="统一社会信用代码")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        parser.add_argument("--template", action="store_true", help="write the blank template")

    def handle(self, *args: Any, **options: Any) -> None:
        enterprise = enterprise_by_credit_code(options["enterprise"])
        data = export_template(enterprise) if options["template"] else export_register(enterprise)
        path = Path(options["output"])
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc.strerror}") from exc
        self.stdout.write(f"已写入 {path}（{len(data)} 字节）。")
