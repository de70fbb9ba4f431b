"""Which case data is personal information, and taking it apart from the rest.

Retention (PIPL Art. 19, 47) erases personal information when a case's 保管期限 ends, while
statistics must stay true. The forms say what is which: a free-text field (a string without
a list of choices and not a date) or one marked `x-sensitive` holds names, contacts,
addresses or narratives and is personal; coded values (choices), dates, numbers and yes/no
answers are what statistics count and are kept. A free-text field that statistics group by
(a contracted organisation, a street) says `"x-retain": true`.

Paths are dotted, array items written `field[]`, as in engine.privacy.
"""
from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from typing import Any

from engine.privacy import schema_fields

KEPT_FORMATS = frozenset({"date", "date-time", "time"})
ERASED = "（已匿名化）"


def personal_paths(schema: dict | None) -> set[str]:
    paths = set()
    for path, node in schema_fields(schema, stop=_stops):
        if not node.get("x-retain") and (node.get("x-sensitive") or _free_text(node)):
            paths.add(path)
    return paths


def personal_paths_of_forms(forms: Iterable[dict]) -> frozenset[str]:
    paths: set[str] = set()
    for schema in forms:
        paths |= personal_paths(schema)
    return frozenset(paths)


def _stops(node: dict) -> bool:
    # Kept whole (x-retain), or personal whole: nothing inside needs looking at.
    return bool(node.get("x-retain") or node.get("x-sensitive") or _free_text(node))


def _free_text(node: dict) -> bool:
    types = node.get("type")
    types = set(types) if isinstance(types, list) else {types}
    if "string" not in types:
        return "array" in types and isinstance(node.get("items"), dict) and _free_text(node["items"])
    coded = "enum" in node or "const" in node or any(
        isinstance(branch, dict) and "const" in branch for branch in (node.get("oneOf") or node.get("anyOf") or []))
    return not coded and node.get("format") not in KEPT_FORMATS


def split(data: dict, paths: Iterable[str], *, owned: bool = False) -> tuple[dict, dict]:
    """(kept, personal): `data` without its personal values, and just those values in the same
    shape (array items keep their index: an item with nothing personal is {}). merge(kept,
    personal) gives `data` back. `owned`: nobody else holds `data` (the audit chain's own
    copy of an event), so its values are moved out of it instead of out of a copy."""
    # Every event of every change is split: look only at paths into keys the data has.
    relevant = [parts for parts in _path_parts(frozenset(paths)) if parts[0] in data]
    if not relevant:
        return data, {}
    kept, personal = (data if owned else copy.deepcopy(data)), {}
    moved = sum(_move(kept, personal, parts) for parts in relevant)
    return (kept, personal) if moved else (data, {})


@functools.lru_cache(maxsize=256)
def _path_parts(paths: frozenset[str]) -> tuple[list[str], ...]:
    return tuple(path.replace("[]", ".[]").split(".") for path in sorted(paths))


def _move(source: Any, target: dict | list, parts: list[str]) -> int:
    """Move the values at `parts` from source to target; how many were moved."""
    head, rest = parts[0], parts[1:]
    if not isinstance(source, dict) or head not in source:
        return 0
    if not rest:
        target[head] = source.pop(head)
        return 1
    if rest[0] == "[]":
        items = source[head]
        if not isinstance(items, list) or len(rest) < 2:
            return 0
        out = target.setdefault(head, [{} for _ in items])
        return sum(_move(item, slot, rest[1:]) for item, slot in zip(items, out, strict=False))
    return _move(source[head], target.setdefault(head, {}), rest)


def merge(kept: dict, personal: dict | None) -> dict:
    """`kept` with the personal values put back where they came from."""
    if not personal:
        return kept
    result = copy.deepcopy(kept)
    _merge_into(result, personal)
    return result


def _merge_into(target: Any, personal: Any) -> None:
    for key, value in personal.items():
        here = target.get(key) if isinstance(target, dict) else None
        if isinstance(value, dict) and isinstance(here, dict):
            _merge_into(here, value)
        elif isinstance(value, list) and isinstance(here, list) and all(isinstance(v, dict) for v in value):
            for slot, item in zip(here, value, strict=False):
                if isinstance(slot, dict):
                    _merge_into(slot, item)
        else:
            target[key] = value


def anonymised(data: dict, paths: Iterable[str]) -> tuple[dict, int]:
    """A copy of `data` with every personal value replaced by ERASED (lists emptied to one
    mark), and how many values were replaced."""
    kept, personal = split(data, paths)
    count = _count(personal)
    return merge(kept, _marked(personal)), count


def _marked(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _marked(v) for k, v in node.items()}
    if isinstance(node, list) and all(isinstance(v, dict) for v in node) and node:
        return [_marked(v) for v in node]
    if isinstance(node, list):
        return [ERASED] if node else []
    return ERASED if node not in (None, "") else node


def _count(node: Any) -> int:
    if isinstance(node, dict):
        return sum(_count(v) for v in node.values())
    if isinstance(node, list) and all(isinstance(v, dict) for v in node) and node:
        return sum(_count(v) for v in node)
    return 0 if node in (None, "", []) else 1
