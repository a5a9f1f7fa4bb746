"""National enumerations (domain.md, "Spec for the build" §B) as Django choices classes.

These are the code constants every later app imports: the stored value is always the national
code where one exists (``dangerSrc`` 1-10, ``checkStatus`` 0-3, ``checkCycleUnit`` "小时" ...), so
a row can be uploaded to the 危化 data exchange without a translation table. Values that are
local extensions (marked [I] in domain.md) are named as such and come with a mapping back to the
national code.

``ENUMERATIONS`` at the bottom is the registry the reference browser and the API list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dualprev.orgs.choices import BenchmarkLevel

__all__ = [
    "ENUMERATIONS",
    "NATIONAL_CYCLE_UNITS",
    "RISK_LEVEL_COLOURS",
    "TASK_NUM_RANGES",
    "Basis",
    "BenchmarkLevel",
    "CheckCycleUnit",
    "CheckStatus",
    "CodeBasis",
    "ControlLevel",
    "DangerManageType",
    "DangerSrc",
    "DatasetKind",
    "Deleted",
    "EnterpriseWhpGrade",
    "Enumeration",
    "HazardCategory",
    "HazardDangerType",
    "HazardLevel",
    "HazardState",
    "MajorHazardSourceLevel",
    "ManagementClassification",
    "MeasureCategory",
    "MeasureClassify1",
    "MeasureClassify2",
    "MeasureDataSrc",
    "OccurrenceLink",
    "RiskColour",
    "RiskLevel",
    "Verification",
    "WorkDayType",
    "WorkType",
]


# --- Provenance ------------------------------------------------------------------------------


class Basis(models.TextChoices):
    """Where a rule or value comes from (the tags of domain.md's build spec)."""

    NATIONAL = "N", _("国家标准或规定")
    NATIONAL_WHP = "N-WHP", _("国家规定（危化行业）")
    HENAN = "H", _("河南地方")
    INFERRED = "I", _("本平台约定")


class Verification(models.TextChoices):
    """How far a dataset's content has been checked against a source."""

    VERIFIED = "verified", _("已核实")
    PARTIAL = "partial", _("部分待核实")
    UNVERIFIED = "unverified", _("待核实")


class DatasetKind(models.TextChoices):
    ACCIDENT_TYPES = "accident_types", _("事故类别")
    ACCIDENT_TYPE_MAP = "accident_type_map", _("事故类别新旧对照")
    HAZARD_FACTORS = "hazard_factors", _("危险和有害因素")
    ASSESSMENT_METHOD = "assessment_method", _("风险评价方法")
    MAJOR_HAZARD_CRITERIA = "major_hazard_criteria", _("重大事故隐患判定标准")
    INSPECTION_TYPES = "inspection_types", _("隐患排查类型")


class CodeBasis(models.TextChoices):
    """What an item's code is: the standard's own code, a remembered serial, or our numbering."""

    OFFICIAL = "official", _("标准编码")
    MEMORY = "memory", _("标准序号（待核实）")
    LOCAL = "local", _("本平台顺序号（非标准编码）")


# --- Risk levels and colours -----------------------------------------------------------------


class RiskColour(models.TextChoices):
    """The four national safety colours. Low risk is blue, never green."""

    RED = "red", _("红")
    ORANGE = "orange", _("橙")
    YELLOW = "yellow", _("黄")
    BLUE = "blue", _("蓝")


class RiskLevel(models.IntegerChoices):
    """National risk level (危化 data exchange ``riskLevel``); 0 is the most severe."""

    MAJOR = 0, _("重大")
    LARGER = 1, _("较大")
    GENERAL = 2, _("一般")
    LOW = 3, _("低")


RISK_LEVEL_COLOURS: Mapping[int, str] = {
    RiskLevel.MAJOR: RiskColour.RED,
    RiskLevel.LARGER: RiskColour.ORANGE,
    RiskLevel.GENERAL: RiskColour.YELLOW,
    RiskLevel.LOW: RiskColour.BLUE,
}


# --- Hazards (隐患), national 危化 field set ----------------------------------------------------


class HazardLevel(models.IntegerChoices):
    """``dangerLevel``: nationally 0 一般 / 1 重大. ``LARGER`` is a local extra level [I]: it is
    stored as such but uploaded as 一般 (see ``national_code``)."""

    GENERAL = 0, _("一般")
    MAJOR = 1, _("重大")
    LARGER = 2, _("较大（本地扩展）")

    @classmethod
    def national_code(cls, value: int) -> int:
        return cls.GENERAL.value if value == cls.LARGER else int(value)


class HazardState(models.IntegerChoices):
    """``dangerState``: only these three states are uploaded nationally."""

    RECTIFYING = 0, _("整改中")
    PENDING_ACCEPTANCE = 1, _("待验收")
    ACCEPTED = 9, _("已验收")


class DangerManageType(models.IntegerChoices):
    IMMEDIATE = 0, _("即查即改")
    DEADLINE = 1, _("限期整改")


class DangerSrc(models.IntegerChoices):
    """``dangerSrc``: where a hazard was found. 1-8 are also the inspection types."""

    DAILY = 1, _("日常排查")
    COMPREHENSIVE = 2, _("综合性排查")
    SPECIALIST = 3, _("专业性排查")
    SEASONAL = 4, _("季节性排查")
    HOLIDAY = 5, _("重点时段及节假日前排查")
    ACCIDENT_ANALOGY = 6, _("事故类比排查")
    RESUMPTION = 7, _("复产复工前排查")
    EXTERNAL_EXPERT = 8, _("外聘专家诊断式排查")
    MEASURE_FAILURE = 9, _("管控措施失效")
    OTHER = 10, _("其他")


class HazardDangerType(models.IntegerChoices):
    SAFETY = 1, _("安全")
    PROCESS = 2, _("工艺")
    ELECTRICAL = 3, _("电气")
    INSTRUMENT = 4, _("仪表")
    FIRE = 5, _("消防")
    LAYOUT = 6, _("总图")
    EQUIPMENT = 7, _("设备")
    OTHER = 8, _("其他")


class HazardCategory(models.IntegerChoices):
    """``hazardCategory``: who registered the hazard (包保 persons use 1-3)."""

    OTHER = 0, _("其他")
    MAIN_LEADER = 1, _("主要负责人登记")
    TECHNICAL_LEADER = 2, _("技术负责人登记")
    OPERATION_LEADER = 3, _("操作负责人登记")


class ManagementClassification(models.IntegerChoices):
    """``managementClassification``; 4 is a local extension [I], not uploaded."""

    UNSAFE_ACT = 1, _("人的不安全行为")
    UNSAFE_CONDITION = 2, _("物的不安全状态")
    MANAGEMENT_DEFECT = 3, _("管理上的缺陷")
    POOR_ENVIRONMENT = 4, _("环境不良（本地扩展）")


class OccurrenceLink(models.IntegerChoices):
    DESIGN = 1, _("设计")
    PRODUCT_DEFECT = 2, _("产品质量缺陷")
    STORAGE = 3, _("仓储")
    CONSTRUCTION = 4, _("项目施工")
    START_STOP = 5, _("开停车")
    OPERATION = 6, _("使用操作")
    MAINTENANCE = 7, _("维护保养")
    REPAIR = 8, _("维修")
    CHANGE = 9, _("变更")
    TRANSPORT = 10, _("运输")


# --- Inspection tasks and records -------------------------------------------------------------


class CheckStatus(models.IntegerChoices):
    """``checkStatus`` of a check record; 2 is also written when an occurrence is missed."""

    NORMAL = 0, _("正常")
    HAZARD_FOUND = 1, _("存在隐患")
    NOT_CHECKED = 2, _("未排查")
    OTHER = 3, _("其他")


class CheckCycleUnit(models.TextChoices):
    """``checkCycleUnit``. The value is the national code itself (a Chinese word). 班 and 周 are
    local units [I]; only ``NATIONAL_CYCLE_UNITS`` may be uploaded."""

    HOUR = "小时", _("小时")
    SHIFT = "班", _("班")
    DAY = "天", _("天")
    WEEK = "周", _("周")
    MONTH = "月", _("月")
    YEAR = "年", _("年")


NATIONAL_CYCLE_UNITS: frozenset[str] = frozenset(
    {CheckCycleUnit.HOUR, CheckCycleUnit.DAY, CheckCycleUnit.MONTH, CheckCycleUnit.YEAR}
)


class WorkDayType(models.IntegerChoices):
    """``workDayType``: on which days a task's occurrences fall (needs the holiday calendar)."""

    EVERY_DAY = 0, _("每天")
    STATUTORY_WORKDAY = 1, _("法定工作日")
    NON_WORKDAY = 2, _("非法定工作日")


class WorkType(models.IntegerChoices):
    """``workType``: 1-3 are 包保 tasks and need a ``taskNum`` within ``TASK_NUM_RANGES``."""

    ROUTINE = 0, _("日常任务")
    MAIN_LEADER = 1, _("主要负责人任务")
    TECHNICAL_LEADER = 2, _("技术负责人任务")
    OPERATION_LEADER = 3, _("操作负责人任务")


# Inclusive item-number ranges of 《危险化学品企业重大危险源安全包保责任人隐患排查任务清单》.
TASK_NUM_RANGES: Mapping[int, tuple[int, int]] = {
    WorkType.MAIN_LEADER: (1, 9),
    WorkType.TECHNICAL_LEADER: (1, 9),
    WorkType.OPERATION_LEADER: (1, 10),
}


# --- Control measures -----------------------------------------------------------------------


class MeasureClassify1(models.IntegerChoices):
    ENGINEERING = 1, _("工程技术")
    MAINTENANCE = 2, _("维护保养")
    OPERATION = 3, _("操作行为")
    EMERGENCY = 4, _("应急措施")


class MeasureClassify2(models.TextChoices):
    """``classify2``; the part before the hyphen is the ``classify1`` parent."""

    PROCESS_CONTROL = "1-1", _("工艺控制")
    KEY_EQUIPMENT = "1-2", _("关键设备/部件")
    SAFETY_ACCESSORY = "1-3", _("安全附件")
    SAFETY_INSTRUMENT = "1-4", _("安全仪表")
    ENGINEERING_OTHER = "1-5", _("其他")
    ROTATING_EQUIPMENT = "2-1", _("动设备")
    STATIC_EQUIPMENT = "2-2", _("静设备")
    MAINTENANCE_OTHER = "2-3", _("其他")
    QUALIFICATION = "3-1", _("人员资质")
    OPERATION_RECORD = "3-2", _("操作记录")
    SHIFT_HANDOVER = "3-3", _("交接班")
    OPERATION_OTHER = "3-4", _("其他")
    EMERGENCY_FACILITY = "4-1", _("应急设施")
    PERSONAL_PROTECTION = "4-2", _("个体防护")
    FIRE_FACILITY = "4-3", _("消防设施")
    EMERGENCY_PLAN = "4-4", _("应急预案")
    EMERGENCY_OTHER = "4-5", _("其他")

    @classmethod
    def parent_of(cls, value: str) -> int:
        """The ``classify1`` code a ``classify2`` code belongs to."""
        return int(str(value).split("-", 1)[0])


class MeasureDataSrc(models.IntegerChoices):
    """``dataSrc`` of a control measure: only 2 generates inspection tasks."""

    AUTOMATIC_MONITORING = 1, _("自动化监控")
    INSPECTION = 2, _("隐患排查")


class Deleted(models.IntegerChoices):
    """The national audit flag ``deleted`` carried by every exchange table."""

    NORMAL = 0, _("正常")
    DELETED = 1, _("已删除")


class MeasureCategory(models.TextChoices):
    """Generic (工贸/通用) control-measure category [I]; no national code exists."""

    ENGINEERING = "engineering", _("工程技术")
    MANAGEMENT = "management", _("管理")
    TRAINING = "training", _("培训教育")
    PERSONAL_PROTECTION = "ppe", _("个体防护")
    EMERGENCY = "emergency", _("应急处置")


class ControlLevel(models.TextChoices):
    """Graded-control (分级管控) level [I default set]. A risk controlled at one level is also
    visible to and owned by every level below it."""

    COMPANY = "company", _("公司")
    DEPARTMENT = "department", _("部门")
    WORKSHOP = "workshop", _("车间")
    TEAM = "team", _("班组")
    POST = "post", _("岗位")


# Default controlling level per risk level; the first entry is the default, the rest allowed.
DEFAULT_CONTROL_LEVELS: Mapping[int, tuple[str, ...]] = {
    RiskLevel.MAJOR: (ControlLevel.COMPANY,),
    RiskLevel.LARGER: (ControlLevel.DEPARTMENT,),
    RiskLevel.GENERAL: (ControlLevel.WORKSHOP,),
    RiskLevel.LOW: (ControlLevel.TEAM, ControlLevel.POST),
}


# --- Enterprises and major hazard sources ------------------------------------------------------


class MajorHazardSourceLevel(models.IntegerChoices):
    """GB 18218 重大危险源 level: R ≥ 100 一级, 50 ≤ R < 100 二级, 10 ≤ R < 50 三级, R < 10 四级."""

    LEVEL_1 = 1, _("一级")
    LEVEL_2 = 2, _("二级")
    LEVEL_3 = 3, _("三级")
    LEVEL_4 = 4, _("四级")


class EnterpriseWhpGrade(models.TextChoices):
    """危化 enterprise grade (2018 评估诊断分级指南, 100-point scale)."""

    RED = "red", _("红色（<60分）")
    ORANGE = "orange", _("橙色（60至<75分）")
    YELLOW = "yellow", _("黄色（75至<90分）")
    BLUE = "blue", _("蓝色（≥90分）")

    @classmethod
    def for_score(cls, score: Decimal | float | int) -> EnterpriseWhpGrade:
        value = Decimal(str(score))
        if value < 60:
            return cls.RED
        if value < 75:
            return cls.ORANGE
        if value < 90:
            return cls.YELLOW
        return cls.BLUE


# --- Registry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Enumeration:
    """One enumeration as the reference browser and the API list it.

    ``national_field`` names the data-exchange field that carries the code; ``colours`` and
    ``notes`` add a colour or a remark to individual codes (e.g. "国标" on national cycle units).
    """

    key: str
    title: str | Promise
    choices: type[models.Choices]
    basis: str
    national_field: str = ""
    note: str | Promise = ""
    colours: Mapping[Any, str] = field(default_factory=dict)
    notes: Mapping[Any, str | Promise] = field(default_factory=dict)

    @property
    def basis_label(self) -> str:
        return str(Basis(self.basis).label)

    def items(self) -> list[dict[str, Any]]:
        rows = []
        for value, label in self.choices.choices:
            colour = str(self.colours.get(value, ""))
            rows.append(
                {
                    "code": str(value),
                    "label": str(label),
                    "colour": colour,
                    "colour_label": str(RiskColour(colour).label) if colour else "",
                    "note": str(self.notes.get(value, "")),
                }
            )
        return rows


def _ranges_note() -> dict[Any, str | Promise]:
    # Built lazily so the note follows the language of each request.
    def note(low: int, high: int) -> str:
        return gettext("任务编号 %(low)s–%(high)s") % {"low": low, "high": high}

    return {
        work_type: lazy(note, str)(low, high) for work_type, (low, high) in TASK_NUM_RANGES.items()
    }


def _control_level_notes() -> dict[Any, str | Promise]:
    risk_levels_by_control_level: dict[Any, list[Any]] = {}
    for risk_level, levels in DEFAULT_CONTROL_LEVELS.items():
        for level in levels:
            risk_levels_by_control_level.setdefault(level, []).append(risk_level)

    def note(risk_levels: list[Any]) -> str:
        labels = gettext("、").join(str(RiskLevel(r).label) for r in risk_levels)
        return gettext("默认管控：%(levels)s") % {"levels": labels}

    return {
        level: lazy(note, str)(risk_levels)
        for level, risk_levels in risk_levels_by_control_level.items()
    }


ENUMERATIONS: tuple[Enumeration, ...] = (
    Enumeration(
        "risk_level",
        _("风险等级"),
        RiskLevel,
        Basis.NATIONAL,
        "riskLevel",
        _("红橙黄蓝四色，低风险为蓝色，不使用绿色。"),
        colours=RISK_LEVEL_COLOURS,
    ),
    Enumeration(
        "hazard_level",
        _("隐患等级"),
        HazardLevel,
        Basis.NATIONAL_WHP,
        "dangerLevel",
        _("“较大隐患”为本地扩展等级，上报时按一般隐患（0）上报。"),
        notes={HazardLevel.LARGER: _("本地扩展，上报为 0")},
    ),
    Enumeration(
        "hazard_state",
        _("隐患治理状态"),
        HazardState,
        Basis.NATIONAL_WHP,
        "dangerState",
        _("国家数据交换仅上报这三种状态。"),
    ),
    Enumeration(
        "danger_manage_type",
        _("治理类型"),
        DangerManageType,
        Basis.NATIONAL_WHP,
        "dangerManageType",
    ),
    Enumeration(
        "danger_src",
        _("隐患来源"),
        DangerSrc,
        Basis.NATIONAL_WHP,
        "dangerSrc",
        _("1–8 同时是隐患排查类型。"),
    ),
    Enumeration(
        "hazard_danger_type",
        _("隐患类型"),
        HazardDangerType,
        Basis.NATIONAL_WHP,
        "hazardDangerType",
    ),
    Enumeration(
        "hazard_category",
        _("隐患登记类别"),
        HazardCategory,
        Basis.NATIONAL_WHP,
        "hazardCategory",
        _("包保责任人登记的隐患使用 1–3。"),
    ),
    Enumeration(
        "management_classification",
        _("隐患成因分类"),
        ManagementClassification,
        Basis.NATIONAL_WHP,
        "managementClassification",
        _("4“环境不良”为本地扩展，不上报。"),
        notes={ManagementClassification.POOR_ENVIRONMENT: _("本地扩展")},
    ),
    Enumeration(
        "occurrence_link",
        _("隐患产生环节"),
        OccurrenceLink,
        Basis.NATIONAL_WHP,
        "occurrenceLink",
        _("可选字段（山东版接口）。"),
    ),
    Enumeration("check_status", _("排查结果"), CheckStatus, Basis.NATIONAL_WHP, "checkStatus"),
    Enumeration(
        "check_cycle_unit",
        _("排查周期单位"),
        CheckCycleUnit,
        Basis.NATIONAL_WHP,
        "checkCycleUnit",
        _("国家字段只允许小时、天、月、年；班和周为本地单位，上报前须换算。"),
        notes={unit: _("国标") for unit in NATIONAL_CYCLE_UNITS}
        | {CheckCycleUnit.SHIFT: _("本地"), CheckCycleUnit.WEEK: _("本地")},
    ),
    Enumeration(
        "work_day_type",
        _("工作日类型"),
        WorkDayType,
        Basis.NATIONAL_WHP,
        "workDayType",
        _("按国务院节假日安排（含调休）判定法定工作日。"),
    ),
    Enumeration(
        "work_type",
        _("任务类型"),
        WorkType,
        Basis.NATIONAL_WHP,
        "workType",
        _("包保任务（1–3）须填写任务编号 taskNum。"),
        notes=_ranges_note(),
    ),
    Enumeration(
        "measure_classify1",
        _("管控措施一级分类"),
        MeasureClassify1,
        Basis.NATIONAL_WHP,
        "classify1",
    ),
    Enumeration(
        "measure_classify2",
        _("管控措施二级分类"),
        MeasureClassify2,
        Basis.NATIONAL_WHP,
        "classify2",
        _("编码前半部分为所属一级分类。"),
    ),
    Enumeration(
        "measure_data_src",
        _("管控方式"),
        MeasureDataSrc,
        Basis.NATIONAL_WHP,
        "dataSrc",
        _("仅“隐患排查”方式的管控措施生成排查任务。"),
    ),
    Enumeration("deleted", _("删除标志"), Deleted, Basis.NATIONAL_WHP, "deleted"),
    Enumeration(
        "measure_category",
        _("管控措施类别（通用）"),
        MeasureCategory,
        Basis.INFERRED,
        "",
        _("工贸/通用行业常用分类，无国家编码。"),
    ),
    Enumeration(
        "control_level",
        _("管控层级"),
        ControlLevel,
        Basis.INFERRED,
        "",
        _("默认对应：重大→公司，较大→部门，一般→车间，低→班组/岗位；上级管控的风险下级同时管控。"),
        notes=_control_level_notes(),
    ),
    Enumeration(
        "major_hazard_source_level",
        _("重大危险源等级"),
        MajorHazardSourceLevel,
        Basis.NATIONAL,
        "",
        _("GB 18218：R≥100 一级，50≤R<100 二级，10≤R<50 三级，R<10 四级。"),
    ),
    Enumeration(
        "enterprise_whp_grade",
        _("危化企业安全风险分级"),
        EnterpriseWhpGrade,
        Basis.NATIONAL_WHP,
        "",
        _("按百分制评估诊断得分分级。"),
        colours={grade: grade.value for grade in EnterpriseWhpGrade},
    ),
    Enumeration("benchmark", _("标杆企业等级"), BenchmarkLevel, Basis.HENAN),
)


def get_enumeration(key: str) -> Enumeration:
    for enumeration in ENUMERATIONS:
        if enumeration.key == key:
            return enumeration
    raise KeyError(key)
