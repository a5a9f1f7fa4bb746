"""Hazard writes: reporting (from a check's draft, an employee, the public triage queue, the
office or a regulator), grading, the 五落实 notice, the 重大 plan and reports, the fix,
acceptance or rejection, cancelling. Each checks who may act and what the move needs, then
writes through ``workflow.write_event`` (guarded update + event row + chain entry) and queues
notifications.

Rules kept here (domain.md §5, Spec D):
- 限期整改 needs the 五落实 (措施、责任、资金、时限、预案) before rectification starts;
- a 重大 hazard is always 限期整改 and also needs the six-part plan approved by the main
  leader, interim control measures and a report to the district regulator; before acceptance
  an evaluation, and a resumption application where production was stopped; only a
  company-level role accepts it;
- the acceptor is never the rectifier nor the liable person; acceptance needs an after photo
  and a comment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dualprev.accounts.roles import (
    ACCEPT_HAZARDS,
    MAJOR_HAZARD_ACCEPTORS,
    MAJOR_PLAN_APPROVERS,
    MANAGE_HAZARDS,
    REPORT_HAZARD,
    SUPERVISE,
)
from dualprev.core.tenancy import actor_for
from dualprev.hazards.choices import (
    CancelReason,
    Channel,
    EventAction,
    HazardStatus,
    PhotoKind,
    PublicReportStatus,
    RegulatorReportKind,
)
from dualprev.hazards.models import (
    Hazard,
    HazardEvent,
    HazardSequence,
    HazardSettings,
    MajorHazardPlan,
    PublicReport,
    RegulatorReport,
)
from dualprev.hazards.workflow import (
    TransitionError,
    create_with_event,
    ensure_allowed,
    write_event,
)
from dualprev.inspections.actions import PhotoInput
from dualprev.reference.choices import DangerManageType, DangerSrc, HazardLevel

NUMBER_PREFIX = "YH"


def hazard_settings(enterprise: Any) -> HazardSettings:
    """The enterprise's hazard settings, or unsaved defaults (reading never writes)."""
    enterprise_id = getattr(enterprise, "pk", enterprise)
    found = HazardSettings.objects.filter(enterprise_id=enterprise_id).first()
    return found or HazardSettings(enterprise_id=enterprise_id)


def next_number(enterprise_id: int, year: int) -> str:
    """Take the enterprise's next hazard number of ``year`` (``YH-2026-0042``). The sequence
    row is locked (PostgreSQL ``SELECT … FOR UPDATE``; SQLite serialises writers), so two
    concurrent reports never share a number. Call inside a transaction."""
    HazardSequence.objects.get_or_create(enterprise_id=enterprise_id, year=year)
    row = HazardSequence.objects.select_for_update().get(enterprise_id=enterprise_id, year=year)
    row.last += 1
    row.save(update_fields=["last", "updated_at"])
    return f"{NUMBER_PREFIX}-{year}-{row.last:04d}"


def _member_of(user: Any, enterprise_id: int) -> bool:
    actor = actor_for(user)
    return actor.is_enterprise and actor.enterprise_id == enterprise_id


def _require(user: Any, hazard: Hazard, action: str) -> None:
    if not _member_of(user, hazard.enterprise_id) or not actor_for(user).can(action):
        raise PermissionDenied


def managers_of(enterprise_id: int) -> list[Any]:
    """Users who triage and confirm hazards in the enterprise (safety officers and leaders)."""
    from dualprev.accounts.models import Membership
    from dualprev.accounts.roles import ENTERPRISE_ACTIONS

    roles = [role for role, actions in ENTERPRISE_ACTIONS.items() if MANAGE_HAZARDS in actions]
    from dualprev.accounts.choices import EnterpriseRole

    roles = [r for r in roles if r != EnterpriseRole.DEPT_HEAD]
    return [
        m.user
        for m in Membership.objects.filter(
            enterprise_id=enterprise_id, is_active=True, role__in=roles
        ).select_related("user")
    ]


def _notify(
    hazard: Hazard, recipients: Sequence[Any], kind: str, title: str, body: str = ""
) -> None:
    from django.urls import reverse

    from dualprev.notifications.actions import notify

    people = [u for u in recipients if u is not None]
    if not people:
        return
    notify(
        enterprise_id=hazard.enterprise_id,
        recipients=people,
        kind=kind,
        title=title,
        body=body,
        url=reverse("hazards:detail", args=[hazard.public_id]),
    )


# --------------------------------------------------------------------------------------------
# Reporting


@dataclass
class ReportInput:
    """What a reporter says about a hazard. ``fixed_on_spot`` with ``fix_note`` and
    ``after_photos``: the reporter already fixed it (即查即改)."""

    name: str
    description: str
    location: str = ""
    risk_object: Any = None
    risk_event: Any = None
    measure: Any = None
    danger_type: int | None = None
    found_at: dt.datetime | None = None
    photos: list[PhotoInput] = field(default_factory=list)
    fixed_on_spot: bool = False
    fix_note: str = ""
    after_photos: list[PhotoInput] = field(default_factory=list)
    reporter_name: str = ""
    reporter_phone: str = ""


