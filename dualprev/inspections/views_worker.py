"""The worker's phone pages (``/checks/``): my checks today, a risk point's due checks (where
the point's QR code leads), submitting one check (plain form post or fetch, online or replayed
from the phone's offline queue), and the record, hazard-draft and photo pages.

Thin glue: what is due is read here through ``visible_to`` and ``queries``; every write is
``actions.submit_check``; photos are checked and re-encoded by ``photos`` before it is called.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dualprev.accounts.roles import CHECK
from dualprev.core.access import route
from dualprev.core.tenancy import actor_for
from dualprev.inspections import actions, photos
from dualprev.inspections.access import (
    access_draft,
    access_occurrence,
    access_photo,
    access_record,
)
from dualprev.inspections.choices import EntryMode, OccurrenceStatus
from dualprev.inspections.generation import local_tz
from dualprev.inspections.models import CheckOccurrence, CheckPhoto, CheckRecord, HazardDraft
from dualprev.inspections.queries import Walk, overlapping, person_q, walks
from dualprev.inspections.scan import is_scanned
from dualprev.reference.choices import CheckStatus, HazardCategory
from dualprev.risks.access import access_risk_object
from dualprev.risks.models import RiskObject

# The whole request may carry the photos and a little form data; anything larger is refused
# before Django parses (and spools to disk) the body.
MAX_REQUEST_BYTES = photos.MAX_PHOTOS * photos.MAX_BYTES + 1024 * 1024
RESULTS = [
    (CheckStatus.NORMAL, gettext_lazy("正常")),
    (CheckStatus.HAZARD_FOUND, gettext_lazy("存在隐患")),
    (CheckStatus.OTHER, gettext_lazy("其他")),
]

# --- What is mine today ----------------------------------------------------------------------


def _day(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    start = actions.today_start(now)
    end = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time(0), tzinfo=local_tz())
    return start, end


def my_occurrences(user: Any, now: dt.datetime, **filters: Any) -> list[CheckOccurrence]:
    """The user's occurrences whose window touches today (not cancelled), with what the pages
    show of them."""
    start, end = _day(now)
    qs: QuerySet[CheckOccurrence] = CheckOccurrence.objects.visible_to(user).filter(
        person_q(user), **filters
    )
    return list(
        overlapping(qs, start, end)
        .exclude(status=OccurrenceStatus.CANCELLED)
        .select_related(
            "risk_object",
            "measure",
            "task",
            "special_item__inspection",
            "record__hazard_draft",
        )
        .distinct()
    )


def window_label(start: dt.datetime, end: dt.datetime) -> str:
    """08:00–20:00; 全天 for a whole day; dates for windows longer than a day."""
    tz = local_tz()
    start, end = start.astimezone(tz), end.astimezone(tz)
    if end - start == dt.timedelta(days=1) and start.time() == dt.time(0):
        return _("全天")
    if end - start > dt.timedelta(days=1):
        last = end - dt.timedelta(minutes=1)
        return "{}–{}".format(
            date_format(start.date(), "MONTH_DAY_FORMAT"),
            date_format(last.date(), "MONTH_DAY_FORMAT"),
        )
    return f"{start:%H:%M}–{end:%H:%M}"


def walk_state(walk: Walk, now: dt.datetime) -> str:
    """due / later / done / missed: a walk is done when all its items are; missed when its
    window is over and something was not checked."""
    if all(item.status == OccurrenceStatus.DONE for item in walk.items):
        return "done"
    if walk.window_end <= now:
        return "missed"
    # A window about to open is already due (the phone's clock may run a little ahead).
    return "due" if walk.window_start <= now + actions.CLOCK_SKEW else "later"


@dataclass
class Section:
    key: str
    title: str
    walks: list[Walk] = field(default_factory=list)

    @property
    def items(self) -> int:
        return sum(len(w.items) for w in self.walks)


def day_sections(occurrences: list[CheckOccurrence], now: dt.datetime) -> list[Section]:
    sections = {
        "due": Section("due", _("现在要查")),
        "later": Section("later", _("今天稍后")),
        "done": Section("done", _("已完成")),
        "missed": Section("missed", _("未排查")),
    }
    for walk in walks(occurrences):
        walk.label = window_label(walk.window_start, walk.window_end)  # type: ignore[attr-defined]
        for item in walk.items:
            item.is_done = item.status == OccurrenceStatus.DONE  # type: ignore[attr-defined]
        walk.done_count = sum(item.is_done for item in walk.items)  # type: ignore[attr-defined]
        sections[walk_state(walk, now)].walks.append(walk)
    sections["due"].walks.sort(key=lambda w: (w.window_end, w.window_start))
    return list(sections.values())


def _decorate(items: list[CheckOccurrence]) -> list[CheckOccurrence]:
    for item in items:
        item.window_text = window_label(item.window_start, item.window_end)  # type: ignore[attr-defined]
        item.new_client_id = uuid.uuid4()  # type: ignore[attr-defined]
    return items


def point_groups(items: list[CheckOccurrence], now: dt.datetime) -> dict[str, list[Any]]:
    """A point's items for one person: due now, later today, done, missed."""
    groups: dict[str, list[Any]] = {"due": [], "later": [], "done": [], "missed": []}
    for item in _decorate(items):
        if item.status == OccurrenceStatus.DONE:
            groups["done"].append(item)
        elif item.status == OccurrenceStatus.MISSED or item.window_end <= now:
            groups["missed"].append(item)
        elif item.window_start <= now + actions.CLOCK_SKEW:
            groups["due"].append(item)
        else:
            groups["later"].append(item)
    groups["due"].sort(key=lambda o: (o.window_end, o.pk))
    return groups


