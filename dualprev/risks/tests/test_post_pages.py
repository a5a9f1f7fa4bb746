"""Controls reach the posts: the post page, "my posts", the 岗位安全风险告知卡 PDFs, the risk-point
QR label sheet and the stable QR URL — each showing one enterprise's rows only."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from dualprev.accounts.models import User
from dualprev.core.testing import Cast
from dualprev.orgs.models import Post
from dualprev.risks.actions import assess_event, retire
from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject, RiskUnit
from dualprev.risks.views_post import post_risks, risk_point_labels

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed"
)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pdf_text(pdf: bytes, tmp_path: Path, tool: str = "pdftotext") -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    args = [tool, str(path), "-"] if tool == "pdftotext" else [tool, str(path)]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _event(cast: Cast, name: str, *, post: Post, measure: str, **extra: Any) -> RiskEvent:
    """A second event in enterprise A's unit with one measure for ``post``."""
    a = cast.a
    event = RiskEvent.objects.create(
        enterprise=a.enterprise, unit=a.risks["unit"], name=name, **extra
    )
    ControlMeasure.objects.create(
        enterprise=a.enterprise,
        event=event,
        description=measure,
        category="management",
        data_src=2,
        check_content=f"检查：{measure}",
        responsible_post=post,
    )
    return event


@pytest.fixture
def other_post(cast: Cast) -> Post:
    """A second post of enterprise A, in the same team."""
    return Post.objects.create(enterprise=cast.a.enterprise, name="A巡检工岗", org_unit=cast.a.team)


@pytest.fixture
def orange(cast: Cast) -> RiskEvent:
    """Enterprise A's event, graded orange (LEC 6 × 3 × 15 = 270), with emergency measures."""
    event = cast.a.risks["event"]
    event.emergency_measures = "立即关闭罐根阀，启动喷淋，撤离下风向人员。"
    event.save()
    assess_event(
        event=event,
        acting_user=cast.safety_officer,
        method="LEC",
        inputs={"L": 6, "E": 3, "C": 15},
    )
    event.refresh_from_db()
    assert event.colour == "orange"
    return event


# --- The post page ---------------------------------------------------------------------------


def test_the_post_page_shows_only_the_posts_events_and_measures(
    cast: Cast, other_post: Post, orange: RiskEvent
) -> None:
    a = cast.a
    # The post's event also has a measure of another post; another event is only the other's.
    ControlMeasure.objects.create(
        enterprise=a.enterprise,
        event=orange,
        description="别人的措施：罐区视频监控",
        category="engineering",
        data_src=1,
        responsible_post=other_post,
    )
    _event(cast, "巡检路线滑倒摔伤", post=other_post, measure="巡检路线防滑处理")
    retired = _event(cast, "已停用事件", post=a.post, measure="已停用措施")
    retire(obj=retired, acting_user=cast.safety_officer)

    response = _client(cast.worker).get(reverse("risks:post_page", args=[a.post.public_id]))

    assert response.status_code == 200
    body = response.content.decode()
    assert a.post.name in body
    assert orange.name in body and "A液位高高联锁投用" in body and "检查液位联锁是否投用" in body
    assert "立即关闭罐根阀" in body and "risk-orange" in body and "火灾" in body
    for other in ("别人的措施", "巡检路线滑倒摔伤", "巡检路线防滑处理", "已停用"):
        assert other not in body
    risks = response.context["risks"]
    assert [e.name for e in risks.events] == [orange.name]
    assert [m.description for m in risks.measures] == ["A液位高高联锁投用"]


def test_the_post_page_lists_the_emergency_phones(cast: Cast) -> None:
    cast.a.enterprise.emergency_phone = "0371-66660000"
    cast.a.enterprise.save()
    response = _client(cast.worker).get(reverse("risks:post_page", args=[cast.a.post.public_id]))
    body = response.content.decode()
    assert 'href="tel:0371-66660000"' in body
    for number, label in (("119", "火警"), ("120", "急救"), ("110", "报警")):
        assert f'href="tel:{number}"' in body and label in body


def test_events_are_ordered_most_severe_first(cast: Cast, orange: RiskEvent) -> None:
    red = _event(cast, "储罐超压爆炸", post=cast.a.post, measure="安全阀定期校验")
    assess_event(
        event=red, acting_user=cast.safety_officer, method="LEC", inputs={"L": 10, "E": 6, "C": 15}
    )
    unassessed = _event(cast, "未评价的事件", post=cast.a.post, measure="未评价事件的措施")
    risks = post_risks(cast.worker, cast.a.post)
    assert [e.pk for e in risks.events] == [red.pk, orange.pk, unassessed.pk]
    assert risks.top_level == 0