def _validate_report(data: ReportInput, enterprise_id: int) -> None:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("请填写隐患名称。")
    if not data.description.strip():
        errors["description"] = _("请描述隐患情况。")
    if data.fixed_on_spot and (not data.fix_note.strip() or not data.after_photos):
        errors["fix_note"] = _("当场整改的隐患须填写整改情况并上传整改后照片。")
    for name in ("risk_object", "risk_event", "measure"):
        linked = getattr(data, name)
        if linked is not None and linked.enterprise_id != enterprise_id:
            errors[name] = _("关联的风险信息不属于本企业。")
    if errors:
        raise ValidationError(errors)


def report_hazard(
    *,
    enterprise_id: int,
    reporter: Any | None,
    data: ReportInput,
    channel: str = Channel.EMPLOYEE,
    source: int = DangerSrc.OTHER,
    category: int = 0,
    check_record: Any = None,
    special_inspection: Any = None,
    draft: Any = None,
    enforcement_id: str = "",
    now: dt.datetime | None = None,
) -> Hazard:
    """Register a hazard in state REPORTED with its report event (and photos) and tell the
    enterprise's hazard managers. A logged-in reporter must be an employee of the enterprise
    who may report."""
    now = now or timezone.now()
    if (
        reporter is not None
        and channel != Channel.REGULATOR
        and not (_member_of(reporter, enterprise_id) and actor_for(reporter).can(REPORT_HAZARD))
    ):
        raise PermissionDenied
    _validate_report(data, enterprise_id)
    found_at = min(data.found_at or now, now)
    risk_event = data.risk_event or (data.measure.event if data.measure is not None else None)
    risk_object = data.risk_object
    if risk_object is None and risk_event is not None:
        risk_object = risk_event.unit.risk_object
    with transaction.atomic():
        hazard = Hazard(
            enterprise_id=enterprise_id,
            number=next_number(enterprise_id, timezone.localtime(now).year),
            channel=channel,
            name=data.name.strip()[:128],
            description=data.description.strip(),
            location=data.location.strip()[:128],
            risk_object=risk_object,
            risk_event=risk_event,
            measure=data.measure,
            danger_type=data.danger_type,
            check_record=check_record,
            draft=draft,
            special_inspection=special_inspection,
            enforcement_id=enforcement_id,
            reported_by=reporter if channel != Channel.REGULATOR else None,
            reporter_name=data.reporter_name.strip()[:32],
            reporter_phone=data.reporter_phone.strip()[:20],
            found_at=found_at,
            source=source,
            category=category,
            rectification_note=data.fix_note.strip() if data.fixed_on_spot else "",
            rectified_by=reporter if data.fixed_on_spot else None,
            rectified_at=now if data.fixed_on_spot else None,
        )
        create_with_event(
            hazard=hazard,
            actor=reporter,
            photos=data.photos,
            after_photos=data.after_photos if data.fixed_on_spot else (),
            note=_("已当场整改") if data.fixed_on_spot else "",
            now=now,
        )
        _notify(
            hazard,
            managers_of(enterprise_id),
            "reported",
            _("新隐患待确认：%(number)s %(name)s") % {"number": hazard.number, "name": hazard.name},
        )
    return hazard


def take_draft(
    *, draft: Any, acting_user: Any, data: ReportInput, now: dt.datetime | None = None
) -> Hazard:
    """Turn a 存在隐患 check's draft (``inspections.HazardDraft``) into a hazard: the draft's
    measure, point, record, source code and 包保 category carry over and the record's photos
    become the hazard's before photos. The draft flips draft → taken with a guarded update,
    so it becomes one hazard only."""
    from dualprev.inspections.choices import DraftStatus
    from dualprev.inspections.models import HazardDraft

    if acting_user.pk != draft.reported_by_id and not (
        _member_of(acting_user, draft.enterprise_id) and actor_for(acting_user).can(MANAGE_HAZARDS)
    ):
        raise PermissionDenied
    data.measure = data.measure or draft.measure
    data.risk_object = data.risk_object or draft.risk_object
    data.photos = list(data.photos) + _record_photos(draft.record)
    with transaction.atomic():
        taken = HazardDraft.objects.filter(pk=draft.pk, status=DraftStatus.DRAFT).update(
            status=DraftStatus.TAKEN, updated_at=now or timezone.now()
        )
        if taken != 1:
            raise TransitionError(_("该隐患草稿已经转为隐患，请勿重复提交。"))
        special = (
            draft.occurrence.special_item.inspection if draft.occurrence.special_item else None
        )
        return report_hazard(
            enterprise_id=draft.enterprise_id,
            reporter=draft.reported_by,
            data=data,
            channel=Channel.CHECK,
            source=draft.source_code,
            category=draft.category_code,
            check_record=draft.record,
            special_inspection=special,
            draft=draft,
            now=now,
        )


def _record_photos(record: Any) -> list[PhotoInput]:
    """The check record's photos, as photo inputs (same bytes, same hashes)."""
    photos = []
    for photo in record.photos.all():
        with photo.image.open("rb") as handle:
            data = handle.read()
        photos.append(
            PhotoInput(
                data=data,
                sha256=photo.sha256,
                phash=photo.phash,
                width=photo.width,
                height=photo.height,
            )
        )
    return photos


