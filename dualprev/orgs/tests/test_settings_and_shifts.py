"""Enterprise settings (org level set, emergency phone) and shifts (班次)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from dualprev.core.testing import Cast
from dualprev.orgs import actions
from dualprev.orgs.models import OrgUnit, Shift, shifts_by_unit, shifts_for

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _settings(**overrides: object) -> dict[str, object]:
    return {
        "org_levels": ["company", "department", "workshop", "team"],
        "emergency_phone": "0371-12345678",
        **overrides,
    }


# --- Level set and emergency phone ------------------------------------------------------------


def test_a_manager_saves_the_level_set_and_emergency_phone(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:settings"), _settings(org_levels=["team", "company", "department"])
    )

    cast.a.enterprise.refresh_from_db()
    assert response.status_code == 302
    # Stored top-down in the vocabulary's order, whatever order the browser sent.
    assert cast.a.enterprise.org_levels == ["company", "department", "team"]
    assert cast.a.enterprise.emergency_phone == "0371-12345678"


def test_a_level_still_used_by_a_unit_cannot_be_dropped(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:settings"), _settings(org_levels=["company", "department", "workshop"])
    )

    assert response.context["form"].errors["org_levels"] == [
        "以下层级仍有组织单元在使用，不能移除：班组。"
    ]
    cast.a.enterprise.refresh_from_db()
    assert cast.a.enterprise.org_levels == ["company", "department", "workshop", "team"]


def test_a_level_order_that_breaks_existing_units_is_refused_by_the_model(cast: Cast) -> None:
    enterprise = cast.a.enterprise
    with pytest.raises(ValidationError) as info:
        actions.update_enterprise_settings(
            enterprise=enterprise, org_levels=["company", "team", "department"], emergency_phone=""
        )

    assert "新的层级顺序与现有组织单元的上下级关系冲突。" in info.value.messages
    enterprise.refresh_from_db()
    assert enterprise.org_levels == ["company", "department", "workshop", "team"]


def test_the_top_unit_must_stay_on_the_first_level(cast: Cast) -> None:
    enterprise = cast.a.enterprise
    OrgUnit.objects.filter(pk=cast.a.company.pk).update(level="division")
    enterprise.org_levels = ["division", "department", "workshop", "team"]
    enterprise.save()

    with pytest.raises(ValidationError) as info:
        actions.update_enterprise_settings(
            enterprise=enterprise,
            org_levels=["company", "division", "department", "workshop", "team"],
            emergency_phone="",
        )

    assert "顶层组织单元“甲化工有限公司”的层级必须是第一个层级。" in info.value.messages


def test_an_emergency_phone_must_look_like_a_phone_number(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:settings"), _settings(emergency_phone="call us")
    )

    assert "emergency_phone" in response.context["form"].errors


def test_workers_and_regulators_cannot_open_settings(cast: Cast) -> None:
    assert _client(cast.worker).get(reverse("orgs:settings")).status_code == 403
    assert _client(cast.district_regulator).get(reverse("orgs:settings")).status_code == 403


# --- Shifts: the model ------------------------------------------------------------------------


def test_a_shift_ending_before_it_starts_crosses_midnight(cast: Cast) -> None:
    night = Shift(enterprise=cast.a.enterprise, name="夜班", start=dt.time(20), end=dt.time(8))
    tz = zoneinfo.ZoneInfo("Asia/Shanghai")

    assert night.crosses_midnight
    assert night.duration == dt.timedelta(hours=12)
    assert night.time_range_label == "20:00–次日08:00"
    start, end = night.window_on(dt.date(2026, 3, 1), tz)
    assert (start, end) == (
        dt.datetime(2026, 3, 1, 20, tzinfo=tz),
        dt.datetime(2026, 3, 2, 8, tzinfo=tz),
    )
    assert cast.a.shift.time_range_label == "08:00–20:00"


def test_shifts_for_uses_the_nearest_override_else_the_enterprise_default(cast: Cast) -> None:
    a = cast.a
    default = a.shift  # 白班, enterprise-wide
    dept_day = Shift.objects.create(
        enterprise=a.enterprise,
        name="白班",
        start=dt.time(7),
        end=dt.time(19),
        org_unit=a.department,
    )
    dept_night = Shift.objects.create(
        enterprise=a.enterprise,
        name="夜班",
        start=dt.time(19),
        end=dt.time(7),
        org_unit=a.department,
    )

    assert shifts_for(a.company, enterprise=a.enterprise) == [default]
    assert shifts_for(None, enterprise=a.enterprise) == [default]
    assert shifts_for(a.department, enterprise=a.enterprise) == [dept_day, dept_night]
    assert shifts_for(a.team, enterprise=a.enterprise) == [dept_day, dept_night]  # inherited

    team_shift = Shift.objects.create(
        enterprise=a.enterprise, name="常白班", start=dt.time(8), end=dt.time(17), org_unit=a.team
    )
    assert shifts_for(a.team, enterprise=a.enterprise) == [team_shift]


def test_shifts_by_unit_agrees_with_shifts_for_on_every_unit(cast: Cast) -> None:
    a = cast.a
    Shift.objects.create(
        enterprise=a.enterprise,
        name="夜班",
        start=dt.time(19),
        end=dt.time(7),
        org_unit=a.department,
    )
    units = list(OrgUnit.objects.filter(enterprise=a.enterprise))

    together = shifts_by_unit(units, enterprise=a.enterprise)

    for unit in units:
        assert together[unit.pk] == shifts_for(unit, enterprise=a.enterprise), unit.name


def test_shifts_of_another_enterprise_never_apply(cast: Cast) -> None:
    assert shifts_for(cast.a.team, enterprise=cast.a.enterprise) == [cast.a.shift]
    assert cast.b.shift not in shifts_for(cast.a.team, enterprise=cast.a.enterprise)


# --- Shifts: the pages ------------------------------------------------------------------------


def _shift(**overrides: object) -> dict[str, object]:
    return {"name": "夜班", "start": "20:00", "end": "08:00", "org_unit": "", **overrides}


def test_a_manager_adds_a_night_shift_shown_as_next_day(cast: Cast) -> None:
    client = _client(cast.safety_officer)

    response = client.post(reverse("orgs:shift_create"), _shift())
    page = client.get(reverse("orgs:settings")).content.decode()

    night = Shift.objects.get(enterprise=cast.a.enterprise, name="夜班")
    assert response.status_code == 302
    assert (night.start, night.end, night.org_unit) == (dt.time(20), dt.time(8), None)
    assert "20:00–次日08:00" in page


def test_a_shift_cannot_start_and_end_at_the_same_time(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:shift_create"), _shift(start="08:00", end="08:00")
    )

    assert response.context["form"].errors["end"] == ["班次开始和结束时间不能相同。"]
    assert not Shift.objects.filter(name="夜班").exists()


def test_two_shifts_of_the_same_scope_cannot_share_a_name(cast: Cast) -> None:
    client = _client(cast.safety_officer)

    default_clash = client.post(
        reverse("orgs:shift_create"), _shift(name="白班", start="09:00", end="18:00")
    )
    client.post(reverse("orgs:shift_create"), _shift(name="白班", org_unit=cast.a.team.pk))
    unit_clash = client.post(
        reverse("orgs:shift_create"), _shift(name="白班", org_unit=cast.a.team.pk)
    )

    assert "全企业默认班次中已有同名班次。" in str(default_clash.context["form"].errors)
    assert "该组织单元的班次中已有同名班次。" in str(unit_clash.context["form"].errors)
    # The same name in another scope is fine: the team overrides the default.
    assert Shift.objects.filter(enterprise=cast.a.enterprise, name="白班").count() == 2


def test_a_shift_for_another_enterprises_unit_is_refused(cast: Cast) -> None:
    response = _client(cast.safety_officer).post(
        reverse("orgs:shift_create"), _shift(org_unit=cast.b.team.pk)
    )

    assert "org_unit" in response.context["form"].errors
    assert not Shift.objects.filter(name="夜班").exists()


def test_the_settings_page_shows_which_shifts_apply_to_each_unit(cast: Cast) -> None:
    own = Shift.objects.create(
        enterprise=cast.a.enterprise,
        name="夜班",
        start=dt.time(19),
        end=dt.time(7),
        org_unit=cast.a.department,
    )

    rows = _client(cast.safety_officer).get(reverse("orgs:settings")).context["unit_rows"]

    by_name = {row["node"].unit.name: row for row in rows}
    assert by_name["甲化工有限公司"]["shifts"] == [cast.a.shift]
    assert by_name["甲化工有限公司"]["source"] is None
    assert by_name["A生产部"]["shifts"] == [own]
    assert by_name["A生产部"]["source"] == cast.a.department
    assert by_name["A甲班组"]["shifts"] == [own]
    assert by_name["A甲班组"]["source"] == cast.a.department


def test_a_manager_edits_and_deletes_a_shift(cast: Cast) -> None:
    client = _client(cast.safety_officer)
    shift = cast.a.shift

    client.post(
        reverse("orgs:shift_edit", args=[shift.public_id]),
        _shift(name="长白班", start="08:30", end="17:30"),
    )
    shift.refresh_from_db()
    assert (shift.name, shift.start, shift.end) == ("长白班", dt.time(8, 30), dt.time(17, 30))

    assert client.get(reverse("orgs:shift_delete", args=[shift.public_id])).status_code == 405
    client.post(reverse("orgs:shift_delete", args=[shift.public_id]))
    assert not Shift.objects.filter(pk=shift.pk).exists()


def test_another_enterprises_shift_is_404(cast: Cast) -> None:
    client = _client(cast.outsider)
    url = reverse("orgs:shift_delete", args=[cast.a.shift.public_id])

    assert client.post(url).status_code == 404
    assert Shift.objects.filter(pk=cast.a.shift.pk).exists()
