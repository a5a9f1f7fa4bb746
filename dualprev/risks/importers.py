"""Import of a 风险分级管控清单 from Excel (python-calamine): parse → validate each row → report
→ commit all or nothing.

Accepted: .xlsx workbooks only, checked by content (a zip holding ``[Content_Types].xml`` and
``xl/workbook.xml``), whatever the file is called. Legacy .xls, .ods, CSV and anything else are
refused with a message naming the accepted format (WPS and Excel both save .xlsx). Before
parsing, the zip directory is checked: total uncompressed size and per-member compression ratio
are capped (zip bombs), encrypted/password-protected and corrupt files are refused. The first
sheet whose header block is recognisable is read; rows are capped (``MAX_ROWS``).

Reading: the header block is found by scoring the first rows against the synonym table
(``FIELD_SYNONYMS``); two- and three-row headers are joined per column (a group cell merged over
L/E/C/D gives "评价 L"; its last part decides). Merged cells carry their top-left value to every
cell they cover. Blank cells mean "same as above": a blank 风险点名称 continues the previous risk
point (and its object columns), a blank 分析单元 continues the previous unit of the same point, a
blank 风险事件 continues the previous event (with all its event columns). Fully blank rows, note
rows (注：…) and sign-off rows (编制人：… 审核人：… 日期：…) are skipped.

Validation: every object, unit, event and measure goes through the edit forms
(``RiskObjectForm``/``RiskUnitForm``/``RiskEventForm``/``ControlMeasureForm``); names are resolved
first (org units, posts, people by 姓名 or username, GB 6441 accident types — 2025 edition
preferred when a name is in both); assessment inputs are checked against the method's value
table; a given 风险值/风险等级 that differs from the computed one is a warning (the computed one
wins); a level without inputs is an error. Messages name the row and the column as the file
spells it: "第 17 行，可能性L：值 7 不在 LEC 取值表中（可选：…）".

Matching rule (re-importing never duplicates):
- a risk point is the enterprise's active risk point with the same name (whitespace-trimmed);
- a unit is the point's active unit with the same name (no unit column: the point's name);
- an event is the unit's active event with the same name;
- a measure is the event's active measure with the same description.
Matched rows are updated with the values the file gives (blank cells keep the stored value);
an event is re-assessed only when its method or inputs differ from its current assessment.
Nothing is retired or deleted by an import. Assessments are written by
``actions.assess_event(..., reason="imported")``, so history exists.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dualprev.accounts.models import User
from dualprev.orgs.models import Enterprise, OrgUnit, Post
from dualprev.reference.choices import (
    ControlLevel,
    MeasureCategory,
    MeasureClassify1,
    MeasureClassify2,
    MeasureDataSrc,
    RiskLevel,
)
from dualprev.reference.models import AccidentType, AssessmentMethod
from dualprev.reference.scoring import Classification, ScoringError, cached_tables, evaluate, plain
from dualprev.risks import actions
from dualprev.risks.choices import AssessmentKind, AssessmentReason, RiskObjectType
from dualprev.risks.forms import ControlMeasureForm, RiskEventForm, RiskObjectForm, RiskUnitForm
from dualprev.risks.models import ControlMeasure, RiskEvent, RiskObject, RiskUnit

# --- Limits (settings may override; tests shrink them) -------------------------------------------

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
HEADER_SCAN_ROWS = 30


def limit(name: str) -> int:
    return int(getattr(settings, f"RISK_IMPORT_{name}", globals()[name]))


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is a Chinese sentence."""


# --- Header synonyms ----------------------------------------------------------------------------

MEASURE_CATEGORIES = {
    "cat_engineering": MeasureCategory.ENGINEERING,
    "cat_management": MeasureCategory.MANAGEMENT,
    "cat_training": MeasureCategory.TRAINING,
    "cat_ppe": MeasureCategory.PERSONAL_PROTECTION,
    "cat_emergency": MeasureCategory.EMERGENCY,
}

# Normalised header text (see ``_norm``) → field. "emergency?" is resolved by position.
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号",),
    "object_code": ("风险点编号", "风险点编码", "编号"),
    "object_name": (
        "风险点名称",
        "风险点",
        "风险源名称",
        "风险源",
        "风险点(源)名称",
        "风险分析对象",
        "风险分析对象名称",
    ),
    "object_type": ("风险点类型", "风险点类别", "类型", "类别"),
    "unit_name": (
        "分析单元",
        "风险分析单元",
        "分析单元名称",
        "作业活动",
        "作业步骤",
        "设备设施",
        "检查项目",
        "部位",
    ),
    "event_name": ("风险事件", "风险描述", "风险事件名称", "安全风险事件"),
    "hazard": (
        "危险源/危险有害因素",
        "危险源",
        "危险有害因素",
        "危险和有害因素",
        "潜在事件",
        "危险源或潜在事件",
        "危险源/潜在事件",
        "主要危险有害因素",
        "危害因素",
    ),
    "accident_types": (
        "可能导致的事故类型",
        "事故类型",
        "可能导致的事故",
        "可能导致的事故类别",
        "可能发生的事故类型",
        "事故类别",
    ),
    "method": ("评价方法", "风险评价方法", "评价方式"),
    "factor_L": ("l", "可能性l", "可能性", "发生的可能性", "事故发生的可能性", "l值"),
    "factor_E": ("e", "暴露频率e", "暴露频率", "频繁程度", "暴露频率e值", "e值"),
    "factor_C": ("c", "后果c", "后果", "c值"),
    "factor_S": ("s", "严重性s", "严重程度s", "s值"),
    "factor_M": ("m", "控制措施状态m", "控制措施状态", "m值"),
    "severity?": ("严重性", "严重程度", "后果严重性"),
    "score": (
        "风险值",
        "d",
        "r",
        "风险值d",
        "风险值r",
        "危险性d",
        "d值",
        "r值",
        "风险分值",
        "分值",
    ),
    "level": ("风险等级", "风险级别", "风险分级", "评价级别", "风险等级(颜色)"),
    "inherent_level": ("固有风险等级", "固有风险", "固有风险级别"),
    "cat_engineering": ("工程技术措施", "工程技术", "工程控制措施", "技术措施"),
    "cat_management": ("管理措施", "管理控制措施"),
    "cat_training": ("培训教育措施", "培训教育", "教育培训措施", "教育培训"),
    "cat_ppe": ("个体防护措施", "个体防护", "个人防护措施", "个体防护用品"),
    "emergency?": ("应急处置措施", "应急措施", "应急处置"),
    "measure": ("管控措施", "控制措施", "风险管控措施", "现有控制措施", "管控措施内容"),
    "measure_category": ("措施类别", "措施类型", "管控措施类别"),
    "check_content": ("排查内容", "隐患排查内容", "检查内容", "排查标准"),
    "data_src": ("管控方式", "管控手段"),
    "control_level": ("管控层级", "管控级别", "管控层级(级别)"),
    "department": ("责任部门", "责任单位", "管控责任部门", "责任部门(单位)"),
    "post": ("责任岗位", "管控岗位", "岗位"),
    "person": ("责任人", "管控责任人", "负责人"),
    "classify1": ("措施分类一级(危化)", "一级分类", "措施一级分类", "classify1"),
    "classify2": ("措施分类二级(危化)", "二级分类", "措施二级分类", "classify2"),
}
_LOOKUP = {syn: key for key, synonyms in FIELD_SYNONYMS.items() for syn in synonyms}
_MEASURE_GROUPS = {"管控措施", "控制措施", "风险管控措施", "现有控制措施", "管控措施(分类)"}
_FACTOR_LETTER = re.compile(r"^.*?[（(]?([lecsmdr])[)）]?(值)?$")
# A sign-off cell is the word alone ("编制人") or followed by a colon ("审核人：李四"), so that a
# risk point called e.g. "审核室" is not taken for one.
_SIGN_OFF = re.compile(
    r"^((编制|审核|批准|制表|审批|填表|签字|复核)(人|日期|部门|单位)?|日期)\s*([:：].*)?$"
)
_NOTE = re.compile(r"^(注|备注|说明)\s*[:：\d]")
_SPLIT = re.compile(r"[、，,；;/\s]+")