def accept_public_report(
    *, report: PublicReport, acting_user: Any, name: str, now: dt.datetime | None = None
) -> Hazard:
    """Triage: make a public report a hazard (state REPORTED, channel public). Guarded so a
    report becomes one hazard only."""
    now = now or timezone.now()
    if not _member_of(acting_user, report.enterprise_id) or not actor_for(acting_user).can(
        MANAGE_HAZARDS
    ):
        raise PermissionDenied
    photos: list[PhotoInput] = []
    if report.photo:
        with report.photo.open("rb") as handle:
            raw = handle.read()
        import io

        from dualprev.inspections.photos import process_photo

        photos.append(process_photo(io.BytesIO(raw), size=len(raw)))
    with transaction.atomic():
        # Claim the report first: a second manager accepting at the same moment stops here,
        # before any hazard number is taken or photo file written.
        moved = PublicReport.objects.filter(pk=report.pk, status=PublicReportStatus.NEW).update(
            status=PublicReportStatus.ACCEPTED,
            handled_by=acting_user,
            handled_at=now,
            updated_at=now,
        )
        if moved != 1:
            raise TransitionError(_("该举报已被其他人处理。"))
        hazard = report_hazard(
            enterprise_id=report.enterprise_id,
            reporter=None,
            data=ReportInput(
                name=name or report.description[:40],
                description=report.description,
                risk_object=report.risk_object,
                photos=photos,
                reporter_name=report.reporter_name,
                reporter_phone=report.reporter_phone,
                found_at=report.created_at,
            ),
            channel=Channel.PUBLIC,
            source=DangerSrc.OTHER,
            now=now,
        )
        PublicReport.objects.filter(pk=report.pk).update(hazard=hazard)
    return hazard


def dismiss_public_report(
    *, report: PublicReport, acting_user: Any, note: str, now: dt.datetime | None = None
) -> None:
    now = now or timezone.now()
    if not _member_of(acting_user, report.enterprise_id) or not actor_for(acting_user).can(
        MANAGE_HAZARDS
    ):
        raise PermissionDenied
    moved = PublicReport.objects.filter(pk=report.pk, status=PublicReportStatus.NEW).update(
        status=PublicReportStatus.DISMISSED,
        handled_by=acting_user,
        handled_at=now,
        dismiss_note=note.strip()[:200],
        updated_at=now,
    )
    if moved != 1:
        raise TransitionError(_("该举报已被其他人处理。"))


# --------------------------------------------------------------------------------------------
# Grading, 五落实 and confirmation

GRADING_FIELDS = (
    "name",
    "description",
    "location",
    "level",
    "manage_type",
    "source",
    "danger_type",
    "category",
    "management_class",
    "occurrence_link",
    "risk_object",
    "risk_event",
    "measure",
    "reason",
)
FIVE_PLAN_FIELDS = (
    "rectification_measures",
    "responsible_unit",
    "liable_person",
    "cost",
    "deadline",
    "contingency_plan",
    "interim_measures",
)


def save_hazard_fields(
    *,
    hazard: Hazard,
    acting_user: Any,
    changes: dict[str, Any],
    action: str = EventAction.EDIT,
    note: str = "",
    now: dt.datetime | None = None,
) -> HazardEvent:
    """Save grading or 五落实 fields (validated by the form) inside the current state, with
    an event row. Only hazard managers; links must belong to the enterprise; a level of 较大
    needs the enterprise's 较大 tier."""
    _require(acting_user, hazard, MANAGE_HAZARDS)
    allowed = set(GRADING_FIELDS) | set(FIVE_PLAN_FIELDS)
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    if hazard.status != HazardStatus.REPORTED:
        locked = set(GRADING_FIELDS) & {k for k, v in changes.items() if getattr(hazard, k) != v}
        if locked & {"level", "manage_type"}:
            raise ValidationError(_("隐患确认后不能再修改等级和治理类型。"))
    _check_links(hazard.enterprise_id, changes)
    if (
        changes.get("level") == HazardLevel.LARGER
        and not hazard_settings(hazard.enterprise_id).larger_tier_enabled
    ):
        raise ValidationError({"level": _("本企业未启用“较大隐患”分级。")})
    changed = {k: v for k, v in changes.items() if getattr(hazard, k) != v}
    now = now or timezone.now()
    if (
        hazard.is_major
        and changed.get("level", HazardLevel.MAJOR) != HazardLevel.MAJOR
        and hazard.regulator_reports.filter(kind=RegulatorReportKind.MAJOR_REPORT).exists()
    ):
        raise ValidationError({"level": _("该重大事故隐患已报告区应急管理局，不能再降级。")})
    if hazard.status != HazardStatus.REPORTED and changed:
        _still_assured(hazard, changed, now)
    if "deadline" in changed and hazard.status != HazardStatus.REPORTED:
        # A changed deadline after confirmation is an extension (or a shortening) and is
        # said so on the timeline, with the old and the new deadline.
        old = _fmt(hazard.deadline) if hazard.deadline else "—"
        extension = _("整改期限由 %(old)s 调整为 %(new)s。") % {
            "old": old,
            "new": _fmt(changed["deadline"]),
        }
        note = f"{extension}{note}"
    if "deadline" in changed:
        # A new deadline starts its follow-up afresh: a reminder before it, overdue after it,
        # escalation counted from it (``deadlines.follow_deadlines``).
        reset = {
            "reminded_at": None,
            "overdue_at": None,
            "escalation_level": 0,
            "escalated_to": None,
        }
        changed.update({k: v for k, v in reset.items() if getattr(hazard, k) != v})
    return write_event(
        hazard=hazard, action=action, actor=acting_user, changes=changed, note=note, now=now
    )


