"""The printable hazard documents (domain.md §8, 16号令): 隐患整改通知书 (or, for a 即查即改
hazard, the simpler 隐患整改单), 隐患整改验收单, 重大事故隐患治理方案 and 重大事故隐患报告.

Each document has a rule saying when it exists (``*_problem`` returns the Chinese reason it
does not yet, or None) and a context builder for its template under ``hazards/pdf/``. The
views render them with ``documents.pdf``; ``document_links`` lists the ones a hazard has, for
the hazard page (``hazards/reports/_document_links.html``).

Photos are embedded as small JPEG data URIs (long side ``PHOTO_SIDE`` px), so a notice with
a few photos stays a few hundred kB; QR codes are vector SVG.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from dualprev.documents.pdf import qr_data_uri, render_pdf
from dualprev.hazards.choices import Channel, EventAction, HazardStatus, PhotoKind
from dualprev.hazards.models import Hazard, HazardEvent, MajorHazardPlan, RegulatorReport
from dualprev.reference.choices import DangerManageType, HazardLevel

# The legal basis printed on the notice. DEFAULT WORDING: the two rules every 整改通知 cites
# (安全生产法 art. 41/46 on hazard investigation; 16号令 on the 五落实). An operator can replace
# it with the setting DUALPREV_HAZARD_NOTICE_LEGAL_BASIS (e.g. to cite a provincial rule).
DEFAULT_LEGAL_BASIS = gettext_lazy(
    "依据《中华人民共和国安全生产法》和《安全生产事故隐患排查治理暂行规定》"
    "（国家安全生产监督管理总局令第16号），现将检查发现的事故隐患通知如下，"
    "请按要求落实整改措施、责任、资金、时限和预案，按期完成整改。"
)

PHOTO_SIDE = 640  # px, long side of an embedded photo
PHOTO_QUALITY = 70
MAX_PHOTOS = 6  # per kind and document

LEVEL_WORDS: dict[int, Any] = {
    HazardLevel.GENERAL: gettext_lazy("一般事故隐患"),
    HazardLevel.LARGER: gettext_lazy("较大事故隐患"),
    HazardLevel.MAJOR: gettext_lazy("重大事故隐患"),
}


def legal_basis() -> str:
    return str(getattr(settings, "DUALPREV_HAZARD_NOTICE_LEGAL_BASIS", "") or DEFAULT_LEGAL_BASIS)


# --------------------------------------------------------------------------------------------
# When each document exists


def notice_problem(hazard: Hazard) -> str | None:
    """The 整改通知书 exists once the notice was issued (限期整改 confirmed). A 即查即改 hazard
    gets no notice but, once confirmed, a 整改单 (same document, no deadline or funds)."""
    if hazard.notice_issued_at is not None:
        return None
    if hazard.status == HazardStatus.CANCELLED:
        return _("该隐患已撤销，没有整改通知书。")
    if hazard.manage_type == DangerManageType.IMMEDIATE and hazard.registered_at is not None:
        return None
    return _("该隐患尚未确认并下达整改通知，暂无整改通知书。")


def is_immediate_sheet(hazard: Hazard) -> bool:
    """Whether the notice prints as the 即查即改 整改单 rather than a 整改通知书."""
    return hazard.notice_issued_at is None and hazard.manage_type == DangerManageType.IMMEDIATE


def acceptance_problem(hazard: Hazard) -> str | None:
    """The 验收单 exists once the hazard was accepted, or once a rectification was rejected
    (then it records the 不通过 rounds and says the hazard is back in rectification)."""
    if hazard.status == HazardStatus.ACCEPTED:
        return None
    if hazard.events.filter(action=EventAction.REJECT).exists():
        return None
    return _("该隐患尚未验收，暂无验收单。")


def major_problem(hazard: Hazard) -> str | None:
    """The 重大 plan and report exist for a 重大 hazard once its plan was started."""
    if not hazard.is_major:
        return _("该隐患不是重大事故隐患，没有治理方案和隐患报告。")
    if not MajorHazardPlan.objects.filter(hazard=hazard).exists():
        return _("尚未编制该重大事故隐患的治理方案。")
    return None


@dataclass(frozen=True)
class DocumentLink:
    label: str
    url: str


def document_links(hazard: Hazard) -> list[DocumentLink]:
    """The documents ``hazard`` has now, in reading order."""
    links = []
    args = [hazard.public_id]
    if notice_problem(hazard) is None:
        label = _("隐患整改单") if is_immediate_sheet(hazard) else _("隐患整改通知书")
        links.append(DocumentLink(label, reverse("hazards:notice_pdf", args=args)))
    if acceptance_problem(hazard) is None:
        links.append(
            DocumentLink(_("隐患整改验收单"), reverse("hazards:acceptance_pdf", args=args))
        )
    if major_problem(hazard) is None:
        links.append(
            DocumentLink(_("重大事故隐患治理方案"), reverse("hazards:major_plan_pdf", args=args))
        )
        links.append(
            DocumentLink(_("重大事故隐患报告"), reverse("hazards:major_report_pdf", args=args))
        )
    return links


# --------------------------------------------------------------------------------------------
# Shared pieces


def photo_uris(hazard: Hazard, kind: str, *, limit: int = MAX_PHOTOS) -> list[str]:
    """The hazard's photos of ``kind`` as small JPEG data URIs (a stored file that cannot be
    read is left out rather than failing the document)."""
    uris = []
    for photo in hazard.photos.filter(kind=kind).order_by("id")[:limit]:
        try:
            with photo.image.open("rb") as handle:
                stored = Image.open(io.BytesIO(handle.read()))
                stored.load()
        except (OSError, ValueError, Image.UnidentifiedImageError):
            continue
        image = stored.convert("RGB")
        image.thumbnail((PHOTO_SIDE, PHOTO_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
        uris.append("data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode())
    return uris


def person(user: Any) -> str:
    return user.display_name if user is not None else ""


def reporter_label(hazard: Hazard) -> str:
    """Who found the hazard: the employee, the public reporter's name, or the channel."""
    if hazard.reported_by_id is not None:
        return person(hazard.reported_by)
    if hazard.reporter_name:
        return _("%(name)s（扫码举报）") % {"name": hazard.reporter_name}
    return str(Channel(hazard.channel).label) if hazard.channel else ""