OBJECT_KEYS = ("object_code", "object_name", "object_type", "department", "person")
EVENT_KEYS = (
    "event_name",
    "hazard",
    "accident_types",
    "method",
    "factor_L",
    "factor_E",
    "factor_C",
    "factor_S",
    "factor_M",
    "score",
    "level",
    "inherent_level",
    "control_level",
    "emergency",
)
FACTORS = ("L", "E", "C", "S", "M")
METHOD_FACTORS = {"LEC": ("L", "E", "C"), "LS": ("L", "S"), "MES": ("M", "E", "S")}


def _norm(text: Any) -> str:
    value = str(text or "").strip().lower()
    value = value.replace("（", "(").replace("）", ")").replace("＝", "=")
    value = re.sub(r"[\s*＊:：]", "", value)
    return value


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def match_header(parts: Sequence[str]) -> str | None:
    """The field a column's joined header parts (top to bottom) name, or None."""
    normalised = [_norm(p) for p in parts if _norm(p)]
    if not normalised:
        return None
    # The lowest part names the column ("评价" over "L" gives L); a group cell alone never
    # does, so that e.g. a 备注 column under a 管控措施 group is not taken for the measures.
    candidates = [normalised[-1], "".join(normalised)]
    for text in candidates:
        key = _LOOKUP.get(text)
        if key is None and text.startswith(("可能性", "暴露", "后果", "严重", "控制措施状态")):
            letter = _FACTOR_LETTER.match(text)
            if letter and letter.group(1).upper() in FACTORS:
                key = f"factor_{letter.group(1).upper()}"
        if key is not None:
            if key == "emergency?" and any(p in _MEASURE_GROUPS for p in normalised[:-1]):
                return "cat_emergency"
            return key
    return None


# --- Reading the file ---------------------------------------------------------------------------


@dataclass
class Sheet:
    """The rows of the chosen sheet with merged cells filled, and its header mapping."""

    name: str
    rows: list[list[Any]]
    header_rows: int  # index of the first data row in ``rows``
    columns: dict[str, int]  # field → column index
    labels: dict[str, str]  # field → the header text as the file spells it
    warnings: list[str] = field(default_factory=list)
    first_row_number: int = 1  # Excel row number of rows[0]


def check_file(data: bytes) -> None:
    """Refuse what is not a readable .xlsx, by content (never by name)."""
    if len(data) == 0:
        raise ImportFileError(_("文件是空的。"))
    if len(data) > limit("MAX_FILE_BYTES"):
        raise ImportFileError(
            _("文件过大（%(size)s MB），上限为 %(limit)s MB。")
            % {
                "size": f"{len(data) / 1048576:.1f}",
                "limit": f"{limit('MAX_FILE_BYTES') / 1048576:g}",
            }
        )
    accepted = _("只接受 Excel 工作簿（.xlsx）。")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ImportFileError(_("文件设有打开密码，请取消密码后再上传。") + accepted)
        raise ImportFileError(
            _("这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 后上传。") + accepted
        )
    if data[:4] != b"PK\x03\x04":
        raise ImportFileError(_("文件不是 Excel 工作簿（可能是图片、文本或 CSV）。") + accepted)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        names = {m.filename for m in members}
        is_ods = "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]
    except Exception as exc:  # BadZipFile, NotImplementedError, zlib.error, EOFError ...
        raise ImportFileError(_("文件已损坏，无法读取。") + accepted) from exc
    if is_ods:
        raise ImportFileError(
            _("这是 OpenDocument（.ods）文件，请另存为 .xlsx 后上传。") + accepted
        )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportFileError(_("文件是压缩包但不是 Excel 工作簿。") + accepted)
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise ImportFileError(_("文件内容已加密，请取消密码后再上传。"))
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > limit("MAX_UNCOMPRESSED_BYTES") or (
            member.file_size > 1024 * 1024 and ratio > limit("MAX_COMPRESSION_RATIO")
        ):
            raise ImportFileError(
                _("文件解压后过大（疑似压缩炸弹），拒绝处理。解压后上限为 %(limit)s MB。")
                % {"limit": f"{limit('MAX_UNCOMPRESSED_BYTES') / 1048576:g}"}
            )
    # The sizes above are what the zip directory declares. Inflate every member once, within
    # those sizes, and let the CRC check catch a directory that lies about them.
    try:
        for member in members:
            with archive.open(member) as stream:
                while stream.read(1 << 20):
                    pass
    except Exception as exc:
        raise ImportFileError(_("文件已损坏，无法读取。") + accepted) from exc