def _still_assured(hazard: Hazard, changed: dict[str, Any], now: dt.datetime) -> None:
    """After confirmation an edit may change the 五落实 but never empty them (nor a 重大
    hazard's interim measures, nor the liable person): the result must pass the same checks
    as confirming did. A deadline kept as it was may lie in the past (the hazard is overdue);
    a new one must lie in the future."""
    import copy

    result = copy.copy(hazard)
    for name, value in changed.items():
        setattr(result, name, value)
    problems: list[str] = []
    if result.liable_person_id is None:
        problems.append(_("未指定整改责任人。"))
    if result.manage_type == DangerManageType.DEADLINE or result.is_major:
        problems.extend(five_plan_problems(result, now, new_deadline="deadline" in changed))
    if result.is_major and not result.interim_measures.strip():
        problems.append(_("未落实临时管控措施。"))
    if problems:
        raise ValidationError(problems)


def _check_links(enterprise_id: int, changes: dict[str, Any]) -> None:
    for name in ("risk_object", "risk_event", "measure", "responsible_unit"):
        value = changes.get(name)
        if value is not None and value.enterprise_id != enterprise_id:
            raise ValidationError({name: _("所选内容不属于本企业。")})
    person = changes.get("liable_person")
    if person is not None and not _member_of(person, enterprise_id):
        raise ValidationError({"liable_person": _("整改责任人必须是本企业在职人员。")})


def confirmation_problems(hazard: Hazard, now: dt.datetime | None = None) -> list[str]:
    """What is still missing before the hazard can be confirmed and its rectification start
    (empty = ready). Shown on the page and enforced by ``confirm_hazard``."""
    now = now or timezone.now()
    problems: list[str] = []
    if hazard.level is None:
        problems.append(_("未确定隐患等级。"))
    if hazard.manage_type is None:
        problems.append(_("未确定治理类型（即查即改或限期整改）。"))
    if hazard.danger_type is None:
        problems.append(_("未确定隐患类型。"))
    if hazard.liable_person_id is None:
        problems.append(_("未指定整改责任人。"))
    if hazard.is_major and hazard.manage_type == DangerManageType.IMMEDIATE:
        problems.append(_("重大事故隐患只能限期整改。"))
    if hazard.manage_type == DangerManageType.DEADLINE or hazard.is_major:
        problems.extend(five_plan_problems(hazard, now))
    if hazard.is_major:
        problems.extend(major_start_problems(hazard))
    return problems


def five_plan_problems(hazard: Hazard, now: dt.datetime, *, new_deadline: bool = True) -> list[str]:
    """The 五落实 (措施、责任、资金、时限、预案) a 限期整改 hazard needs before rectification.
    ``new_deadline``: the deadline is being set now, so it must lie in the future."""
    problems = []
    if not hazard.rectification_measures.strip():
        problems.append(_("五落实：未填写整改措施。"))
    if hazard.responsible_unit_id is None or hazard.liable_person_id is None:
        problems.append(_("五落实：未落实整改责任单位和责任人。"))
    if hazard.cost is None:
        problems.append(_("五落实：未落实整改资金（无需资金请填 0）。"))
    if hazard.deadline is None:
        problems.append(_("五落实：未确定整改期限。"))
    elif new_deadline and hazard.deadline <= now:
        problems.append(_("五落实：整改期限必须晚于当前时间。"))
    if not hazard.contingency_plan.strip():
        problems.append(_("五落实：未落实应急预案或防范措施。"))
    return problems


def major_start_problems(hazard: Hazard) -> list[str]:
    """What a 重大 hazard needs before rectification starts (16号令)."""
    problems = []
    plan = MajorHazardPlan.objects.filter(hazard=hazard).first()
    if plan is None or not plan.plan_complete:
        problems.append(_("重大事故隐患治理方案六项内容未填写完整。"))
    elif plan.approved_at is None:
        problems.append(_("重大事故隐患治理方案未经主要负责人批准。"))
    if not hazard.interim_measures.strip():
        problems.append(_("未落实临时管控措施。"))
    if not hazard.regulator_reports.filter(kind=RegulatorReportKind.MAJOR_REPORT).exists():
        problems.append(_("尚未向区应急管理局报告该重大事故隐患。"))
    return problems


