#!/usr/bin/env bash
# The whole test suite: lint, types, migrations check, pytest on SQLite, then on PostgreSQL.
# REQUIRE_POSTGRES=1 makes an unreachable PostgreSQL a failure (CI sets it).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DUALPREV_ENV=test
PG_URL=${TEST_POSTGRES_URL:-${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/dualprev}}
case "$PG_URL" in postgres*) ;; *) PG_URL=postgresql://postgres@127.0.0.1:5432/dualprev ;; esac
results=()
fail=0

step() {  # step NAME COMMAND...
  local name=$1; shift
  echo
  echo "=== $name"
  if "$@"; then results+=("PASS  $name"); else results+=("FAIL  $name"); fail=1; fi
}

step "ruff check" $BIN/ruff check .
step "ruff format --check" $BIN/ruff format --check .
step "mypy" $BIN/mypy dualprev
step "English catalogue complete" bash scripts/check_messages.sh
step "makemigrations --check" env DATABASE_URL=sqlite:///:memory: $BIN/dualprev makemigrations --check --dry-run
step "pytest on SQLite" env DATABASE_URL=sqlite:///:memory: $BIN/pytest -q

if $BIN/python - "$PG_URL" <<'PY'
import sys, psycopg
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1])
try:
    psycopg.connect(host=u.hostname or "127.0.0.1", port=u.port or 5432, user=u.username or "postgres",
                    dbname="postgres", connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable at {u.hostname}:{u.port}: {exc}")
    sys.exit(1)
PY
then
  step "pytest on PostgreSQL" env DATABASE_URL="$PG_URL" $BIN/pytest -q
elif [[ "${REQUIRE_POSTGRES:-0}" == "1" ]]; then
  results+=("FAIL  pytest on PostgreSQL (required but not reachable)"); fail=1
else
  results+=("SKIP  pytest on PostgreSQL (not reachable; set DATABASE_URL)")
fi

echo
echo "=== Summary"
printf '  %s\n' "${results[@]}"
if [[ $fail -ne 0 ]]; then echo "make test: FAILED"; exit 1; fi
echo "make test: all steps passed"
