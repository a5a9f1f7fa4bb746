#!/usr/bin/env python3
"""Fail when a gettext catalogue has untranslated or fuzzy entries.

Usage: check_translations.py FILE.po [...]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dualprev.core.pofile import parse_po


def main(paths: list[str]) -> int:
    bad = 0
    for path in paths:
        for entry in parse_po(Path(path).read_text(encoding="utf-8")):
            if not entry.msgid:
                continue
            if entry.fuzzy or not all(entry.msgstr.values()):
                bad += 1
                state = "fuzzy" if entry.fuzzy else "untranslated"
                print(f"{path}: {state}: {entry.msgid[:70]!r}")
    if bad:
        print(f"{bad} entries need an English translation (make messages, then edit the .po).")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
