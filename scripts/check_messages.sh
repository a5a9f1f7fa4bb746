#!/usr/bin/env bash
# Fail when a UI string has no English translation: regenerate the catalogue from the sources
# (in place, restored afterwards) and look for empty or fuzzy entries.
set -euo pipefail
cd "$(dirname "$0")/.."
po=dualprev/locale/en/LC_MESSAGES/django.po
backup=$(mktemp)
cp "$po" "$backup"
trap 'cp "$backup" "$po"; rm -f "$backup"' EXIT
(cd dualprev && ../.venv/bin/dualprev makemessages --locale en --no-obsolete \
  --ignore 'tests/*' --ignore '*/tests/*' --verbosity 0)
.venv/bin/python scripts/check_translations.py "$po"