def confirm_hazard(*, hazard: Hazard, acting_user: Any, now: dt.datetime | None = None) -> None:
    """REPORTED → RECTIFYING: confirm the grading and start rectification. For 限期整改 this
    issues the 整改通知 (the notice carries the 五落实); the liable person is told."""
    now = now or timezone.now()
    _require(acting_user, hazard, MANAGE_HAZARDS)
    ensure_allowed(hazard, EventAction.CONFIRM)
    problems = confirmation_problems(hazard, now)
    if problems:
        raise ValidationError(problems)
    changes: dict[str, Any] = {"registered_by": acting_user, "registered_at": now}
    if hazard.manage_type == DangerManageType.DEADLINE:
        changes.update(notice_issued_by=acting_user, notice_issued_at=now)
    with transaction.atomic():
        write_event(
            hazard=hazard,
            action=EventAction.CONFIRM,
            actor=acting_user,
            changes=changes,
            data=_grading_snapshot(hazard) | {"notice": "notice_issued_at" in changes},
            now=now,
        )
        _notify(
            hazard,
            [hazard.liable_person],
            "assigned",
            _("隐患整改任务：%(number)s %(name)s") % {"number": hazard.number, "name": hazard.name},
            _("整改期限：%(deadline)s")
            % {"deadline": _fmt(hazard.deadline) if hazard.deadline else _("立即整改")},
        )


def confirm_fixed(*, hazard: Hazard, acting_user: Any, now: dt.datetime | None = None) -> None:
    """REPORTED → PENDING_ACCEPT: a 一般 即查即改 hazard the reporter fixed on the spot (fix
    note and after photo given with the report) goes straight to acceptance."""
    now = now or timezone.now()
    _require(acting_user, hazard, MANAGE_HAZARDS)
    ensure_allowed(hazard, EventAction.CONFIRM_FIXED)
    problems = []
    if hazard.is_major or hazard.manage_type != DangerManageType.IMMEDIATE:
        problems.append(_("只有即查即改的一般隐患可以按“已当场整改”确认。"))
    if hazard.level is None:
        problems.append(_("未确定隐患等级。"))
    if hazard.danger_type is None:
        problems.append(_("未确定隐患类型。"))
    if (
        not hazard.rectification_note.strip()
        or not hazard.photos.filter(kind=PhotoKind.AFTER).exists()
    ):
        problems.append(_("没有当场整改的说明和整改后照片。"))
    if problems:
        raise ValidationError(problems)
    changes: dict[str, Any] = {"registered_by": acting_user, "registered_at": now}
    if hazard.liable_person_id is None:
        changes["liable_person"] = hazard.rectified_by
    with transaction.atomic():
        write_event(
            hazard=hazard,
            action=EventAction.CONFIRM_FIXED,
            actor=acting_user,
            changes=changes,
            data=_grading_snapshot(hazard)
            | {"liable_person_id": _pk(changes.get("liable_person", hazard.liable_person))},
            now=now,
        )
        _notify_acceptors(hazard)


def cancel_hazard(
    *,
    hazard: Hazard,
    acting_user: Any,
    reason: str,
    note: str = "",
    duplicate_of: Hazard | None = None,
    now: dt.datetime | None = None,
) -> None:
    """REPORTED → CANCELLED: not a hazard, or a duplicate of another hazard of the enterprise."""
    _require(acting_user, hazard, MANAGE_HAZARDS)
    ensure_allowed(hazard, EventAction.CANCEL)
    if reason not in CancelReason.values:
        raise ValidationError({"reason": _("请选择撤销原因。")})
    if reason == CancelReason.DUPLICATE:
        if duplicate_of is None or duplicate_of.enterprise_id != hazard.enterprise_id:
            raise ValidationError({"duplicate_of": _("请填写与之重复的隐患编号。")})
        if duplicate_of.pk == hazard.pk:
            raise ValidationError({"duplicate_of": _("不能与自身重复。")})
    if not note.strip() and reason != CancelReason.DUPLICATE:
        raise ValidationError({"note": _("请说明撤销理由。")})
    if hazard.regulator_reports.filter(kind=RegulatorReportKind.MAJOR_REPORT).exists():
        raise ValidationError(_("该重大事故隐患已报告区应急管理局，不能撤销。"))
    with transaction.atomic():
        write_event(
            hazard=hazard,
            action=EventAction.CANCEL,
            actor=acting_user,
            changes={
                "cancel_reason": reason,
                "cancel_note": note.strip(),
                "duplicate_of": duplicate_of,
            },
            note=note.strip(),
            now=now,
        )
        _notify(
            hazard,
            [hazard.reported_by],
            "cancelled",
            _("您上报的隐患已撤销：%(number)s") % {"number": hazard.number},
            str(CancelReason(reason).label),
        )


# --------------------------------------------------------------------------------------------
# Rectification and acceptance


def may_rectify(user: Any, hazard: Hazard) -> bool:
    """The liable person submits the fix; a hazard manager may submit on their behalf."""
    if not _member_of(user, hazard.enterprise_id):
        return False
    return hazard.liable_person_id == user.pk or actor_for(user).can(MANAGE_HAZARDS)


def submit_rectification(
    *,
    hazard: Hazard,
    acting_user: Any,
    note: str,
    photos: Sequence[PhotoInput] = (),
    cost: Decimal | None = None,
    now: dt.datetime | None = None,
) -> None:
    """RECTIFYING → PENDING_ACCEPT with the fix described and at least one after photo."""
    now = now or timezone.now()
    if not may_rectify(acting_user, hazard):
        raise PermissionDenied
    ensure_allowed(hazard, EventAction.SUBMIT)
    errors: dict[str, str] = {}
    if not note.strip():
        errors["note"] = _("请填写整改情况。")
    if not photos and not has_current_after_photo(hazard):
        errors["photos"] = _("请上传整改后照片（退回重新整改后须上传新的照片）。")
    if cost is not None and cost < 0:
        errors["cost"] = _("整改资金不能为负数。")
    if errors:
        raise ValidationError(errors)
    changes: dict[str, Any] = {
        "rectification_note": note.strip(),
        "rectified_by": acting_user,
        "rectified_at": now,
    }
    if cost is not None:
        changes["cost"] = cost
    with transaction.atomic():
        write_event(
            hazard=hazard,
            action=EventAction.SUBMIT,
            actor=acting_user,
            changes=changes,
            note=note.strip(),
            photos=photos,
            photo_kind=PhotoKind.AFTER,
            now=now,
        )
        _notify_acceptors(hazard)