def test_any_member_may_view_a_post_page_but_other_tenants_get_404(cast: Cast) -> None:
    url = reverse("risks:post_page", args=[cast.a.post.public_id])
    assert _client(cast.a.users["leader"]).get(url).status_code == 200
    assert _client(cast.outsider).get(url).status_code == 404
    assert _client(cast.district_regulator).get(url).status_code == 404
    b_url = reverse("risks:post_page", args=[cast.b.post.public_id])
    assert _client(cast.worker).get(b_url).status_code == 404


# --- My posts --------------------------------------------------------------------------------


def test_my_posts_redirects_a_worker_with_one_post_to_its_page(cast: Cast) -> None:
    response = _client(cast.worker).get(reverse("risks:my_posts"))
    assert response.status_code == 302
    assert response["Location"] == reverse("risks:post_page", args=[cast.a.post.public_id])


def test_my_posts_lists_several_posts_and_says_when_there_are_none(
    cast: Cast, other_post: Post
) -> None:
    cast.worker.membership.posts.add(other_post)
    response = _client(cast.worker).get(reverse("risks:my_posts"))
    assert response.status_code == 200
    assert {p.name for p in response.context["posts"]} == {cast.a.post.name, "A巡检工岗"}
    response = _client(cast.safety_officer).get(reverse("risks:my_posts"))
    assert response.status_code == 200 and not response.context["posts"]
    assert "您还没有分配岗位" in response.content.decode()


def test_the_enterprise_home_links_the_worker_to_their_post_risks(cast: Cast) -> None:
    body = _client(cast.worker).get(reverse("orgs:enterprise_home")).content.decode()
    assert reverse("risks:my_posts") in body
    assert reverse("risks:post_page", args=[cast.a.post.public_id]) in body


def test_the_posts_index_groups_posts_by_unit_with_card_links(cast: Cast, other_post: Post) -> None:
    response = _client(cast.safety_officer).get(reverse("risks:posts"))
    assert response.status_code == 200
    body = response.content.decode()
    groups = {g["unit"].name: g for g in response.context["groups"]}
    assert {p.name for p in groups[cast.a.team.name]["posts"]} == {
        cast.a.post.name,
        other_post.name,
    }
    assert groups[cast.a.department.name]["card_posts"] == 1  # only the post with a measure
    assert reverse("risks:post_card", args=[cast.a.post.public_id]) in body
    assert reverse("risks:post_card", args=[other_post.public_id]) not in body
    assert reverse("risks:unit_cards", args=[cast.a.department.public_id]) in body
    assert cast.b.post.name not in body


# --- The 岗位安全风险告知卡 ------------------------------------------------------------------


