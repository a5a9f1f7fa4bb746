from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dualprev.demo.accounts import DEMO_PASSWORD
from dualprev.demo.builder import build_demo


class Command(BaseCommand):
    help = "Load the demo district (二七区 and 中原区). Safe to run again: nothing is duplicated."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Loading the demo district ...")
        stats = build_demo(self.stdout if options["verbosity"] > 1 else None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {stats['erqi_enterprises']} enterprises in 二七区, "
                f"{stats['users']} users. Demo password for every account: {DEMO_PASSWORD} "
                "(accounts are listed in README.md)."
            )
        )
