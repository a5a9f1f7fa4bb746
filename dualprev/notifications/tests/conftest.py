"""Fixtures of the notification tests: e-mail through a local SMTP server, a local robot."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dualprev.notifications.tests.servers import LocalRobot, LocalSMTPServer


@pytest.fixture
def smtp(settings: Any) -> Iterator[LocalSMTPServer]:
    """E-mail on, sent by Django's real SMTP backend to a server on 127.0.0.1."""
    with LocalSMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        settings.DUALPREV_EMAIL_ENABLED = True
        settings.DEFAULT_FROM_EMAIL = "dualprev@test.local"
        yield server


@pytest.fixture
def local_robots(settings: Any) -> None:
    """Let robots post to 127.0.0.1 over plain HTTP, where the tests' receivers listen (only
    the official robot hosts are allowed otherwise)."""
    settings.DUALPREV_WEBHOOK_ALLOWED_HOSTS = ["http://127.0.0.1"]


@pytest.fixture
def robot(local_robots: None) -> Iterator[LocalRobot]:
    with LocalRobot() as server:
        yield server


@pytest.fixture
def base_url(settings: Any) -> str:
    settings.DUALPREV_BASE_URL = "https://aq.example.com"
    return settings.DUALPREV_BASE_URL