def unit_path(unit: Any) -> str:
    """The unit below the company root, e.g. 生产部 / 甲班组 (the company itself by name)."""
    if unit is None:
        return ""
    chain = [*reversed(unit.ancestors()), unit]
    names = [u.name for u in chain if u.parent_id is not None] or [unit.name]
    return " / ".join(names)


def _where(hazard: Hazard) -> str:
    parts = [hazard.location, hazard.risk_object.name if hazard.risk_object else ""]
    return " · ".join(p for p in parts if p)


def _base_context(hazard: Hazard, request: HttpRequest) -> dict[str, Any]:
    url = request.build_absolute_uri(reverse("hazards:detail", args=[hazard.public_id]))
    return {
        "hazard": hazard,
        "enterprise": hazard.enterprise,
        "level_word": LEVEL_WORDS.get(hazard.level, "") if hazard.level is not None else "",
        "where": _where(hazard),
        "reporter": reporter_label(hazard),
        "unit": unit_path(hazard.responsible_unit),
        "liable": person(hazard.liable_person),
        "qr": qr_data_uri(url, scale=4, border=0),
        "printed_on": timezone.localdate(),
    }


def _render(template: str, context: dict[str, Any], request: HttpRequest) -> bytes:
    return render_pdf(f"hazards/pdf/{template}", context, request=request)


# --------------------------------------------------------------------------------------------
# The documents


def render_notice(hazard: Hazard, request: HttpRequest) -> bytes:
    """隐患整改通知书 (§8: number, inspected unit, date found, location, description and photo,
    grade, legal basis, measures, responsible unit/person, deadline, funds, interim measures,
    issuer), or the 即查即改 整改单."""
    context = _base_context(hazard, request) | {
        "immediate": is_immediate_sheet(hazard),
        "legal_basis": legal_basis(),
        "issuer": person(hazard.notice_issued_by or hazard.registered_by),
        "issued_at": hazard.notice_issued_at or hazard.registered_at,
        "before_photos": photo_uris(hazard, PhotoKind.BEFORE),
    }
    return _render("notice.html", context, request)


@dataclass(frozen=True)
class Step:
    """One line of the rectification and acceptance history."""

    at: Any
    what: str
    who: str
    note: str
    verdict: str = ""  # "pass", "reject" or ""


_STEP_WORDS: dict[str, Callable[[], str]] = {
    EventAction.SUBMIT: lambda: _("提交整改"),
    EventAction.CONFIRM_FIXED: lambda: _("确认当场整改"),
    EventAction.REJECT: lambda: _("验收不通过，退回整改"),
    EventAction.ACCEPT: lambda: _("验收通过，销号"),
    EventAction.EVALUATION: lambda: _("治理效果评估"),
    EventAction.RESUMPTION: lambda: _("复产申请"),
}


