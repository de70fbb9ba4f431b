"""Sensitive personal information in case data (个人信息保护法 Art. 28; DOMAIN.md, privacy).

Form schemas mark fields with `"x-sensitive": true`; those values are masked unless the
viewer's role needs them, and every explicit reveal is audited by the caller.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from typing import Any

MASK = "***"


def sensitive_paths(schema: dict | None) -> set[str]:
    """Dotted paths of sensitive fields; array items are written `field[]`."""
    return {path for path, node in schema_fields(schema) if node.get("x-sensitive")}


def schema_fields(schema: dict | None, *, stop: Callable[[dict], bool] = lambda node: False
                  ) -> Iterator[tuple[str, dict]]:
    """Every field a form's schema declares, as (dotted path, its schema): properties, array
    items (`field[]`) and what `allOf`/`anyOf`/`oneOf` branches and `then`/`else` add. A field
    for which `stop` is true is given but not looked into."""
    yield from _fields(schema or {}, "", stop)


def _fields(node: Any, prefix: str, stop) -> Iterator[tuple[str, dict]]:
    if not isinstance(node, dict):
        return
    if prefix:
        yield prefix, node
        if stop(node):
            return
    for name, child in (node.get("properties") or {}).items():
        yield from _fields(child, f"{prefix}.{name}" if prefix else name, stop)
    if isinstance(node.get("items"), dict):
        yield from _fields(node["items"], f"{prefix}[]", stop)
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(key) or []:
            if isinstance(branch, dict) and "const" not in branch:  # a choice, not a part
                yield from _fields_of_part(branch, prefix, stop)
    for key in ("then", "else"):
        yield from _fields_of_part(node.get(key), prefix, stop)


def _fields_of_part(part: Any, prefix: str, stop) -> Iterator[tuple[str, dict]]:
    """The fields a part of a schema adds at the same place (a branch is not a field itself)."""
    if not isinstance(part, dict):
        return
    for name, child in (part.get("properties") or {}).items():
        yield from _fields(child, f"{prefix}.{name}" if prefix else name, stop)
    if isinstance(part.get("items"), dict):
        yield from _fields(part["items"], f"{prefix}[]", stop)
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in part.get(key) or []:
            if isinstance(branch, dict) and "const" not in branch:
                yield from _fields_of_part(branch, prefix, stop)


def sensitive_paths_of_forms(forms: Iterable[dict]) -> set[str]:
    paths: set[str] = set()
    for schema in forms:
        paths |= sensitive_paths(schema)
    return paths


def masked(data: dict, paths: set[str]) -> tuple[dict, list[str]]:
    """A copy of `data` with every sensitive value masked, and the concrete paths masked."""
    result, hits = copy.deepcopy(data), []
    for path in sorted(paths):
        _mask(result, path.replace("[]", ".[]").split("."), path, hits)
    return result, hits


def _mask(node: Any, parts: list[str], path: str, hits: list[str], where: str = "") -> None:
    if not parts or node is None:
        return
    head, rest = parts[0], parts[1:]
    if head == "[]":
        for i, item in enumerate(node if isinstance(node, list) else []):
            _mask(item, rest, path, hits, f"{where}[{i}]")
        return
    if not isinstance(node, dict) or head not in node:
        return
    here = f"{where}.{head}" if where else head
    if rest:
        _mask(node[head], rest, path, hits, here)
    elif node[head] not in (None, ""):
        node[head] = mask_value(node[head])
        hits.append(here)


def mask_value(value: Any) -> str:
    """Keep just enough to recognise a value (138****0001), never enough to use it."""
    text = str(value)
    if len(text) >= 7 and text.replace("-", "").replace(" ", "").isdigit():
        return text[:3] + "****" + text[-4:]
    return (text[:1] + MASK) if len(text) > 1 else MASK


def value_at(data: dict, path: str) -> Any:
    """The value at a concrete path such as `parties[0].phone` (None when absent)."""
    node: Any = data
    for part in path.replace("[", ".[").split("."):
        if part.startswith("["):
            index = int(part[1:-1])
            node = node[index] if isinstance(node, list) and index < len(node) else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return None
    return node
