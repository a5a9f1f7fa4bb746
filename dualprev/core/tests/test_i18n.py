"""Chinese is the default language and the English translation is complete and compiled."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.conf import settings

from dualprev.core.pofile import parse_po

LOCALE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


def test_the_english_catalogue_has_no_gaps() -> None:
    entries = [e for e in parse_po((LOCALE / "django.po").read_text("utf-8")) if e.msgid]
    assert len(entries) > 500
    gaps = [e.msgid for e in entries if e.fuzzy or not all(e.msgstr.values())]
    assert not gaps, f"untranslated or fuzzy: {gaps[:5]}"


def test_the_compiled_catalogue_matches_the_source() -> None:
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for entry in parse_po((LOCALE / "django.po").read_text("utf-8")):
        if not entry.msgid or entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert compiled.gettext(key) == entry.msgstr[0], (
            f"django.mo is stale for {entry.msgid!r}: run `make messages`"
        )


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_on_request(client, cast) -> None:
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in page.content.decode()  # the browser's language is ignored
    assert "用户名或手机号" in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "用户名或手机号" not in page
    client.force_login(cast.district_regulator)
    body = client.get("/regulator/").content.decode()
    assert "辖区概览" not in body
    assert "Jurisdiction" in body
