"""Loaded by pytest with ``-p dualprev.pytest_env`` before pytest-django reads the settings:
the test profile is the default for every test run."""

import os

os.environ.setdefault("DUALPREV_ENV", "test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests
