"""Labels for case data: each field's title and the titles of its coded values, gathered from
every form of a process version, so that a page can show 「风险等级：红」 rather than
risk_colour: red (UI.md: labels come from the forms, never from code)."""
from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

DMN_OUTPUT = "{*}output"


def labels_of_forms(forms: Iterable[dict]) -> dict[str, dict]:
    """path -> {"title", "choices": {value: title}}; nested fields are "a.b", array items "a[].b".
    Where forms disagree on a title, the first form (by name) wins."""
    labels: dict[str, dict] = {}
    for schema in forms:
        _collect(schema or {}, "", labels)
    return labels


def _collect(node: dict, path: str, labels: dict[str, dict]) -> None:
    if not isinstance(node, dict):
        return
    if path:
        entry = labels.setdefault(path, {"title": None, "choices": {}})
        entry["title"] = entry["title"] or node.get("title")
        for value, title in _choices(node):
            entry["choices"].setdefault(str(value), title)
    for name, child in (node.get("properties") or {}).items():
        _collect(child, f"{path}.{name}" if path else name, labels)
    items = node.get("items")
    if isinstance(items, dict):
        _collect(items, f"{path}[]", labels)
    for key in ("allOf", "anyOf", "then", "else"):
        branches = node.get(key)
        for branch in branches if isinstance(branches, list) else [branches] if branches else []:
            if isinstance(branch, dict) and "const" not in branch:
                _collect(branch, path, labels)


def _choices(node: dict):
    for option in node.get("oneOf") or node.get("anyOf") or []:
        if isinstance(option, dict) and "const" in option and option.get("title"):
            yield option["const"], option["title"]
    yield from zip(node.get("enum") or [], node.get("enumNames") or [], strict=False)
    items = node.get("items")
    if isinstance(items, dict):  # a multiple choice: an array of coded values
        yield from _choices(items)


def labels_of_decisions(dmn_texts: Iterable[str]) -> dict[str, dict]:
    """The titles of what decision tables write into the case (their outputs' labels), e.g.
    risk_colour 风险颜色."""
    labels: dict[str, dict] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for text in dmn_texts:
        for output in etree.fromstring(text.encode("utf-8"), parser=parser).iter(DMN_OUTPUT):
            if output.get("name") and output.get("label"):
                labels.setdefault(output.get("name"), {"title": output.get("label"), "choices": {}})
    return labels
