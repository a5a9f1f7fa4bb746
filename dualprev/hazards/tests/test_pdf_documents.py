"""The printable hazard documents: 隐患整改通知书 (and the 即查即改 整改单), 隐患整改验收单,
重大事故隐患治理方案 and 重大事故隐患报告. Each is read back with ``pdftotext`` (its key fields),
``pdffonts`` (the CJK font embedded) and ``pdfimages`` (the photos embedded); a document a
hazard does not have yet sends the reader back to the hazard's page with the reason."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from dualprev.conftest import ARTIFACTS
from dualprev.core.testing import Cast
from dualprev.hazards.actions import (
    ReportInput,
    accept_hazard,
    apply_resumption,
    confirm_fixed,
    record_evaluation,
    reject_rectification,
    report_hazard,
    save_hazard_fields,
    submit_rectification,
)
from dualprev.hazards.choices import EventAction
from dualprev.hazards.models import Hazard
from dualprev.hazards.testing import photo
from dualprev.reference.choices import DangerManageType, HazardDangerType, HazardLevel

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _get_pdf(user: Any, url: str) -> bytes:
    response = _client(user).get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return response.content


def _tool(pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    command = [*args, str(path)] + (["-"] if args[0] == "pdftotext" else [])
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _text(pdf: bytes, tmp_path: Path) -> str:
    return _tool(pdf, tmp_path, "pdftotext", "-layout")


def _image_count(pdf: bytes, tmp_path: Path) -> int:
    return len(_tool(pdf, tmp_path, "pdfimages", "-list").strip().splitlines()[2:])


def _fonts_embedded(pdf: bytes, tmp_path: Path) -> None:
    fonts = _tool(pdf, tmp_path, "pdffonts")
    rows = fonts.strip().splitlines()[2:]
    assert rows and any("CJK" in row for row in rows), fonts
    assert all(" yes " in row for row in rows), fonts  # every font embedded


def _url(hazard: Hazard, document: str) -> str:
    return f"/hazards/{hazard.public_id}/{document}.pdf"


def _accepted(cast: Cast) -> Hazard:
    """The cast's rectifying hazard, rejected once and then accepted by the safety officer."""
    hazard = cast.a.risks["hazard_rectifying"]
    submit_rectification(
        hazard=hazard, acting_user=cast.team_leader, note="已更换保温层", photos=[photo()]
    )
    reject_rectification(hazard=hazard, acting_user=cast.safety_officer, reason="接缝未密封")
    submit_rectification(
        hazard=hazard, acting_user=cast.team_leader, note="接缝已用密封胶密封", photos=[photo()]
    )
    accept_hazard(hazard=hazard, acting_user=cast.safety_officer, comment="整改合格，同意销号")
    hazard.refresh_from_db()
    return hazard


def _fixed_on_spot(cast: Cast) -> Hazard:
    """A 即查即改 hazard the worker fixed on the spot, confirmed by the safety officer."""
    hazard = report_hazard(
        enterprise_id=cast.a.enterprise.pk,
        reporter=cast.worker,
        data=ReportInput(
            name="灭火器压力不足",
            description="配电室门口灭火器压力表指针在红区",
            location="配电室",
            photos=[photo()],
            fixed_on_spot=True,
            fix_note="已更换为合格灭火器",
            after_photos=[photo()],
        ),
    )
    save_hazard_fields(
        hazard=hazard,
        acting_user=cast.safety_officer,
        changes={
            "level": HazardLevel.GENERAL,
            "manage_type": DangerManageType.IMMEDIATE,
            "danger_type": HazardDangerType.FIRE,
        },
        action=EventAction.GRADE,
    )
    confirm_fixed(hazard=hazard, acting_user=cast.safety_officer)
    hazard.refresh_from_db()
    return hazard


# --- 隐患整改通知书 ---------------------------------------------------------------------------


