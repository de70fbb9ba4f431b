"""Case facts: the few data fields that lists, filters and reports need, copied onto the
instance row after every change (queries never deserialize workflows)."""
from __future__ import annotations

from datetime import date, datetime

SUMMARY_CHARS = 500
FINISHED = ("completed", "terminated")


def project_facts(row, data: dict) -> None:
    row.channel = _text(data.get("channel"), 32)
    row.dispute_type = _text(data.get("dispute_type"), 40)
    row.risk_colour = _text(data.get("risk_colour"), 16)
    row.level = data.get("level") if isinstance(data.get("level"), int) else None
    row.outcome = _text(data.get("outcome"), 40)
    row.summary = _text(data.get("summary"), SUMMARY_CHARS)
    retention = iso_date(data.get("retention_until"))
    if retention:
        row.retain_until = retention


def stamp_retention(row, years: int | None) -> None:
    """A finished case whose data set no 保管期限 keeps its data `years` after it ended."""
    if row.status in FINISHED and not row.retain_until and years and row.ended_at is not None:
        row.retain_until = add_years(row.ended_at.date(), years).isoformat()


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def iso_date(value) -> str | None:
    """The ISO date of a date or date-time text (None for anything else)."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        return None


def _text(value, limit: int) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)[:limit]