def acceptance_steps(hazard: Hazard) -> list[Step]:
    """The fix and acceptance rounds from the event log, oldest first."""
    events = (
        HazardEvent.objects.filter(hazard=hazard, action__in=list(_STEP_WORDS))
        .select_related("actor")
        .order_by("at", "id")
    )
    steps = []
    if hazard.events.filter(action=EventAction.CONFIRM_FIXED).exists():
        # Fixed on the spot (即查即改): the report itself carried the fix.
        report = hazard.events.filter(action=EventAction.REPORT).select_related("actor").first()
        resubmitted = hazard.events.filter(action=EventAction.SUBMIT).exists()
        if report is not None:
            note = report.note if resubmitted else hazard.rectification_note
            steps.append(Step(report.at, _("当场整改"), person(report.actor), note))
    for event in events:
        verdict = {EventAction.ACCEPT: "pass", EventAction.REJECT: "reject"}.get(event.action, "")
        steps.append(
            Step(event.at, _STEP_WORDS[event.action](), person(event.actor), event.note, verdict)
        )
    return steps


def render_acceptance(hazard: Hazard, request: HttpRequest) -> bytes:
    """隐患整改验收单 (§8: rectification and photos, acceptor, date, opinion, sign-off, 销号
    date), with every rejected round from the event log."""
    steps = acceptance_steps(hazard)
    plan = MajorHazardPlan.objects.filter(hazard=hazard).first() if hazard.is_major else None
    accepted = hazard.status == HazardStatus.ACCEPTED
    context = _base_context(hazard, request) | {
        "accepted": accepted,
        "steps": steps,
        "rejections": sum(1 for s in steps if s.verdict == "reject"),
        "last_rejection": next((s for s in reversed(steps) if s.verdict == "reject"), None),
        "rectifier": person(hazard.rectified_by),
        "acceptor": person(hazard.accepted_by),
        "plan": plan,
        "before_photos": photo_uris(hazard, PhotoKind.BEFORE, limit=2),
        "after_photos": photo_uris(hazard, PhotoKind.AFTER, limit=2),
    }
    return _render("acceptance.html", context, request)


def _field_label(name: str) -> str:
    return str(getattr(MajorHazardPlan._meta.get_field(name), "verbose_name", name))


def plan_sections(plan: MajorHazardPlan) -> list[tuple[str, str]]:
    """The six sections of the treatment plan (16号令), headed 一 … 六."""
    numbers = ("一", "二", "三", "四", "五", "六")
    return [
        (f"{number}、{_field_label(name)}", getattr(plan, name))
        for number, name in zip(numbers, MajorHazardPlan.SECTION_FIELDS, strict=True)
    ]


def render_major_plan(hazard: Hazard, request: HttpRequest) -> bytes:
    """重大事故隐患治理方案: the six sections, interim measures and the approval."""
    plan = MajorHazardPlan.objects.select_related("approved_by").get(hazard=hazard)
    context = _base_context(hazard, request) | {
        "plan": plan,
        "sections": plan_sections(plan),
        "approver": person(plan.approved_by),
    }
    return _render("major_plan.html", context, request)


def enterprise_regulator_name(enterprise: Any) -> str:
    """The district 应急管理局 whose region contains the enterprise (where reports go)."""
    from dualprev.orgs.choices import AgencyTier
    from dualprev.orgs.models import Agency

    region = enterprise.region
    if region is None:
        return ""
    prefixes = [region.path[: i + 1] for i, ch in enumerate(region.path) if ch == "/"]
    agency = (
        Agency.objects.filter(tier=AgencyTier.DISTRICT, region__path__in=prefixes)
        .order_by("-region__path")
        .first()
    )
    return agency.name if agency else ""


def render_major_report(hazard: Hazard, request: HttpRequest) -> bytes:
    """重大事故隐患报告 to the district regulator (16号令: the state and causes, the harm and
    difficulty analysis, the treatment plan), with interim measures and the report date."""
    from dualprev.hazards.choices import RegulatorReportKind

    plan = MajorHazardPlan.objects.select_related("approved_by").get(hazard=hazard)
    report = (
        RegulatorReport.objects.filter(hazard=hazard, kind=RegulatorReportKind.MAJOR_REPORT)
        .select_related("submitted_by", "acknowledged_by")
        .order_by("submitted_at", "id")
        .first()
    )
    context = _base_context(hazard, request) | {
        "plan": plan,
        "sections": plan_sections(plan),
        "report": report,
        "regulator": enterprise_regulator_name(hazard.enterprise),
        "reporter_person": person(report.submitted_by) if report else "",
    }
    return _render("major_report.html", context, request)