# --- Pages -----------------------------------------------------------------------------------


@route("enterprise", action=CHECK)
@never_cache  # what is due changes with every check: never show a stale copy
def today(request: HttpRequest) -> HttpResponse:
    """我的排查: today's walks of the signed-in person, by state."""
    now = timezone.now()
    sections = day_sections(my_occurrences(request.user, now), now)
    context = {
        "sections": sections,
        "counts": {s.key: s.items for s in sections},
        "total": sum(s.items for s in sections),
        "now": now,
    }
    return render(request, "inspections/worker/today.html", context)


@route("enterprise", action=CHECK, subject=RiskObject)
@never_cache  # what is due changes with every check: never show a stale copy
def point(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A risk point's checks for the signed-in person (where the point's QR code leads)."""
    risk_object = access_risk_object(request.user, public_id, CHECK)
    now = timezone.now()
    groups = point_groups(my_occurrences(request.user, now, risk_object=risk_object), now)
    token = request.GET.get("scan", "")
    scanned = is_scanned(token, risk_object.public_id)
    context = {
        "object": risk_object,
        "groups": groups,
        "scanned": scanned,
        "scan_token": token if scanned else "",
        "results": RESULTS,
    }
    return render(request, "inspections/worker/point.html", context)


@route("enterprise", action=CHECK, subject=CheckOccurrence)
@never_cache  # what is due changes with every check: never show a stale copy
def item(request: HttpRequest, public_id: Any) -> HttpResponse:
    """One occurrence (a special inspection item without a risk point, or a link from a
    list): its form when it is the user's and due, otherwise its state."""
    occurrence = access_occurrence(request.user, public_id, CHECK)
    now = timezone.now()
    [occurrence] = _decorate([occurrence])
    token = request.GET.get("scan", "")
    point_id = occurrence.risk_object.public_id if occurrence.risk_object else None
    scanned = is_scanned(token, point_id)
    due = (
        occurrence.status == OccurrenceStatus.OPEN
        and occurrence.window_start <= now + actions.CLOCK_SKEW
        and now < occurrence.window_end
    )
    context = {
        "occurrence": occurrence,
        "mine": actions.may_check(request.user, occurrence),
        "due": due,
        "scanned": scanned,
        "scan_token": token if scanned else "",
        "results": RESULTS,
    }
    return render(request, "inspections/worker/item.html", context)


# --- Submitting a check ----------------------------------------------------------------------


BAD_LOCATION = {
    key: gettext_lazy("定位数据无效（纬度 −90～90、经度 −180～180）。")
    for key in ("invalid", "min_value", "max_value")
}


