"""Excel exports of the hazards app (openpyxl ``write_only``): the 隐患治理台账 (one row per
hazard, with the national codes in extra columns) and the quarterly/annual statistics report.

Every cell goes through ``documents.excel.text_safe_cell``: a description typed as "=1+1"
stays those characters (never a formula). Times are written as Excel date-times in local time
(so the sheet sorts and filters by them); money as numbers (万元).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from dualprev.documents.excel import BORDER, WRAP, text_safe_cell, write_sheet_head
from dualprev.hazards.choices import HazardStatus
from dualprev.hazards.models import Hazard
from dualprev.hazards.pdf import reporter_label, unit_path
from dualprev.hazards.stats import LEVEL_ROWS, StatsPeriod

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATETIME = "yyyy-mm-dd hh:mm"
# 一般 / 较大 / 重大 (the local 较大 tier without the "本地扩展" note of its choice label).
LEVEL_LABELS: dict[int, Any] = dict(LEVEL_ROWS)
PERCENT = "0.0%"
MONEY = "0.00##"


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """An aware instant as a naive local date-time to the second (Excel has no time zones)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def _cells(ws: Worksheet, row: Sequence[Any]) -> list[Any]:
    cells = []
    for value in row:
        cell = text_safe_cell(ws, "" if value is None else value, border=BORDER, alignment=WRAP)
        if isinstance(value, dt.datetime):
            cell.number_format = DATETIME
        elif isinstance(value, Decimal):
            cell.number_format = MONEY
        cells.append(cell)
    return cells


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# 隐患治理台账


def _ledger_columns() -> list[tuple[str, float]]:
    return [
        (_("序号"), 6),
        (_("隐患编号"), 15),
        (_("隐患名称"), 20),
        (_("隐患描述"), 32),
        (_("部位"), 14),
        (_("风险点"), 16),
        (_("隐患等级"), 9),
        (_("治理类型"), 10),
        (_("隐患类型"), 8),
        (_("隐患来源"), 14),
        (_("发现人"), 10),
        (_("发现时间"), 16),
        (_("整改措施"), 30),
        (_("责任单位"), 16),
        (_("责任人"), 10),
        (_("整改资金（万元）"), 10),
        (_("整改期限"), 16),
        (_("整改完成时间"), 16),
        (_("验收人"), 10),
        (_("验收时间"), 16),
        (_("验收意见"), 24),
        (_("状态"), 8),
        (_("是否逾期"), 9),
        ("dangerLevel", 11),
        ("dangerManageType", 15),
        ("dangerSrc", 9),
        ("hazardDangerType", 15),
        ("dangerState", 11),
    ]


def overdue_word(hazard: Hazard, now: dt.datetime) -> str:
    """是 for an open hazard past its deadline, 是（逾期销号） for one closed after it."""
    if hazard.deadline is None or hazard.status == HazardStatus.CANCELLED:
        return _("否")
    if hazard.status == HazardStatus.ACCEPTED:
        late = hazard.accepted_at is not None and hazard.accepted_at > hazard.deadline
        return _("是（逾期销号）") if late else _("否")
    return _("是") if now > hazard.deadline else _("否")


def ledger_row(seq: int, hazard: Hazard, now: dt.datetime) -> list[Any]:
    def choice(name: str) -> str:
        value = getattr(hazard, name)
        return str(getattr(hazard, f"get_{name}_display")()) if value is not None else ""

    def code(value: int | None) -> int | str:
        return "" if value is None else int(value)

    return [
        seq,
        hazard.number,
        hazard.name,
        hazard.description,
        hazard.location,
        hazard.risk_object.name if hazard.risk_object else "",
        str(LEVEL_LABELS.get(hazard.level, "")) if hazard.level is not None else "",
        choice("manage_type"),
        choice("danger_type"),
        choice("source"),
        reporter_label(hazard),
        _local(hazard.found_at),
        hazard.rectification_measures,
        unit_path(hazard.responsible_unit),
        hazard.liable_person.display_name if hazard.liable_person else "",
        hazard.cost,
        _local(hazard.deadline),
        _local(hazard.rectified_at),
        hazard.accepted_by.display_name if hazard.accepted_by else "",
        _local(hazard.accepted_at),
        hazard.accept_comment,
        str(HazardStatus(hazard.status).label),
        overdue_word(hazard, now),
        code(hazard.national_level),
        code(hazard.manage_type),
        code(hazard.source),
        code(hazard.danger_type),
        code(hazard.danger_state),
    ]


def ledger_queryset(rows: Any) -> Any:
    """The ledger's order (found first, first row) and the joins its columns read."""
    return rows.select_related(
        "risk_object",
        "responsible_unit__parent__parent__parent",
        "liable_person",
        "accepted_by",
        "reported_by",
    ).order_by("found_at", "id")


def export_ledger(
    enterprise: Any, hazards: Iterable[Hazard], *, note: str = "", now: dt.datetime | None = None
) -> bytes:
    """The 隐患治理台账: one row per hazard (``hazards``, already filtered and ordered),
    with the national codes (dangerLevel 0/1 — 较大 uploads as 0 —, dangerManageType,
    dangerSrc, hazardDangerType, dangerState; blank for states never uploaded)."""
    now = now or timezone.now()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("隐患治理台账"))
    title = _("%(name)s 隐患治理台账") % {"name": enterprise.name}
    stamp = _("导出时间：%(time)s") % {"time": f"{timezone.localtime(now):%Y-%m-%d %H:%M}"}
    write_sheet_head(ws, f"{title}（{stamp}{'；' + note if note else ''}）", _ledger_columns())
    for seq, hazard in enumerate(hazards, start=1):
        ws.append(_cells(ws, ledger_row(seq, hazard, now)))
    return _save(wb)