def _last_rejection(hazard: Hazard) -> HazardEvent | None:
    return hazard.events.filter(action=EventAction.REJECT).order_by("-at", "-id").first()


def has_current_after_photo(hazard: Hazard) -> bool:
    """Whether an after photo belongs to the current round of the fix: any after photo before
    a first rejection; after a rejection, only one added since (the rejected fix's photos do not
    show the new one)."""
    photos = hazard.photos.filter(kind=PhotoKind.AFTER)
    rejection = _last_rejection(hazard)
    if rejection is not None:
        photos = photos.filter(event_id__gt=rejection.pk)
    return photos.exists()


def acceptance_problems(hazard: Hazard, user: Any, *, rejecting: bool = False) -> list[str]:
    """Why ``user`` may not accept the hazard's fix now (empty = may). ``rejecting``: only
    who may judge counts (a fix can be sent back before it is evaluated)."""
    problems = []
    actor = actor_for(user)
    if user.pk in (hazard.rectified_by_id, hazard.liable_person_id):
        problems.append(_("整改人和整改责任人不能验收自己的整改。"))
    if hazard.is_major:
        if actor.role not in MAJOR_HAZARD_ACCEPTORS:
            problems.append(_("重大事故隐患须由主要负责人、分管负责人或安全总监验收。"))
        plan = MajorHazardPlan.objects.filter(hazard=hazard).first()
        if rejecting:
            return problems
        rejection = _last_rejection(hazard)
        if plan is None or plan.approved_at is None:
            problems.append(_("重大事故隐患治理方案未经主要负责人批准。"))
        if plan is None or not plan.evaluated:
            problems.append(_("重大事故隐患治理结束后须先进行治理效果评估。"))
        elif (
            rejection is not None
            and plan.evaluated_at is not None
            and (plan.evaluated_at <= rejection.at)
        ):
            problems.append(_("验收退回后须对重新整改的结果重新评估。"))
        elif plan.production_stopped and plan.resumption_applied_at is None:
            problems.append(_("停产停业治理的重大事故隐患须先提交复产申请。"))
    return problems


def accept_hazard(
    *,
    hazard: Hazard,
    acting_user: Any,
    comment: str,
    photos: Sequence[PhotoInput] = (),
    now: dt.datetime | None = None,
) -> None:
    """PENDING_ACCEPT → ACCEPTED (销号): by someone who may accept, never the rectifier or the
    liable person, with a comment and an after photo (already there or taken now)."""
    now = now or timezone.now()
    _require(acting_user, hazard, ACCEPT_HAZARDS)
    ensure_allowed(hazard, EventAction.ACCEPT)
    problems = acceptance_problems(hazard, acting_user)
    if not comment.strip():
        problems.append(_("请填写验收意见。"))
    if not photos and not has_current_after_photo(hazard):
        problems.append(_("验收须有本轮整改的整改后照片。"))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        write_event(
            hazard=hazard,
            action=EventAction.ACCEPT,
            actor=acting_user,
            changes={
                "accepted_by": acting_user,
                "accepted_at": now,
                "accept_comment": comment.strip(),
            },
            note=comment.strip(),
            photos=photos,
            photo_kind=PhotoKind.AFTER,
            now=now,
        )
        if hazard.is_major:
            _send_regulator_report(hazard, acting_user, RegulatorReportKind.CLOSED, now)
        _notify(
            hazard,
            [hazard.reported_by, hazard.liable_person, hazard.rectified_by],
            "accepted",
            _("隐患已验收销号：%(number)s %(name)s")
            % {"number": hazard.number, "name": hazard.name},
        )


def reject_rectification(
    *, hazard: Hazard, acting_user: Any, reason: str, now: dt.datetime | None = None
) -> None:
    """PENDING_ACCEPT → RECTIFYING with the reason; the liable person is told."""
    _require(acting_user, hazard, ACCEPT_HAZARDS)
    ensure_allowed(hazard, EventAction.REJECT)
    problems = acceptance_problems(hazard, acting_user, rejecting=True)
    if not reason.strip():
        problems.append(_("请填写验收不通过的原因。"))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        write_event(
            hazard=hazard,
            action=EventAction.REJECT,
            actor=acting_user,
            changes={"rectified_at": None},
            note=reason.strip(),
            now=now,
        )
        _notify(
            hazard,
            [hazard.liable_person, hazard.rectified_by],
            "rejected",
            _("整改验收未通过：%(number)s %(name)s")
            % {"number": hazard.number, "name": hazard.name},
            reason.strip(),
        )


