"""``dualprev anchor-chains [--list]``: what the scheduled anchor job does, by hand.

Stores today's anchor of every enterprise's evidence chain and prints today's anchors, one line
each (``<credit code> <date> <length> <head hash>``, tab-separated). Keep the printout, or
redirect it to a file stored away from the database: ``dualprev verify-chain --anchors FILE``
checks the chains against it. ``--list`` prints every stored anchor and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from dualprev.evidence.anchors import anchor_chains, export_lines
from dualprev.evidence.models import ChainAnchor


class Command(BaseCommand):
    help = (
        "Store today's anchor (length and head hash) of every evidence chain and print today's "
        "anchors; --list prints all stored anchors without writing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="print all stored anchors")

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = ChainAnchor.objects.order_by("date", "enterprise_id")
        if not options["list"]:
            result = anchor_chains()
            anchors = anchors.filter(date=timezone.localdate())
            for enterprise_id in result.refused:
                self.stderr.write(
                    self.style.ERROR(
                        _("企业 %(id)d 的证据链未延续其上一个锚点，锚点未更新。")
                        % {"id": enterprise_id}
                    )
                )
        for line in export_lines(anchors):
            self.stdout.write(line)