def _fill_merged(rows: list[list[Any]], merged: Iterable[Any], origin: tuple[int, int]) -> None:
    top, left = origin
    for (r1, c1), (r2, c2) in merged or ():
        r1, r2, c1, c2 = r1 - top, r2 - top, c1 - left, c2 - left
        if r1 < 0 or c1 < 0 or r1 >= len(rows):
            continue
        value = rows[r1][c1] if c1 < len(rows[r1]) else ""
        for r in range(r1, min(r2, len(rows) - 1) + 1):
            for c in range(c1, c2 + 1):
                if c < len(rows[r]):
                    rows[r][c] = value


def _map_columns(header_rows: list[list[Any]], width: int) -> tuple[dict[str, int], dict[str, str]]:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    pending: list[tuple[int, str, str]] = []
    for c in range(width):
        parts: list[str] = []
        for row in header_rows:
            text = _cell_text(row[c]) if c < len(row) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        key = match_header(parts)
        if key is None:
            continue
        label = "".join(parts[-1].split())
        if key in ("emergency?", "severity?"):
            pending.append((c, key, label))
        elif key not in columns:
            columns[key] = c
            labels[key] = label
    categories = {columns[k] for k in MEASURE_CATEGORIES if k in columns}
    for c, key, label in pending:
        if key == "emergency?":
            target = (
                "cat_emergency"
                if (c - 1 in categories and "cat_emergency" not in columns)
                else "emergency"
            )
            if target == "emergency" and "emergency" in columns:
                target = "cat_emergency"
        else:  # 严重性: C of LEC when an E column exists and no M, else S
            target = (
                "factor_C" if "factor_E" in columns and "factor_M" not in columns else "factor_S"
            )
        if target not in columns:
            columns[target] = c
            labels[target] = label
            if target.startswith("cat_"):
                categories.add(c)
    return columns, labels


def _header_score(columns: dict[str, int]) -> int:
    return len([k for k in columns if k != "seq"])


def _reraise_interrupts(exc: BaseException) -> None:
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


def read_sheet(data: bytes) -> Sheet:
    """Check and parse the workbook; find the header block of the first usable sheet."""
    check_file(data)
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as exc:
        raise ImportFileError(_("文件已损坏或不是有效的 Excel 工作簿，无法读取。")) from exc
    except BaseException as exc:  # calamine's PanicException derives from BaseException
        _reraise_interrupts(exc)
        raise ImportFileError(_("文件已损坏或不是有效的 Excel 工作簿，无法读取。")) from exc
    any_cells = False
    best: Sheet | None = None
    best_score = 0
    for index, _name in enumerate(workbook.sheet_names):
        try:
            sheet = workbook.get_sheet_by_index(index)
            if sheet.total_height > limit("MAX_ROWS") + HEADER_SCAN_ROWS + 50:
                raise ImportFileError(
                    _("行数过多（%(rows)s 行），一次最多导入 %(limit)s 行，请拆分文件。")
                    % {"rows": sheet.total_height, "limit": limit("MAX_ROWS")}
                )
            rows = [list(r) for r in sheet.to_python(skip_empty_area=False)]
            merged = sheet.merged_cell_ranges
        except ImportFileError:
            raise
        except BaseException as exc:  # see above
            _reraise_interrupts(exc)
            raise ImportFileError(_("文件已损坏或不是有效的 Excel 工作簿，无法读取。")) from exc
        if not any(_cell_text(v) for row in rows for v in row):
            continue
        any_cells = True
        _fill_merged(rows, merged or (), (0, 0))
        width = max(len(r) for r in rows)
        for r in range(min(HEADER_SCAN_ROWS, len(rows))):
            for start, end in (
                (r, r + 1),
                (r - 1, r + 1),
                (r, r + 2),
                (r - 1, r + 2),
                (r - 2, r + 1),
            ):
                if start < 0 or end > len(rows):
                    continue
                columns, labels = _map_columns(rows[start:end], width)
                # A taller block must recognise strictly more columns than a shorter one.
                score = _header_score(columns) * 10 - (end - start)
                if score > best_score and "object_name" in columns:
                    best_score = score
                    best = Sheet(_name, rows, end, columns, labels)
        if best is not None:
            break
    if not any_cells:
        raise ImportFileError(_("工作簿是空的，没有任何数据。"))
    if best is None or not ({"event_name", "hazard"} & set(best.columns)):
        raise ImportFileError(
            _(
                "未找到可识别的表头：至少需要“风险点名称”和“风险事件”（或“危险源”）两列。"
                "请使用系统导出的模板。"
            )
        )
    data_rows = len(best.rows) - best.header_rows
    if data_rows > limit("MAX_ROWS"):
        raise ImportFileError(
            _("行数过多（%(rows)s 行），一次最多导入 %(limit)s 行，请拆分文件。")
            % {"rows": data_rows, "limit": limit("MAX_ROWS")}
        )
    return best


# --- Per-row records ----------------------------------------------------------------------------


@dataclass
class RowResult:
    number: int  # the Excel row number
    status: str = "ok"  # ok | warning | error
    messages: list[str] = field(default_factory=list)
    object_name: str = ""
    unit_name: str = ""
    event_name: str = ""
    measure: str = ""

    def error(self, column: str, message: str) -> None:
        self.status = "error"
        self.messages.append(
            _("第 %(row)s 行，%(column)s：%(message)s")
            % {"row": self.number, "column": column, "message": message}
        )

    def warn(self, column: str, message: str) -> None:
        if self.status == "ok":
            self.status = "warning"
        self.messages.append(
            _("第 %(row)s 行，%(column)s：%(message)s（提示）")
            % {"row": self.number, "column": column, "message": message}
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "status": self.status,
            "messages": self.messages,
            "object_name": self.object_name,
            "unit_name": self.unit_name,
            "event_name": self.event_name,
            "measure": self.measure,
        }


@dataclass
class Report:
    """The outcome of a dry run or a commit, JSON-serialisable via ``as_dict``."""

    rows: list[RowResult] = field(default_factory=list)
    file_error: str = ""
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    committed: bool = False
    sheet: str = ""

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if r.status == "error")

    @property
    def warning_rows(self) -> int:
        return sum(1 for r in self.rows if r.status == "warning")

    @property
    def ok(self) -> bool:
        return not self.file_error and self.error_rows == 0 and bool(self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": [r.as_dict() for r in self.rows],
            "file_error": self.file_error,
            "warnings": self.warnings,
            "counts": self.counts,
            "committed": self.committed,
            "sheet": self.sheet,
            "total": len(self.rows),
            "error_rows": self.error_rows,
            "warning_rows": self.warning_rows,
            "ok": self.ok,
        }


