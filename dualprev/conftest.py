"""Shared pytest fixtures: the persona cast (see dualprev.core.testing)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


@pytest.fixture
def cast(db):
    from dualprev.core.testing import build_cast, ensure_seed_data

    ensure_seed_data()
    return build_cast()


CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (skipped without it unless REQUIRE_BROWSER=1)."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is required (REQUIRE_BROWSER=1) but /usr/bin/chromium is missing")
        pytest.skip("Debian chromium is not installed (make setup installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot to test-artifacts/<name>.png for people to look at."""

    def save(page, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return save
