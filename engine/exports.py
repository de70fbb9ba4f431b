"""Reports as files: XLSX (openpyxl) and CSV, for supervisors who publish in Excel.

A report becomes tables (one per part); the XLSX has one sheet per table plus a 说明 sheet
with the period, scope and the definition of every rate, so a printed sheet can still be
checked. Headers are Chinese, times are Beijing time and stored as real dates in XLSX.
CSV is UTF-8 with a BOM: without it Excel reads Chinese as mojibake.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from engine.calendar import CHINA_TZ

REPORT_TITLES = {"commitments": "四项承诺", "summary": "统计汇总", "overdue": "督办清单", "cases": "案件清单",
                 "services": "服务统计"}
GROUP_HEADERS = {"channel": "来件渠道", "dispute_type": "纠纷类型", "level": "处置层级", "risk_colour": "风险颜色",
                 "org_unit": "单位", "month": "月份", "status": "办理状态", "outcome": "处理结果"}
NUMBER_FORMATS = {"datetime": "yyyy-mm-dd hh:mm", "date": "yyyy-mm-dd", "rate": "0.00%", "days": "0.0",
                  "int": "0"}
MAX_WIDTH = 60
# Text starting with these is a formula to Excel: data must never run as one (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | int | rate | days | datetime | date


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: Sequence[dict]


# -- writers ------------------------------------------------------------------------------

def to_xlsx(tables: Iterable[Table]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        _write_sheet(workbook, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(workbook: Workbook, table: Table) -> None:
    sheet = workbook.create_sheet(sheet_title(table.title))
    sheet.append([c.header for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([xlsx_value(c, row.get(c.key)) for c in table.columns])
    for index, column in enumerate(table.columns, start=1):
        _format_column(sheet, index, column, table.rows)
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions


def _format_column(sheet, index: int, column: Column, rows: Sequence[dict]) -> None:
    letter = get_column_letter(index)
    texts = [column.header] + [csv_value(column, row.get(column.key)) for row in rows]
    sheet.column_dimensions[letter].width = min(MAX_WIDTH, max(display_width(t) for t in texts) + 2)
    number_format = NUMBER_FORMATS.get(column.kind)
    for cell in sheet[letter][1:]:
        if number_format:
            cell.number_format = number_format
        elif column.kind == "text" and display_width(str(cell.value or "")) > MAX_WIDTH:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def to_csv(tables: Sequence[Table]) -> bytes:
    """One table as plain CSV; several as sections, each under a title row, blank-line separated."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for index, table in enumerate(tables):
        if len(tables) > 1:
            writer.writerows(([[]] if index else []) + [[table.title]])
        writer.writerow([c.header for c in table.columns])
        writer.writerows([csv_value(c, row.get(c.key)) for c in table.columns] for row in table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# -- cell values --------------------------------------------------------------------------

def beijing(value: datetime) -> datetime:
    """Naive Beijing time: Excel has no time zones, and Beijing time is what the office reads."""
    return value.astimezone(CHINA_TZ).replace(tzinfo=None) if value.tzinfo else value


def xlsx_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return beijing(value).date() if column.kind == "date" else beijing(value)
    if isinstance(value, (int, float, date)):
        return value
    return safe_text(str(value))


def csv_value(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return beijing(value).strftime("%Y-%m-%d" if column.kind == "date" else "%Y-%m-%d %H:%M")
    if column.kind == "rate" and isinstance(value, (int, float)):
        return f"{value * 100:.2f}%"
    if isinstance(value, (int, float, date)):
        return str(value if not isinstance(value, date) else value.isoformat())
    return safe_text(str(value))


def safe_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def display_width(text: str) -> int:
    """Columns a text needs: CJK characters are twice as wide as Latin ones."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def sheet_title(title: str) -> str:
    cleaned = "".join("_" if ch in '[]:*?/\\' else ch for ch in title)
    return cleaned[:31] or "Sheet"


# -- reports as tables --------------------------------------------------------------------

RATIO_COLUMNS = (Column("numerator", "分子", "int"), Column("denominator", "分母", "int"),
                 Column("rate", "比率", "rate"))


def commitment_tables(data: dict) -> list[Table]:
    rows = [{**c, "on_time_numerator": c["on_time"]["numerator"], "on_time_denominator": c["on_time"]["denominator"],
             "on_time_rate": c["on_time"]["rate"]} for c in data["commitments"]]
    columns = (Column("label", "承诺"), *RATIO_COLUMNS, Column("on_time_numerator", "按时分子", "int"),
               Column("on_time_denominator", "按时分母", "int"), Column("on_time_rate", "按时率", "rate"),
               Column("definition", "口径说明"))
    return [Table("四项承诺", columns, rows)]


def summary_tables(data: dict) -> list[Table]:
    groups = [*data["groups"], {"label": "合计", "count": data["total"]}]
    cycle = data["cycle_times"]
    return [
        Table("分组统计", (Column("label", GROUP_HEADERS.get(data["group_by"], "分组")), Column("count", "案件数", "int")),
              groups),
        Table("主要比率", (Column("label", "指标"), *RATIO_COLUMNS), _summary_ratios(data)),
        Table("办理周期", (Column("label", "处置层级"), Column("count", "结案数", "int"),
                       Column("median_days", "中位数（天）", "days"), Column("p90_days", "P90（天）", "days")),
              [{"label": "全部", **cycle}, *cycle["by_level"]]),
        Table("满意度", (Column("label", "当事人满意度"), Column("count", "告知次数", "int")),
              data["satisfaction"]["counts"]),
    ]


def _summary_ratios(data: dict) -> list[dict]:
    follow_up = data["follow_up_completion"]
    return [{"label": "化解率", **_ratio(data["resolution_rate"])},
            {"label": "回访完成率", **_ratio(follow_up)},
            {"label": "回访按时完成率", **_ratio(follow_up["on_time"])},
            {"label": "满意率", **_ratio(data["satisfaction"]["satisfaction_rate"])}]


def _ratio(part: dict) -> dict:
    return {k: part[k] for k in ("numerator", "denominator", "rate")}


def summary_definitions(data: dict) -> list[tuple[str, str]]:
    return [("化解率", data["resolution_rate"]["definition"]), ("结案口径", data["resolution_rate"]["closed_means"]),
            ("办理周期", data["cycle_times"]["definition"]),
            ("回访完成率", data["follow_up_completion"]["definition"]),
            ("满意度", data["satisfaction"]["definition"]),
            ("分组", "按统计期内收件的案件计数；单位分组汇总到所选单位的下一级。Counts of cases received in "
                     "the period; org units roll up to one level below the unit chosen.")]


def overdue_tables(data: dict) -> list[Table]:
    columns = (Column("case_no", "案件编号"), Column("title", "任务"), Column("role_label", "承办角色"),
               Column("org_unit_name", "承办单位"), Column("assignee", "承办人"),
               Column("due_at", "应办结时间", "datetime"), Column("overdue_days", "超期天数", "days"),
               Column("deadline_basis", "时限依据"), Column("risk_colour_label", "风险颜色"))
    return [Table("督办清单", columns, data["items"])]


def case_tables(data: dict) -> list[Table]:
    columns = (Column("case_no", "案件编号"), Column("created_at", "收件时间", "datetime"),
               Column("ended_at", "结束时间", "datetime"), Column("channel", "来件渠道"),
               Column("dispute_type", "纠纷类型"), Column("risk_colour", "风险颜色"), Column("level", "处置层级"),
               Column("status", "办理状态"), Column("outcome", "处理结果"), Column("org_unit_name", "所属单位"))
    return [Table("案件清单", columns, data["items"])]


def services_tables(data: dict) -> list[Table]:
    hotline, registry, projects = data["hotline"], data["marriage_counselling"], data["counselling_projects"]
    line_columns = (Column("label", "接听线路"), Column("calls", "来电", "int"),
                    Column("answered_on_line", "当场解答", "int"), Column("to_specialist", "转专线", "int"),
                    Column("to_regional", "转区县妇联分线", "int"), Column("registered_dispute", "登记纠纷案件", "int"),
                    Column("registered_petition", "转信访", "int"), Column("dv_emergency", "家暴紧急求助", "int"))
    callbacks = hotline["callbacks"]
    rate = registry["reconciliation_rate"]
    return [
        Table("12338热线分线统计", line_columns, [*hotline["lines"], {
            "label": "合计", "calls": hotline["calls"],
            **{c.key: sum(line[c.key] for line in hotline["lines"]) for c in line_columns[2:]}}]),
        Table("专线转接", (Column("label", "专线"), Column("count", "转接来电", "int")), hotline["specialist_lines"]),
        Table("来电回访", (Column("label", "项目"), Column("count", "数量", "int")), [
            {"label": "约定回访", "count": callbacks["scheduled"]}, {"label": "已回访", "count": callbacks["done"]},
            {"label": "联系上", "count": callbacks["reached"]},
            {"label": "超期督办", "count": callbacks["overdue_supervised"]}]),
        Table("和合之家婚姻辅导", (Column("label", "项目"), Column("count", "对数", "int")), [
            {"label": "登记", "count": registry["registered"]}, {"label": "同意辅导", "count": registry["consented"]},
            {"label": "接受辅导", "count": registry["counselled"]}, {"label": "劝和成功", "count": registry["reconciled"]},
            {"label": "发现家暴转介", "count": registry["dv_referred"]}, *registry["outcomes"]]),
        Table("劝和率", (Column("label", "指标"), *RATIO_COLUMNS), [{"label": "劝和率", **_ratio(rate)}]),
        Table("心理咨询服务项目", (Column("organisation", "承接社会组织"), Column("street", "服务街道（乡镇）"),
                                  Column("referred", "转介家庭", "int"), Column("in_service", "在服务", "int"),
                                  Column("closed", "已结案", "int"), Column("completion", "完成率", "rate")),
              [{**g, "completion": g["completion_rate"]["rate"]} for g in projects["groups"]]),
    ]


def services_definitions(data: dict) -> list[tuple[str, str]]:
    return [("12338热线", data["hotline"]["definition"]), ("和合之家婚姻辅导", data["marriage_counselling"]["definition"]),
            ("心理咨询服务项目", data["counselling_projects"]["definition"])]


TABLES = {"commitments": commitment_tables, "summary": summary_tables, "overdue": overdue_tables,
          "cases": case_tables, "services": services_tables}


def report_tables(report: str, data: dict) -> list[Table]:
    return TABLES[report](data)


def notes_table(report: str, data: dict) -> Table:
    """The 说明 sheet: what this file is and how each figure was counted."""
    period = data.get("period")
    rows = [("报表", REPORT_TITLES[report]),
            ("统计期（北京时间，含起不含止）", f"{period['from']} 至 {period['to']}") if period
            else ("统计期", "不适用：列出生成时已超过时限的待办任务"),
            ("统计范围", "、".join(u["name"] for u in data["org_units"]) or "（无）"),
            ("流程", data.get("process") or "全部"),
            ("生成时间", beijing(data["as_of"]).strftime("%Y-%m-%d %H:%M"))]
    rows += summary_definitions(data) if report == "summary" else []
    rows += services_definitions(data) if report == "services" else []
    rows += [(c["label"], c["definition"]) for c in data.get("commitments", [])]
    return Table("说明", (Column("item", "项目"), Column("text", "内容")),
                 [{"item": item, "text": text} for item, text in rows])


def export_file(report: str, data: dict, fmt: str) -> bytes:
    tables = report_tables(report, data)
    return to_xlsx([*tables, notes_table(report, data)]) if fmt == "xlsx" else to_csv(tables)


def file_name(report: str, data: dict, fmt: str) -> tuple[str, str]:
    """(Chinese name, ASCII fallback) for the download, e.g. 四项承诺_20260301-20260401.xlsx."""
    if "period" not in data:
        stamp = beijing(data["as_of"]).strftime("%Y%m%d")
    else:
        start, end = (datetime.fromisoformat(data["period"][k]) for k in ("from", "to"))
        stamp = f"{start:%Y%m%d}-{end:%Y%m%d}"
    return f"{REPORT_TITLES[report]}_{stamp}.{fmt}", f"jiahe-{report}-{stamp}.{fmt}"
