"""The regulator's overview and enterprise directory show the jurisdiction and nothing else."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_district_overview_counts_the_districts_enterprises(client, cast) -> None:
    cast.a.enterprise.benchmark_level = "provincial"
    cast.a.enterprise.benchmark_date = "2020-03-18"
    cast.a.enterprise.save()
    client.force_login(cast.district_regulator)
    response = client.get(reverse("supervision:home"))
    assert response.status_code == 200
    assert response.context["totals"]["total"] == 2
    assert response.context["totals"]["provincial"] == 1
    assert [e.name for e in response.context["benchmarks"]] == [cast.a.enterprise.name]
    body = response.content.decode()
    assert "二七区应急管理局" in body
    assert cast.c.enterprise.name not in body


def test_street_staff_see_only_their_street(client, cast) -> None:
    client.force_login(cast.street_staff)
    response = client.get(reverse("supervision:enterprise_list"))
    names = [e.name for e in response.context["page_obj"]]
    assert names == [cast.a.enterprise.name]


def test_the_directory_filters_and_answers_htmx_with_rows_only(client, cast) -> None:
    client.force_login(cast.district_regulator)
    url = reverse("supervision:enterprise_list")
    response = client.get(url, {"q": "乙乳业"})
    assert [e.name for e in response.context["page_obj"]] == [cast.b.enterprise.name]
    response = client.get(url, {"industry": cast.a.enterprise.industry_id}, HTTP_HX_REQUEST="true")
    assert [e.name for e in response.context["page_obj"]] == [cast.a.enterprise.name]
    assert b"<html" not in response.content
    response = client.get(url, {"status": "nonsense"})
    assert response.status_code == 200  # an invalid filter shows everything, never an error page
    assert response.context["page_obj"].paginator.count == 2


def test_the_directory_paginates(client, cast) -> None:
    from dualprev.core.testing import make_credit_code
    from dualprev.orgs.models import Enterprise

    street = cast.a.enterprise.region
    Enterprise.objects.bulk_create(
        Enterprise(
            name=f"分页测试企业{i:02d}",
            credit_code=make_credit_code("410103", 5000 + i),
            industry=cast.a.enterprise.industry,
            region=street,
        )
        for i in range(30)
    )
    client.force_login(cast.district_regulator)
    response = client.get(reverse("supervision:enterprise_list"))
    page = response.context["page_obj"]
    assert page.paginator.count == 32
    assert len(page.object_list) == 25
    second = client.get(reverse("supervision:enterprise_list"), {"page": 2})
    assert len(second.context["page_obj"].object_list) == 7


def test_the_directory_query_count_does_not_grow_with_rows(
    client, cast, django_assert_max_num_queries
) -> None:
    client.force_login(cast.district_regulator)
    with django_assert_max_num_queries(12):
        client.get(reverse("supervision:enterprise_list"))


def test_an_enterprise_detail_shows_its_profile_to_the_regulator(client, cast) -> None:
    client.force_login(cast.district_regulator)
    url = reverse("supervision:enterprise_detail", args=[cast.a.enterprise.public_id])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["counts"] == {"units": 3, "posts": 1, "people": 5, "shifts": 1}
    client.force_login(cast.other_district_regulator)
    assert client.get(url).status_code == 404


def test_the_regulator_sees_an_enterprises_risks_and_major_hazard_sources(client, cast) -> None:
    from dualprev.risks.actions import assess_event

    event = cast.a.risks["event"]
    assess_event(
        event=event,
        acting_user=cast.safety_officer,
        method="LEC",
        inputs={"L": 10, "E": 6, "C": 40},
    )  # 2400: 重大
    client.force_login(cast.district_regulator)
    home = client.get(reverse("supervision:home"))
    assert home.context["risk_counts"]["red"] == 1
    url = reverse("supervision:enterprise_detail", args=[cast.a.enterprise.public_id])
    detail = client.get(url)
    assert detail.context["risk_counts"]["red"] == 1
    assert [e.pk for e in detail.context["top_risks"]] == [event.pk]
    assert event.name in detail.content.decode()
    client.force_login(cast.other_district_regulator)
    assert client.get(reverse("supervision:home")).context["risk_counts"]["red"] == 0