def test_the_notice_carries_the_five_plan_the_photo_and_signature_lines(
    cast: Cast, tmp_path: Path
) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    pdf = _get_pdf(cast.safety_officer, _url(hazard, "notice"))
    text = _text(pdf, tmp_path)
    deadline = f"{timezone.localtime(hazard.deadline):%Y-%m-%d %H:%M}"
    for expected in (
        "隐患整改通知书",
        "甲化工有限公司",
        f"编号：{hazard.number}",
        "储罐保温层破损",
        "1号罐保温层破损",
        "更换破损保温层",  # measures
        "A生产部 / A甲班组",  # responsible unit below the company
        "Aleader",  # the liable person (team leader)
        deadline,
        "0.5 万元",
        "整改前每班加强巡检",  # contingency plan
        "一般事故隐患",
        "限期整改",
        "设备",
        "《安全生产事故隐患排查治理暂行规定》",  # the default legal basis
        "签发人",
        "Asafety",  # issuer printed on the signature line
        "接收人（整改责任人）",
        "扫码查看隐患详情",
    ):
        assert expected in text, expected
    _fonts_embedded(pdf, tmp_path)
    assert _image_count(pdf, tmp_path) == 1  # the before photo; the QR code is vector
    assert len(pdf) < 400_000


def test_the_legal_basis_line_can_be_replaced_by_a_setting(
    cast: Cast, tmp_path: Path, settings: Any
) -> None:
    settings.DUALPREV_HAZARD_NOTICE_LEGAL_BASIS = "依据《河南省安全生产条例》通知如下。"
    hazard = cast.a.risks["hazard_rectifying"]
    text = _text(_get_pdf(cast.safety_officer, _url(hazard, "notice")), tmp_path)
    assert "《河南省安全生产条例》" in text
    assert "暂行规定》（国家" not in text


def test_a_hazard_fixed_on_the_spot_gets_the_simpler_rectification_sheet(
    cast: Cast, tmp_path: Path
) -> None:
    hazard = _fixed_on_spot(cast)
    response = _client(cast.safety_officer).get(_url(hazard, "notice"))
    assert "%E9%9A%90%E6%82%A3%E6%95%B4%E6%94%B9%E5%8D%95" in response["Content-Disposition"]
    text = _text(response.content, tmp_path)
    assert "隐患整改单（即查即改）" in text and "隐患整改通知书" not in text
    assert "立即整改" in text and "灭火器压力不足" in text and "消防" in text
    assert "整改资金" not in text  # no funds or deadline on the on-the-spot sheet


def test_a_hazard_not_yet_confirmed_has_no_notice_and_says_why(cast: Cast) -> None:
    hazard = cast.a.risks["hazard"]
    response = _client(cast.safety_officer).get(_url(hazard, "notice"))
    assert response.status_code == 302
    assert response["Location"] == f"/hazards/{hazard.public_id}/"
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["该隐患尚未确认并下达整改通知，暂无整改通知书。"]


# --- 隐患整改验收单 ---------------------------------------------------------------------------


def test_the_acceptance_form_shows_the_verdict_the_after_photos_and_the_rejected_round(
    cast: Cast, tmp_path: Path
) -> None:
    hazard = _accepted(cast)
    pdf = _get_pdf(cast.team_leader, _url(hazard, "acceptance"))
    text = _text(pdf, tmp_path)
    accepted_on = f"{timezone.localtime(hazard.accepted_at):%Y-%m-%d}"
    for expected in (
        "隐患整改验收单",
        hazard.number,
        "储罐保温层破损",
        "接缝已用密封胶密封",  # the rectification as last submitted
        "验收通过",
        "整改合格，同意销号",  # the comment
        "Asafety",  # the acceptor
        f"销号日期：{accepted_on}",
        "整改与验收经过（验收不通过 1 次）",
        "验收不通过，退回整改",
        "接缝未密封",  # the rejection's reason
        "提交整改",
        "整改责任人（签字）",
        "验收人（签字）",
    ):
        assert expected in text, expected
    _fonts_embedded(pdf, tmp_path)
    assert _image_count(pdf, tmp_path) == 3  # one before and one after photo per round