# --- Plan nodes ---------------------------------------------------------------------------------


@dataclass
class MeasurePlan:
    form: ControlMeasureForm
    instance: ControlMeasure | None


@dataclass
class EventPlan:
    name: str
    form: RiskEventForm | None
    instance: RiskEvent | None
    method: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    inherent_too: bool = False
    measures: dict[str, MeasurePlan] = field(default_factory=dict)


@dataclass
class UnitPlan:
    name: str
    form: RiskUnitForm | None
    instance: RiskUnit | None
    events: dict[str, EventPlan] = field(default_factory=dict)


@dataclass
class ObjectPlan:
    name: str
    form: RiskObjectForm | None
    instance: RiskObject | None
    units: dict[str, UnitPlan] = field(default_factory=dict)


Progress = Callable[[int, int], None]


class _Lookups:
    """Everything a row is resolved against, loaded once per import."""

    def __init__(self, enterprise: Enterprise) -> None:
        self.enterprise = enterprise
        self.settings = actions.risk_settings(enterprise)
        self.root = OrgUnit.objects.filter(enterprise=enterprise, parent__isnull=True).first()
        self.units: dict[str, list[OrgUnit]] = {}
        for unit in OrgUnit.objects.filter(enterprise=enterprise):
            self.units.setdefault(unit.name.strip(), []).append(unit)
        self.posts: dict[str, list[Post]] = {}
        for post in Post.objects.filter(enterprise=enterprise, is_active=True).select_related(
            "org_unit"
        ):
            self.posts.setdefault(post.name.strip(), []).append(post)
        self.people: dict[str, list[User]] = {}
        for user in User.objects.filter(
            membership__enterprise=enterprise, membership__is_active=True
        ):
            for key in {user.name.strip(), user.username}:
                if key:
                    self.people.setdefault(key, []).append(user)
        self.accident_types: dict[str, AccidentType] = {}
        for at in AccidentType.objects.select_related("dataset").order_by("dataset__edition"):
            self.accident_types[_norm(at.name)] = at  # later (2025) editions win
        self.factor_values: dict[tuple[str, str], list[Decimal]] = {}
        for method in AssessmentMethod.objects.prefetch_related("factors__values"):
            for factor in method.factors.all():
                self.factor_values[(method.code, factor.code)] = [
                    v.value for v in factor.values.all()
                ]
        self.objects = {
            o.name.strip(): o
            for o in RiskObject.objects.filter(enterprise=enterprise, retired_at__isnull=True)
        }
        self._evaluations: dict[tuple[str, tuple[tuple[str, str], ...]], Classification] = {}

    def evaluate(self, method: str, inputs: dict[str, str]) -> Classification:
        key = (method, tuple(sorted(inputs.items())))
        if key not in self._evaluations:
            self._evaluations[key] = evaluate(method, self.settings.profile_for(method), inputs)
        return self._evaluations[key]


def _choice(text: str, choices: Iterable[tuple[Any, Any]]) -> Any:
    wanted = _norm(text)
    for value, label in choices:
        if wanted in (_norm(label), _norm(value)):
            return value
    return None


def parse_level(text: str) -> int | None:
    value = _norm(text)
    for code, words in (
        (RiskLevel.MAJOR, ("重大", "红", "一级", "1级", "i级")),
        (RiskLevel.LARGER, ("较大", "橙", "二级", "2级", "ii级")),
        (RiskLevel.GENERAL, ("一般", "黄", "三级", "3级", "iii级")),
        (RiskLevel.LOW, ("低", "蓝", "四级", "4级", "iv级", "五级", "5级", "v级")),
    ):
        if any(value.startswith(word) for word in words):
            return int(code)
    return None


def _object_type(text: str) -> str | None:
    found = _choice(text, RiskObjectType.choices)
    if found is None:
        aliases = {
            "设备": "equipment",
            "设施": "equipment",
            "区域": "place",
            "作业活动": "routine_work",
            "作业": "routine_work",
            "危险作业": "special_work",
        }
        found = aliases.get(_norm(text))
    return found


def _control_level(text: str) -> str | None:
    return _choice(re.sub(r"级$", "", _norm(text)), ControlLevel.choices)


def _data_src(text: str) -> int | None:
    found = _choice(text, MeasureDataSrc.choices)
    if found is None and _norm(text) in ("监控", "自动监控", "在线监测"):
        found = MeasureDataSrc.AUTOMATIC_MONITORING
    if found is None and _norm(text) in ("排查", "检查", "人工排查"):
        found = MeasureDataSrc.INSPECTION
    return found


def _method(text: str) -> str | None:
    value = _norm(text).upper()
    for code in ("MES", "LEC", "LS"):
        if code in value:
            return code
    if "矩阵" in text:
        return "LS"
    if "作业条件危险性" in text:
        return "LEC"
    return None


def _form_errors(form: Any, result: RowResult, labels: dict[str, str]) -> None:
    for name, errors in form.errors.items():
        column = labels.get(name) or (
            str(form.fields[name].label) if name in form.fields else _("整行")
        )
        for message in errors:
            result.error(column, str(message))


