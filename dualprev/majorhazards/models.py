"""重大危险源 (GB 18218-2018): the reference tables the computation reads, and each
enterprise's sources with their chemicals.

Reference tables (not tenant-owned; every logged-in user reads them, operators edit them in the
Django admin): named chemicals with threshold Q (表1), hazard categories with Q (表2) and β
(表4), named toxic gases with β (表3), and the α table. Their values were written from memory
and not re-checked against the standard's text, so every row carries ``is_verified`` (False when
shipped) and the pages flag them "待核实".

A source's α, s, R and level are computed by ``actions.recompute_source`` from its chemicals and
the tables, never typed in; the inputs and steps of the last computation are kept in
``computation`` so the result can be reproduced.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dualprev.core.models import TenantModel
from dualprev.majorhazards.choices import LEVEL_COLOURS, MajorHazardSourceLevel, UnitKind

POSITIVE = MinValueValidator(Decimal("0.001"))


class ReferenceRow(models.Model):
    """Provenance shared by the reference tables."""

    source = models.CharField(_("出处"), max_length=64, default="GB 18218-2018")
    is_verified = models.BooleanField(
        _("已核实"), default=False, help_text=_("数值已与标准原文核对时勾选。")
    )
    note = models.CharField(_("备注"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        abstract = True


class HazardCategory(ReferenceRow):
    """A hazard category for unnamed substances (表2: threshold Q) with its β (表4).

    Invariant: ``code`` (J1, W5.3 …) is unique; Q and β are positive."""

    code = models.CharField(_("类别符号"), max_length=16, unique=True)
    hazard_class = models.CharField(_("危险性类别"), max_length=64)
    description = models.CharField(_("说明"), max_length=255, blank=True)
    threshold = models.DecimalField(
        _("临界量Q（t）"), max_digits=12, decimal_places=3, validators=[POSITIVE]
    )
    beta = models.DecimalField(
        _("校正系数β"), max_digits=6, decimal_places=2, validators=[POSITIVE]
    )

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("危险性类别（表2/表4）")
        verbose_name_plural = _("危险性类别（表2/表4）")
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gt=0) & Q(beta__gt=0),
                name="mh_category_positive",
                violation_error_message=_("临界量和校正系数必须大于零。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.hazard_class}"


class ToxicGas(ReferenceRow):
    """A named toxic gas with its β (表3); "other toxic / highly toxic gases" are rows too."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    cas = models.CharField(_("CAS号"), max_length=32, blank=True)
    beta = models.DecimalField(
        _("校正系数β"), max_digits=6, decimal_places=2, validators=[POSITIVE]
    )

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("毒性气体校正系数（表3）")
        verbose_name_plural = _("毒性气体校正系数（表3）")
        constraints = [
            models.CheckConstraint(
                condition=Q(beta__gt=0),
                name="mh_toxic_gas_positive",
                violation_error_message=_("校正系数必须大于零。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class NamedChemical(ReferenceRow):
    """A chemical named in 表1 with its threshold Q. Its default β is its toxic gas's (表3)
    when it has one, otherwise its hazard category's (表4)."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    alias = models.CharField(_("别名"), max_length=64, blank=True)
    cas = models.CharField(_("CAS号"), max_length=32, blank=True)
    threshold = models.DecimalField(
        _("临界量Q（t）"), max_digits=12, decimal_places=3, validators=[POSITIVE]
    )
    toxic_gas = models.ForeignKey(
        ToxicGas,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("表3毒性气体"),
    )
    category = models.ForeignKey(
        HazardCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("取β的危险性类别"),
    )

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("危险化学品临界量（表1）")
        verbose_name_plural = _("危险化学品临界量（表1）")
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gt=0),
                name="mh_named_chemical_positive",
                violation_error_message=_("临界量必须大于零。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def default_beta(self) -> tuple[Decimal | None, str]:
        """(β, where it comes from), or (None, "") when neither table gives one."""
        if self.toxic_gas is not None:
            return self.toxic_gas.beta, f"表3 {self.toxic_gas.name}"
        if self.category is not None:
            return self.category.beta, f"表4 {self.category.code}"
        return None, ""


class AlphaBand(ReferenceRow):
    """α by the number of people exposed within 500 m outside the plant.

    Invariant (checked by ``calc.alpha_band``): the bands cover 0…∞ without overlap."""

    min_people = models.PositiveIntegerField(_("人数下限"))
    max_people = models.PositiveIntegerField(_("人数上限"), null=True, blank=True)
    alpha = models.DecimalField(
        _("校正系数α"), max_digits=6, decimal_places=2, validators=[POSITIVE]
    )

    class Meta:
        ordering = ["min_people"]
        verbose_name = _("暴露人员校正系数α")
        verbose_name_plural = _("暴露人员校正系数α")
        constraints = [
            models.UniqueConstraint(fields=["min_people"], name="mh_alpha_unique_min"),
            models.CheckConstraint(
                condition=Q(max_people__isnull=True) | Q(max_people__gte=models.F("min_people")),
                name="mh_alpha_band_order",
                violation_error_message=_("人数上限不能小于下限。"),
            ),
            models.CheckConstraint(
                condition=Q(alpha__gt=0),
                name="mh_alpha_positive",
                violation_error_message=_("校正系数必须大于零。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} → {self.alpha}"

    @property
    def label(self) -> str:
        return band_label(self.min_people, self.max_people)


def band_label(low: int, high: int | None) -> str:
    """The people band of an α row in words ("30～49人", "100人及以上")."""
    if high is None:
        return _("%(n)s人及以上") % {"n": low}
    if low == high:
        return _("%(n)s人") % {"n": low}
    return _("%(a)s～%(b)s人") % {"a": low, "b": high}


def _person(label: Any) -> Any:
    """A 包保 person: an optional user of the same enterprise (checked in ``clean``)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=label,
    )


class MajorHazardSource(TenantModel):
    """A 重大危险源辨识单元 (production or storage unit) of one enterprise.

    Invariants: the three 包保 persons are active members of the same enterprise and the linked
    risk objects belong to it (``clean`` and the form); ``alpha``…``level`` are written only by
    ``actions.recompute_source``; ``level`` is null unless ``is_major``.
    """

    name = models.CharField(_("单元名称"), max_length=128)
    hazard_code = models.CharField(
        _("危险源编码"),
        max_length=64,
        blank=True,
        help_text=_("危险化学品登记信息管理系统中的重大危险源编码。"),
    )
    unit_kind = models.CharField(_("单元类型"), max_length=16, choices=UnitKind.choices)
    location = models.CharField(_("位置"), max_length=128, blank=True)
    exposed_people = models.PositiveIntegerField(
        _("厂区外500米范围内常住人数"),
        default=0,
        help_text=_("用于确定暴露人员校正系数α。"),
    )
    description = models.TextField(_("说明"), blank=True)
    main_person = _person(_("主要负责人"))
    technical_person = _person(_("技术负责人"))
    operational_person = _person(_("操作负责人"))
    risk_objects = models.ManyToManyField(
        "risks.RiskObject",
        blank=True,
        related_name="major_hazard_sources",
        verbose_name=_("关联风险点"),
    )
    # Computed by actions.recompute_source only.
    alpha = models.DecimalField(
        _("校正系数α"), max_digits=6, decimal_places=2, null=True, editable=False
    )
    s_value = models.DecimalField(
        _("辨识指标s"), max_digits=18, decimal_places=4, null=True, editable=False
    )
    r_value = models.DecimalField(
        _("分级指标R"), max_digits=18, decimal_places=4, null=True, editable=False
    )
    is_major = models.BooleanField(_("构成重大危险源"), default=False, editable=False)
    level = models.PositiveSmallIntegerField(
        _("重大危险源等级"),
        choices=MajorHazardSourceLevel.choices,
        null=True,
        blank=True,
        editable=False,
    )
    computation = models.JSONField(_("计算过程"), default=dict, blank=True, editable=False)
    computed_at = models.DateTimeField(_("计算时间"), null=True, editable=False)

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("重大危险源")
        verbose_name_plural = _("重大危险源")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "name"],
                name="mh_source_unique_name",
                violation_error_message=_("本企业已有同名的辨识单元。"),
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(is_major=True),
                name="mh_source_level_only_if_major",
                violation_error_message=_("未构成重大危险源的单元没有等级。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def colour(self) -> str:
        return LEVEL_COLOURS.get(self.level, "") if self.level is not None else ""

    def persons(self) -> list[tuple[Any, Any]]:
        """(role label, user or None) of the three 包保 persons, in their order."""
        return [
            (_("主要负责人"), self.main_person),
            (_("技术负责人"), self.technical_person),
            (_("操作负责人"), self.operational_person),
        ]

    def clean(self) -> None:
        super().clean()
        from dualprev.accounts.models import Membership

        errors = {}
        for field in ("main_person", "technical_person", "operational_person"):
            user_id = getattr(self, f"{field}_id")
            if user_id is None or not self.enterprise_id:
                continue
            if not Membership.objects.filter(
                user_id=user_id, enterprise_id=self.enterprise_id, is_active=True
            ).exists():
                errors[field] = _("包保责任人必须是本企业在职人员。")
        if errors:
            raise ValidationError(errors)


class HazardSourceChemical(TenantModel):
    """One hazardous chemical of a source: a 表1 chemical, or a free name with its 表2 category.

    Invariants: q > 0; exactly one of ``chemical`` / (``name`` + ``category``); an overridden
    Q or β has a note; ``threshold``/``beta``/``ratio``/``weighted`` are the values the last
    computation used (written by ``actions.recompute_source`` only).
    """

    source = models.ForeignKey(
        MajorHazardSource,
        on_delete=models.CASCADE,
        related_name="chemicals",
        verbose_name=_("重大危险源"),
    )
    chemical = models.ForeignKey(
        NamedChemical,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("危险化学品（表1）"),
    )
    name = models.CharField(
        _("物质名称"), max_length=64, blank=True, help_text=_("表1未列名的物质填写名称。")
    )
    category = models.ForeignKey(
        HazardCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("危险性类别（表2）"),
    )
    quantity = models.DecimalField(
        _("设计最大量q（t）"), max_digits=14, decimal_places=3, validators=[POSITIVE]
    )
    threshold_override = models.DecimalField(
        _("临界量Q取值（t）"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[POSITIVE],
        help_text=_("留空按标准表取值；改用其他值时必须说明依据。"),
    )
    threshold_note = models.CharField(_("临界量取值依据"), max_length=255, blank=True)
    beta_override = models.DecimalField(
        _("校正系数β取值"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[POSITIVE],
        help_text=_("留空按表3/表4取值；改用其他值时必须说明依据。"),
    )
    beta_note = models.CharField(_("β取值依据"), max_length=255, blank=True)
    # The values of the last computation.
    threshold = models.DecimalField(
        _("临界量Q（t）"), max_digits=12, decimal_places=3, null=True, editable=False
    )
    beta = models.DecimalField(
        _("校正系数β"), max_digits=6, decimal_places=2, null=True, editable=False
    )
    ratio = models.DecimalField(
        _("q/Q"), max_digits=18, decimal_places=4, null=True, editable=False
    )
    weighted = models.DecimalField(
        _("β·q/Q"), max_digits=18, decimal_places=4, null=True, editable=False
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("重大危险源危险化学品")
        verbose_name_plural = _("重大危险源危险化学品")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="mh_chemical_quantity_positive",
                violation_error_message=_("设计最大量必须大于零。"),
            ),
            models.CheckConstraint(
                condition=(Q(chemical__isnull=False) & Q(category__isnull=True) & Q(name=""))
                | (Q(chemical__isnull=True) & Q(category__isnull=False) & ~Q(name="")),
                name="mh_chemical_named_or_category",
                violation_error_message=_(
                    "选择表1中的危险化学品，或填写物质名称并选择危险性类别。"
                ),
            ),
            models.CheckConstraint(
                condition=Q(threshold_override__isnull=True) | ~Q(threshold_note=""),
                name="mh_chemical_threshold_note",
                violation_error_message=_("改用其他临界量时必须说明依据。"),
            ),
            models.CheckConstraint(
                condition=Q(beta_override__isnull=True) | ~Q(beta_note=""),
                name="mh_chemical_beta_note",
                violation_error_message=_("改用其他校正系数时必须说明依据。"),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.chemical.name if self.chemical_id else self.name  # type: ignore[union-attr]

    @property
    def reference_verified(self) -> bool:
        """Whether every table row this chemical's Q and β come from is checked (overridden
        values carry their own note instead)."""
        rows: list[ReferenceRow | None] = [self.chemical, self.category]
        if self.chemical is not None:
            rows += [self.chemical.toxic_gas, self.chemical.category]
        return all(row.is_verified for row in rows if row is not None)

    def reference_threshold(self) -> tuple[Decimal | None, str]:
        """(Q from the tables, where it comes from)."""
        if self.chemical is not None:
            return self.chemical.threshold, "表1"
        if self.category is not None:
            return self.category.threshold, f"表2 {self.category.code}"
        return None, ""

    def reference_beta(self) -> tuple[Decimal | None, str]:
        """(β from the tables, where it comes from)."""
        if self.chemical is not None:
            return self.chemical.default_beta()
        if self.category is not None:
            return self.category.beta, f"表4 {self.category.code}"
        return None, ""

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        source_enterprise = self.source.enterprise_id if self.source_id else None
        if source_enterprise is not None and source_enterprise != self.enterprise_id:
            errors["source"] = _("重大危险源必须属于本企业。")
        if self.chemical_id is None and not (self.name and self.category_id):
            errors["chemical"] = _("选择表1中的危险化学品，或填写物质名称并选择危险性类别。")
        if self.chemical_id is not None and (self.name or self.category_id):
            errors["name"] = _("已选择表1中的危险化学品时，不再填写名称和类别。")
        if self.threshold_override is not None and not self.threshold_note.strip():
            errors["threshold_note"] = _("改用其他临界量时必须说明依据。")
        if self.beta_override is not None and not self.beta_note.strip():
            errors["beta_note"] = _("改用其他校正系数时必须说明依据。")
        if self.beta_override is None and not errors and self.reference_beta()[0] is None:
            errors["beta_override"] = _("标准表中没有该物质的校正系数β，请填写并说明依据。")
        if errors:
            raise ValidationError(errors)
