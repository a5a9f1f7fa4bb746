"""Inspection test data for the persona cast: each enterprise's measure gets its default check
task and today's occurrence; enterprise A also has a special inspection whose item the worker
checked as 存在隐患 (a record and a hazard draft), a finished 停用/检修 record and today's
commitment."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

from django.utils import timezone

from dualprev.inspections.actions import (
    CheckInput,
    add_special_items,
    ensure_default_tasks,
    file_commitment,
    submit_check,
    today_start,
)
from dualprev.inspections.generation import generate
from dualprev.inspections.models import (
    CheckOccurrence,
    CheckPhoto,
    CheckRecord,
    CheckTask,
    Deactivation,
    HazardDraft,
    SafetyCommitment,
    SpecialInspection,
    SpecialInspectionItem,
)
from dualprev.inspections.photos import process_photo
from dualprev.reference.choices import CheckStatus, DangerSrc


def sample_jpeg(width: int = 160, height: int = 120, colour: str = "#8a9bb0") -> bytes:
    """A small generated JPEG (a "photo" with a shape on it, so its dhash is not flat)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), colour)
    ImageDraw.Draw(image).ellipse(
        (width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill="#c0392b"
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def extend_cast(cast: Any) -> None:
    for world in (cast.a, cast.b, cast.c):
        enterprise_ids = [world.enterprise.pk]
        ensure_default_tasks(enterprise_ids=enterprise_ids)
        generate(enterprise_ids=enterprise_ids)
        task = CheckTask.objects.get(measure=world.risks["measure"])
        world.risks["check_task"] = task
        world.risks["occurrence"] = task.occurrences.order_by("window_start").first()
    a = cast.a
    start = timezone.localdate()
    special = SpecialInspection.objects.create(
        enterprise=a.enterprise,
        name="冬季专项排查",
        inspection_type=DangerSrc.SEASONAL,
        start_date=start,
        end_date=start + dt.timedelta(days=6),
        leader=cast.safety_officer,
        created_by=cast.safety_officer,
    )
    special.members.add(cast.worker)
    add_special_items(
        inspection=special,
        items=[SpecialInspectionItem(content="检查储罐区防冻保温", measure=a.risks["measure"])],
        acting_user=cast.safety_officer,
    )
    occurrence = CheckOccurrence.objects.get(special_item__inspection=special)
    outcome = submit_check(
        occurrence=occurrence,
        checked_by=cast.worker,
        data=CheckInput(
            client_id=uuid.uuid4(),
            status=CheckStatus.HAZARD_FOUND,
            note="保温层破损",
            photos=[process_photo(io.BytesIO(sample_jpeg()))],
        ),
    )
    a.risks["special_inspection"] = special
    a.risks["special_occurrence"] = occurrence
    a.risks["check_record"] = outcome.record
    a.risks["check_photo"] = outcome.record.photos.get()
    a.risks["hazard_draft"] = HazardDraft.objects.get(record=outcome.record)
    a.risks["deactivation"] = Deactivation.objects.create(
        enterprise=a.enterprise,
        risk_unit=a.risks["unit"],
        kind="maintenance",
        start=today_start() - dt.timedelta(days=10),
        end=today_start() - dt.timedelta(days=8),
        reason="年度检修",
        recorded_by=cast.safety_officer,
    )
    a.risks["commitment"] = file_commitment(
        commitment=SafetyCommitment(
            enterprise=a.enterprise,
            date=timezone.localdate(),
            units_running=2,
            commitment="今日风险研判完成，各项安全措施落实到位。",
            leader_name="Aowner",
        ),
        acting_user=cast.owner,
    )


MATRIX_SUBJECTS = {
    CheckTask: lambda cast: cast.a.risks["check_task"],
    CheckOccurrence: lambda cast: cast.a.risks["occurrence"],
    CheckRecord: lambda cast: cast.a.risks["check_record"],
    CheckPhoto: lambda cast: cast.a.risks["check_photo"],
    HazardDraft: lambda cast: cast.a.risks["hazard_draft"],
    SpecialInspection: lambda cast: cast.a.risks["special_inspection"],
    Deactivation: lambda cast: cast.a.risks["deactivation"],
    SafetyCommitment: lambda cast: cast.a.risks["commitment"],
}
