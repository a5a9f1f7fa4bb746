"""``dualprev verify-chain [--enterprise <credit code>] [--files] [--anchors FILE]``.

Verifies the evidence chains (``evidence.verify``): every enterprise by default, or one. Prints
a summary when all is well; otherwise, per broken chain, the first entry that was altered or
removed and the other problems found, and exits with status 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dualprev.evidence.anchors import AnchorFileError, read_lines
from dualprev.evidence.verify import verify
from dualprev.orgs.models import Enterprise
from dualprev.orgs.validators import validate_credit_code


class Command(BaseCommand):
    help = (
        "Verify the per-enterprise evidence hash chains (hazard events and check records) "
        "against the rows, the photos' hashes and the daily anchors. Exit status 1 on any break."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprise", help="统一社会信用代码 (18 characters); default: all")
        parser.add_argument(
            "--files", action="store_true", help="also re-hash every photo file of chained rows"
        )
        parser.add_argument(
            "--anchors",
            type=Path,
            help="anchors kept outside the database (lines printed by `dualprev anchor-chains`)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        enterprise_id = None
        if options["enterprise"]:
            enterprise_id = _enterprise_id(options["enterprise"])
        extra = None
        if options["anchors"]:
            try:
                extra = read_lines(
                    options["anchors"].read_text(encoding="utf-8").splitlines(), "file"
                )
            except (OSError, AnchorFileError) as exc:
                raise CommandError(_("无法读取锚点文件：%(error)s") % {"error": exc}) from exc
        report = verify(enterprise_id, check_files=options["files"], extra_anchors=extra)
        for chain in report.broken:
            self.stderr.write(
                self.style.ERROR(
                    _("%(name)s（%(code)s）：证据链校验未通过，共 %(count)d 处问题。")
                    % {"name": chain.name, "code": chain.credit_code, "count": chain.problem_count}
                )
            )
            first = chain.first
            if first is not None:
                self.stderr.write("  " + _("首个问题：") + first.message)
            for problem in chain.problems[1:]:
                self.stderr.write("  " + problem.message)
            hidden = chain.problem_count - len(chain.problems)
            if hidden > 0:
                self.stderr.write("  " + _("……另有 %(n)d 处未列出。") % {"n": hidden})
        summary = _("已校验 %(enterprises)d 家企业的证据链，共 %(entries)d 条。") % {
            "enterprises": len(report.chains),
            "entries": report.entries,
        }
        if not report.ok:
            raise CommandError(
                summary + _("%(broken)d 家企业的证据链已被篡改。") % {"broken": len(report.broken)},
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(summary + _("全部完好。")))


def _enterprise_id(code: str) -> int:
    code = code.strip().upper()
    try:
        validate_credit_code(code)
    except ValidationError as exc:
        raise CommandError(f"--enterprise {code}：{' '.join(exc.messages)}") from exc
    pk = Enterprise.objects.filter(credit_code=code).values_list("pk", flat=True).first()
    if pk is None:
        raise CommandError(_("没有统一社会信用代码为 %(code)s 的企业。") % {"code": code})
    return pk