class Importer:
    """Validates a parsed sheet into a plan, and writes the plan in one transaction."""

    def __init__(self, enterprise: Enterprise, sheet: Sheet, acting_user: Any = None) -> None:
        self.enterprise = enterprise
        self.sheet = sheet
        self.user = acting_user
        self.look = _Lookups(enterprise)
        self.report = Report(sheet=sheet.name)
        self.plan: dict[str, ObjectPlan] = {}
        self.report.warnings.extend(sheet.warnings)
        missing = []
        if "object_type" not in sheet.columns:
            missing.append(_("“风险点类型”列缺失，风险点类型默认为“场所”。"))
        if "department" not in sheet.columns:
            missing.append(_("“责任部门”列缺失，新风险点的责任部门默认为企业顶层单位。"))
        self.report.warnings.extend(missing)

    # Column labels as the file spells them, for messages.
    def label(self, key: str) -> str:
        defaults = {
            "object_name": "风险点名称",
            "unit_name": "分析单元",
            "event_name": "风险事件",
            "department": "责任部门",
            "person": "责任人",
            "post": "责任岗位",
            "level": "风险等级",
            "score": "风险值",
            "method": "评价方法",
            "accident_types": "可能导致的事故类型",
        }
        return self.sheet.labels.get(key) or defaults.get(key, key)

    def _cells(self, row: list[Any]) -> dict[str, Any]:
        out = {}
        for key, c in self.sheet.columns.items():
            out[key] = row[c] if c < len(row) else ""
        return out

    def _is_skipped(self, row: list[Any]) -> bool:
        """Blank rows, note rows (注：…) and sign-off rows (编制人：… 审核人：…)."""
        texts = [_cell_text(v) for v in row if _cell_text(v)]
        return not texts or bool(_NOTE.match(texts[0]) or _SIGN_OFF.match(texts[0]))

    # --- validation ---

    def validate(self, progress: Progress | None = None) -> Report:
        sheet = self.sheet
        data = sheet.rows[sheet.header_rows :]
        total = len(data)
        previous: dict[str, Any] = {}
        event_key = "event_name" if "event_name" in sheet.columns else "hazard"
        for offset, raw in enumerate(data):
            if progress is not None and offset % 200 == 0:
                progress(offset, total)
            if self._is_skipped(raw):
                continue
            result = RowResult(number=sheet.first_row_number + sheet.header_rows + offset)
            cells = self._cells(raw)
            text = {k: _cell_text(v) for k, v in cells.items()}
            # "Same as above": a blank name continues the previous node.
            new_object = bool(text.get("object_name"))
            if not new_object:
                for key in OBJECT_KEYS:
                    text[key] = text.get(key) or previous.get(key, "")
            new_unit = new_object or bool(text.get("unit_name"))
            if not text.get("unit_name"):
                text["unit_name"] = (
                    text["object_name"] if new_object else previous.get("unit_name", "")
                )
            if not text.get(event_key) and not new_unit:
                for key in EVENT_KEYS:
                    if key in cells:
                        text[key] = previous.get(key, "")
            if "event_name" not in sheet.columns:
                text["event_name"] = text.get("hazard", "")[:255]
            result.object_name = text.get("object_name", "")
            result.unit_name = text.get("unit_name", "")
            result.event_name = text.get("event_name", "")
            previous = dict(text)
            self.report.rows.append(result)
            if not text.get("object_name"):
                result.error(self.label("object_name"), _("不能为空。"))
                continue
            if not text.get("event_name"):
                result.error(self.label(event_key), _("不能为空。"))
                continue
            obj = self.plan.get(text["object_name"])
            if obj is None:
                obj = self.plan[text["object_name"]] = self._object(text, result)
            unit = obj.units.get(text["unit_name"])
            if unit is None:
                unit = obj.units[text["unit_name"]] = self._unit(obj, text, result)
            event = unit.events.get(text["event_name"])
            if event is None:
                event = unit.events[text["event_name"]] = self._event(unit, text, cells, result)
            self._measure(event, text, result)
        if progress is not None:
            progress(total, total)
        self._count()
        if not self.report.rows:
            self.report.file_error = _("表中没有数据行。")
        elif self.report.error_rows == len(self.report.rows):
            self.report.file_error = _("所有数据行都有错误，没有可导入的内容。")
        return self.report

    def _resolve_unit(self, name: str, result: RowResult) -> OrgUnit | None:
        found = self.look.units.get(name.strip(), [])
        if not found:
            result.error(self.label("department"), _("“%s”不是本企业的组织单元。") % name)
            return None
        if len(found) > 1:
            result.error(self.label("department"), _("“%s”对应多个组织单元，无法确定。") % name)
            return None
        return found[0]

    def _resolve_person(self, name: str, result: RowResult) -> User | None:
        found = self.look.people.get(name.strip(), [])
        if not found:
            result.error(self.label("person"), _("“%s”不是本企业的在职人员。") % name)
            return None
        if len({u.pk for u in found}) > 1:
            result.error(self.label("person"), _("“%s”对应多名人员，请填写用户名。") % name)
            return None
        return found[0]

    def _object(self, text: dict[str, str], result: RowResult) -> ObjectPlan:
        name = text["object_name"]
        existing = self.look.objects.get(name)
        data: dict[str, Any] = {}
        if existing is not None:
            data = {
                "code": existing.code,
                "name": existing.name,
                "object_type": existing.object_type,
                "responsible_unit": existing.responsible_unit_id,
                "responsible_person": existing.responsible_person_id or "",
                "location": existing.location,
                "hazard_code": existing.hazard_code,
                "description": existing.description,
            }
        data["name"] = name
        if text.get("object_code"):
            data["code"] = text["object_code"]
        if text.get("object_type"):
            found = _object_type(text["object_type"])
            if found is None:
                result.error(
                    self.label("object_type"),
                    _("“%(value)s”不是可选的风险点类型（%(allowed)s）。")
                    % {
                        "value": text["object_type"],
                        "allowed": "、".join(str(lb) for _v, lb in RiskObjectType.choices),
                    },
                )
            data["object_type"] = found or ""
        elif existing is None:
            data["object_type"] = (
                RiskObjectType.PLACE if "object_type" not in self.sheet.columns else ""
            )
        if text.get("department"):
            unit = self._resolve_unit(text["department"], result)
            data["responsible_unit"] = unit.pk if unit else ""
        elif existing is None and self.look.root is not None:
            data["responsible_unit"] = self.look.root.pk
            if "department" in self.sheet.columns:
                result.warn(self.label("department"), _("为空，已使用企业顶层单位。"))
        if text.get("person"):
            person = self._resolve_person(text["person"], result)
            data["responsible_person"] = person.pk if person else ""
        form = RiskObjectForm(data, instance=existing, enterprise=self.enterprise)
        if result.status != "error" and not form.is_valid():
            _form_errors(
                form,
                result,
                {
                    "name": self.label("object_name"),
                    "code": self.label("object_code"),
                    "object_type": self.label("object_type"),
                    "responsible_unit": self.label("department"),
                    "responsible_person": self.label("person"),
                },
            )
        return ObjectPlan(name=name, form=form, instance=existing)

    def _unit(self, obj: ObjectPlan, text: dict[str, str], result: RowResult) -> UnitPlan:
        name = text["unit_name"]
        existing = None
        if obj.instance is not None:
            existing = obj.instance.units.filter(name=name, retired_at__isnull=True).first()
        form = RiskUnitForm({"name": name}, instance=existing, enterprise=self.enterprise)
        if not form.is_valid():
            _form_errors(form, result, {"name": self.label("unit_name")})
        return UnitPlan(name=name, form=form, instance=existing)

    def _event(
        self, unit: UnitPlan, text: dict[str, str], cells: dict[str, Any], result: RowResult
    ) -> EventPlan:
        name = text["event_name"]
        existing = None
        if unit.instance is not None:
            existing = unit.instance.events.filter(name=name, retired_at__isnull=True).first()
        data: dict[str, Any] = {"name": name}
        if existing is not None:
            data.update(
                hazard_description=existing.hazard_description,
                accident_types=list(existing.accident_types.values_list("pk", flat=True)),
                hazard_factors=list(existing.hazard_factors.values_list("pk", flat=True)),
                emergency_measures=existing.emergency_measures,
                control_level_fixed=existing.control_level_fixed or "",
                control_level=existing.control_level,
            )
        else:
            data["hazard_factors"] = []
        if text.get("hazard"):
            data["hazard_description"] = text["hazard"]
        if text.get("emergency"):
            data["emergency_measures"] = text["emergency"]
        if text.get("accident_types"):
            pks = []
            for word in filter(None, _SPLIT.split(text["accident_types"])):
                found = self.look.accident_types.get(_norm(word)) or self.look.accident_types.get(
                    _norm(word.replace("其它", "其他"))
                )
                if found is None:
                    result.error(
                        self.label("accident_types"),
                        _("“%s”不是 GB 6441 中的事故类型。") % word,
                    )
                else:
                    pks.append(found.pk)
            data["accident_types"] = pks
        plan = EventPlan(name=name, form=None, instance=existing)
        level = self._assessment(plan, text, cells, result)
        if text.get("control_level"):
            control = _control_level(text["control_level"])
            if control is None:
                result.error(
                    self.label("control_level"),
                    _("“%(value)s”不是可选的管控层级（%(allowed)s）。")
                    % {
                        "value": text["control_level"],
                        "allowed": "、".join(str(lb) for _v, lb in ControlLevel.choices),
                    },
                )
            elif control != self.look.settings.control_level_for(level):
                data["control_level_fixed"] = "on"
                data["control_level"] = control
            else:
                data["control_level_fixed"] = ""
                data["control_level"] = ""
        form = RiskEventForm(data, instance=existing, enterprise=self.enterprise)
        if not form.is_valid():
            _form_errors(
                form,
                result,
                {
                    "name": self.label("event_name"),
                    "hazard_description": self.label("hazard"),
                    "accident_types": self.label("accident_types"),
                    "emergency_measures": self.label("emergency"),
                    "control_level": self.label("control_level"),
                },
            )
        plan.form = form
        return plan

    def _assessment(
        self, plan: EventPlan, text: dict[str, str], cells: dict[str, Any], result: RowResult
    ) -> int | None:
        """Check the row's assessment; returns the computed level (or None)."""
        inputs: dict[str, str] = {}
        bad = False
        for code in FACTORS:
            key = f"factor_{code}"
            raw = cells.get(key)
            value = text.get(key, "")
            if not value:
                continue
            try:
                number = Decimal(value if not isinstance(raw, (int, float)) else repr(raw))
            except (InvalidOperation, ValueError):
                result.error(self.label(key), _("“%s”不是数字。") % value)
                bad = True
                continue
            inputs[code] = plain(number)
        method = _method(text["method"]) if text.get("method") else None
        if text.get("method") and method is None:
            result.error(
                self.label("method"),
                _("“%s”不是可识别的评价方法（LEC、LS、MES）。") % text["method"],
            )
            return None
        if method is None and inputs:
            method = next(
                (m for m, fs in METHOD_FACTORS.items() if set(fs) == set(inputs)), None
            ) or next((m for m, fs in METHOD_FACTORS.items() if set(fs) <= set(inputs)), None)
            if method is None:
                result.error(
                    self.label("method"),
                    _("无法从已填的取值（%s）判断评价方法，请填写评价方法。") % "、".join(inputs),
                )
                return None
        given_level = parse_level(text["level"]) if text.get("level") else None
        if text.get("level") and given_level is None:
            result.error(self.label("level"), _("“%s”不是可识别的风险等级。") % text["level"])
        if bad:
            return None
        if method is None:
            if text.get("level"):
                result.error(
                    self.label("level"),
                    _("只有风险等级而没有评价取值（如 L、E、C），无法导入等级。"),
                )
            return None
        needed = METHOD_FACTORS[method]
        for code in needed:
            key = f"factor_{code}"
            if code not in inputs:
                result.error(
                    self.label(key) if key in self.sheet.labels else code,
                    _("%s 方法需要填写此项。") % method,
                )
                bad = True
                continue
            allowed = self.look.factor_values.get((method, code), [])
            if Decimal(inputs[code]) not in allowed:
                result.error(
                    self.label(key),
                    _("值 %(value)s 不在 %(method)s 取值表中（可选：%(allowed)s）。")
                    % {
                        "value": inputs[code],
                        "method": method,
                        "allowed": "、".join(plain(v) for v in allowed),
                    },
                )
                bad = True
        if bad:
            return None
        used = {code: inputs[code] for code in needed}
        try:
            outcome = self.look.evaluate(method, used)
        except ScoringError as exc:
            result.error(self.label("level"), str(exc))
            return None
        plan.method, plan.inputs = method, used
        if text.get("score"):
            try:
                given_score = Decimal(text["score"])
            except InvalidOperation:
                given_score = None
            if given_score is None or given_score != outcome.score:
                result.warn(
                    self.label("score"),
                    _("表中为 %(given)s，按取值计算为 %(score)s，以计算值为准。")
                    % {"given": text["score"], "score": plain(outcome.score)},
                )
        if given_level is not None and given_level != outcome.level_code:
            result.warn(
                self.label("level"),
                _("表中为“%(given)s”，按取值计算为“%(level)s”，以计算值为准。")
                % {"given": text["level"], "level": outcome.level},
            )
        if text.get("inherent_level"):
            inherent = parse_level(text["inherent_level"])
            if inherent == outcome.level_code:
                plan.inherent_too = True
            else:
                result.warn(
                    self.label("inherent_level"),
                    _("与本行评价结果不同，缺少固有风险的评价取值，已忽略。"),
                )
        return outcome.level_code

    def _measure(self, event: EventPlan, text: dict[str, str], result: RowResult) -> None:
        items: list[tuple[str, str]] = []
        for key, column_category in MEASURE_CATEGORIES.items():
            if text.get(key):
                items.append((str(column_category), text[key]))
        if text.get("measure"):
            category: str = MeasureCategory.MANAGEMENT
            if text.get("measure_category"):
                found = _choice(
                    re.sub(r"(类|措施)+$", "", _norm(text["measure_category"])),
                    MeasureCategory.choices,
                )
                if found is None:
                    result.error(
                        self.label("measure_category"),
                        _("“%s”不是可选的措施类别。") % text["measure_category"],
                    )
                category = found or category
            items.append((str(category), text["measure"]))
        if not items:
            return
        result.measure = "；".join(desc for _c, desc in items)[:120]
        data_src: int = MeasureDataSrc.INSPECTION
        if text.get("data_src"):
            found_src = _data_src(text["data_src"])
            if found_src is None:
                result.error(
                    self.label("data_src"),
                    _("“%s”不是可选的管控方式（自动化监控、隐患排查）。") % text["data_src"],
                )
            data_src = found_src or data_src
        post_pk: Any = ""
        if text.get("post"):
            posts = self.look.posts.get(text["post"].strip(), [])
            if len(posts) > 1 and text.get("department"):
                posts = [p for p in posts if p.org_unit.name == text["department"]] or posts
            if not posts:
                result.error(self.label("post"), _("“%s”不是本企业的岗位。") % text["post"])
            elif len(posts) > 1:
                result.error(self.label("post"), _("“%s”对应多个岗位，无法确定。") % text["post"])
            else:
                post_pk = posts[0].pk
        for category, description in items:
            existing_plan = event.measures.get(description)
            existing = existing_plan.instance if existing_plan else None
            if existing is None and event.instance is not None:
                existing = event.instance.measures.filter(
                    description=description, retired_at__isnull=True
                ).first()
            check = text.get("check_content", "")
            if not check and data_src == MeasureDataSrc.INSPECTION:
                check = existing.check_content if existing and existing.check_content else ""
                if not check:
                    check = description
                    if "check_content" in self.sheet.columns:
                        result.warn(self.label("check_content"), _("为空，已按管控措施内容填写。"))
            classify1, classify2 = self._classify(text, existing, result)
            data = {
                "description": description,
                "category": category,
                "classify1": classify1,
                "classify2": classify2,
                "classify3": existing.classify3 if existing else "",
                "data_src": data_src,
                "check_content": check,
                "responsible_post": post_pk
                or (
                    existing.responsible_post_id
                    if existing and existing.responsible_post_id
                    else ""
                ),
            }
            form = ControlMeasureForm(data, instance=existing, enterprise=self.enterprise)
            if not form.is_valid():
                _form_errors(
                    form,
                    result,
                    {
                        "description": self.label(f"cat_{category}"),
                        "check_content": self.label("check_content"),
                        "data_src": self.label("data_src"),
                        "responsible_post": self.label("post"),
                    },
                )
            event.measures[description] = MeasurePlan(form=form, instance=existing)

    def _classify(
        self, text: dict[str, str], existing: ControlMeasure | None, result: RowResult
    ) -> tuple[Any, str]:
        """The 危化 classification: "1-4 安全仪表" or "1-4" or "安全仪表" (unique labels only);
        blank keeps the stored value."""
        first: Any = existing.classify1 if existing and existing.classify1 else ""
        second = existing.classify2 if existing else ""
        if text.get("classify1"):
            value = _norm(text["classify1"])
            found = next(
                (v for v, lb in MeasureClassify1.choices if value in (str(v), _norm(lb))
                 or value.startswith(str(v))),
                None,
            )  # fmt: skip
            if found is None:
                result.error(
                    self.label("classify1"), _("“%s”不是可选的一级分类。") % text["classify1"]
                )
            first = found or ""
        if text.get("classify2"):
            value = _norm(text["classify2"])
            code = re.match(r"^(\d-\d)", value)
            labels = [v for v, lb in MeasureClassify2.choices if _norm(lb) == value]
            found2 = code.group(1) if code else (labels[0] if len(labels) == 1 else None)
            if found2 not in MeasureClassify2.values:
                result.error(
                    self.label("classify2"),
                    _("“%s”不是可选的二级分类（请填写代码，如 1-4）。") % text["classify2"],
                )
                found2 = ""
            second = found2 or ""
            if second and not first:
                first = MeasureClassify2.parent_of(second)
        return first, second

    def _count(self) -> None:
        counts = dict.fromkeys(
            ("objects_new", "objects_matched", "units_new", "units_matched", "events_new",
             "events_matched", "measures_new", "measures_matched", "assessments"),
            0,
        )  # fmt: skip
        for obj in self.plan.values():
            counts["objects_new" if obj.instance is None else "objects_matched"] += 1
            for unit in obj.units.values():
                counts["units_new" if unit.instance is None else "units_matched"] += 1
                for event in unit.events.values():
                    counts["events_new" if event.instance is None else "events_matched"] += 1
                    counts["assessments"] += 1 if event.method else 0
                    for measure in event.measures.values():
                        key = "measures_new" if measure.instance is None else "measures_matched"
                        counts[key] += 1
        self.report.counts = counts

    # --- writing ---

    def commit(self, progress: Progress | None = None) -> Report:
        """Write the validated plan in one transaction; nothing when any row has an error."""
        if not self.report.ok:
            return self.report
        total = sum(len(u.events) for o in self.plan.values() for u in o.units.values()) or 1
        done = 0
        with transaction.atomic():
            for obj in self.plan.values():
                assert obj.form is not None
                risk_object = obj.form.save()
                for unit in obj.units.values():
                    assert unit.form is not None
                    risk_unit = unit.form.save(commit=False)
                    if unit.instance is None:
                        risk_unit.risk_object = risk_object
                    risk_unit.save()
                    for event in unit.events.values():
                        self._write_event(event, risk_unit)
                        done += 1
                        if progress is not None and done % 50 == 0:
                            progress(done, total)
            from dualprev.risks.actions import sync_check_tasks

            sync_check_tasks(enterprise_ids=[self.enterprise.pk])
        if progress is not None:
            progress(total, total)
        self.report.committed = True
        return self.report

    def _write_event(self, event: EventPlan, risk_unit: RiskUnit) -> None:
        assert event.form is not None
        risk_event = event.form.save(commit=False)
        if event.instance is None:
            risk_event.unit = risk_unit
        risk_event.save()
        event.form.save_m2m()
        for measure in event.measures.values():
            item = measure.form.save(commit=False)
            if measure.instance is None:
                item.event = risk_event
            item.save()
        if not event.method:
            return
        current = risk_event.residual_assessment
        same = (
            current is not None
            and current.method == event.method
            and {k: plain(Decimal(str(v))) for k, v in current.inputs.items()} == event.inputs
        )
        if not same:
            actions.assess_event(
                event=risk_event,
                acting_user=self.user,
                method=event.method,
                inputs=event.inputs,
                reason=AssessmentReason.IMPORTED,
            )
        if event.inherent_too and (risk_event.inherent_level is None or not same):
            actions.assess_event(
                event=risk_event,
                acting_user=self.user,
                method=event.method,
                inputs=event.inputs,
                kind=AssessmentKind.INHERENT,
                reason=AssessmentReason.IMPORTED,
            )


