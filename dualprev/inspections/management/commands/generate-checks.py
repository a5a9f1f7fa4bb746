"""``dualprev generate-checks [--enterprise <credit code>] [--from YYYY-MM-DD]
[--until YYYY-MM-DD]``: what the scheduled job does, by hand.

Gives every 隐患排查 measure its default check task (and stops the tasks of retired measures),
then materialises the check occurrences from the start of ``--from`` (default: today) to the
end of ``--until`` (default: the day after tomorrow, the scheduled job's range). Idempotent:
a second run creates nothing. Windows that ended before a task existed are never generated;
other past windows that ``--from`` reaches are created and then closed as 未排查 by the
close-missed job.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualprev.inspections.actions import ensure_default_tasks, stop_retired_tasks
from dualprev.inspections.generation import default_range, generate, local_tz
from dualprev.orgs.models import Enterprise
from dualprev.orgs.validators import validate_credit_code


class Command(BaseCommand):
    help = (
        "Generate the check occurrences (排查计划) due from --from (default today) to --until "
        "(default the day after tomorrow), for one enterprise or all. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprise", help="统一社会信用代码 (18 characters); default: all")
        parser.add_argument("--from", dest="from_date", help="first day, YYYY-MM-DD")
        parser.add_argument("--until", help="last day (included), YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        enterprise_ids = None
        if options["enterprise"]:
            enterprise = _enterprise(options["enterprise"])
            enterprise_ids = [enterprise.pk]
        default_start, default_until = default_range()
        tz = local_tz()
        start = default_start
        if options["from_date"]:
            start = dt.datetime.combine(
                _date(options["from_date"], "--from"), dt.time(0), tzinfo=tz
            )
        until = default_until
        if options["until"]:
            last = _date(options["until"], "--until")
            until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
        if until <= start:
            raise CommandError(
                f"--until（{(until - dt.timedelta(days=1)).date()}）不能早于开始日期"
                f"（{start.date()}）。"
            )
        defaults = ensure_default_tasks(enterprise_ids=enterprise_ids)
        stopped = stop_retired_tasks(enterprise_ids=enterprise_ids)
        result = generate(enterprise_ids=enterprise_ids, start=start, until=until)
        last_day = (until - dt.timedelta(days=1)).date()
        self.stdout.write(f"range: {start.date()} .. {last_day}")
        self.stdout.write(f"default tasks created or updated: {defaults}; stopped: {stopped}")
        self.stdout.write(f"tasks: {result.tasks}")
        self.stdout.write(f"windows: {result.windows}")
        self.stdout.write(f"suppressed (unit stopped or under maintenance): {result.suppressed}")
        self.stdout.write(self.style.SUCCESS(f"created: {result.created}"))


def _enterprise(code: str) -> Enterprise:
    code = code.strip().upper()
    try:
        validate_credit_code(code)
    except ValidationError as exc:
        raise CommandError(f"--enterprise {code}：{' '.join(exc.messages)}") from exc
    enterprise = Enterprise.objects.filter(credit_code=code).first()
    if enterprise is None:
        raise CommandError(f"没有统一社会信用代码为 {code} 的企业。")
    return enterprise


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise CommandError(f"{option} 日期格式应为 YYYY-MM-DD，收到：{text}") from exc
