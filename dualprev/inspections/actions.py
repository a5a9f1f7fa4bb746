"""Audited writes of the inspection module. Occurrence status changes only here, by guarded
conditional updates (``filter(pk=…, status__in=…).update(…)``), never by ``save()``."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from dualprev.evidence import chain
from dualprev.inspections.choices import DraftStatus, EntryMode, OccurrenceStatus
from dualprev.inspections.generation import down_periods, generate, local_tz, suppressed
from dualprev.inspections.models import (
    CheckOccurrence,
    CheckPhoto,
    CheckRecord,
    CheckTask,
    Deactivation,
    HazardDraft,
    InspectionSettings,
    SafetyCommitment,
    SpecialInspection,
    SpecialInspectionItem,
)
from dualprev.orgs.choices import IndustryGroup
from dualprev.orgs.models import Enterprise
from dualprev.reference.choices import (
    CheckCycleUnit,
    CheckStatus,
    ControlLevel,
    MeasureDataSrc,
    WorkType,
)
from dualprev.risks.models import ControlMeasure

# A phone's clock may run a little ahead of (or behind) the server's.
CLOCK_SKEW = dt.timedelta(minutes=5)
# How long a check may wait in a phone's offline queue; older ones go through 补录 (paper).
OFFLINE_MAX_AGE = dt.timedelta(hours=72)
# Namespace of the deterministic ids of system-written 未排查 records (one per occurrence).
_MISSED_NAMESPACE = uuid.UUID("6f1d3c52-6a3e-4c8e-9d36-3d2b0f0c9a11")


def inspection_settings(enterprise: Enterprise | int) -> InspectionSettings:
    """The enterprise's settings, or unsaved defaults when it has none (reading a page never
    writes; ``save_inspection_settings`` stores the row)."""
    enterprise_id = enterprise if isinstance(enterprise, int) else enterprise.pk
    row = InspectionSettings.objects.filter(enterprise_id=enterprise_id).first()
    return row or InspectionSettings(enterprise_id=enterprise_id)


def today_start(now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now or timezone.now(), local_tz())
    return dt.datetime.combine(local.date(), dt.time(0), tzinfo=local_tz())


# --------------------------------------------------------------------------------------------
# Default tasks from control measures


@dataclass(frozen=True)
class TaskDefaults:
    cycle: int
    cycle_unit: str
    work_start: dt.time | None = None
    work_end: dt.time | None = None


def defaults_for(
    measure: ControlMeasure,
    settings_row: InspectionSettings,
    *,
    is_whp: bool,
    on_major_hazard: bool,
) -> TaskDefaults:
    """The default frequency of a measure's task, from its event's control level: 岗位 each
    shift, 班组 daily, 车间 weekly, 公司 monthly (per the enterprise's settings); a 危化
    enterprise's 岗位 tasks are operator rounds every 2 h, hourly on a major hazard source."""
    return defaults_for_level(
        measure.event.control_level,
        settings_row,
        is_whp=is_whp,
        on_major_hazard=on_major_hazard,
    )


def defaults_for_level(
    control_level: str | None,
    settings_row: InspectionSettings,
    *,
    is_whp: bool,
    on_major_hazard: bool,
) -> TaskDefaults:
    """``defaults_for`` from the control level alone (an unassessed event counts as 班组)."""
    level = control_level or ControlLevel.TEAM
    if is_whp and level == ControlLevel.POST:
        hours = (
            settings_row.major_hazard_round_hours
            if on_major_hazard
            else settings_row.whp_round_hours
        )
        # Rounds go on around the clock: a 00:00–00:00 work period is 24 hours.
        return TaskDefaults(hours, CheckCycleUnit.HOUR, dt.time(0), dt.time(0))
    cycle, unit = settings_row.cycle_for(level)
    if unit == CheckCycleUnit.HOUR:
        return TaskDefaults(cycle, unit, dt.time(0), dt.time(0))
    return TaskDefaults(cycle, unit)


def _measures_needing_defaults(enterprise_ids: Iterable[int] | None) -> models.QuerySet[Any]:
    qs = ControlMeasure.objects.filter(
        data_src=MeasureDataSrc.INSPECTION,
        retired_at__isnull=True,
        event__retired_at__isnull=True,
    )
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    return qs


@transaction.atomic
def ensure_default_tasks(
    *,
    enterprise_ids: Iterable[int] | None = None,
    measures: Sequence[ControlMeasure] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Give every active 隐患排查 measure without a task its default task; keep default (never
    edited) tasks in step with their measure: the frequency its control level and the
    enterprise's settings call for, its check content, post and person; switch back on the
    default tasks the system stopped (a measure switched back to 隐患排查). The not-yet-started
    occurrences of a task whose frequency or people changed are dropped for ``generate`` to
    rebuild. Idempotent, and a few queries whatever the number of measures (the scheduled job
    runs it for every enterprise). Returns how many tasks were created or changed."""
    from dualprev.majorhazards.models import MajorHazardSource

    now = now or timezone.now()
    qs = _measures_needing_defaults(enterprise_ids)
    if measures is not None:
        qs = qs.filter(pk__in=[m.pk for m in measures])
    rows = list(
        qs.annotate(
            on_major=models.Exists(
                MajorHazardSource.objects.filter(
                    is_major=True, risk_objects=OuterRef("event__unit__risk_object_id")
                )
            )
        ).values_list(
            "pk",
            "enterprise_id",
            "event__control_level",
            "check_content",
            "description",
            "responsible_post_id",
            "event__unit__risk_object__responsible_person_id",
            "event__unit__risk_object__hazard_code",
            "enterprise__industry__group",
            "on_major",
        )
    )
    if not rows:
        return 0
    tasks: dict[int, list[tuple[Any, ...]]] = {}
    for task in CheckTask.objects.filter(measure__in=qs.values("pk")).values_list(
        "pk",
        "measure_id",
        "is_default",
        "is_active",
        "cycle",
        "cycle_unit",
        "work_start",
        "work_end",
        "content",
        "post_id",
        "assignee_id",
    ):
        tasks.setdefault(task[1], []).append(task)
    settings_rows = {
        row.enterprise_id: row
        for row in InspectionSettings.objects.filter(enterprise_id__in=qs.values("enterprise_id"))
    }
    start = today_start(now)
    new_tasks: list[CheckTask] = []
    # (task, its new frequency, content, post and person, whether it starts afresh)
    changes: list[tuple[int, tuple[Any, ...], bool]] = []
    rebuild: list[int] = []
    for (
        pk,
        enterprise_id,
        level,
        check_content,
        description,
        post_id,
        person_id,
        hazard_code,
        group,
        on_major,
    ) in rows:
        row = settings_rows.get(enterprise_id) or InspectionSettings(enterprise_id=enterprise_id)
        wanted = defaults_for_level(
            level,
            row,
            is_whp=group == IndustryGroup.WHP,
            on_major_hazard=bool(on_major or hazard_code),
        )
        content = (check_content or "").strip() or description
        assignee_id = None if post_id else person_id
        if pk not in tasks:
            new_tasks.append(
                CheckTask(
                    enterprise_id=enterprise_id,
                    measure_id=pk,
                    content=content,
                    cycle=wanted.cycle,
                    cycle_unit=wanted.cycle_unit,
                    work_start=wanted.work_start,
                    work_end=wanted.work_end,
                    task_start=start,
                    post_id=post_id,
                    assignee_id=assignee_id,
                    is_default=True,
                )
            )
            continue
        for task_id, _m, is_default, is_active, *current in tasks[pk]:
            if not is_default:
                continue
            target = (
                wanted.cycle,
                wanted.cycle_unit,
                wanted.work_start,
                wanted.work_end,
                content,
                post_id,
                assignee_id,
            )
            if tuple(current) == target and is_active:
                continue
            # A new frequency (or a task switched back on) starts afresh; the rest only needs
            # the not-yet-started occurrences rebuilt (they copy the people, not the content).
            restart = not is_active or tuple(current[:4]) != target[:4]
            changes.append((task_id, target, restart))
            if restart or tuple(current[5:]) != target[5:]:
                rebuild.append(task_id)
    CheckTask.objects.bulk_create(new_tasks, batch_size=1000)
    if changes:
        _apply_default_changes(changes, now)
    if rebuild:
        drop_future_occurrences(task_ids=rebuild, now=now)
    return len(new_tasks) + len(changes)


def _apply_default_changes(
    changes: list[tuple[int, tuple[Any, ...], bool]], now: dt.datetime
) -> None:
    """Write the new values of default tasks, grouped into a few UPDATEs. A restarted task's
    new frequency takes over when its running window ends (so today's window is neither lost
    nor duplicated), or — nothing running — now for hourly and shift tasks and at the next
    midnight for the others."""
    restarted = [task_id for task_id, _target, restart in changes if restart]
    running: dict[int, dt.datetime] = {}
    for offset in range(0, len(restarted), 1000):
        running.update(
            CheckOccurrence.objects.filter(
                task_id__in=restarted[offset : offset + 1000],
                window_start__lte=now,
                window_end__gt=now,
            )
            .values_list("task_id")
            .annotate(end=models.Max("window_end"))
            .values_list("task_id", "end")
        )
    next_midnight = today_start(now) + dt.timedelta(days=1)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for task_id, target, restart in changes:
        task_start = None
        if restart:
            task_start = running.get(task_id)
            if task_start is None:
                hourly = target[1] in (CheckCycleUnit.HOUR, CheckCycleUnit.SHIFT)
                task_start = now if hourly else next_midnight
            elif target[1] not in (CheckCycleUnit.HOUR, CheckCycleUnit.SHIFT):
                # Day-based frequencies keep midnight boundaries: the first midnight after.
                local = timezone.localtime(task_start, local_tz())
                if local.time() != dt.time(0):
                    task_start = today_start(task_start) + dt.timedelta(days=1)
        groups.setdefault((*target, task_start), []).append(task_id)
    for (
        cycle,
        unit,
        work_start,
        work_end,
        content,
        post_id,
        assignee_id,
        task_start,
    ), ids in groups.items():
        values: dict[str, Any] = {
            "cycle": cycle,
            "cycle_unit": unit,
            "work_start": work_start,
            "work_end": work_end,
            "content": content,
            "post_id": post_id,
            "assignee_id": assignee_id,
            "is_active": True,
            "updated_at": now,
        }
        if task_start is not None:
            values["task_start"] = task_start
        for offset in range(0, len(ids), 1000):
            CheckTask.objects.filter(pk__in=ids[offset : offset + 1000], is_default=True).update(
                **values
            )


@transaction.atomic
def save_inspection_settings(
    *, enterprise: Enterprise, acting_user: Any, changes: dict[str, Any]
) -> int:
    """Store an enterprise's inspection defaults and re-apply them to its default (never
    edited) tasks, whose future occurrences are then rebuilt. Returns how many tasks were
    created or changed."""
    row = inspection_settings(enterprise)
    for name, value in changes.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    changed = ensure_default_tasks(enterprise_ids=[enterprise.pk])
    transaction.on_commit(lambda: generate(enterprise_ids=[enterprise.pk]))
    return changed


def stop_retired_tasks(
    *,
    measures: Sequence[ControlMeasure] | None = None,
    enterprise_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Deactivate the tasks of retired measures (or of measures under a retired event or unit)
    and of measures no longer checked by 隐患排查 (data source switched to 自动化监控), and drop
    their not-yet-started occurrences. Returns how many tasks were stopped. A default task
    stopped here keeps ``is_default``: ``ensure_default_tasks`` switches it back on if its
    measure becomes a 隐患排查 measure again."""
    qs = CheckTask.objects.filter(is_active=True).filter(
        models.Q(measure__retired_at__isnull=False)
        | models.Q(measure__event__retired_at__isnull=False)
        | models.Q(measure__event__unit__retired_at__isnull=False)
        | ~models.Q(measure__data_src=MeasureDataSrc.INSPECTION)
    )
    if measures is not None:
        qs = qs.filter(measure__in=[m.pk for m in measures])
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    ids = list(qs.values_list("pk", flat=True))
    if ids:
        CheckTask.objects.filter(pk__in=ids).update(is_active=False, updated_at=timezone.now())
        drop_future_occurrences(task_ids=ids, now=now)
    return len(ids)


def point_has_history(*, risk_object: Any = None, risk_unit: Any = None) -> bool:
    """Whether inspection rows refer to a risk point or unit directly (special inspection
    items, occurrences, hazard drafts, 停用/检修 records): then it is retired, not deleted."""
    if risk_unit is not None:
        return Deactivation.objects.filter(risk_unit=risk_unit).exists()
    return (
        SpecialInspectionItem.objects.filter(risk_object=risk_object).exists()
        or CheckOccurrence.objects.filter(risk_object=risk_object).exists()
        or HazardDraft.objects.filter(risk_object=risk_object).exists()
    )


def measure_has_history(measure: ControlMeasure) -> bool:
    """Whether inspection history refers to ``measure``: check records of its occurrences,
    special inspection items or hazard drafts (then it can only be retired, never deleted)."""
    return (
        CheckRecord.objects.filter(occurrence__measure=measure).exists()
        or CheckRecord.objects.filter(occurrence__task__measure=measure).exists()
        or SpecialInspectionItem.objects.filter(measure=measure).exists()
        or HazardDraft.objects.filter(measure=measure).exists()
    )


@transaction.atomic
def delete_plans_of(*, measure: ControlMeasure) -> None:
    """Delete the check tasks and never-checked occurrences of a measure without history
    (before the measure itself is deleted)."""
    CheckOccurrence.objects.filter(
        models.Q(measure=measure) | models.Q(task__measure=measure)
    ).delete()
    CheckTask.objects.filter(measure=measure).delete()


def drop_future_occurrences(*, task_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Delete open occurrences of ``task_ids`` that have not started yet (plans, not evidence:
    no record refers to them), so that generation rebuilds them from the changed task.
    Returns how many were deleted."""
    now = now or timezone.now()
    ids = list(task_ids)
    deleted = 0
    for offset in range(0, len(ids), 1000):
        count, _detail = (
            CheckOccurrence.objects.filter(
                task_id__in=ids[offset : offset + 1000],
                status=OccurrenceStatus.OPEN,
                window_start__gt=now,
                record__isnull=True,
            )
            .exclude(models.Exists(CheckRecord.objects.filter(occurrence=OuterRef("pk"))))
            .delete()
        )
        deleted += count
    return deleted


@transaction.atomic
def save_task(*, task: CheckTask, acting_user: Any, regenerate: bool = True) -> CheckTask:
    """Save an edited or new task (already validated by its form). An edited task stops
    following its control level; its not-yet-started occurrences are rebuilt."""
    task.full_clean()
    task.is_default = False
    task.save()
    now = timezone.now()
    drop_future_occurrences(task_ids=[task.pk], now=now)
    # The check that is running now stays (someone may be doing it), but goes to whoever the
    # task now names, so that it shows on the right person's list.
    CheckOccurrence.objects.filter(
        task_id=task.pk, status=OccurrenceStatus.OPEN, window_end__gt=now
    ).update(
        post_id=task.post_id,
        assignee_id=task.assignee_id,
        is_defend=task.work_type != WorkType.ROUTINE,
        source_code=task.inspection_type,
        updated_at=now,
    )
    refit_running_occurrences(task_ids=[task.pk], now=now)
    if regenerate and task.is_active:
        transaction.on_commit(lambda: generate(enterprise_ids=[task.enterprise_id]))
    return task


def refit_running_occurrences(*, task_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Give running, not yet checked occurrences the end their task's (changed) schedule now
    gives the window that starts at the same moment. Without this the running window — say
    today's daily check of a task just made weekly — holds the unique key (task, window_start)
    and the new, longer window is never generated: no check until the next period. Windows
    the new schedule does not have are left alone (someone may be doing them). Returns how
    many were changed."""
    from dualprev.inspections.generation import annotated_tasks, build_rows, task_queryset

    now = now or timezone.now()
    running = list(
        CheckOccurrence.objects.filter(
            task_id__in=list(task_ids),
            status=OccurrenceStatus.OPEN,
            record__isnull=True,
            window_start__lte=now,
            window_end__gt=now,
        ).values_list("pk", "task_id", "window_start", "window_end")
    )
    # Few distinct start moments (midnight, shift and hour starts): one pass per moment.
    by_start: dict[dt.datetime, dict[int, tuple[int, dt.datetime]]] = {}
    for pk, task_id, start, end in running:
        by_start.setdefault(start, {})[task_id] = (pk, end)
    changed = 0
    for start, occurrences in by_start.items():
        tasks = annotated_tasks(task_queryset().filter(pk__in=list(occurrences)))
        for row in build_rows(tasks, start, start + dt.timedelta(seconds=1)):
            pk, end = occurrences.get(row.task_id, (0, row.window_end))  # type: ignore[arg-type]
            if row.window_start == start and row.window_end != end:
                changed += CheckOccurrence.objects.filter(
                    pk=pk, status=OccurrenceStatus.OPEN, record__isnull=True
                ).update(window_end=row.window_end, updated_at=now)
    return changed


@transaction.atomic
def set_task_active(*, task: CheckTask, active: bool, acting_user: Any) -> None:
    CheckTask.objects.filter(pk=task.pk).update(
        is_active=active, is_default=False, updated_at=timezone.now()
    )
    if not active:
        drop_future_occurrences(task_ids=[task.pk])
    else:
        transaction.on_commit(lambda: generate(enterprise_ids=[task.enterprise_id]))


# --------------------------------------------------------------------------------------------
# Doing checks


@dataclass
class PhotoInput:
    """A checked, re-encoded photo ready to store (see ``inspections.photos``)."""

    data: bytes
    sha256: str
    phash: str
    width: int
    height: int
    name: str = "photo.jpg"


@dataclass
class CheckInput:
    client_id: uuid.UUID
    status: int
    note: str = ""
    check_time: dt.datetime | None = None
    scanned: bool = False
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    location_accuracy: float | None = None
    device_id: str = ""
    entry_mode: str = EntryMode.ONLINE
    photos: list[PhotoInput] = field(default_factory=list)


@dataclass(frozen=True)
class CheckOutcome:
    record: CheckRecord
    created: bool  # False: the client id was already known (a retry or replay)
    counted: bool  # the record decided its occurrence (False: someone else's came first)


def may_check(user: Any, occurrence: CheckOccurrence) -> bool:
    """Whether ``user`` may record an occurrence: one of the people it is for (its assignee, a
    holder of its post, a member of its special inspection, or — for an occurrence assigned to
    nobody — the risk object's responsible person), or someone who manages inspections in the
    enterprise (a safety officer standing in for an absent worker; the record names who
    checked)."""
    from dualprev.accounts.models import Membership
    from dualprev.core.tenancy import actor_for

    membership = Membership.objects.filter(user_id=user.pk, is_active=True).first()
    if membership is None or membership.enterprise_id != occurrence.enterprise_id:
        return False
    if actor_for(user).can("manage_inspections"):
        return True
    if occurrence.assignee_id == user.pk:
        return True
    if occurrence.post_id and membership.posts.filter(pk=occurrence.post_id).exists():
        return True
    if occurrence.special_item is not None:
        inspection = occurrence.special_item.inspection
        return inspection.leader_id == user.pk or inspection.members.filter(pk=user.pk).exists()
    if occurrence.assignee_id is None and occurrence.post_id is None and occurrence.risk_object:
        return occurrence.risk_object.responsible_person_id == user.pk
    return False


def submit_check(
    *,
    occurrence: CheckOccurrence,
    checked_by: Any,
    data: CheckInput,
    entered_by: Any | None = None,
    now: dt.datetime | None = None,
) -> CheckOutcome:
    """Record one check. Idempotent on ``data.client_id``: a retry or an offline replay of the
    same submission returns the first record and writes nothing.

    ``entered_by`` is set for a paper result typed in later (补录, entry mode backfill) by
    someone who may manage inspections; otherwise ``checked_by`` must be one of the
    occurrence's people. A check made after its window is kept as evidence (``is_late``) but
    does not count; a check made in time that arrives after the window closed as 未排查
    (offline) turns the occurrence to done.
    """
    now = now or timezone.now()
    existing = CheckRecord.objects.filter(client_id=data.client_id).first()
    if existing is not None:
        return _replayed(existing, occurrence, checked_by)
    _validate_check(occurrence, checked_by, data, entered_by, now)
    check_time = effective_check_time(data, backfill=entered_by is not None, now=now)
    is_late = check_time >= occurrence.window_end
    stored: list[tuple[Any, str]] = []  # files written, removed again if the insert fails
    try:
        with transaction.atomic():
            record = CheckRecord.objects.create(
                enterprise_id=occurrence.enterprise_id,
                occurrence=occurrence,
                client_id=data.client_id,
                status=data.status,
                note=data.note.strip(),
                checked_by=checked_by,
                check_time=check_time,
                entry_mode=EntryMode.BACKFILL if entered_by is not None else data.entry_mode,
                entered_by=entered_by,
                scanned=data.scanned,
                is_defend=occurrence.is_defend,
                is_late=is_late,
                latitude=data.latitude,
                longitude=data.longitude,
                location_accuracy=data.location_accuracy,
                device_id=data.device_id[:64],
            )
            for photo in data.photos:
                _store_photo(record, photo, stored)
            counted = False
            removed: list[chain.Item] = []
            if not is_late:
                counted = bool(
                    CheckOccurrence.objects.filter(
                        pk=occurrence.pk,
                        status__in=[OccurrenceStatus.OPEN, OccurrenceStatus.MISSED],
                    ).update(status=OccurrenceStatus.DONE, record=record, updated_at=now)
                )
                if counted:
                    # A check made in time that arrived after the window closed: the system's
                    # 未排查 placeholder no longer describes what happened. Its removal is
                    # chained (with its content), so verification knows it was lawful.
                    placeholders = CheckRecord.objects.filter(
                        occurrence=occurrence, entry_mode=EntryMode.SYSTEM
                    )
                    removed = chain.voids(placeholders)
                    placeholders.delete()
            if data.status == CheckStatus.HAZARD_FOUND:
                _start_hazard_draft(record, occurrence, checked_by)
            # Last in the transaction: locks the enterprise's chain head until commit.
            chain.append([record, *removed])
    except BaseException as exc:
        for storage, name in stored:
            storage.delete(name)
        if not isinstance(exc, IntegrityError):
            raise
        # Two deliveries of the same submission raced; the other one won.
        existing = CheckRecord.objects.filter(client_id=data.client_id).first()
        if existing is None:
            raise
        return _replayed(existing, occurrence, checked_by)
    return CheckOutcome(record=record, created=True, counted=counted)


def _replayed(existing: CheckRecord, occurrence: CheckOccurrence, checked_by: Any) -> CheckOutcome:
    if existing.occurrence_id != occurrence.pk or existing.checked_by_id != getattr(
        checked_by, "pk", None
    ):
        raise ValidationError(_("提交编号已被另一条排查记录使用，请刷新页面后重新提交。"))
    counted = CheckOccurrence.objects.filter(pk=occurrence.pk, record_id=existing.pk).exists()
    return CheckOutcome(record=existing, created=False, counted=counted)


def _validate_check(
    occurrence: CheckOccurrence,
    checked_by: Any,
    data: CheckInput,
    entered_by: Any | None,
    now: dt.datetime,
) -> None:
    from dualprev.core.tenancy import actor_for

    if entered_by is not None:
        actor = actor_for(entered_by)
        if actor.enterprise_id != occurrence.enterprise_id or not actor.can("manage_inspections"):
            raise PermissionDenied
        if actor_for(checked_by).enterprise_id != occurrence.enterprise_id:
            raise ValidationError({"checked_by": _("排查人必须是本企业人员。")})
    elif not may_check(checked_by, occurrence):
        raise PermissionDenied
    if occurrence.status == OccurrenceStatus.CANCELLED:
        raise ValidationError(_("该排查已取消（装置停用、检修或任务变更），无需排查。"))
    if data.status not in (CheckStatus.NORMAL, CheckStatus.HAZARD_FOUND, CheckStatus.OTHER):
        raise ValidationError({"status": _("请选择排查结果：正常、存在隐患或其他。")})
    if data.status in (CheckStatus.OTHER, CheckStatus.HAZARD_FOUND) and not data.note.strip():
        raise ValidationError({"note": _("结果为“存在隐患”或“其他”时必须填写说明。")})
    check_time = effective_check_time(data, backfill=entered_by is not None, now=now)
    if check_time > now + CLOCK_SKEW:
        raise ValidationError({"check_time": _("排查时间不能晚于当前时间。")})
    if (
        data.entry_mode == EntryMode.OFFLINE
        and entered_by is None
        and (check_time < now - OFFLINE_MAX_AGE)
    ):
        raise ValidationError(
            {
                "check_time": _("离线保存超过 %(hours)d 小时的排查不能再上传，请按纸质记录补录。")
                % {"hours": OFFLINE_MAX_AGE // dt.timedelta(hours=1)}
            }
        )
    if check_time < occurrence.window_start - CLOCK_SKEW:
        raise ValidationError(
            {
                "check_time": _("排查时间早于该排查的开始时间（%(start)s）。")
                % {"start": f"{timezone.localtime(occurrence.window_start):%Y-%m-%d %H:%M}"}
            }
        )


def effective_check_time(data: CheckInput, *, backfill: bool, now: dt.datetime) -> dt.datetime:
    """When the check happened. An online submission happened now: the phone's clock is
    trusted only within ``CLOCK_SKEW`` (a wrong or forged clock cannot back-date a check);
    an offline replay and a paper back-entry keep their own time (validated elsewhere)."""
    if data.check_time is None:
        return now
    if backfill or data.entry_mode == EntryMode.OFFLINE:
        return data.check_time
    if abs(data.check_time - now) <= CLOCK_SKEW:
        return data.check_time
    return now


def _store_photo(record: CheckRecord, photo: PhotoInput, stored: list[tuple[Any, str]]) -> None:
    from django.core.files.base import ContentFile

    row = CheckPhoto(
        enterprise_id=record.enterprise_id,
        record=record,
        sha256=photo.sha256,
        phash=photo.phash,
        width=photo.width,
        height=photo.height,
        size_bytes=len(photo.data),
    )
    row.image.save(f"{photo.sha256[:16]}.jpg", ContentFile(photo.data), save=False)
    stored.append((row.image.storage, row.image.name))
    row.save()


def _start_hazard_draft(record: CheckRecord, occurrence: CheckOccurrence, user: Any) -> None:
    category = 0
    if occurrence.task is not None and occurrence.task.work_type != WorkType.ROUTINE:
        category = occurrence.task.work_type
    HazardDraft.objects.create(
        enterprise_id=record.enterprise_id,
        record=record,
        occurrence=occurrence,
        measure_id=occurrence.measure_id,
        risk_object_id=occurrence.risk_object_id,
        source_code=occurrence.source_code,
        category_code=category,
        description=record.note or occurrence.content,
        reported_by=user,
        status=DraftStatus.DRAFT,
    )


# --------------------------------------------------------------------------------------------
# Closing windows nobody checked


def missed_client_id(occurrence_id: int) -> uuid.UUID:
    return uuid.uuid5(_MISSED_NAMESPACE, f"missed-{occurrence_id}")


def close_missed(*, now: dt.datetime | None = None, batch: int = 2000) -> int:
    """Close every open occurrence whose window has ended as 未排查, writing its status-2
    record. Idempotent and safe to run concurrently: the status flip is guarded, and the
    record's id is derived from the occurrence (a second writer's insert is ignored)."""
    now = now or timezone.now()
    closed = 0
    while True:
        ids = list(
            CheckOccurrence.objects.filter(
                status=OccurrenceStatus.OPEN, window_end__lte=now
            ).values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return closed
        with transaction.atomic():
            closed += CheckOccurrence.objects.filter(
                pk__in=ids, status=OccurrenceStatus.OPEN
            ).update(status=OccurrenceStatus.MISSED, updated_at=now)
            rows = [
                CheckRecord(
                    enterprise_id=enterprise_id,
                    occurrence_id=pk,
                    client_id=missed_client_id(pk),
                    status=CheckStatus.NOT_CHECKED,
                    check_time=window_end,
                    entry_mode=EntryMode.SYSTEM,
                    is_defend=is_defend,
                )
                for pk, enterprise_id, window_end, is_defend in CheckOccurrence.objects.filter(
                    pk__in=ids, status=OccurrenceStatus.MISSED, record__isnull=True
                ).values_list("pk", "enterprise_id", "window_end", "is_defend")
            ]
            CheckRecord.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
            CheckOccurrence.objects.filter(
                pk__in=ids, status=OccurrenceStatus.MISSED, record__isnull=True
            ).update(
                record=Subquery(
                    CheckRecord.objects.filter(
                        occurrence=OuterRef("pk"), status=CheckStatus.NOT_CHECKED
                    ).values("pk")[:1]
                )
            )
            if rows:
                # The inserts ignored conflicts, so chain what is stored: a concurrent closer's
                # rows are already chained by it (``append`` skips them).
                chain.append(
                    CheckRecord.objects.filter(
                        occurrence_id__in=[row.occurrence_id for row in rows],
                        entry_mode=EntryMode.SYSTEM,
                    ).order_by("pk")
                )


# --------------------------------------------------------------------------------------------
# 停用/检修


@transaction.atomic
def record_deactivation(*, deactivation: Deactivation, acting_user: Any) -> int:
    """Save a 停用/检修 record and cancel the unit's open occurrences it suppresses (by the rule
    of ``generation.suppressed``: a window of a day or less that the period touches, a longer
    one the unit's down periods cover entirely). Returns how many were cancelled."""
    deactivation.recorded_by = acting_user
    deactivation.full_clean()
    deactivation.save()
    return _cancel_for(deactivation)


def _cancel_for(deactivation: Deactivation) -> int:
    # Open windows, and windows already closed as 未排查 by the system (a 停用/检修 recorded
    # after the fact): nobody could check a stopped unit, so neither counts against anyone.
    qs = CheckOccurrence.objects.filter(
        enterprise_id=deactivation.enterprise_id,
        task__measure__event__unit_id=deactivation.risk_unit_id,
        window_end__gt=deactivation.start,
    ).filter(
        models.Q(status=OccurrenceStatus.OPEN)
        | models.Q(status=OccurrenceStatus.MISSED, record__entry_mode=EntryMode.SYSTEM)
    )
    if deactivation.end is not None:
        qs = qs.filter(window_start__lt=deactivation.end)
    candidates = list(qs.values_list("pk", "window_start", "window_end"))
    if not candidates:
        return 0
    down = down_periods(
        [deactivation.enterprise_id],
        min(row[1] for row in candidates),
        max(row[2] for row in candidates),
    ).get(deactivation.risk_unit_id, [])
    ids = [pk for pk, start, end in candidates if suppressed(down, start, end)]
    cancelled = 0
    removed: list[chain.Item] = []
    for offset in range(0, len(ids), 1000):
        batch = ids[offset : offset + 1000]
        cancelled += CheckOccurrence.objects.filter(
            pk__in=batch, status=OccurrenceStatus.OPEN
        ).update(status=OccurrenceStatus.CANCELLED, updated_at=timezone.now())
        missed = CheckOccurrence.objects.filter(
            pk__in=batch, status=OccurrenceStatus.MISSED, record__entry_mode=EntryMode.SYSTEM
        )
        missed_ids = list(missed.values_list("pk", flat=True))
        if missed_ids:
            cancelled += CheckOccurrence.objects.filter(
                pk__in=missed_ids, status=OccurrenceStatus.MISSED
            ).update(status=OccurrenceStatus.CANCELLED, record=None, updated_at=timezone.now())
            placeholders = CheckRecord.objects.filter(
                occurrence_id__in=missed_ids, entry_mode=EntryMode.SYSTEM
            )
            removed += chain.voids(placeholders)
            placeholders.delete()
    # The withdrawn 未排查 placeholders' removal is chained, with their content.
    chain.append(removed)
    return cancelled


@transaction.atomic
def end_deactivation(
    *, deactivation: Deactivation, end: dt.datetime, acting_user: Any
) -> Deactivation:
    """Set (or move) the end of a 停用/检修 period. Cancelled windows the unit's down periods
    no longer suppress and that have not ended yet come back (they are deleted and generated
    again); a later end cancels the open windows it now suppresses."""
    if end <= deactivation.start:
        raise ValidationError({"end": _("结束时间必须晚于开始时间。")})
    Deactivation.objects.filter(pk=deactivation.pk).update(end=end, updated_at=timezone.now())
    deactivation.end = end
    # A later end than before also covers more open windows.
    _cancel_for(deactivation)
    cancelled = list(
        CheckOccurrence.objects.filter(
            enterprise_id=deactivation.enterprise_id,
            task__measure__event__unit_id=deactivation.risk_unit_id,
            status=OccurrenceStatus.CANCELLED,
            window_end__gt=max(end, timezone.now()),
            record__isnull=True,
        ).values_list("pk", "window_start", "window_end")
    )
    if cancelled:
        down = down_periods(
            [deactivation.enterprise_id],
            min(row[1] for row in cancelled),
            max(row[2] for row in cancelled),
        ).get(deactivation.risk_unit_id, [])
        back = [pk for pk, start, finish in cancelled if not suppressed(down, start, finish)]
        for offset in range(0, len(back), 1000):
            CheckOccurrence.objects.filter(pk__in=back[offset : offset + 1000]).exclude(
                models.Exists(CheckRecord.objects.filter(occurrence=OuterRef("pk")))
            ).delete()
    transaction.on_commit(lambda: generate(enterprise_ids=[deactivation.enterprise_id]))
    return deactivation


# --------------------------------------------------------------------------------------------
# Special inspections


def _special_window(inspection: SpecialInspection) -> tuple[dt.datetime, dt.datetime]:
    tz = local_tz()
    start = dt.datetime.combine(inspection.start_date, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(inspection.end_date + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start, end


@transaction.atomic
def add_special_items(
    *, inspection: SpecialInspection, items: Sequence[SpecialInspectionItem], acting_user: Any
) -> int:
    """Add checklist items to a special inspection; each gets its occurrence spanning the
    plan's dates, for the plan's leader and members. Returns how many were added."""
    start, end = _special_window(inspection)
    base = inspection.items.count()
    for offset, item in enumerate(items):
        item.enterprise_id = inspection.enterprise_id
        item.inspection = inspection
        item.sort_order = base + offset
        if item.measure is not None and item.risk_object_id is None:
            item.risk_object_id = item.measure.event.unit.risk_object_id
        item.save()
        CheckOccurrence.objects.create(
            enterprise_id=inspection.enterprise_id,
            special_item=item,
            measure_id=item.measure_id,
            risk_object_id=item.risk_object_id,
            window_start=start,
            window_end=end,
            source_code=inspection.inspection_type,
        )
    return len(items)


@transaction.atomic
def reschedule_special(*, inspection: SpecialInspection, acting_user: Any) -> None:
    """After the plan's dates change: move its still-open occurrences to the new range."""
    start, end = _special_window(inspection)
    CheckOccurrence.objects.filter(
        special_item__inspection=inspection, status=OccurrenceStatus.OPEN
    ).update(
        window_start=start,
        window_end=end,
        source_code=inspection.inspection_type,
        updated_at=timezone.now(),
    )


@transaction.atomic
def save_special_inspection(
    *, inspection: SpecialInspection, members: Iterable[Any], acting_user: Any
) -> SpecialInspection:
    """Create or edit a special inspection plan with its people; when its dates or type
    change, its still-open occurrences follow (``reschedule_special``)."""
    before = (
        SpecialInspection.objects.filter(pk=inspection.pk)
        .values_list("start_date", "end_date", "inspection_type")
        .first()
        if inspection.pk
        else None
    )
    if inspection.pk is None:
        inspection.created_by = acting_user
    inspection.full_clean()
    inspection.save()
    inspection.members.set(list(members))
    after = (inspection.start_date, inspection.end_date, inspection.inspection_type)
    if before is not None and tuple(before) != after:
        reschedule_special(inspection=inspection, acting_user=acting_user)
    return inspection


# --------------------------------------------------------------------------------------------
# Daily commitment (安全风险研判与承诺)


def commitment_required(enterprise: Enterprise) -> bool:
    """Enterprises with a major hazard source file a commitment every day."""
    from dualprev.majorhazards.models import MajorHazardSource

    return bool(
        enterprise.has_major_hazard_source
        or MajorHazardSource.objects.filter(enterprise=enterprise, is_major=True).exists()
    )


@transaction.atomic
def file_commitment(
    *, commitment: SafetyCommitment, acting_user: Any, now: dt.datetime | None = None
) -> SafetyCommitment:
    """File (or, the same day, correct) an enterprise's commitment for ``commitment.date``;
    only today's commitment can be filed or corrected."""
    now = now or timezone.now()
    today = timezone.localtime(now, local_tz()).date()
    if commitment.date != today:
        raise ValidationError({"date": _("只能提交当天的承诺。")})
    commitment.committed_by = acting_user
    # A same-day correction keeps the first filing time (whether it was on time); the
    # row's updated_at says when it was last corrected.
    if commitment.pk is None or commitment.committed_at is None:
        commitment.committed_at = now
    commitment.full_clean(validate_unique=False)
    commitment.save()
    return commitment


def commitment_status(enterprise: Enterprise, now: dt.datetime | None = None) -> dict[str, Any]:
    """Today's commitment state: required, filed (the row), overdue (past the deadline and
    not filed) and the deadline."""
    now = timezone.localtime(now or timezone.now(), local_tz())
    row = inspection_settings(enterprise)
    required = commitment_required(enterprise)
    filed = SafetyCommitment.objects.filter(enterprise=enterprise, date=now.date()).first()
    return {
        "required": required,
        "filed": filed,
        "deadline": row.commitment_deadline,
        "overdue": required and filed is None and now.time() >= row.commitment_deadline,
    }


def missing_commitment_days(
    enterprise: Enterprise, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> list[dt.date]:
    """Days in [start, end] (up to today, today only after its deadline) with no commitment."""
    now = timezone.localtime(now or timezone.now(), local_tz())
    deadline = inspection_settings(enterprise).commitment_deadline
    last = min(end, now.date() if now.time() >= deadline else now.date() - dt.timedelta(days=1))
    filed = set(
        SafetyCommitment.objects.filter(
            enterprise=enterprise, date__gte=start, date__lte=last
        ).values_list("date", flat=True)
    )
    days = []
    day = start
    while day <= last:
        if day not in filed:
            days.append(day)
        day += dt.timedelta(days=1)
    return days