@needs_poppler
def test_the_card_pdf_has_the_posts_content_in_extractable_chinese(
    cast: Cast, orange: RiskEvent, tmp_path: Path
) -> None:
    cast.a.enterprise.emergency_phone = "0371-66660000"
    cast.a.enterprise.save()
    ControlMeasure.objects.create(
        enterprise=cast.a.enterprise,
        event=orange,
        description="罐区配置推车式干粉灭火器",
        category="emergency",
        data_src=2,
        check_content="检查灭火器压力和有效期",
        responsible_post=cast.a.post,
    )
    response = _client(cast.worker).get(reverse("risks:post_card", args=[cast.a.post.public_id]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" not in response["Content-Disposition"]
    text = _pdf_text(response.content, tmp_path)
    for expected in (
        "岗位安全风险告知卡",
        cast.a.post.name,
        cast.a.enterprise.name,
        orange.name,
        "较大 · 橙",  # the colour chip carries the level and the colour word
        "火灾",
        "A液位高高联锁投用",  # a preventive measure
        "检查液位联锁是否投用",  # a key safe-operation point
        "立即关闭罐根阀",  # the event's emergency measures
        "罐区配置推车式干粉灭火器",  # an emergency-category measure
        "0371-66660000",
        "119",
        "120",
        "110",
    ):
        assert expected in text, expected
    fonts = _pdf_text(response.content, tmp_path, "pdffonts")
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(" yes " in line for line in rows), fonts
    assert "Pages:           1" in _pdf_text(response.content, tmp_path, "pdfinfo")


def test_the_cards_qr_code_opens_the_post_page(cast: Cast) -> None:
    from dualprev.risks.views_post import _card_context

    request = RequestFactory().get("/")
    request.user = cast.worker
    context = _card_context(request, cast.a.post)
    assert context["url"] == "http://testserver" + reverse(
        "risks:post_page", args=[cast.a.post.public_id]
    )
    assert context["qr"].startswith("data:image/svg+xml;base64,")


@needs_poppler
def test_the_department_batch_has_one_card_per_post_with_measures(
    cast: Cast, other_post: Post, tmp_path: Path
) -> None:
    a = cast.a
    _event(cast, "巡检路线滑倒摔伤", post=other_post, measure="巡检路线防滑处理")
    Post.objects.create(enterprise=a.enterprise, name="无措施岗位", org_unit=a.team)
    Post.objects.create(enterprise=a.enterprise, name="公司级岗位", org_unit=a.company)

    response = _client(cast.safety_officer).get(
        reverse("risks:unit_cards", args=[a.department.public_id])
    )

    assert response.status_code == 200
    assert "Pages:           2" in _pdf_text(response.content, tmp_path, "pdfinfo")
    text = _pdf_text(response.content, tmp_path)
    assert a.post.name in text and other_post.name in text
    assert "无措施岗位" not in text and "公司级岗位" not in text


def test_the_batch_of_another_enterprises_unit_is_404(cast: Cast) -> None:
    url = reverse("risks:unit_cards", args=[cast.b.department.public_id])
    assert _client(cast.safety_officer).get(url).status_code == 404


# --- Risk point QR labels --------------------------------------------------------------------


def test_each_label_points_at_the_objects_stable_qr_url(cast: Cast) -> None:
    risk_object = cast.a.risks["object"]
    labels = risk_point_labels([risk_object], lambda path: "https://x.example" + path)
    assert labels[0].url == f"https://x.example/q/{risk_object.public_id}/"
    assert labels[0].url.endswith(reverse("risk_point_qr", args=[risk_object.public_id]))
    assert labels[0].title == risk_object.name and labels[0].band == "未评价"


@needs_poppler
def test_the_label_sheet_has_every_active_object_of_the_enterprise(
    cast: Cast, orange: RiskEvent, tmp_path: Path
) -> None:
    a = cast.a
    names = [f"A风险点{i:02d}" for i in range(13)]  # 14 labels with the cast's → two pages
    for name in names:
        RiskObject.objects.create(
            enterprise=a.enterprise, name=name, object_type="place", responsible_unit=a.company
        )
    gone = RiskObject.objects.create(
        enterprise=a.enterprise, name="A已停用风险点", object_type="place", responsible_unit=a.team
    )
    RiskUnit.objects.create(enterprise=a.enterprise, risk_object=gone, name="u")
    assert retire(obj=gone, acting_user=cast.safety_officer) == "retired"

    response = _client(cast.worker).get(reverse("risks:qr_labels"))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    for name in [a.risks["object"].name, *names]:
        assert name in text, name
    assert "较大风险" in text  # the object's level band
    assert "A已停用风险点" not in text and cast.b.risks["object"].name not in text
    assert "Pages:           2" in _pdf_text(response.content, tmp_path, "pdfinfo")


@needs_poppler
def test_the_label_sheet_can_be_limited_to_a_department(cast: Cast, tmp_path: Path) -> None:
    a = cast.a
    RiskObject.objects.create(
        enterprise=a.enterprise,
        name="A公司级风险点",
        object_type="place",
        responsible_unit=a.company,
    )
    client = _client(cast.safety_officer)
    response = client.get(reverse("risks:qr_labels"), {"unit": str(a.department.public_id)})
    text = _pdf_text(response.content, tmp_path)
    assert a.risks["object"].name in text and "A公司级风险点" not in text
    other = client.get(reverse("risks:qr_labels"), {"unit": str(cast.b.department.public_id)})
    assert other.status_code == 404


def test_the_stable_qr_url_opens_the_checks_for_employees_and_the_report_form_for_others(
    cast: Cast,
) -> None:
    risk_object = cast.a.risks["object"]
    url = reverse("risk_point_qr", args=[risk_object.public_id])
    assert url == f"/q/{risk_object.public_id}/"
    response = _client(cast.worker).get(url)
    assert response.status_code == 302  # an employee scanning the label: that point's checks
    assert response["Location"].startswith(
        reverse("checks:point", args=[risk_object.public_id]) + "?scan="
    )
    # Anyone else — another enterprise, a regulator, someone not logged in — gets the public
    # hazard report form for this point (hazards.views_public), never the point's pages.
    for client in (
        _client(cast.district_regulator),
        _client(cast.outsider),
        _client(cast.other_district_regulator),
        Client(),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert 'id="public-report-form"' in response.content.decode()
