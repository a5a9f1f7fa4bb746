"""Forms of the oversight pages: the period and day pickers, the 未排查 filters, and 补录
(back-entry of paper check results), one small form per occurrence row."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualprev.accounts.models import User
from dualprev.inspections import reports
from dualprev.inspections.actions import CheckInput, submit_check
from dualprev.inspections.choices import EntryMode, OccurrenceStatus
from dualprev.inspections.generation import local_tz
from dualprev.inspections.models import CheckOccurrence, CheckRecord
from dualprev.inspections.reports import Period, Scope, add_years, people_in_scope, window_label
from dualprev.orgs.models import OrgUnit, Post
from dualprev.reference.choices import CheckStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """A period of whole days; empty means this month. At most one year long."""

    start = forms.DateField(label=gettext_lazy("开始日期"), required=False, widget=DATE)
    end = forms.DateField(label=gettext_lazy("结束日期"), required=False, widget=DATE)

    def __init__(self, data: Any = None) -> None:
        default = Period.this_month()
        if data is not None:
            # A missing date means this month's, and the inputs show it.
            data = data.copy()
            for key, value in (("start", default.start), ("end", default.end)):
                if not data.get(key):
                    data[key] = value.isoformat()
        super().__init__(data, initial={"start": default.start, "end": default.end})
        self.default = default

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start = data.get("start") or self.default.start
        end = data.get("end") or self.default.end
        if "start" in self.errors or "end" in self.errors:
            return data
        if start > end:
            raise ValidationError(_("开始日期不能晚于结束日期。"))
        if end >= add_years(start, 1):
            raise ValidationError(_("统计期间最长为一年，请缩短日期范围。"))
        data["start"], data["end"] = start, end
        return data

    def period(self) -> Period:
        """The chosen period, or this month when the dates are missing or invalid (an error
        in another field of a subclass keeps the period)."""
        if not self.is_bound:
            return self.default
        self.is_valid()
        if self.non_field_errors() or "start" in self.errors or "end" in self.errors:
            return self.default
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])


class MissedFilterForm(PeriodForm):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("部门/班组"),
        queryset=OrgUnit.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=gettext_lazy("全部"),
    )
    post = forms.ModelChoiceField(
        label=gettext_lazy("岗位"),
        queryset=Post.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=gettext_lazy("全部"),
    )

    def __init__(self, data: Any, *, user: Any, scope: Scope) -> None:
        super().__init__(data)
        units = scope.units(OrgUnit.objects.visible_to(user))
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["post"].queryset = scope.posts(  # type: ignore[attr-defined]
            Post.objects.visible_to(user).select_related("org_unit")
        ).order_by("org_unit__sort_order", "org_unit__name", "name")
        if scope.is_self:
            del self.fields["unit"]

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is left out, never widened to another tenant)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {key: self.cleaned_data.get(key) for key in ("unit", "post") if key in self.fields}


class DayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("日期"), required=False, widget=DATE)

    def day(self) -> dt.date:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("date"):
            return self.cleaned_data["date"]
        return timezone.localdate()


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class BackfillSelectForm(forms.Form):
    """Which paper sheet is being typed in: a post or a person, and the day."""

    post = forms.ModelChoiceField(
        label=gettext_lazy("岗位"),
        queryset=Post.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=gettext_lazy("（选择岗位）"),
    )
    person = UserChoiceField(
        label=gettext_lazy("或人员"),
        queryset=User.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=gettext_lazy("（选择人员）"),
    )
    date = forms.DateField(label=gettext_lazy("日期"), widget=DATE)

    def __init__(self, data: Any, *, user: Any, scope: Scope) -> None:
        super().__init__(data)
        self.fields["post"].queryset = scope.posts(  # type: ignore[attr-defined]
            Post.objects.visible_to(user).filter(is_active=True).select_related("org_unit")
        ).order_by("org_unit__sort_order", "org_unit__name", "name")
        people = people_in_scope(user, scope).values("user_id")
        self.fields["person"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=people
        ).order_by("name", "username")
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and not data.get("post") and not data.get("person"):
            raise ValidationError(_("请选择岗位或人员。"))
        if data.get("post") and data.get("person"):
            raise ValidationError(_("岗位和人员只能选择一个。"))
        return data


RESULT_CHOICES = [
    ("", gettext_lazy("不补录")),
    (str(CheckStatus.NORMAL.value), CheckStatus.NORMAL.label),
    (str(CheckStatus.HAZARD_FOUND.value), CheckStatus.HAZARD_FOUND.label),
    (str(CheckStatus.OTHER.value), CheckStatus.OTHER.label),
]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class BackfillRowForm(forms.Form):
    """One occurrence of the paper sheet: its result, who checked, when, and a note.

    ``client_id`` is made when the page is rendered and travels with the form, so submitting
    the same page twice (a double click, a resent POST) finds the first record instead of
    writing a second one."""

    occurrence = forms.UUIDField(widget=forms.HiddenInput)
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=gettext_lazy("排查结果"),
        choices=RESULT_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    checked_by = forms.UUIDField(label=gettext_lazy("排查人"), required=False)
    check_time = forms.DateTimeField(
        label=gettext_lazy("实际排查时间"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=500)

    def __init__(
        self,
        data: Any,
        *,
        occurrence: CheckOccurrence,
        people: Sequence[User],
        prefix: str,
        default_person: User | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        initial = {
            "occurrence": occurrence.public_id,
            "client_id": uuid.uuid4(),
            "checked_by": default_person.public_id if default_person else None,
        }
        super().__init__(data, prefix=prefix, initial=initial)
        self.item = occurrence
        self.people = {person.public_id: person for person in people}
        self.now = now or timezone.now()
        self.window = window_label(occurrence.window_start, occurrence.window_end)
        self.replayed: CheckRecord | None = None
        self.saved: CheckRecord | None = None
        self.fields["checked_by"].widget = forms.Select(
            choices=[
                ("", _("（选择排查人）")),
                *[(str(p.public_id), p.display_name) for p in people],
            ]
        )

    @property
    def is_chosen(self) -> bool:
        return bool(self.cleaned_data.get("status")) if hasattr(self, "cleaned_data") else False

    def clean_occurrence(self) -> uuid.UUID:
        value = self.cleaned_data["occurrence"]
        if value != self.item.public_id:
            raise ValidationError(_("排查编号不匹配，请刷新页面后重新填写。"))
        return value

    def clean_checked_by(self) -> User | None:
        value = self.cleaned_data.get("checked_by")
        if value is None:
            return None
        person = self.people.get(value)
        if person is None:
            raise ValidationError(_("排查人必须是本企业在职人员。"))
        return person

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("status") or self.errors:
            return data
        self.replayed = CheckRecord.objects.filter(client_id=data["client_id"]).first()
        if self.replayed is not None:
            return data  # already saved by an earlier submission of this page
        occurrence = self.item
        if occurrence.status == OccurrenceStatus.CANCELLED:
            raise ValidationError(_("该排查已取消，无需补录。"))
        if occurrence.status == OccurrenceStatus.DONE:
            raise ValidationError(_("该排查已完成，无需补录。"))
        if data.get("checked_by") is None:
            self.add_error("checked_by", _("请选择实际排查人。"))
        when = data.get("check_time")
        if when is None:
            self.add_error("check_time", _("请填写实际排查时间。"))
        else:
            self._check_time(when)
        status = int(data["status"])
        if status in (CheckStatus.HAZARD_FOUND, CheckStatus.OTHER) and not data.get("note"):
            self.add_error("note", _("结果为“存在隐患”或“其他”时必须填写说明。"))
        return data

    def _check_time(self, when: dt.datetime) -> None:
        tz = local_tz()
        start = timezone.localtime(self.item.window_start, tz)
        end = timezone.localtime(self.item.window_end, tz)
        if when > self.now:
            self.add_error("check_time", _("排查时间不能晚于当前时间。"))
        elif when < start:
            self.add_error(
                "check_time",
                _("排查时间早于该排查的开始时间（%(start)s）。")
                % {"start": f"{start:%Y-%m-%d %H:%M}"},
            )
        elif when >= end:
            self.add_error(
                "check_time",
                _("排查时间晚于该排查的截止时间（%(end)s）：超时的检查不计入完成率，不能按时补录。")
                % {"end": f"{end:%Y-%m-%d %H:%M}"},
            )


def save_backfill(rows: Sequence[BackfillRowForm], *, entered_by: Any) -> tuple[int, int]:
    """Submit every chosen row as a 补录 record (entry mode backfill, ``entered_by`` set, the
    real check time kept). Rows are independent: a row the action rejects gets the error and
    the others are still saved; a row saved before (same client id) is not written again.
    Returns (records written, rows already saved)."""
    written = replayed = 0
    for row in rows:
        if not row.is_chosen:
            continue
        data = row.cleaned_data
        person = data["checked_by"] if row.replayed is None else row.replayed.checked_by
        try:
            outcome = submit_check(
                occurrence=row.item,
                checked_by=person,
                entered_by=entered_by,
                data=CheckInput(
                    client_id=data["client_id"],
                    status=int(data["status"]),
                    note=data.get("note") or "",
                    check_time=data.get("check_time"),
                    entry_mode=EntryMode.BACKFILL,
                ),
            )
        except ValidationError as exc:
            row.add_error(None, exc.messages)
            continue
        except PermissionDenied:
            row.add_error(None, _("您无权为该排查补录。"))
            continue
        row.saved = outcome.record
        if outcome.created:
            written += 1
        else:
            replayed += 1
    return written, replayed


def backfill_rows(
    user: Any,
    scope: Scope,
    data: Any,
    *,
    day: dt.date,
    post: Post | None,
    person: User | None,
    people: Sequence[User],
) -> list[BackfillRowForm]:
    """One form per occurrence: on GET the day's open and 未排查 occurrences of the post or
    person; on POST exactly the occurrences the page was rendered with (their ids travel in
    ``rows``), so a row that became done meanwhile is still answered, not silently dropped."""
    if data is not None:
        occurrences = reports.occurrences_by_ids(user, scope, data.getlist("rows"))
    else:
        occurrences = list(reports.backfill_occurrences(user, scope, day, post=post, person=person))
    default = person if person is not None else (reports.first_holder(post) if post else None)
    return [
        BackfillRowForm(
            data,
            occurrence=occurrence,
            people=people,
            prefix=f"o-{occurrence.public_id}",
            default_person=default,
        )
        for occurrence in occurrences
    ]
