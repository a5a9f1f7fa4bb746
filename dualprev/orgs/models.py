"""Regions, industries, enterprises (the tenants), their org structure, shifts and regulators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualprev.core.models import PublicIdModel, ScopedQuerySet, TenantModel, TimeStampedModel
from dualprev.orgs.choices import (
    DEFAULT_ORG_LEVELS,
    AgencyTier,
    BenchmarkLevel,
    ConstructionStatus,
    IndustryGroup,
    OrgLevel,
    RegionLevel,
)
from dualprev.orgs.validators import validate_credit_code, validate_whp_company_code


def default_org_levels() -> list[str]:
    return list(DEFAULT_ORG_LEVELS)


class Region(models.Model):
    """An administrative division. ``path`` is the chain of codes from the root ("410000/410100/")
    so that a jurisdiction subtree is one indexed prefix match."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else ""
        return f"{prefix}{self.code}/"

    def full_name(self) -> str:
        names = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


class Industry(models.Model):
    """An industry (行业) an enterprise belongs to, grouped as in the Henan 2018 plan."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    group = models.CharField(_("行业大类"), max_length=32, choices=IndustryGroup.choices)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("行业")
        verbose_name_plural = _("行业")

    def __str__(self) -> str:
        return f"{self.get_group_display()} / {self.name}"


class Enterprise(TimeStampedModel, PublicIdModel):
    """A 生产经营单位: the tenant. Every enterprise-owned row points here."""

    tenant_path = ""

    name = models.CharField(_("企业名称"), max_length=128)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, verbose_name=_("行业"))
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        verbose_name=_("所在街道/乡镇"),
        help_text=_("企业所在的街道或乡镇（或区县）。"),
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    is_above_scale = models.BooleanField(_("规模以上企业"), default=False)
    has_major_hazard_source = models.BooleanField(_("有重大危险源"), default=False)
    whp_company_code = models.CharField(
        _("危化品登记企业编码"),
        max_length=9,
        blank=True,
        validators=[validate_whp_company_code],
        help_text=_("危险化学品登记信息管理系统的9位企业编码（可选）。"),
    )
    benchmark_level = models.CharField(
        _("标杆等级"), max_length=16, choices=BenchmarkLevel.choices, default=BenchmarkLevel.NONE
    )
    benchmark_date = models.DateField(_("标杆认定日期"), null=True, blank=True)
    construction_status = models.CharField(
        _("双重预防建设状态"),
        max_length=16,
        choices=ConstructionStatus.choices,
        default=ConstructionStatus.NOT_STARTED,
    )
    org_levels = models.JSONField(
        _("组织层级"),
        default=default_org_levels,
        help_text=_("本企业使用的组织层级，自上而下。"),
    )
    emergency_phone = models.CharField(_("应急电话"), max_length=32, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(benchmark_level="none") | models.Q(benchmark_date__isnull=True),
                name="enterprise_benchmark_date_only_with_level",
                violation_error_message=_("未认定标杆的企业不应填写标杆认定日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
        levels = self.org_levels or []
        valid = set(OrgLevel.values)
        if (
            not levels
            or any(level not in valid for level in levels)
            or len(set(levels)) != len(levels)
        ):
            raise ValidationError({"org_levels": _("组织层级必须是不重复的已知层级。")})
        if self.pk:
            self._check_levels_fit_units(levels)
        if self.benchmark_level != BenchmarkLevel.NONE and not self.benchmark_date:
            raise ValidationError({"benchmark_date": _("标杆企业需填写认定日期。")})
        if self.benchmark_level == BenchmarkLevel.NONE:
            self.benchmark_date = None

    def _check_levels_fit_units(self, levels: list[str]) -> None:
        """The level set must keep every existing unit valid: its level present, the root on
        the top level, every child below its parent."""
        labels = dict(OrgLevel.choices)
        rows = list(
            OrgUnit.objects.filter(enterprise_id=self.pk).values_list(
                "name", "level", "parent__level"
            )
        )
        missing = sorted({level for _name, level, _p in rows if level not in levels}, key=str)
        if missing:
            raise ValidationError(
                {
                    "org_levels": _("以下层级仍有组织单元在使用，不能移除：%(levels)s。")
                    % {"levels": str(_("、")).join(str(labels.get(m, m)) for m in missing)}
                }
            )
        for name, level, parent_level in rows:
            if parent_level is None and levels.index(level) != 0:
                raise ValidationError(
                    {
                        "org_levels": _("顶层组织单元“%(name)s”的层级必须是第一个层级。")
                        % {"name": name}
                    }
                )
            if parent_level is not None and levels.index(level) <= levels.index(parent_level):
                raise ValidationError(
                    {"org_levels": _("新的层级顺序与现有组织单元的上下级关系冲突。")}
                )

    @property
    def district(self) -> Region:
        node = self.region
        while node.level == RegionLevel.STREET and node.parent is not None:
            node = node.parent
        return node

    def org_level_labels(self) -> list[tuple[str, str]]:
        labels = dict(OrgLevel.choices)
        return [(code, str(labels[code])) for code in self.org_levels if code in labels]


class OrgUnit(TenantModel):
    """A node of an enterprise's organisation tree (公司/部门/车间/班组 ...).

    Invariants: the parent belongs to the same enterprise; the level is one of the enterprise's
    levels and lies below the parent's level; an enterprise has one root unit."""

    name = models.CharField(_("名称"), max_length=64)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )
    level = models.CharField(_("层级"), max_length=16, choices=OrgLevel.choices)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("组织单元")
        verbose_name_plural = _("组织单元")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "parent", "name"],
                name="orgunit_unique_name_under_parent",
                violation_error_message=_("同一上级下已有同名组织单元。"),
            ),
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(parent__isnull=True),
                name="orgunit_single_root",
                violation_error_message=_("每个企业只能有一个顶层组织单元。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        enterprise = self.enterprise
        levels: list[str] = list(enterprise.org_levels)
        if self.level not in levels:
            raise ValidationError({"level": _("该层级不在本企业的组织层级设置中。")})
        if self.parent_id:
            parent = self.parent
            assert parent is not None
            if parent.enterprise_id != self.enterprise_id:
                raise ValidationError({"parent": _("上级必须属于同一企业。")})
            if parent.level in levels and levels.index(self.level) <= levels.index(parent.level):
                raise ValidationError({"level": _("下级的层级必须低于上级。")})
            node: OrgUnit | None = parent
            while node is not None:
                if self.pk and node.pk == self.pk:
                    raise ValidationError({"parent": _("不能把组织单元放到自己的下级之下。")})
                node = node.parent
        elif levels.index(self.level) != 0:
            raise ValidationError({"parent": _("非顶层组织单元必须有上级。")})
        if self.pk:
            # Re-levelling a unit must keep every child strictly below it.
            mine = levels.index(self.level)
            child_levels = OrgUnit.objects.filter(parent_id=self.pk).values_list("level", flat=True)
            if any(level in levels and levels.index(level) <= mine for level in child_levels):
                raise ValidationError(
                    {"level": _("已有下级单元的层级不低于该层级，请先调整下级。")}
                )

    def ancestors(self) -> list[OrgUnit]:
        chain: list[OrgUnit] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class Post(TenantModel):
    """A 岗位: a leaf of the org tree that people hold; control measures are assigned to posts."""

    name = models.CharField(_("岗位名称"), max_length=64)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="posts", verbose_name=_("所属组织单元")
    )
    description = models.TextField(_("岗位职责"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["org_unit__sort_order", "name"]
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "name"],
                name="post_unique_name_in_unit",
                violation_error_message=_("该组织单元下已有同名岗位。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.org_unit_id and self.org_unit.enterprise_id != self.enterprise_id:
            raise ValidationError({"org_unit": _("组织单元必须属于同一企业。")})


class Shift(TenantModel):
    """A 班次. Without an org unit it is the enterprise default; with one it overrides the
    enterprise default for that unit and its descendants. ``end <= start`` means it crosses
    midnight."""

    name = models.CharField(_("班次名称"), max_length=32)
    start = models.TimeField(_("开始时间"))
    end = models.TimeField(_("结束时间"))
    org_unit = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shifts",
        verbose_name=_("适用组织单元"),
        help_text=_("留空表示全企业默认班次。"),
    )

    class Meta:
        ordering = ["start"]
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(start=models.F("end")),
                name="shift_start_differs_from_end",
                violation_error_message=_("班次开始和结束时间不能相同。"),
            ),
            # Two constraints because NULL org_unit values never collide in a unique index.
            models.UniqueConstraint(
                fields=["enterprise", "name"],
                condition=models.Q(org_unit__isnull=True),
                name="shift_unique_default_name",
                violation_error_message=_("全企业默认班次中已有同名班次。"),
            ),
            models.UniqueConstraint(
                fields=["org_unit", "name"],
                condition=models.Q(org_unit__isnull=False),
                name="shift_unique_name_in_unit",
                violation_error_message=_("该组织单元的班次中已有同名班次。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.time_range_label}"

    @property
    def time_range_label(self) -> str:
        """ "08:00–20:00", or "20:00–次日08:00" when the shift ends the next day."""
        if self.crosses_midnight:
            return _("%(start)s–次日%(end)s") % {
                "start": f"{self.start:%H:%M}",
                "end": f"{self.end:%H:%M}",
            }
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    @property
    def duration(self) -> dt.timedelta:
        day = dt.date(2000, 1, 1)
        start = dt.datetime.combine(day, self.start)
        end = dt.datetime.combine(day, self.end)
        if self.crosses_midnight:
            end += dt.timedelta(days=1)
        return end - start

    def window_on(self, day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
        """The shift's [start, end) on the day it starts, as aware datetimes."""
        start = dt.datetime.combine(day, self.start, tzinfo=tz)
        return start, start + self.duration

    def clean(self) -> None:
        super().clean()
        if self.start is not None and self.start == self.end:
            raise ValidationError({"end": _("班次开始和结束时间不能相同。")})
        if self.org_unit is not None and self.org_unit.enterprise_id != self.enterprise_id:
            raise ValidationError({"org_unit": _("组织单元必须属于同一企业。")})


def shifts_for(unit: OrgUnit | None, *, enterprise: Enterprise) -> list[Shift]:
    """The shifts that apply to ``unit``: its own, else the nearest ancestor's, else the
    enterprise default shifts."""
    chain = ([unit, *unit.ancestors()]) if unit is not None else []
    shifts = list(Shift.objects.filter(enterprise=enterprise))
    return _nearest_shifts([node.pk for node in chain], shifts)


def shifts_by_unit(units: Iterable[OrgUnit], *, enterprise: Enterprise) -> dict[int, list[Shift]]:
    """``shifts_for`` for many units of one enterprise at once, in one query.

    ``units`` must include every ancestor of each unit (for example the whole tree)."""
    units = list(units)
    parent_of = {unit.pk: unit.parent_id for unit in units}
    shifts = list(Shift.objects.filter(enterprise=enterprise))
    result: dict[int, list[Shift]] = {}
    for unit in units:
        chain: list[int] = []
        node_id: int | None = unit.pk
        while node_id is not None and node_id not in chain:
            chain.append(node_id)
            node_id = parent_of.get(node_id)
        result[unit.pk] = _nearest_shifts(chain, shifts)
    return result


def _nearest_shifts(chain: list[int], shifts: list[Shift]) -> list[Shift]:
    """The one rule: the first unit of ``chain`` (unit, parent, ...) with its own shifts wins;
    otherwise the enterprise defaults. Sorted by start time."""
    by_unit: dict[int | None, list[Shift]] = {}
    for shift in sorted(shifts, key=lambda s: (s.start, s.name)):
        by_unit.setdefault(shift.org_unit_id, []).append(shift)
    for unit_id in chain:
        if by_unit.get(unit_id):
            return by_unit[unit_id]
    return by_unit.get(None, [])


class Agency(TimeStampedModel, PublicIdModel):
    """A regulator (应急管理局, 街道办, 行业主管部门) responsible for a region subtree."""

    name = models.CharField(_("机构名称"), max_length=128)
    tier = models.CharField(_("层级"), max_length=16, choices=AgencyTier.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("辖区"))

    class Meta:
        ordering = ["region__path", "name"]
        verbose_name = _("监管机构")
        verbose_name_plural = _("监管机构")

    def __str__(self) -> str:
        return self.name
