"""National reference data as versioned rows.

Every item hangs off a ``Dataset``: one edition of one standard or document (GB 6441-1986,
GB 6441-2025, the 121号 major-hazard list ...). The JSON files in ``reference/data/`` are the
source of truth; ``reference.seed.load_all`` upserts them (a data migration runs it and the demo
runs it again). Rows are never deleted by the loader because other apps point at them.

Provenance is data, not folklore: a dataset carries its source note and a verification status,
and items whose wording or code was not checked against the official text carry
``is_verified = False`` and a note, which the browser shows next to them.

These models are not tenant-owned: every logged-in user may read them, and only operators
(Django admin) change them.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dualprev.reference.choices import (
    RISK_LEVEL_COLOURS,
    CheckCycleUnit,
    CodeBasis,
    DangerSrc,
    DatasetKind,
    RiskColour,
    RiskLevel,
    Verification,
)
from dualprev.reference.scoring import band_contains


class Dataset(models.Model):
    """One edition of one standard or document.

    Invariants: ``code`` is stable (URLs and the loader key on it); ``(standard_code, edition,
    kind)`` is unique; ``declared_count``, when set, is how many items the source document has,
    so ``is_complete = False`` datasets can say how much is still missing.
    """

    code = models.SlugField(_("数据集代码"), max_length=64, unique=True)
    kind = models.CharField(_("类型"), max_length=32, choices=DatasetKind.choices)
    standard_code = models.CharField(_("标准/文件编号"), max_length=64)
    edition = models.CharField(_("版本"), max_length=32, blank=True)
    title = models.CharField(_("名称"), max_length=200)
    source_note = models.TextField(_("来源说明"), blank=True)
    sources = models.JSONField(_("来源链接"), default=list, blank=True)
    verification = models.CharField(
        _("核实状态"), max_length=16, choices=Verification.choices, default=Verification.UNVERIFIED
    )
    text_is_paraphrase = models.BooleanField(
        _("条目为转述"),
        default=False,
        help_text=_("条目文字依据转述整理，并非标准原文。"),
    )
    is_complete = models.BooleanField(_("条目完整"), default=True)
    declared_count = models.PositiveIntegerField(_("原文条目数"), null=True, blank=True)
    is_current = models.BooleanField(_("现行有效"), default=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    effective_on = models.DateField(_("实施日期"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("基础数据集")
        verbose_name_plural = _("基础数据集")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "standard_code", "edition"],
                name="reference_dataset_unique_edition",
                violation_error_message=_("同一标准的同一版本只能登记一次。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard_code}-{self.edition} {self.title}"

    @property
    def label(self) -> str:
        """The usual citation: "GB 6441-2025" for standards, the document number otherwise."""
        if self.edition and self.standard_code.startswith(("GB", "AQ", "DB")):
            return f"{self.standard_code}-{self.edition}"
        return self.standard_code

    @property
    def is_verified(self) -> bool:
        return self.verification == Verification.VERIFIED


class AccidentType(models.Model):
    """An accident category of one GB 6441 edition.

    Invariants: code and name are each unique within the dataset; ``code_basis`` says whether
    the code is the standard's own (the 2025 codes were not retrieved, so they are local serial
    numbers there).
    """

    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="accident_types", verbose_name=_("数据集")
    )
    code = models.CharField(_("编码"), max_length=16)
    name = models.CharField(_("名称"), max_length=64)
    code_basis = models.CharField(
        _("编码依据"), max_length=16, choices=CodeBasis.choices, default=CodeBasis.OFFICIAL
    )
    is_verified = models.BooleanField(_("已核实"), default=True)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["dataset", "sort_order", "code"]
        verbose_name = _("事故类别")
        verbose_name_plural = _("事故类别")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "code"],
                name="reference_accident_type_unique_code",
                violation_error_message=_("同一版本内事故类别编码不能重复。"),
            ),
            models.UniqueConstraint(
                fields=["dataset", "name"],
                name="reference_accident_type_unique_name",
                violation_error_message=_("同一版本内事故类别名称不能重复。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MappingBasis(models.TextChoices):
    PRACTICE = "practice", _("项目实践对照")
    NAME_IDENTITY = "name_identity", _("名称相同")


class AccidentTypeMapping(models.Model):
    """Old → new accident category (GB 6441-1986 → GB 6441-2025) in a map dataset.

    Invariants: each source category maps to exactly one target within a map dataset, and
    source and target belong to different editions (checked in ``clean``, as a database
    constraint cannot see the related rows).
    """

    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="mappings", verbose_name=_("数据集")
    )
    source = models.ForeignKey(
        AccidentType,
        on_delete=models.PROTECT,
        related_name="mapped_to",
        verbose_name=_("旧版类别"),
    )
    target = models.ForeignKey(
        AccidentType,
        on_delete=models.PROTECT,
        related_name="mapped_from",
        verbose_name=_("新版类别"),
    )
    basis = models.CharField(_("对照依据"), max_length=16, choices=MappingBasis.choices)
    note = models.CharField(_("备注"), max_length=255, blank=True)

    class Meta:
        ordering = ["dataset", "source__sort_order"]
        verbose_name = _("事故类别新旧对照")
        verbose_name_plural = _("事故类别新旧对照")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "source"],
                name="reference_mapping_one_target",
                violation_error_message=_("每个旧版类别只能对照一个新版类别。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.name} → {self.target.name}"

    def clean(self) -> None:
        super().clean()
        if self.source_id and self.target_id and self.source.dataset_id == self.target.dataset_id:
            raise ValidationError(_("新旧类别必须来自不同版本。"))


class HazardFactor(models.Model):
    """A GB/T 13861 hazard-factor class.

    Invariants: ``level`` is 1-3 and equals the parent's level + 1 (level 1 has no parent);
    a code is unique within its dataset. Level-3 rows are only present where domain.md lists
    them, and are flagged unverified.
    """

    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="hazard_factors", verbose_name=_("数据集")
    )
    code = models.CharField(_("代码"), max_length=16)
    name = models.CharField(_("名称"), max_length=128)
    level = models.PositiveSmallIntegerField(_("层级"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )
    is_verified = models.BooleanField(_("已核实"), default=True)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["dataset", "sort_order", "code"]
        verbose_name = _("危险和有害因素")
        verbose_name_plural = _("危险和有害因素")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "code"],
                name="reference_hazard_factor_unique_code",
                violation_error_message=_("同一版本内因素代码不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3),
                name="reference_hazard_factor_level_range",
                violation_error_message=_("层级必须为 1–3。"),
            ),
            models.CheckConstraint(
                condition=(Q(level=1) & Q(parent__isnull=True))
                | (Q(level__gt=1) & Q(parent__isnull=False)),
                name="reference_hazard_factor_parent_by_level",
                violation_error_message=_("一级因素没有上级，其他层级必须有上级。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.parent is not None and self.parent.level + 1 != self.level:
            raise ValidationError({"level": _("层级必须比上级多一级。")})


class AssessmentMethod(models.Model):
    """A risk assessment method (LEC, LS, MES): the score is the product of its factors.

    Invariant: exactly one banding profile per method is the default (a partial unique
    constraint on ``BandingProfile``).
    """

    dataset = models.OneToOneField(
        Dataset, on_delete=models.PROTECT, related_name="method", verbose_name=_("数据集")
    )
    code = models.CharField(_("方法代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    formula = models.CharField(_("公式"), max_length=64)
    score_symbol = models.CharField(_("结果符号"), max_length=4)
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("风险评价方法")
        verbose_name_plural = _("风险评价方法")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AssessmentFactor(models.Model):
    """One input of a method (L, E, C ...). Its allowed values are its ``values`` rows."""

    method = models.ForeignKey(
        AssessmentMethod, on_delete=models.CASCADE, related_name="factors", verbose_name=_("方法")
    )
    code = models.CharField(_("代码"), max_length=8)
    name = models.CharField(_("名称"), max_length=64)
    note = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["method", "sort_order"]
        verbose_name = _("评价因子")
        verbose_name_plural = _("评价因子")
        constraints = [
            models.UniqueConstraint(
                fields=["method", "code"],
                name="reference_factor_unique_code",
                violation_error_message=_("同一方法内因子代码不能重复。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method.code}.{self.code}"


class FactorValue(models.Model):
    """An allowed value of a factor with its Chinese description (and typical criteria).

    Invariant: values are positive and unique per factor. Decimal, not float, so that products
    such as 0.5 × 1 × 40 land exactly on a band boundary.
    """

    factor = models.ForeignKey(
        AssessmentFactor, on_delete=models.CASCADE, related_name="values", verbose_name=_("因子")
    )
    value = models.DecimalField(_("分值"), max_digits=8, decimal_places=2)
    label = models.CharField(_("描述"), max_length=128)
    criteria = models.TextField(_("判定准则"), blank=True)
    is_verified = models.BooleanField(_("已核实"), default=True)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["factor", "sort_order"]
        verbose_name = _("因子取值")
        verbose_name_plural = _("因子取值")
        constraints = [
            models.UniqueConstraint(
                fields=["factor", "value"],
                name="reference_factor_value_unique",
                violation_error_message=_("同一因子的取值不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="reference_factor_value_positive",
                violation_error_message=_("分值必须大于 0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factor} = {self.value}"


class BandingProfile(models.Model):
    """A named, configurable way to band a method's score into risk levels (LEC_A, LS_B ...).

    Invariants: at most one default profile per method (partial unique constraint); its bands
    do not overlap (``reference.scoring.check_bands``, run by the loader and by ``clean``).
    """

    method = models.ForeignKey(
        AssessmentMethod, on_delete=models.CASCADE, related_name="profiles", verbose_name=_("方法")
    )
    code = models.CharField(_("分级方案代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    is_default = models.BooleanField(_("默认方案"), default=False)
    is_verified = models.BooleanField(_("已核实"), default=True)
    note = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["method", "sort_order", "code"]
        verbose_name = _("分级方案")
        verbose_name_plural = _("分级方案")
        constraints = [
            models.UniqueConstraint(
                fields=["method"],
                condition=Q(is_default=True),
                name="reference_profile_one_default_per_method",
                violation_error_message=_("每种方法只能有一个默认分级方案。"),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        super().clean()
        if self.pk:
            from dualprev.reference.scoring import check_bands

            check_bands(list(self.bands.all()))


class Band(models.Model):
    """One score interval of a profile, with an explicit inclusivity per bound.

    ``lower``/``upper`` may be null (unbounded). Invariants: lower ≤ upper when both are set
    (equal only if both bounds are inclusive); ``colour`` always matches ``risk_level`` (0 red,
    1 orange, 2 yellow, 3 blue) — the database refuses anything else, including green.
    """

    profile = models.ForeignKey(
        BandingProfile, on_delete=models.CASCADE, related_name="bands", verbose_name=_("分级方案")
    )
    code = models.CharField(_("级别"), max_length=16)
    label = models.CharField(_("含义"), max_length=64, blank=True)
    lower = models.DecimalField(_("下限"), max_digits=10, decimal_places=2, null=True, blank=True)
    lower_inclusive = models.BooleanField(_("含下限"), default=False)
    upper = models.DecimalField(_("上限"), max_digits=10, decimal_places=2, null=True, blank=True)
    upper_inclusive = models.BooleanField(_("含上限"), default=True)
    risk_level = models.PositiveSmallIntegerField(_("风险等级"), choices=RiskLevel.choices)
    colour = models.CharField(_("颜色"), max_length=8, choices=RiskColour.choices)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["profile", "sort_order"]
        verbose_name = _("分级区间")
        verbose_name_plural = _("分级区间")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "code"],
                name="reference_band_unique_code",
                violation_error_message=_("同一方案内级别不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(lower__isnull=True)
                | Q(upper__isnull=True)
                | Q(lower__lt=models.F("upper"))
                | (Q(lower=models.F("upper")) & Q(lower_inclusive=True) & Q(upper_inclusive=True)),
                name="reference_band_bounds_ordered",
                violation_error_message=_("区间下限必须小于上限。"),
            ),
            models.CheckConstraint(
                condition=Q(lower__isnull=False) | Q(upper__isnull=False),
                name="reference_band_bounded",
                violation_error_message=_("区间至少要有一个边界。"),
            ),
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(risk_level=level, colour=colour)
                        for level, colour in RISK_LEVEL_COLOURS.items()
                    ],
                    _connector=Q.OR,
                ),
                name="reference_band_colour_matches_level",
                violation_error_message=_("颜色必须与风险等级一致（红、橙、黄、蓝）。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile.code} {self.code}"

    def contains(self, score: Decimal) -> bool:
        return band_contains(self, score)

    def interval(self, symbol: str = "x") -> str:
        """The band as an inequality, e.g. "160 < D ≤ 320", "D > 320", "D ≤ 20"."""

        def fmt(value: Decimal) -> str:
            text = f"{value:f}"
            return text.rstrip("0").rstrip(".") if "." in text else text

        if self.lower is None and self.upper is not None:
            return f"{symbol} {'≤' if self.upper_inclusive else '<'} {fmt(self.upper)}"
        if self.upper is None and self.lower is not None:
            return f"{symbol} {'≥' if self.lower_inclusive else '>'} {fmt(self.lower)}"
        assert self.lower is not None and self.upper is not None
        return (
            f"{fmt(self.lower)} {'≤' if self.lower_inclusive else '<'} {symbol} "
            f"{'≤' if self.upper_inclusive else '<'} {fmt(self.upper)}"
        )


class CriterionGroup(models.Model):
    """A group of a major-hazard criteria list, with the number of items the source declares."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="criterion_groups", verbose_name=_("数据集")
    )
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=64)
    description = models.CharField(_("说明"), max_length=255, blank=True)
    declared_count = models.PositiveIntegerField(_("原文条目数"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["dataset", "sort_order"]
        verbose_name = _("判定标准分组")
        verbose_name_plural = _("判定标准分组")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "code"],
                name="reference_criterion_group_unique_code",
                violation_error_message=_("同一标准内分组代码不能重复。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MajorHazardCriterion(models.Model):
    """One item of a 重大事故隐患判定标准.

    ``text`` is the Chinese wording we hold; when the dataset says ``text_is_paraphrase`` it is
    a rendering of the research paraphrase (``summary_en``), not the official text. Invariant:
    ``number`` is unique within the dataset.
    """

    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="criteria", verbose_name=_("数据集")
    )
    group = models.ForeignKey(
        CriterionGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="criteria",
        verbose_name=_("分组"),
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("内容"))
    summary_en = models.TextField(_("英文转述"), blank=True)
    is_verified = models.BooleanField(_("已核实"), default=True)
    note = models.CharField(_("备注"), max_length=255, blank=True)

    class Meta:
        ordering = ["dataset", "number"]
        verbose_name = _("重大事故隐患判定条目")
        verbose_name_plural = _("重大事故隐患判定条目")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "number"],
                name="reference_criterion_unique_number",
                violation_error_message=_("同一标准内条目序号不能重复。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:30]}"


class InspectionType(models.Model):
    """An inspection (隐患排查) type; ``code`` is its national ``dangerSrc`` code (1-8)."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="inspection_types", verbose_name=_("数据集")
    )
    code = models.PositiveSmallIntegerField(_("隐患来源代码"), choices=DangerSrc.choices)
    name = models.CharField(_("名称"), max_length=64)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        ordering = ["dataset", "code"]
        verbose_name = _("隐患排查类型")
        verbose_name_plural = _("隐患排查类型")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "code"],
                name="reference_inspection_type_unique_code",
                violation_error_message=_("同一数据集内排查类型代码不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(code__gte=1, code__lte=8),
                name="reference_inspection_type_code_range",
                violation_error_message=_("排查类型代码必须为 1–8。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class InspectionFrequency(models.Model):
    """A minimum frequency for an inspection type (导则 应急〔2019〕78号), for one kind of actor.

    ``cycle``/``cycle_unit`` are set when the frequency is periodic ("at least every 6 months"
    → 6 月) with ``times_per_cycle`` checks per cycle ("twice a day" → 1 天 × 2); event-driven
    frequencies ("before each holiday") leave them empty. Invariant: cycle and unit are both set
    or both empty.
    """

    inspection_type = models.ForeignKey(
        InspectionType,
        on_delete=models.CASCADE,
        related_name="frequencies",
        verbose_name=_("排查类型"),
    )
    scope = models.CharField(_("适用对象"), max_length=128)
    text = models.CharField(_("频次要求"), max_length=255)
    cycle = models.PositiveSmallIntegerField(_("周期"), null=True, blank=True)
    cycle_unit = models.CharField(
        _("周期单位"), max_length=8, choices=CheckCycleUnit.choices, blank=True
    )
    times_per_cycle = models.PositiveSmallIntegerField(_("每周期次数"), default=1)
    is_verified = models.BooleanField(_("已核实"), default=True)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["inspection_type", "sort_order"]
        verbose_name = _("排查频次")
        verbose_name_plural = _("排查频次")
        constraints = [
            models.CheckConstraint(
                condition=(Q(cycle__isnull=True) & Q(cycle_unit=""))
                | (Q(cycle__gt=0) & ~Q(cycle_unit="")),
                name="reference_frequency_cycle_complete",
                violation_error_message=_("周期和周期单位必须同时填写或同时留空。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_type.name}: {self.text}"