def test_a_rejected_round_already_has_an_acceptance_form_marked_not_passed(
    cast: Cast, tmp_path: Path
) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    submit_rectification(
        hazard=hazard, acting_user=cast.team_leader, note="已更换", photos=[photo()]
    )
    url = _url(hazard, "acceptance")
    response = _client(cast.safety_officer).get(url)
    assert response.status_code == 302  # submitted, not yet judged: no form yet
    reject_rectification(hazard=hazard, acting_user=cast.safety_officer, reason="保温层未包严")
    text = _text(_get_pdf(cast.safety_officer, url), tmp_path)
    assert "验收不通过" in text and "保温层未包严" in text
    assert "未销号（退回整改中）" in text


def test_the_on_the_spot_fix_is_the_first_line_of_the_acceptance_history(
    cast: Cast, tmp_path: Path
) -> None:
    hazard = _fixed_on_spot(cast)
    accept_hazard(hazard=hazard, acting_user=cast.safety_officer, comment="现场确认已整改")
    text = _text(_get_pdf(cast.safety_officer, _url(hazard, "acceptance")), tmp_path)
    assert "当场整改" in text and "已更换为合格灭火器" in text
    assert text.index("当场整改") < text.index("验收通过，销号")
    assert "立即整改" in text


def test_a_major_hazards_acceptance_form_shows_the_evaluation_and_resumption(
    cast: Cast, tmp_path: Path
) -> None:
    hazard = cast.a.risks["hazard_major"]
    submit_rectification(
        hazard=hazard, acting_user=cast.a.users["dept"], note="已安装报警仪", photos=[photo()]
    )
    record_evaluation(
        hazard=hazard,
        acting_user=cast.safety_officer,
        by="external_body",
        org="河南安评咨询有限公司",
        conclusion="报警仪安装调试合格，隐患已消除",
    )
    apply_resumption(hazard=hazard, acting_user=cast.safety_officer, text="申请恢复装卸作业")
    accept_hazard(hazard=hazard, acting_user=cast.owner, comment="同意销号")
    text = _text(_get_pdf(cast.safety_officer, _url(hazard, "acceptance")), tmp_path)
    for expected in (
        "治理效果评估",
        "委托安全评价机构",
        "河南安评咨询有限公司",
        "报警仪安装调试合格，隐患已消除",
        "复产申请",
        "申请恢复装卸作业",
        "Aowner",
        "同意销号",
    ):
        assert expected in text, expected


# --- 重大事故隐患 ------------------------------------------------------------------------------


def test_the_major_plan_has_its_six_sections_and_the_approval(cast: Cast, tmp_path: Path) -> None:
    hazard = cast.a.risks["hazard_major"]
    pdf = _get_pdf(cast.safety_officer, _url(hazard, "major-plan"))
    text = _text(pdf, tmp_path)
    for expected in (
        "重大事故隐患治理方案",
        hazard.number,
        "储罐区未设可燃气体报警",
        "一、治理的目标和任务",
        "消除储罐区可燃气体检测报警缺失隐患",
        "二、采取的方法和措施",
        "增设可燃气体检测报警仪并接入DCS",
        "三、经费和物资的落实",
        "四、负责治理的机构和人员",
        "五、治理的时限和要求",
        "六、安全措施和应急预案",
        "治理期间停止装卸作业",
        "治理期间的临时管控措施",
        "停止装卸作业，设专人监护",
        "已局部或全部停产停业治理",
        "批准人（主要负责人）",
        "Aowner",  # approved by the main leader
        "重大事故隐患",
    ):
        assert expected in text, expected
    _fonts_embedded(pdf, tmp_path)


def test_the_major_report_goes_to_the_district_regulator_with_its_analysis(
    cast: Cast, tmp_path: Path
) -> None:
    hazard = cast.a.risks["hazard_major"]
    report = cast.a.risks["regulator_report"]
    # The district regulator reads it too (member route, jurisdiction).
    pdf = _get_pdf(cast.district_regulator, _url(hazard, "major-report"))
    text = _text(pdf, tmp_path)
    for expected in (
        "重大事故隐患报告",
        "二七区应急管理局：",
        "一、隐患的现状及其产生原因",
        "储罐区东侧未设可燃气体检测报警仪",
        "二、隐患的危害程度和整改难易程度分析",
        "泄漏不能及时发现，可能引发火灾爆炸",
        "三、隐患的治理方案",
        "增设可燃气体检测报警仪并接入DCS",
        "四、治理期间的临时管控措施",
        "停止装卸作业，设专人监护",
        f"报告日期：{timezone.localtime(report.submitted_at):%Y-%m-%d}",
        "主要负责人（签字）",
    ):
        assert expected in text, expected
    _fonts_embedded(pdf, tmp_path)


