"""Oversized request bodies are refused before anything parses them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client, override_settings
from django.urls import reverse


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BYTES=1024 * 1024)
def test_a_body_over_the_limit_is_refused_before_it_is_parsed(cast, monkeypatch) -> None:
    def never(self, *args, **kwargs):  # the multipart body must not be read at all
        raise AssertionError("the oversized body was parsed")

    monkeypatch.setattr(MultiPartParser, "parse", never)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.worker)
    occurrence = cast.a.risks["occurrence"]
    url = reverse("checks:submit", kwargs={"occurrence_id": occurrence.public_id})
    big = SimpleUploadedFile("a.jpg", b"\xff" * (2 * 1024 * 1024), content_type="image/jpeg")
    response = client.post(url, {"photos": big}, HTTP_ACCEPT="application/json")
    assert response.status_code == 413
    assert "不能超过 1 MB" in response.json()["message"]
    assert occurrence.records.count() == 0


@pytest.mark.django_db
def test_a_normal_post_passes_the_size_check(cast) -> None:
    client = Client()
    client.force_login(cast.safety_officer)
    response = client.get(reverse("inspections:index"))
    assert response.status_code == 200
