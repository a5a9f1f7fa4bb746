"""Logging in (username or mobile), throttling, logging out, changing one's password."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from dualprev.core.testing import PASSWORD, Cast

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login(client: Client, username: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def test_a_user_logs_in_with_their_username(cast: Cast) -> None:
    client = Client()

    response = _login(client, "a_worker")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.worker.pk)


def test_a_user_logs_in_with_their_mobile_number(cast: Cast) -> None:
    cast.worker.mobile = "13700000001"
    cast.worker.save()
    client = Client()

    response = _login(client, " 13700000001 ")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.worker.pk)


def test_a_wrong_password_shows_one_message_for_both_identifiers(cast: Cast) -> None:
    response = _login(Client(), "a_worker", "wrong-password")

    assert response.status_code == 200
    assert "用户名/手机号或密码不正确。" in response.content.decode()


def test_five_failures_lock_the_username_from_that_address(cast: Cast) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "a_worker", "wrong-password")

    locked = _login(client, "a_worker")  # even the right password is refused now

    assert settings.AXES_FAILURE_LIMIT == 5
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    assert "请 15 分钟后再试" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not affected.
    assert _login(Client(), "a_leader").status_code == 302


def test_a_success_before_the_limit_resets_the_failure_count(cast: Cast) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "a_worker", "wrong-password")
    assert _login(client, "a_worker").status_code == 302
    client.post(reverse("accounts:logout"))

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "a_worker", "wrong-password")

    assert _login(client, "a_worker").status_code == 302


def test_logout_is_post_only(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.worker)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_a_user_changes_their_password(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.worker)
    new = "Xin-mima-2026-ok"

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    cast.worker.refresh_from_db()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("accounts:password_change_done")
    assert cast.worker.check_password(new)
    assert client.get(reverse("orgs:enterprise_home")).status_code == 200  # still logged in


def test_a_wrong_old_password_changes_nothing(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.worker)

    client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "Xin-mima-2026-ok", "new_password2": "x"},
    )

    cast.worker.refresh_from_db()
    assert cast.worker.check_password(PASSWORD)


def test_sessions_expire_after_two_idle_hours_by_default() -> None:
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True  # so the age counts from the last request
    assert settings.SESSION_COOKIE_HTTPONLY is True