def run_import(
    data: bytes,
    enterprise: Enterprise,
    *,
    acting_user: Any = None,
    commit: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Parse, validate and (with ``commit``) write a register file. Never raises for bad input:
    a file-level problem is ``report.file_error``; row problems are in ``report.rows``."""
    try:
        sheet = read_sheet(data)
    except ImportFileError as exc:
        return Report(file_error=str(exc))
    with cached_tables():
        return _run(Importer(enterprise, sheet, acting_user), commit, progress)


def _run(importer: Importer, commit: bool, progress: Progress | None) -> Report:
    if not commit:
        return importer.validate(progress=progress)
    # Validate first, outside the write transaction: on SQLite a transaction holds the database
    # write lock from its start, and validation is half the work. If a matched row changes in
    # between, the write fails on a constraint and rolls back as a whole (all or nothing).
    report = importer.validate(progress=_halves(progress, 0))
    if report.ok:
        importer.commit(progress=_halves(progress, 1))
    return report


def _halves(progress: Progress | None, half: int) -> Progress | None:
    """Report validation as the first half of a commit's progress and writing as the second."""
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        progress(half * total + done, 2 * total)

    return report


def count_rows(data: bytes) -> int:
    """Data rows of a file already accepted by ``read_sheet`` (to decide inline vs background)."""
    sheet = read_sheet(data)
    return len(sheet.rows) - sheet.header_rows


# --- Stored uploads -----------------------------------------------------------------------------
# The dry run and the commit work on the same stored file: MEDIA_ROOT/imports/<uuid>.xlsx with a
# sidecar <uuid>.json holding the enterprise, the uploader, the expiry, the state and progress of
# the background job, and the last report. The worker writes the sidecar; the page polls it. Both
# must see the same MEDIA_ROOT (the worker reads the upload anyway).

UPLOAD_TTL_HOURS = 24
INLINE_ROWS = 300
STATES_RUNNING = ("queued", "validating", "committing")


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


@dataclass
class StoredUpload:
    id: str
    enterprise_id: int
    user_id: int | None
    filename: str
    size: int
    rows: int
    created: str
    expires: str
    state: str = "uploaded"  # uploaded|queued|validating|validated|committing|committed|failed
    done: int = 0
    total: int = 0
    report: dict[str, Any] | None = None
    message: str = ""

    @property
    def path(self) -> Path:
        return upload_dir() / f"{self.id}.xlsx"

    @property
    def meta_path(self) -> Path:
        return upload_dir() / f"{self.id}.json"

    @property
    def running(self) -> bool:
        return self.state in STATES_RUNNING

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def background(self) -> bool:
        return self.rows > limit("INLINE_ROWS")

    def data(self) -> bytes:
        return self.path.read_bytes()

    def save(self) -> None:
        # Write then rename, so a poll never reads half a file.
        tmp = self.meta_path.with_suffix(f".{uuid.uuid4().hex}.tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.meta_path)

    @classmethod
    def load(cls, upload_id: Any) -> StoredUpload | None:
        """The upload, or None when missing, expired or malformed."""
        try:
            uid = str(uuid.UUID(str(upload_id)))
            raw = json.loads((upload_dir() / f"{uid}.json").read_text(encoding="utf-8"))
            upload = cls(**raw)
        except (ValueError, OSError, TypeError):
            return None
        if dt.datetime.fromisoformat(upload.expires) < timezone.now():
            return None
        return upload


def store_upload(
    data: bytes, *, enterprise: Enterprise, user: Any, filename: str, rows: int
) -> StoredUpload:
    purge_expired()
    upload_dir().mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    upload = StoredUpload(
        id=str(uuid.uuid4()),
        enterprise_id=enterprise.pk,
        user_id=getattr(user, "pk", None),
        filename=Path(filename or "upload.xlsx").name[:120],
        size=len(data),
        rows=rows,
        created=now.isoformat(),
        expires=(now + dt.timedelta(hours=UPLOAD_TTL_HOURS)).isoformat(),
    )
    upload.path.write_bytes(data)
    upload.save()
    return upload


def purge_expired() -> int:
    """Delete expired uploads (called on every new upload; cheap: one directory listing)."""
    removed = 0
    if not upload_dir().is_dir():
        return 0
    for meta in upload_dir().glob("*.json"):
        if StoredUpload.load(meta.stem) is None:
            meta.unlink(missing_ok=True)
            meta.with_suffix(".xlsx").unlink(missing_ok=True)
            removed += 1
    return removed


def process_upload(upload: StoredUpload, *, commit: bool, acting_user: Any = None) -> Report:
    """Dry-run or commit a stored upload, keeping its state and progress in the sidecar."""
    enterprise = Enterprise.objects.get(pk=upload.enterprise_id)
    upload.state, upload.done, upload.total = ("committing" if commit else "validating"), 0, 0
    upload.save()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done >= total:
            last[0] = now
            upload.done, upload.total = done, total
            upload.save()

    try:
        report = run_import(
            upload.data(), enterprise, acting_user=acting_user, commit=commit, progress=progress
        )
    except Exception:
        upload.state, upload.message = "failed", _("处理文件时发生内部错误，未写入任何数据。")
        upload.save()
        raise
    upload.report = report.as_dict()
    upload.state = "committed" if report.committed else "validated"
    upload.done = upload.total = max(upload.total, 1)
    upload.save()
    return report
