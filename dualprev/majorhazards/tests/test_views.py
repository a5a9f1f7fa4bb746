"""The pages: list, detail with the computation, create/edit, chemicals, reference tables."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from dualprev.majorhazards.models import MajorHazardSource, NamedChemical

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_the_enterprises_sources_with_their_level(cast) -> None:
    body = _client(cast.worker).get(reverse("majorhazards:source_list")).content.decode()
    assert cast.a.major_hazard_source.name in body
    assert "risk-blue" in body and "四级" in body
    other = _client(cast.outsider).get(reverse("majorhazards:source_list")).content.decode()
    assert cast.a.major_hazard_source.name not in other


def test_the_detail_shows_the_computation_step_by_step_and_the_persons(cast) -> None:
    source = cast.a.major_hazard_source
    cast.owner.mobile = "13900009999"
    cast.owner.save()
    url = reverse("majorhazards:source_detail", args=[source.public_id])
    body = _client(cast.worker).get(url).content.decode()
    assert "20 ÷ 10 = 2" in body
    assert "属于“1～29人”档，暴露人员校正系数 α = 1.0" in body
    assert "R = α × Σβ·q/Q = 1.0 × 4 = 4" in body
    assert "R &lt; 10" in body and "四级" in body
    assert "13900009999" in body
    assert reverse("risks:object_detail", args=[cast.a.risks["object"].public_id]) in body


def test_another_enterprise_gets_404_on_the_detail(cast) -> None:
    url = reverse("majorhazards:source_detail", args=[cast.a.major_hazard_source.public_id])
    assert _client(cast.outsider).get(url).status_code == 404


def test_a_worker_may_not_write(cast) -> None:
    source = cast.a.major_hazard_source
    client = _client(cast.worker)
    assert client.get(reverse("majorhazards:source_create")).status_code == 403
    assert (
        client.post(reverse("majorhazards:source_edit", args=[source.public_id])).status_code == 403
    )
    url = reverse("majorhazards:chemical_remove", args=[cast.a.major_hazard_chemical.public_id])
    assert client.post(url).status_code == 403


def test_a_safety_officer_creates_a_source_and_adds_a_chemical(cast) -> None:
    client = _client(cast.safety_officer)
    response = client.post(
        reverse("majorhazards:source_create"),
        {
            "name": "氯气钢瓶库",
            "unit_kind": "storage",
            "exposed_people": "120",
            "main_person": cast.owner.pk,
            "technical_person": cast.safety_officer.pk,
            "operational_person": cast.a.users["dept"].pk,
        },
    )
    assert response.status_code == 302
    source = MajorHazardSource.objects.get(name="氯气钢瓶库")
    assert source.enterprise == cast.a.enterprise
    response = client.post(
        reverse("majorhazards:chemical_add", args=[source.public_id]),
        {"chemical": NamedChemical.objects.get(name="氯").pk, "quantity": "30"},
    )
    assert response.status_code == 302
    source.refresh_from_db()
    # 氯 q = 30, Q = 5: s = 6; β = 4 (表3 氯); 120 people → α = 2.0: R = 2 × 4 × 6 = 48 → 三级.
    assert (source.s_value, source.alpha, source.r_value, source.level) == (
        D("6"),
        D("2.0"),
        D("48"),
        3,
    )


def test_a_level_cannot_be_posted(cast) -> None:
    source = cast.a.major_hazard_source
    _client(cast.safety_officer).post(
        reverse("majorhazards:source_edit", args=[source.public_id]),
        {"name": source.name, "unit_kind": "storage", "exposed_people": "10", "level": "1"},
    )
    source.refresh_from_db()
    assert source.level == 4


def test_the_reference_page_lists_the_tables_with_their_flags(cast) -> None:
    body = _client(cast.district_regulator).get(reverse("majorhazards:reference")).content.decode()
    assert "甲醇" in body and "待核实" in body and "W5.3" in body and "100人及以上" in body


def test_the_list_needs_few_queries(cast, django_assert_max_num_queries) -> None:
    from dualprev.majorhazards.testing import make_source

    for n in range(5):
        make_source(cast.a, name=f"罐区{n}")
    client = _client(cast.safety_officer)
    with django_assert_max_num_queries(12):
        client.get(reverse("majorhazards:source_list"))
