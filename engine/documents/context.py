"""What a document template sees: the render context.

    the case's data     every field its forms wrote, as the case detail has it unmasked, with
                        the task's own data on top when the document is made from a task;
                        coded values print their Chinese title (`{{ p.sex }}` is 女) and still
                        compare equal to their code (`{% if result == "resolved" %}`)
    case                case_no, org_unit (name), org_unit_id, process (name), process_key,
                        status (Chinese), created_on (Chinese date)
    task                title, name, org_unit (name), ended_on (Chinese date); empty without a task
    document            key, title, legal_basis
    office              the unit that issues it: the task's unit, else the case's (its name)
    author              who generates it (display name)
    today, today_cn     the day it is generated: 2026-12-06 and 二〇二六年十二月六日

Filters: `cn_date` (an ISO date or date-time as 二〇二六年三月五日) and `cn_number` (3 as 三).
For a template whose audience is `parties` every x-sensitive value is removed before the
template sees anything (DOMAIN.md, privacy): the template cannot print what is not there.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from engine.calendar import CHINA_TZ
from engine.personal_data import split

# The context's own names, and the fields of those that are mappings (lint checks both).
CONTEXT_FIELDS: dict[str, frozenset[str] | None] = {
    "case": frozenset({"case_no", "org_unit", "org_unit_id", "process", "process_key", "status", "created_on"}),
    "task": frozenset({"title", "name", "org_unit", "ended_on"}),
    "document": frozenset({"key", "title", "legal_basis"}),
    "office": None, "author": None, "today": None, "today_cn": None,
}
DIGITS = "〇一二三四五六七八九"
# XML 1.0 cannot hold C0 controls other than tab, newline and carriage return.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class Choice(str):
    """A coded value as documents show it: its Chinese title, equal to its code as well."""

    code: str

    def __new__(cls, code: str, title: str) -> Choice:
        value = super().__new__(cls, title)
        value.code = code
        return value

    def __eq__(self, other: object) -> bool:
        return str.__eq__(self, other) is True or str.__eq__(self.code, other) is True

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


def chinese_date(value: date | datetime | str | None) -> str:
    """二〇二六年十二月六日; an ISO date or date-time (read in China time); anything else as it is."""
    day = _as_date(value)
    if day is None:
        return "" if value is None else str(value)
    return f"{_digits(day.year)}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


def chinese_number(value: Any) -> str:
    """A whole number from 0 to 99 in Chinese numerals (三, 十二, 二十); others as they are."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 100:
        return str(value)
    tens, ones = divmod(value, 10)
    if tens == 0:
        return DIGITS[ones]
    return f"{'' if tens == 1 else DIGITS[tens]}十{DIGITS[ones] if ones else ''}"


def _digits(number: int) -> str:
    return "".join(DIGITS[int(d)] for d in str(number))


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(CHINA_TZ).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else _as_date(datetime.fromisoformat(text))
    except ValueError:
        return None


def shown(value: Any, labels: dict[str, dict], path: str = "") -> Any:
    """Case data as a document prints it: coded values become Choices, text loses what a
    document cannot hold (control characters, carriage returns)."""
    if isinstance(value, dict):
        return {key: shown(item, labels, f"{path}.{key}" if path else key) for key, item in value.items()}
    if isinstance(value, list):
        return [shown(item, labels, f"{path}[]") for item in value]
    if isinstance(value, str):
        text = _CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
        title = ((labels.get(path) or {}).get("choices") or {}).get(value)
        return Choice(text, title) if title else text
    return value


def without_sensitive(data: dict, paths) -> dict:
    """`data` without a value at any of the sensitive `paths` (array items written `a[]`)."""
    kept, _ = split(data, paths)
    return kept


def build_context(*, data: dict, labels: dict[str, dict], case: dict, task: dict | None, document: dict,
                  office: str, author: str, today: date) -> dict:
    """The context a template is rendered with. `data` is already without what its audience
    may not see."""
    return {**shown(data, labels), "case": case, "task": task or {}, "document": document, "office": office,
            "author": author, "today": today.isoformat(), "today_cn": chinese_date(today)}


def missing(data: dict, paths) -> list[str]:
    """The `paths` (dotted) with no value in `data`: absent, None, blank text or an empty list."""
    return [path for path in paths if _blank(_at(data, path))]


def _at(data: dict, path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}
