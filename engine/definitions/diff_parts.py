"""The pieces of a version diff besides the diagram: forms (field by field) and DMN decision
tables (rule by rule), and the fact-by-fact comparison they and the diagram share."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from engine.lint.documents import parse_xml

# Keys of a field's schema that hold its sub-fields: compared as fields of their own.
NESTED = ("properties", "items")
FORM_LEVEL = "(form)"  # the field name for what belongs to the form as a whole (the page names it)


@dataclass(frozen=True)
class Change:
    """One fact that differs: `old` or `new` is None when the fact is new or gone."""

    field: str
    old: Any
    new: Any

    def to_dict(self) -> dict:
        return {"field": self.field, "old": self.old, "new": self.new}


def text_of(el) -> str:
    return (el.text or "").strip() if el is not None else ""


def compare_facts(old: dict[str, Any], new: dict[str, Any]) -> tuple[Change, ...]:
    return tuple(Change(key, old.get(key), new.get(key)) for key in sorted(old.keys() | new.keys())
                 if old.get(key) != new.get(key))


@dataclass(frozen=True)
class Entry:
    """A field of a form or a rule of a decision table, with its changes when it changed."""

    id: str
    label: str = ""
    changes: tuple[Change, ...] = ()

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "changes": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True)
class PartChange:
    """A form file or a decision table: added, removed, or changed in these entries."""

    file: str
    status: str  # added | removed | changed
    added: tuple[Entry, ...] = ()
    removed: tuple[Entry, ...] = ()
    changed: tuple[Entry, ...] = ()
    id: str = ""  # the decision's id (decision tables)
    name: str = ""

    def to_dict(self) -> dict:
        return {"file": self.file, "id": self.id, "name": self.name, "status": self.status,
                "added": [e.to_dict() for e in self.added], "removed": [e.to_dict() for e in self.removed],
                "changed": [e.to_dict() for e in self.changed]}


def _entries(old: dict[str, dict], new: dict[str, dict]) -> dict[str, tuple[Entry, ...]]:
    def label(facts: dict) -> str:
        return str(facts.get("title") or facts.get("label") or "")

    return {
        "added": tuple(Entry(k, label(new[k])) for k in sorted(new.keys() - old.keys())),
        "removed": tuple(Entry(k, label(old[k])) for k in sorted(old.keys() - new.keys())),
        "changed": tuple(Entry(k, label(new[k]), compare_facts(old[k], new[k]))
                         for k in sorted(old.keys() & new.keys()) if old[k] != new[k]),
    }


def _part(file: str, old: dict | None, new: dict | None, **names) -> PartChange | None:
    if old is None:
        return PartChange(file, "added", **_entries({}, new), **names)
    if new is None:
        return PartChange(file, "removed", **_entries(old, {}), **names)
    entries = _entries(old, new)
    if not any(entries.values()):
        return None
    return PartChange(file, "changed", **entries, **names)


# -- forms -------------------------------------------------------------------------------------

def diff_forms(old: dict[str, str], new: dict[str, str]) -> list[PartChange]:
    """Form files (JSON Schema and UI schema) by name, each compared field by field."""
    changes = []
    for name in sorted(old.keys() | new.keys()):
        if old.get(name) == new.get(name):
            continue
        part = _part(name, form_fields(old[name]) if name in old else None,
                     form_fields(new[name]) if name in new else None)
        if part is not None:
            changes.append(part)
    return changes


def form_fields(text: str) -> dict[str, dict]:
    """Field path -> its facts (title, type, required, ... as compact JSON texts); the form's
    own keys (title, conditions, ui:order) under FORM_LEVEL."""
    try:
        schema = json.loads(text)
    except ValueError:
        return {FORM_LEVEL: {"text": text}}
    if not isinstance(schema, dict):
        return {FORM_LEVEL: {"value": _compact(schema)}}
    fields: dict[str, dict] = {}
    if "properties" in schema or "type" in schema:
        _schema_fields(schema, "", set(), fields)
    else:  # a UI schema: each field's options, and the form's own ui: keys
        for key, value in schema.items():
            target = FORM_LEVEL if key.startswith("ui:") else key
            fields.setdefault(target, {})[key if target == FORM_LEVEL else "ui"] = _compact(value)
    return fields


def _schema_fields(schema: dict, path: str, required: set[str], fields: dict[str, dict]) -> None:
    own = {k: _compact(v) for k, v in schema.items() if k not in NESTED and not (path and k == "required")}
    if path:
        own["required"] = "true" if path.rsplit(".", 1)[-1] in required else "false"
    fields[path or FORM_LEVEL] = own
    children_required = set(schema.get("required") or []) if isinstance(schema.get("required"), list) else set()
    for name, sub in (schema.get("properties") or {}).items():
        if isinstance(sub, dict):
            _schema_fields(sub, f"{path}.{name}" if path else name, children_required, fields)
    items = schema.get("items")
    if isinstance(items, dict) and ("properties" in items):
        _schema_fields(items, f"{path}[]", set(), fields)


def _compact(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


# -- DMN ---------------------------------------------------------------------------------------

def diff_decisions(old: dict[str, str], new: dict[str, str]) -> list[PartChange]:
    """Each decision table, by decision id, compared rule by rule (rules by their ids)."""
    before, after = _decisions(old), _decisions(new)
    changes = []
    for decision_id in sorted(before.keys() | after.keys()):
        was, now = before.get(decision_id), after.get(decision_id)
        file, name = (now or was)["file"], (now or was)["name"]
        part = _part(file, was["rules"] if was else None, now["rules"] if now else None, id=decision_id, name=name)
        if part is not None:
            changes.append(part)
    return changes


def _decisions(files: dict[str, str]) -> dict[str, dict]:
    found = {}
    for file, text in sorted(files.items()):
        root = parse_xml(text.encode("utf-8"))
        for decision in root.iter("{*}decision"):
            table = decision.find("{*}decisionTable")
            if table is not None:
                found[decision.get("id", "")] = {"file": file, "name": decision.get("name") or "",
                                                 "rules": _rules(table)}
    return found


def _rules(table) -> dict[str, dict]:
    inputs = [i.get("label") or text_of(i.find("{*}inputExpression/{*}text")) for i in table.findall("{*}input")]
    outputs = [o.get("label") or o.get("name") or "" for o in table.findall("{*}output")]
    rules = {}
    for index, rule in enumerate(table.findall("{*}rule"), start=1):
        when = [text_of(e.find("{*}text")) for e in rule.findall("{*}inputEntry")]
        then = [text_of(e.find("{*}text")) for e in rule.findall("{*}outputEntry")]
        facts = {"label": text_of(rule.find("{*}description")) or f"#{index}"}
        facts |= {f"when:{label or i + 1}": value for i, (label, value) in enumerate(zip(inputs, when, strict=False))}
        facts |= {f"then:{label or i + 1}": value for i, (label, value) in enumerate(zip(outputs, then, strict=False))}
        rules[rule.get("id") or f"rule-{index}"] = facts
    return rules
