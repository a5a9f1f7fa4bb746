"""The library pages: list, preview, copy into the own enterprise only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dualprev.risks.library import require_library
from dualprev.risks.models import Assessment, RiskObject

pytestmark = pytest.mark.django_db


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_every_library_with_its_size_and_colours(cast) -> None:
    response = _as(cast.safety_officer).get(reverse("risks:libraries"))
    assert response.status_code == 200
    body = response.content.decode()
    for code in ("whp-tank-reaction", "dairy", "construction", "bus"):
        assert require_library(code)["name"] in body
        assert reverse("risks:library_detail", kwargs={"code": code}) in body
    assert "risk-red" in body and "risk-blue" in body
    rows = response.context["rows"]
    assert rows[0]["library"]["code"] == "whp-tank-reaction"  # A is 危化: its own first
    assert rows[0]["recommended"] and not rows[1]["recommended"]


def test_the_detail_previews_events_measures_and_check_content(cast) -> None:
    response = _as(cast.worker).get(
        reverse("risks:library_detail", kwargs={"code": "construction"})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "高大模板支撑体系" in body
    assert "核查专项方案论证意见和支架验收记录" in body  # a check content
    assert 'class="badge risk-red"' in body
    assert not response.context["can_copy"]  # the worker may read, not copy
    assert "复制到本企业风险清单" not in body


def test_an_unknown_library_is_404(cast) -> None:
    url = reverse("risks:library_detail", kwargs={"code": "no-such"})
    assert _as(cast.safety_officer).get(url).status_code == 404
    copy_url = reverse("risks:library_copy", kwargs={"code": "no-such"})
    assert _as(cast.safety_officer).post(copy_url).status_code == 404


def test_the_safety_officer_copies_a_library_into_the_register(cast) -> None:
    url = reverse("risks:library_copy", kwargs={"code": "dairy"})
    client = _as(cast.safety_officer)
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.status_code == 200
    text = " ".join(str(m) for m in response.context["messages"])
    assert "复制 10 个风险点" in text
    enterprise = cast.a.enterprise
    assert RiskObject.objects.filter(enterprise=enterprise, name="液氨制冷站").exists()
    assert Assessment.objects.filter(enterprise=enterprise, reason="library").count() == 26
    again = client.post(url, follow=True)
    assert "未重复复制" in " ".join(str(m) for m in again.context["messages"])
    assert Assessment.objects.filter(enterprise=enterprise, reason="library").count() == 26


def test_a_worker_may_not_copy(cast) -> None:
    url = reverse("risks:library_copy", kwargs={"code": "dairy"})
    assert _as(cast.worker).post(url).status_code == 403
    assert not RiskObject.objects.filter(enterprise=cast.a.enterprise, name="液氨制冷站").exists()


def test_the_outsider_copies_into_its_own_enterprise_only(cast) -> None:
    url = reverse("risks:library_copy", kwargs={"code": "bus"})
    a_before = RiskObject.objects.filter(enterprise=cast.a.enterprise).count()
    assert _as(cast.outsider).post(url).status_code == 302
    assert RiskObject.objects.filter(enterprise=cast.b.enterprise, name="CNG 加气站").exists()
    assert RiskObject.objects.filter(enterprise=cast.a.enterprise).count() == a_before


def test_regulators_do_not_use_the_library_pages(cast) -> None:
    assert _as(cast.district_regulator).get(reverse("risks:libraries")).status_code == 403
    url = reverse("risks:library_copy", kwargs={"code": "bus"})
    assert _as(cast.district_regulator).post(url).status_code == 403