def add_photos(
    *,
    hazard: Hazard,
    acting_user: Any,
    kind: str,
    photos: Sequence[PhotoInput],
    now: dt.datetime | None = None,
) -> None:
    """Add before or after photos inside the current state (an event of their own)."""
    if not photos:
        raise ValidationError({"photos": _("请选择照片。")})
    if not (
        may_rectify(acting_user, hazard)
        or (
            _member_of(acting_user, hazard.enterprise_id)
            and acting_user.pk == hazard.reported_by_id
        )
    ):
        raise PermissionDenied
    write_event(
        hazard=hazard,
        action=EventAction.PHOTO,
        actor=acting_user,
        photos=photos,
        photo_kind=kind,
        data={"kind": kind, "count": len(photos)},
        now=now,
    )


# --------------------------------------------------------------------------------------------
# 重大 hazards: plan, approval, report to the regulator, evaluation, resumption

PLAN_FIELDS = (
    *MajorHazardPlan.SECTION_FIELDS,
    "current_state",
    "harm_analysis",
    "production_stopped",
)


def _major_only(hazard: Hazard) -> None:
    if not hazard.is_major:
        raise ValidationError(_("只有重大事故隐患需要治理方案、评估和复产申请。"))


def save_major_plan(
    *, hazard: Hazard, acting_user: Any, values: dict[str, Any], now: dt.datetime | None = None
) -> MajorHazardPlan:
    """Save the treatment plan and report analysis. Changing an approved plan withdraws the
    approval (the main leader approves the plan as it stands)."""
    now = now or timezone.now()
    _require(acting_user, hazard, MANAGE_HAZARDS)
    _major_only(hazard)
    with transaction.atomic():
        plan, _created = MajorHazardPlan.objects.get_or_create(
            hazard=hazard, defaults={"enterprise_id": hazard.enterprise_id}
        )
        changed = {k: v for k, v in values.items() if k in PLAN_FIELDS and getattr(plan, k) != v}
        if "production_stopped" in changed and hazard.status != HazardStatus.REPORTED:
            raise ValidationError({"production_stopped": _("整改开始后不能再修改是否停产停业。")})
        for name, value in changed.items():
            setattr(plan, name, value)
        if changed and plan.approved_at is not None and set(changed) & set(plan.SECTION_FIELDS):
            plan.approved_by, plan.approved_at = None, None
            changed["approved_at"] = None
        plan.save()
        write_event(
            hazard=hazard,
            action=EventAction.MAJOR_PLAN,
            actor=acting_user,
            data={"plan": {k: str(v) for k, v in changed.items()}},
            now=now,
        )
    return plan


def approve_major_plan(*, hazard: Hazard, acting_user: Any, now: dt.datetime | None = None) -> None:
    """The main leader (or the deputy in charge) approves the complete plan."""
    now = now or timezone.now()
    _require(acting_user, hazard, MANAGE_HAZARDS)
    _major_only(hazard)
    if actor_for(acting_user).role not in MAJOR_PLAN_APPROVERS:
        raise ValidationError(_("重大事故隐患治理方案须由主要负责人或分管负责人批准。"))
    plan = MajorHazardPlan.objects.filter(hazard=hazard).first()
    if plan is None or not plan.plan_complete:
        raise ValidationError(_("重大事故隐患治理方案六项内容未填写完整。"))
    with transaction.atomic():
        MajorHazardPlan.objects.filter(pk=plan.pk).update(
            approved_by=acting_user, approved_at=now, updated_at=now
        )
        write_event(
            hazard=hazard,
            action=EventAction.MAJOR_PLAN,
            actor=acting_user,
            note=_("批准治理方案"),
            data={"approved": True},
            now=now,
        )


def report_to_regulator(
    *, hazard: Hazard, acting_user: Any, now: dt.datetime | None = None
) -> RegulatorReport:
    """Report the 重大 hazard to the district regulator (a snapshot of the hazard and its
    plan that the regulator's side reads and signs for)."""
    now = now or timezone.now()
    _require(acting_user, hazard, MANAGE_HAZARDS)
    _major_only(hazard)
    plan = MajorHazardPlan.objects.filter(hazard=hazard).first()
    if plan is None or not (plan.current_state.strip() and plan.harm_analysis.strip()):
        raise ValidationError(_("报告前请填写隐患现状及其产生原因、危害程度和整改难易程度分析。"))
    with transaction.atomic():
        return _send_regulator_report(hazard, acting_user, RegulatorReportKind.MAJOR_REPORT, now)


def _send_regulator_report(
    hazard: Hazard, user: Any, kind: str, now: dt.datetime
) -> RegulatorReport:
    plan = MajorHazardPlan.objects.filter(hazard=hazard).first()
    content: dict[str, Any] = {
        "number": hazard.number,
        "name": hazard.name,
        "description": hazard.description,
        "location": hazard.location,
        "status": hazard.status,
        "deadline": hazard.deadline.isoformat() if hazard.deadline else None,
        "interim_measures": hazard.interim_measures,
    }
    if plan is not None:
        content["plan"] = {name: str(getattr(plan, name)) for name in PLAN_FIELDS}
        content["evaluation_conclusion"] = plan.evaluation_conclusion
        content["resumption_text"] = plan.resumption_text
    report = RegulatorReport.objects.create(
        enterprise_id=hazard.enterprise_id,
        hazard=hazard,
        kind=kind,
        content=content,
        submitted_by=user,
        submitted_at=now,
    )
    write_event(
        hazard=hazard,
        action=EventAction.REGULATOR_REPORT,
        actor=user,
        note=str(RegulatorReportKind(kind).label),
        data={"kind": kind, "report": report.pk},
        now=now,
    )
    return report