@pytest.mark.parametrize("document", ["major-plan", "major-report"])
def test_a_general_hazard_has_no_major_documents(cast: Cast, document: str) -> None:
    hazard = cast.a.risks["hazard_rectifying"]
    response = _client(cast.safety_officer).get(_url(hazard, document))
    assert response.status_code == 302
    assert response["Location"] == f"/hazards/{hazard.public_id}/"
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["该隐患不是重大事故隐患，没有治理方案和隐患报告。"]


# --- Who may read them ------------------------------------------------------------------------


@pytest.mark.parametrize("document", ["notice", "acceptance", "major-plan", "major-report"])
def test_another_enterprise_and_another_district_get_not_found(cast: Cast, document: str) -> None:
    _accepted(cast)
    for hazard in (cast.a.risks["hazard_rectifying"], cast.a.risks["hazard_major"]):
        for user in (cast.outsider, cast.other_district_regulator):
            assert _client(user).get(_url(hazard, document)).status_code == 404


def test_a_worker_reads_the_documents_of_hazards_they_can_see_only(cast: Cast) -> None:
    """Readable by whoever sees the hazard: the worker reported the rectifying hazard, but
    has nothing to do with the 重大 one (reported by the safety officer)."""
    worker = _client(cast.worker)
    assert worker.get(_url(cast.a.risks["hazard_rectifying"], "notice")).status_code == 200
    assert worker.get(_url(cast.a.risks["hazard_major"], "notice")).status_code == 404
    assert worker.get(_url(cast.a.risks["hazard_major"], "major-plan")).status_code == 404
    leader = _client(cast.team_leader)  # liable for the rectifying hazard
    assert leader.get(_url(cast.a.risks["hazard_rectifying"], "notice")).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(cast: Cast) -> None:
    response = Client().get(_url(cast.a.risks["hazard_rectifying"], "notice"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The links on the hazard page ---------------------------------------------------------------


def _links(hazard: Hazard) -> str:
    return render_to_string(
        "hazards/reports/_document_links.html",
        {"hazard": hazard},
        request=RequestFactory().get("/"),
    )


def test_the_document_links_list_what_each_hazard_has(cast: Cast) -> None:
    assert _links(cast.a.risks["hazard"]).strip() == ""  # reported: nothing yet
    rectifying = _links(cast.a.risks["hazard_rectifying"])
    assert "隐患整改通知书" in rectifying and "notice.pdf" in rectifying
    assert "验收单" not in rectifying and "major" not in rectifying
    major = _links(cast.a.risks["hazard_major"])
    for name in ("notice.pdf", "major-plan.pdf", "major-report.pdf"):
        assert name in major
    accepted = _links(_accepted(cast))
    assert "隐患整改验收单" in accepted and "acceptance.pdf" in accepted
    assert "隐患整改单" in _links(_fixed_on_spot(cast))


# --- Pictures for people to look at --------------------------------------------------------------


def test_each_document_renders_to_a_picture(cast: Cast, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    accepted = _accepted(cast)
    major = cast.a.risks["hazard_major"]
    spot = _fixed_on_spot(cast)
    ARTIFACTS.mkdir(exist_ok=True)
    for name, hazard, document in (
        ("hazards-doc-notice", accepted, "notice"),
        ("hazards-doc-notice-immediate", spot, "notice"),
        ("hazards-doc-acceptance", accepted, "acceptance"),
        ("hazards-doc-major-plan", major, "major-plan"),
        ("hazards-doc-major-report", major, "major-report"),
    ):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(_get_pdf(cast.safety_officer, _url(hazard, document)))
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(path), str(ARTIFACTS / name)], check=True
        )
        assert any(ARTIFACTS.glob(f"{name}*.png"))
