from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_me_describes_the_logged_in_actor(client, cast) -> None:
    assert client.get("/api/v1/me").status_code == 401
    client.force_login(cast.safety_officer)
    data = client.get("/api/v1/me").json()
    assert data == {
        "username": "a_safety",
        "name": "Asafety",
        "kind": "enterprise",
        "role": "safety_officer",
    }
    client.force_login(cast.district_regulator)
    assert client.get("/api/v1/me").json()["kind"] == "regulator"


def test_the_openapi_schema_is_published(client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/me" in schema["paths"]
