"""Settings come from the environment through typed readers that fail loudly."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from dualprev.env import env_bool, env_choice, env_int, env_list, env_required


def test_typed_readers_parse_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "Yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_bool("X_BOOL", False) is True
    assert env_int("X_INT", 0) == 42
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    assert env_bool("X_MISSING", True) is True


@pytest.mark.parametrize(
    ("name", "value", "reader"),
    [
        ("X_BOOL", "maybe", lambda: env_bool("X_BOOL", False)),
        ("X_INT", "4x", lambda: env_int("X_INT", 0)),
        ("X_INT", "0", lambda: env_int("X_INT", 5, minimum=1)),
        ("X_CHOICE", "staging", lambda: env_choice("X_CHOICE", "a", ("a", "b"))),
        ("X_REQ", "  ", lambda: env_required("X_REQ")),
    ],
)
def test_typed_readers_fail_loudly_on_bad_values(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, reader: object
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        reader()  # type: ignore[operator]


def _dualprev(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DUALPREV_"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "dualprev.cli", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DUALPREV_ENV": "production",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "dualprev.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def test_production_settings_pass_check_deploy() -> None:
    result = _dualprev(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key_or_with_debug() -> None:
    no_key = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = _dualprev(no_key, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    result = _dualprev({**PRODUCTION, "DJANGO_DEBUG": "true"}, "check")
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_debug_is_off_outside_development() -> None:
    from django.conf import settings

    assert settings.ENVIRONMENT == "test"
    assert settings.DEBUG is False
