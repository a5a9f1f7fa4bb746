"""Loaded by pytest with ``-p dualprev.pytest_env`` before pytest-django reads the settings:
the test profile is the default for every test run, and uploads go to a throw-away folder."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DUALPREV_ENV", "test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests

if "DJANGO_MEDIA_ROOT" not in os.environ:
    _media = tempfile.mkdtemp(prefix="dualprev-test-media-")
    os.environ["DJANGO_MEDIA_ROOT"] = _media
    atexit.register(shutil.rmtree, _media, ignore_errors=True)
