"""The reference browser pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dualprev.core.testing import Cast
from dualprev.reference.models import Dataset

pytestmark = pytest.mark.django_db


def _client(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.worker)
    return client


def _page(cast: Cast, url: str) -> str:
    response = _client(cast).get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_anonymous_visitors_are_sent_to_login() -> None:
    for url in (
        reverse("reference:index"),
        reverse("reference:calendar"),
        reverse("reference:enumerations"),
        reverse("reference:dataset", args=["gb6441-2025"]),
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("accounts:login"))


def test_the_index_lists_every_dataset_with_edition_and_verification(
    cast: Cast, django_assert_max_num_queries
) -> None:
    client = _client(cast)
    client.get(reverse("reference:index"))  # warm the session
    with django_assert_max_num_queries(14):  # +1: the inbox badge
        response = client.get(reverse("reference:index"))
    html = response.content.decode()
    for dataset in Dataset.objects.all():
        assert dataset.title in html
    assert "GB 6441-2025" in html and "GB/T 13861-2009" in html
    assert "部分待核实" in html and "条目不完整" in html
    assert reverse("reference:calendar") in html


def test_the_navigation_offers_the_reference_browser_to_regulators_too(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.district_regulator)
    html = client.get(reverse("reference:index")).content.decode()
    assert "标准与基础数据" in html
    assert client.get(reverse("reference:dataset", args=["assessment-lec"])).status_code == 200


def test_every_dataset_page_renders(cast: Cast) -> None:
    for code in Dataset.objects.values_list("code", flat=True):
        _page(cast, reverse("reference:dataset", args=[code]))


def test_an_unknown_dataset_is_404(cast: Cast) -> None:
    response = _client(cast).get(reverse("reference:dataset", args=["no-such-standard"]))
    assert response.status_code == 404


def test_the_2025_page_warns_that_codes_are_local_and_shows_the_map(cast: Cast) -> None:
    html = _page(cast, reverse("reference:dataset", args=["gb6441-2025"]))
    assert "不是标准编码" in html
    assert "厂（场）内车辆致害" in html and "车辆伤害" in html
    assert "名称相同" in html and "项目实践对照" in html


def test_the_hazard_factor_page_is_a_tree_with_flagged_third_level(cast: Cast) -> None:
    html = _page(cast, reverse("reference:dataset", args=["gbt13861-2009"]))
    assert html.count('class="tree"') == 1
    assert "心理、生理性危险和有害因素" in html and "负荷超限" in html
    assert "待核实" in html


def test_the_assessment_page_shows_coloured_bands_and_a_matrix(cast: Cast) -> None:
    html = _page(cast, reverse("reference:dataset", args=["assessment-ls"]))
    assert "LS_5LEVEL" in html and "risk-red" in html and "ref-matrix" in html
    html = _page(cast, reverse("reference:dataset", args=["assessment-lec"]))
    assert "160 &lt; D ≤ 320" in html


def test_the_trial_calculation_shows_the_band(cast: Cast) -> None:
    url = reverse("reference:dataset", args=["assessment-lec"])
    html = _page(cast, f"{url}?L=6&E=3&C=15&profile=LEC_B")
    assert "= 270" in html and 'badge risk-red">重大' in html
    html = _page(cast, f"{url}?L=5&E=3&C=15")
    assert "不在 LEC 取值表中" in html


def test_the_criteria_page_warns_about_paraphrase_and_incompleteness(cast: Cast) -> None:
    html = _page(cast, reverse("reference:dataset", args=["it-major-hazard-2023"]))
    assert "清单不完整" in html and "并非文件原文" in html
    assert "本组条目尚未录入（原文 47 条）" in html


def test_the_enumerations_page_lists_codes_and_labels(cast: Cast) -> None:
    html = _page(cast, reverse("reference:enumerations"))
    for text in ("dangerSrc", "外聘专家诊断式排查", "checkCycleUnit", "操作负责人任务", "4-5"):
        assert text in html


def test_the_calendar_lists_2026_holidays_and_makeup_days(cast: Cast) -> None:
    html = _page(cast, reverse("reference:calendar") + "?year=2026")
    assert "国庆节" in html and "已公布" in html
    assert "调休上班" in html
    assert "尚未收录" not in html


def test_the_calendar_warns_for_an_unpublished_year(cast: Cast) -> None:
    html = _page(cast, reverse("reference:calendar") + "?year=2027")
    assert "未公布" in html and "尚未收录" in html


def test_the_calendar_tolerates_a_bad_year(cast: Cast) -> None:
    _page(cast, reverse("reference:calendar") + "?year=abc")
    _page(cast, reverse("reference:calendar") + "?year=99999")