def record_evaluation(
    *,
    hazard: Hazard,
    acting_user: Any,
    by: str,
    org: str,
    conclusion: str,
    now: dt.datetime | None = None,
) -> None:
    """The evaluation of the treatment's result (own experts or an evaluation body)."""
    from dualprev.hazards.choices import EvaluationBy

    now = now or timezone.now()
    _require(acting_user, hazard, MANAGE_HAZARDS)
    _major_only(hazard)
    if by not in EvaluationBy.values or not conclusion.strip() or not org.strip():
        raise ValidationError(_("请选择评估方式并填写评估机构（专家）和评估结论。"))
    with transaction.atomic():
        plan, _created = MajorHazardPlan.objects.get_or_create(
            hazard=hazard, defaults={"enterprise_id": hazard.enterprise_id}
        )
        MajorHazardPlan.objects.filter(pk=plan.pk).update(
            evaluation_by=by,
            evaluation_org=org.strip()[:128],
            evaluation_conclusion=conclusion.strip(),
            evaluated_at=now,
            updated_at=now,
        )
        write_event(
            hazard=hazard,
            action=EventAction.EVALUATION,
            actor=acting_user,
            note=conclusion.strip(),
            data={"by": by, "org": org.strip()[:128]},
            now=now,
        )


def apply_resumption(
    *, hazard: Hazard, acting_user: Any, text: str, now: dt.datetime | None = None
) -> RegulatorReport:
    """The written 复产申请 after an evaluated treatment, sent to the regulator."""
    now = now or timezone.now()
    _require(acting_user, hazard, MANAGE_HAZARDS)
    _major_only(hazard)
    plan = MajorHazardPlan.objects.filter(hazard=hazard).first()
    if plan is None or not plan.evaluated:
        raise ValidationError(_("复产申请须在治理效果评估之后提出。"))
    if not text.strip():
        raise ValidationError({"text": _("请填写复产申请内容。")})
    with transaction.atomic():
        MajorHazardPlan.objects.filter(pk=plan.pk).update(
            resumption_text=text.strip(), resumption_applied_at=now, updated_at=now
        )
        write_event(
            hazard=hazard,
            action=EventAction.RESUMPTION,
            actor=acting_user,
            note=text.strip(),
            data={},
            now=now,
        )
        return _send_regulator_report(hazard, acting_user, RegulatorReportKind.RESUMPTION, now)


def acknowledge_report(
    *, report: RegulatorReport, acting_user: Any, note: str = "", now: dt.datetime | None = None
) -> None:
    """The regulator signs for a report (district supervisor or street staff of the
    enterprise's jurisdiction); recorded on the hazard's timeline."""
    now = now or timezone.now()
    actor = actor_for(acting_user)
    visible = RegulatorReport.objects.visible_to(acting_user, SUPERVISE).filter(pk=report.pk)
    if not actor.is_regulator or not visible.exists():
        raise PermissionDenied
    with transaction.atomic():
        done = RegulatorReport.objects.filter(pk=report.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=acting_user,
            acknowledged_at=now,
            regulator_note=note.strip(),
            updated_at=now,
        )
        if done != 1:
            raise TransitionError(_("该报告已签收。"))
        write_event(
            hazard=report.hazard,
            action=EventAction.REGULATOR_ACK,
            actor=acting_user,
            note=note.strip(),
            data={"report": report.pk, "kind": report.kind},
            now=now,
        )


# --------------------------------------------------------------------------------------------


def _notify_acceptors(hazard: Hazard) -> None:
    """Tell those who may accept the fix (company-level roles for a 重大 hazard), never the
    rectifier or the liable person."""
    from dualprev.accounts.models import Membership
    from dualprev.accounts.roles import ENTERPRISE_ACTIONS

    roles = (
        list(MAJOR_HAZARD_ACCEPTORS)
        if hazard.is_major
        else [role for role, acts in ENTERPRISE_ACTIONS.items() if ACCEPT_HAZARDS in acts]
    )
    excluded = {hazard.rectified_by_id, hazard.liable_person_id}
    people = [
        m.user
        for m in Membership.objects.filter(
            enterprise_id=hazard.enterprise_id, is_active=True, role__in=roles
        ).select_related("user")
        if m.user_id not in excluded
    ]
    _notify(
        hazard,
        people,
        "pending_accept",
        _("隐患整改待验收：%(number)s %(name)s") % {"number": hazard.number, "name": hazard.name},
    )


def _grading_snapshot(hazard: Hazard) -> dict[str, Any]:
    return {
        "level": hazard.level,
        "manage_type": hazard.manage_type,
        "danger_type": hazard.danger_type,
        "source": hazard.source,
        "liable_person_id": hazard.liable_person_id,
        "deadline": hazard.deadline.isoformat() if hazard.deadline else None,
    }


def _pk(obj: Any) -> int | None:
    return getattr(obj, "pk", None)


def _fmt(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