# --------------------------------------------------------------------------------------------
# Statistics report


def _rate(value: float | None) -> float | str:
    return "—" if value is None else round(value, 6)


def _table_sheet(
    wb: Workbook,
    name: str,
    title: str,
    headers: Sequence[tuple[str, float]],
    rows: Iterable[Sequence[Any]],
    percent: Sequence[int] = (),
) -> None:
    ws = wb.create_sheet(name[:31])
    write_sheet_head(ws, title, headers)
    for row in rows:
        cells = _cells(ws, row)
        for index in percent:
            if isinstance(row[index], float):
                cells[index].number_format = PERCENT
        ws.append(cells)


def export_statistics(enterprise: Any, figures: dict[str, Any]) -> bytes:
    """The statistics report of one period (``stats.period_statistics``): a summary sheet
    and one sheet per breakdown (grade, 治理类型, type, source, state) plus the 重大 list."""
    period: StatsPeriod = figures["period"]
    head = _("%(name)s 事故隐患排查治理情况统计（%(period)s）") % {
        "name": enterprise.name,
        "period": period.label,
    }
    wb = Workbook(write_only=True)

    summary = wb.create_sheet(_("汇总"))
    write_sheet_head(summary, head, [(_("项目"), 34), (_("数值"), 22)])
    lines: list[tuple[str, Any]] = [
        (_("统计期间"), f"{period.start:%Y-%m-%d} ~ {period.end:%Y-%m-%d}"),
        (_("报送截止日期"), f"{period.due_date:%Y-%m-%d}"),
        (_("上报隐患数"), figures["reported"]),
        (_("确认隐患数"), figures["confirmed"]),
        (_("已整改销号数"), figures["rectified"]),
        (_("整改率"), _rate(figures["rectification_rate"])),
        (_("按期整改数"), figures["on_time"]),
        (_("按期整改率（占已销号）"), _rate(figures["on_time_rate"])),
        (_("期末未闭环数"), figures["open_at_cutoff"]),
        (_("期末逾期未整改数"), figures["overdue_open"]),
        (_("重大隐患治理方案已批准数"), figures["majors_planned"]),
        (_("整改资金合计（万元）"), figures["cost_total"]),
    ]
    for label, value in lines:
        cells = _cells(summary, [label, value])
        if isinstance(value, float):
            cells[1].number_format = PERCENT
        summary.append(cells)
    summary.append([])
    summary.append(
        [
            text_safe_cell(
                summary,
                _(
                    "说明：整改率＝已销号÷确认隐患；按期整改＝在整改期限前销号（即查即改隐患在"
                    "统计期末前销号）；期末逾期未整改按统计期末（未结束的期间按当前时间）计。"
                    "“较大”为本企业分级，国家数据中按“一般”报送。"
                ),
                font=Font(size=9, color="6B7280"),
            )
        ]
    )

    breakdown_headers = [
        (_("分类"), 26),
        (_("隐患数"), 10),
        (_("已整改"), 10),
        (_("按期整改"), 10),
        (_("整改率"), 10),
    ]

    def breakdown(rows: list[dict[str, Any]]) -> Iterable[list[Any]]:
        total = [0, 0, 0]
        for row in rows:
            total = [
                total[0] + row["count"],
                total[1] + row["rectified"],
                total[2] + row["on_time"],
            ]
            yield [row["label"], row["count"], row["rectified"], row["on_time"], _rate(row["rate"])]
        rate = total[1] / total[0] if total[0] else None
        yield [_("合计"), *total, _rate(rate)]

    for key, sheet in (
        ("by_level", _("按等级")),
        ("by_manage_type", _("按治理类型")),
        ("by_danger_type", _("按隐患类型")),
        ("by_source", _("按隐患来源")),
    ):
        _table_sheet(
            wb,
            sheet,
            f"{head} · {sheet}",
            breakdown_headers,
            breakdown(figures[key]),
            percent=(4,),
        )

    _table_sheet(
        wb,
        _("按状态"),
        f"{head} · {_('按当前状态')}",
        [(_("状态"), 18), (_("国家状态码"), 12), (_("隐患数"), 10)],
        [
            [row["label"], "" if row["national"] is None else row["national"], row["count"]]
            for row in figures["by_status"]
        ],
    )
    _table_sheet(
        wb,
        _("重大隐患"),
        f"{head} · {_('重大事故隐患')}",
        [
            (_("隐患编号"), 15),
            (_("隐患名称"), 26),
            (_("企业"), 20),
            (_("发现时间"), 16),
            (_("治理期限"), 16),
            (_("责任单位"), 14),
            (_("责任人"), 10),
            (_("治理资金（万元）"), 12),
            (_("治理方案"), 10),
            (_("当前状态"), 10),
            (_("销号时间"), 16),
        ],
        [
            [
                row["number"],
                row["name"],
                row["enterprise"],
                _local(row["found_at"]),
                _local(row["deadline"]),
                row["responsible_unit"],
                row["liable_person"],
                row["cost"],
                _("已批准") if row["plan_approved"] else _("未批准"),
                row["status_label"],
                _local(row["accepted_at"]),
            ]
            for row in figures["majors"]
        ],
    )
    return _save(wb)