class FlagField(forms.Field):
    """A 0/1 flag from a hidden input or FormData ("1", "true" and "on" are set)."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> bool:
        return str(value or "").strip().lower() in ("1", "true", "on")


class SubmitForm(forms.Form):
    """The fields of one check submission (the photos are checked separately)."""

    client_id = forms.UUIDField(
        error_messages={
            "required": gettext_lazy("提交编号缺失，请刷新页面后重试。"),
            "invalid": gettext_lazy("提交编号无效，请刷新页面后重试。"),
        }
    )
    status = forms.TypedChoiceField(
        choices=[(str(value), label) for value, label in RESULTS],
        coerce=int,
        error_messages={
            "required": gettext_lazy("请选择排查结果：正常、存在隐患或其他。"),
            "invalid_choice": gettext_lazy("请选择排查结果：正常、存在隐患或其他。"),
        },
    )
    note = forms.CharField(required=False, max_length=2000, strip=True)
    check_time = forms.CharField(required=False)
    scanned = forms.CharField(required=False, max_length=200)  # the scan token (see scan.py)
    offline = FlagField(required=False)
    owner = forms.UUIDField(required=False)  # who queued an offline check (its account)
    latitude = forms.FloatField(
        required=False, min_value=-90, max_value=90, error_messages=BAD_LOCATION
    )
    longitude = forms.FloatField(
        required=False, min_value=-180, max_value=180, error_messages=BAD_LOCATION
    )
    accuracy = forms.FloatField(required=False, min_value=0, error_messages=BAD_LOCATION)
    device_id = forms.CharField(required=False)

    def clean_check_time(self) -> dt.datetime | None:
        value = self.cleaned_data["check_time"].strip()
        if not value:
            return None
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError(_("排查时间格式不正确。")) from exc
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=local_tz())
        return moment

    def check_input(self, photo_inputs: list[actions.PhotoInput]) -> actions.CheckInput:
        data = self.cleaned_data
        located = data["latitude"] is not None and data["longitude"] is not None
        return actions.CheckInput(
            client_id=data["client_id"],
            status=data["status"],
            note=data["note"],
            check_time=data["check_time"],
            scanned=False,  # decided by the view from the scan token
            latitude=Decimal(f"{data['latitude']:.6f}") if located else None,
            longitude=Decimal(f"{data['longitude']:.6f}") if located else None,
            location_accuracy=data["accuracy"] if located else None,
            device_id=data["device_id"][:64],
            entry_mode=EntryMode.OFFLINE if data["offline"] else EntryMode.ONLINE,
            photos=photo_inputs,
        )


def _first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("提交的内容不正确。")


def _validation_message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages) or _("提交的内容不正确。")


def parse_submission(request: HttpRequest) -> actions.CheckInput:
    """The request's check, photos checked and re-encoded (ValidationError otherwise).
    A retry of a known client id skips the photo work: the first record answers it."""
    form = SubmitForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_first_error(form))
    owner = form.cleaned_data["owner"]
    if owner is not None and owner != request.user.public_id:  # type: ignore[union-attr]
        raise ValidationError(_("这条离线记录是其他账号保存的，不能用当前账号上传。"))
    if (
        CheckRecord.objects.visible_to(request.user)
        .filter(client_id=form.cleaned_data["client_id"])
        .exists()
    ):
        return form.check_input([])
    uploads = request.FILES.getlist("photos")
    if len(uploads) > photos.MAX_PHOTOS:
        raise ValidationError(_("最多上传 %(n)d 张照片。") % {"n": photos.MAX_PHOTOS})
    checked = []
    for number, upload in enumerate(uploads, start=1):
        try:
            checked.append(photos.process_photo(upload, size=upload.size))
        except ValidationError as error:
            raise ValidationError(
                _("第 %(n)d 张照片：%(error)s") % {"n": number, "error": _validation_message(error)}
            ) from error
    return form.check_input(checked)


def too_large(request: HttpRequest) -> str:
    """A message when the request body is larger than any valid submission ("" if not).
    Checked before anything reads the body."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) <= MAX_REQUEST_BYTES:
        return ""
    return _("上传内容过大：最多 %(n)d 张照片，每张不超过 %(mb)d MB。") % {
        "n": photos.MAX_PHOTOS,
        "mb": photos.MAX_BYTES // (1024 * 1024),
    }


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _point_id(occurrence: CheckOccurrence) -> Any:
    return occurrence.risk_object.public_id if occurrence.risk_object else None


def _back(occurrence: CheckOccurrence, token: str) -> str:
    if occurrence.risk_object_id:
        url = reverse("checks:point", args=[_point_id(occurrence)])
    else:
        url = reverse("checks:item", args=[occurrence.public_id])
    if is_scanned(token, _point_id(occurrence)):
        url += "?" + urlencode({"scan": token})
    return url


