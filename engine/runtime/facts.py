"""Case facts: the few data fields that lists, filters and reports need, copied onto the
instance row after every change (queries never deserialize workflows)."""
from __future__ import annotations

SUMMARY_CHARS = 500


def project_facts(row, data: dict) -> None:
    row.channel = _text(data.get("channel"), 32)
    row.dispute_type = _text(data.get("dispute_type"), 40)
    row.risk_colour = _text(data.get("risk_colour"), 16)
    row.level = data.get("level") if isinstance(data.get("level"), int) else None
    row.outcome = _text(data.get("outcome"), 40)
    row.summary = _text(data.get("summary"), SUMMARY_CHARS)


def _text(value, limit: int) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)[:limit]
