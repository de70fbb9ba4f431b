"""Case values: what case data may hold, and how it travels to and from an evaluation process.

Case data is saved as JSON (SpiffWorkflow's registry adds datetime, timedelta and UUID), so a
script may only leave such values: None, booleans, numbers, strings, lists (tuples become lists),
dicts with string keys (number keys become strings, as JSON makes them), date-times, durations.
Anything else — a date, a set, a range, an exception, a generator, a cycle, nesting deeper than
CASE_DATA_MAX_DEPTH, more than CASE_DATA_MAX_BYTES — is refused here with the variable's name and
the path to the bad part, so that it becomes an incident at the step that made it instead of a
save that fails on every retry.

On the wire, date-times and durations are tagged objects; a dict of the case that happens to use
the tag key is escaped, so no data can pose as a tagged value.
"""
from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from engine.errors import UnsaveableValue
from engine.limits import CASE_DATA_MAX_BYTES, CASE_DATA_MAX_DEPTH

TAG = "$jiahe"
_SCALARS = (str, bool, int, float, type(None))
_KEY_TYPES = (str, int, float, bool, type(None))


def to_wire(values: dict[str, Any], *, limit: int = CASE_DATA_MAX_BYTES, dates: bool = False) -> str:
    """JSON text of `values` (name -> value); UnsaveableValue names the first bad one.
    `dates`: also dates, for an expression's result (a due date), which is not case data."""
    encoded = {}
    for name, value in values.items():
        encoded[name] = _encode(value, name, 0, set(), dates)
    text = json.dumps(encoded, ensure_ascii=False, separators=(",", ":"), allow_nan=True)
    if len(text) > limit:  # characters, a lower bound of the bytes: cheap, and close enough
        raise UnsaveableValue(
            f"the values are {len(text)} characters as JSON; case data allows {limit}",
            zh=f"这些值转为 JSON 共 {len(text)} 个字符，超过案件数据上限 {limit}")
    return text


def from_wire(wire: str | dict) -> dict[str, Any]:
    """The values to_wire encoded: its text, or that text already parsed into a frame."""
    parsed = json.loads(wire) if isinstance(wire, str) else wire
    return {name: _decode(value) for name, value in parsed.items()}


def check_saveable(name: str, value: Any) -> None:
    """Raise UnsaveableValue unless `value` can be kept in case data (for values made in place)."""
    _encode(value, name, 0, set(), False)


def _encode(value: Any, path: str, depth: int, open_ids: set[int], dates: bool) -> Any:
    kind = type(value)
    if kind in (str, bool, int, type(None)):
        return value
    if kind is float:
        return value if math.isfinite(value) else {TAG: "float", "v": repr(value)}
    if depth >= CASE_DATA_MAX_DEPTH:
        raise _refused(path, f"nests deeper than {CASE_DATA_MAX_DEPTH} levels",
                       f"嵌套超过 {CASE_DATA_MAX_DEPTH} 层")
    if isinstance(value, datetime):
        return {TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, timedelta):
        return {TAG: "timedelta", "days": value.days, "seconds": value.seconds,
                "microseconds": value.microseconds}
    if isinstance(value, UUID):
        return {TAG: "uuid", "v": str(value)}
    if isinstance(value, date):
        if dates:
            return {TAG: "date", "v": value.isoformat()}
        raise _refused(path, "is a date; keep dates as text with iso(...)",
                       "是日期对象；请用 iso(...) 转为文本保存")
    if isinstance(value, (list, tuple, dict)):
        return _encode_container(value, path, depth, open_ids, dates)
    if isinstance(value, _SCALARS):  # subclasses of str/int (bool is exact above)
        return _encode(_plain(value), path, depth, open_ids, dates)
    name = kind.__name__
    raise _refused(path, f"is a {name}, which case data cannot hold (only JSON values, date-times "
                   "and durations)", f"是 {name} 类型，案件数据只能保存 JSON 值、日期时间和时长")


def _plain(value: Any) -> Any:
    for base in (bool, int, float, str):
        if isinstance(value, base):
            return base(value)
    return value


def _encode_container(value, path: str, depth: int, open_ids: set[int], dates: bool) -> Any:
    marker = id(value)
    if marker in open_ids:
        raise _refused(path, "contains itself (a cycle)", "包含其自身（循环引用）")
    open_ids.add(marker)
    try:
        if isinstance(value, dict):
            return _encode_dict(value, path, depth, open_ids, dates)
        return [_encode(item, f"{path}[{i}]", depth + 1, open_ids, dates) for i, item in enumerate(value)]
    finally:
        open_ids.discard(marker)


def _encode_dict(value: dict, path: str, depth: int, open_ids: set[int], dates: bool) -> dict:
    encoded = {}
    for key, item in value.items():
        if not isinstance(key, _KEY_TYPES):
            raise _refused(path, f"has a key of type {type(key).__name__}; keys must be text",
                           f"有 {type(key).__name__} 类型的键；键必须是文本")
        text = key if isinstance(key, str) else json.dumps(key)  # 1 -> "1", True -> "true", as JSON
        encoded[text] = _encode(item, f"{path}[{text!r}]", depth + 1, open_ids, dates)
    if TAG in encoded:
        return {TAG: "dict", "v": encoded}
    return encoded


def _refused(path: str, problem: str, problem_zh: str) -> UnsaveableValue:
    return UnsaveableValue(f"`{path}` {problem}", variable=path.split("[", 1)[0],
                           zh=f"变量 `{path}` {problem_zh}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    tag = value.get(TAG)
    if tag is None:
        return {key: _decode(item) for key, item in value.items()}
    if tag == "datetime":
        return datetime.fromisoformat(value["v"])
    if tag == "timedelta":
        return timedelta(days=value["days"], seconds=value["seconds"], microseconds=value["microseconds"])
    if tag == "date":
        return date.fromisoformat(value["v"])
    if tag == "float":
        return float(value["v"])
    if tag == "uuid":
        return UUID(value["v"])
    if tag == "dict":
        return {key: _decode(item) for key, item in value["v"].items()}
    raise ValueError(f"unknown wire tag {tag!r}")