def outcome_json(user: Any, outcome: actions.CheckOutcome, message: str) -> dict[str, Any]:
    record = outcome.record
    draft = HazardDraft.objects.visible_to(user).filter(record=record).first()
    return {
        "ok": True,
        "created": outcome.created,
        "counted": outcome.counted,
        "message": message,
        "record": {
            "id": str(record.public_id),
            "url": reverse("checks:record", args=[record.public_id]),
            "status": record.status,
            "status_label": str(CheckStatus(record.status).label),
            "check_time": timezone.localtime(record.check_time).isoformat(),
            "is_late": record.is_late,
            "scanned": record.scanned,
            "photos": record.photos.count(),
        },
        "draft": (
            {"id": str(draft.public_id), "url": reverse("checks:draft", args=[draft.public_id])}
            if draft
            else None
        ),
    }


def outcome_message(outcome: actions.CheckOutcome) -> str:
    record = outcome.record
    if not outcome.created:
        return _("这次排查已经提交过，没有重复记录。")
    text = _("已提交：%(status)s。") % {"status": CheckStatus(record.status).label}
    if record.is_late:
        text += _("已超过排查时限，记录保留但不计入完成率。")
    elif not outcome.counted:
        text += _("该排查此前已有记录，本记录保留但不计入完成率。")
    if record.status == CheckStatus.HAZARD_FOUND:
        text += _("已生成隐患报告草稿，隐患模块将接手处理。")
    return text


def _refuse(request: HttpRequest, status: int, message: str, back: str | None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": message}, status=status)
    if status == 404:
        raise Http404
    if status == 403:
        raise PermissionDenied
    messages.error(request, message)
    return redirect(back or reverse("checks:today"))


@route("enterprise", action=CHECK, subject=CheckOccurrence)
@require_POST
def submit(request: HttpRequest, occurrence_id: Any) -> HttpResponse:
    """Record one check: JSON for fetch (201 new, 200 a retry of a known client id; 400/403/404
    with a Chinese ``error``), a redirect back with a message for a plain form post."""
    try:
        occurrence = access_occurrence(request.user, occurrence_id, CHECK)
    except Http404:
        return _refuse(request, 404, _("没有找到这项排查。"), None)
    except PermissionDenied:
        return _refuse(request, 403, _("你没有排查权限。"), None)
    if message := too_large(request):
        return _refuse(request, 400, message, _back(occurrence, ""))
    token = request.POST.get("scanned", "")
    back = _back(occurrence, token)
    try:
        data = parse_submission(request)
        # Only a fresh signed scan of this occurrence's own point counts as scanned.
        data.scanned = is_scanned(token, _point_id(occurrence))
        outcome = actions.submit_check(occurrence=occurrence, checked_by=request.user, data=data)
    except PermissionDenied:
        return _refuse(request, 403, _("这项排查不是分配给你的，不能提交。"), back)
    except ValidationError as error:
        return _refuse(request, 400, _validation_message(error), back)
    message = outcome_message(outcome)
    if _wants_json(request):
        return JsonResponse(
            outcome_json(request.user, outcome, message), status=201 if outcome.created else 200
        )
    (messages.warning if outcome.record.is_late else messages.success)(request, message)
    return redirect(back)


# --- Records, drafts, photos -----------------------------------------------------------------


@route("member", subject=CheckRecord)
def record(request: HttpRequest, public_id: Any) -> HttpResponse:
    row = access_record(request.user, public_id)
    occurrence = row.occurrence
    row_photos = list(row.photos.all())
    context = {
        "record": row,
        "occurrence": occurrence,
        "window_text": window_label(occurrence.window_start, occurrence.window_end),
        "photos": row_photos,
        "reused": set(
            CheckPhoto.objects.visible_to(request.user)
            .filter(phash__in=[p.phash for p in row_photos])
            .exclude(record=row)
            .values_list("phash", flat=True)
        ),
        "draft": HazardDraft.objects.visible_to(request.user).filter(record=row).first(),
        "is_member": actor_for(request.user).is_enterprise,
    }
    return render(request, "inspections/worker/record.html", context)


@route("member", subject=HazardDraft)
def draft(request: HttpRequest, public_id: Any) -> HttpResponse:
    row = access_draft(request.user, public_id)
    context = {
        "draft": row,
        "record": row.record,
        "photos": list(row.record.photos.all()),
        "category": HazardCategory(row.category_code).label if row.category_code else "",
        "is_member": actor_for(request.user).is_enterprise,
    }
    return render(request, "inspections/worker/draft.html", context)


@route("member", subject=CheckPhoto)
def photo(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A check photo, only through this access-checked view (never a public media URL)."""
    row = access_photo(request.user, public_id)
    response = FileResponse(row.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{row.public_id}.jpg"'
    return cast(HttpResponse, response)  # streamed; the route decorator types HttpResponse
