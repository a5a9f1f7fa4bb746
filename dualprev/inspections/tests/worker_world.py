"""Set-up for the worker's check pages: a day in enterprise A, seen from the worker.

Tuesday 1 December 2026 (Asia/Shanghai); the clock starts at 07:00 (``EARLY``), when the
tasks are created and generated, and the tests look at 10:30 (``NOW``).

- P1 "A储罐区" (the cast's point): the cast's daily task for post A操作工岗 (the worker's
  post) plus two more daily tasks for that post → one walk of three items, all day; a daily
  task assigned to the team leader (not the worker's); the cast's special inspection item
  (the worker checked it 存在隐患; a 7-day window, done).
- P2 "A装卸站" (new): rounds every 2 hours, 08:00–18:00, for the worker's post → five
  walks: 08–10 (missed at 10:30), 10–12 (due), 12–14, 14–16, 16–18 (later).
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from dualprev.core.testing import Cast
from dualprev.inspections.actions import close_missed
from dualprev.inspections.generation import generate
from dualprev.inspections.models import CheckOccurrence, CheckTask
from dualprev.orgs.models import Post
from dualprev.reference.choices import CheckCycleUnit
from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject, RiskUnit

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 12, 1)
EARLY = dt.datetime(2026, 12, 1, 7, 0, tzinfo=TZ)
NOW = dt.datetime(2026, 12, 1, 10, 30, tzinfo=TZ)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def add_point(cast: Cast, name: str) -> tuple[RiskObject, RiskEvent]:
    a = cast.a
    point = RiskObject.objects.create(
        enterprise=a.enterprise,
        name=name,
        object_type="place",
        responsible_unit=a.department,
        location="厂区东侧",
    )
    unit = RiskUnit.objects.create(enterprise=a.enterprise, risk_object=point, name=f"{name}单元")
    event = RiskEvent.objects.create(enterprise=a.enterprise, unit=unit, name=f"{name}泄漏")
    return point, event


def add_measure(event: RiskEvent, text: str, post: Post | None = None) -> ControlMeasure:
    return ControlMeasure.objects.create(
        enterprise=event.enterprise,
        event=event,
        description=text,
        category="engineering",
        data_src=2,
        check_content=f"检查{text}",
        responsible_post=post,
    )


def add_task(
    measure: ControlMeasure,
    *,
    post: Post | None = None,
    assignee: Any = None,
    cycle: int = 1,
    unit: str = CheckCycleUnit.DAY,
    work: tuple[dt.time, dt.time] | None = None,
    work_type: int = 0,
    task_num: int | None = None,
    start: dt.datetime | None = None,
) -> CheckTask:
    return CheckTask.objects.create(
        enterprise_id=measure.enterprise_id,
        measure=measure,
        content=measure.check_content or measure.description,
        cycle=cycle,
        cycle_unit=unit,
        task_start=start or at(0),
        work_start=work[0] if work else None,
        work_end=work[1] if work else None,
        work_type=work_type,
        task_num=task_num,
        post=post,
        assignee=assignee,
        is_default=False,
    )


@dataclass
class WorkerDay:
    cast: Cast
    p1: RiskObject
    p2: RiskObject
    tasks: dict[str, CheckTask] = field(default_factory=dict)

    def occ(self, task: str, hour: int = 0) -> CheckOccurrence:
        """The occurrence of ``task`` today whose window starts at ``hour``."""
        return CheckOccurrence.objects.get(task=self.tasks[task], window_start=at(hour))


def build_day(cast: Cast, time_machine: Any, *, tick: bool = False) -> WorkerDay:
    """The day described in the module docstring; leaves the clock at ``NOW`` (stopped,
    unless ``tick``)."""
    a = cast.a
    p1 = a.risks["object"]
    event1 = a.risks["event"]
    p2, event2 = add_point(cast, "A装卸站")
    tasks = {
        "cast": a.risks["check_task"],
        "p1_valve": add_task(add_measure(event1, "罐根阀完好", a.post), post=a.post),
        "p1_sprinkler": add_task(add_measure(event1, "喷淋系统完好", a.post), post=a.post),
        "p1_leader": add_task(add_measure(event1, "围堰完好"), assignee=cast.team_leader),
        "p2_round": add_task(
            add_measure(event2, "装卸臂无泄漏", a.post),
            post=a.post,
            cycle=2,
            unit=CheckCycleUnit.HOUR,
            work=(dt.time(8), dt.time(18)),
        ),
    }
    generate(enterprise_ids=[a.enterprise.pk], start=at(0), until=at(0, day=DAY.replace(day=3)))
    time_machine.move_to(NOW, tick=tick)
    close_missed()
    return WorkerDay(cast=cast, p1=p1, p2=p2, tasks=tasks)


def jpeg_bytes(
    width: int = 640,
    height: int = 480,
    *,
    orientation: int | None = None,
    secret: str | None = None,
    quality: int = 90,
) -> bytes:
    """A JPEG with a recognisable picture (a red disc left of centre, a blue bar on top), and
    optionally an EXIF orientation and a description that must not survive."""
    from PIL import ImageDraw

    image = Image.new("RGB", (width, height), "#dfe6ee")
    draw = ImageDraw.Draw(image)
    draw.ellipse((width // 8, height // 4, width // 2, height * 3 // 4), fill="#c0392b")
    draw.rectangle((0, 0, width, height // 8), fill="#1e6fd9")
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if secret:
        exif[0x010E] = secret  # ImageDescription
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif)
    return out.getvalue()


def image_bytes(fmt: str, width: int = 400, height: int = 300, mode: str = "RGB") -> bytes:
    colour: Any = (30, 111, 217, 128) if mode == "RGBA" else "#1e6fd9"
    image = Image.new(mode, (width, height), colour)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()
