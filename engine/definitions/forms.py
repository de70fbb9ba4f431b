"""Validate submitted task data against the task's JSON Schema, with Chinese messages."""
from __future__ import annotations

import ast
import contextlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from engine.errors import FieldError

_FORMAT_CHECKER = FormatChecker()
# RFC 3339, as JSON Schema means it: a date-time carries its offset. jsonschema checks
# date-time only with an extra package installed, and its date check takes Python's looser
# ISO forms ("20260305"), so both are ours.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


@_FORMAT_CHECKER.checks("date", raises=ValueError)
def _is_date(value) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_DATE.match(value)) and date.fromisoformat(value) is not None


@_FORMAT_CHECKER.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_DATE_TIME.match(value)) and datetime.fromisoformat(value.upper().replace("Z", "+00:00")) is not None

# Chinese and English message templates per JSON Schema keyword.
_MESSAGES = {
    "required": ("「{label}」为必填项", "{label} is required"),
    "type": ("「{label}」的类型不正确，应为 {expected}", "{label} must be of type {expected}"),
    "enum": ("「{label}」的取值不在允许范围内", "{label} is not one of the allowed values"),
    "const": ("「{label}」的取值不在允许范围内", "{label} is not one of the allowed values"),
    "oneOf": ("「{label}」的取值不在允许范围内", "{label} is not one of the allowed values"),
    "format": ("「{label}」的格式不正确（应为 {expected}）", "{label} is not a valid {expected}"),
    "minLength": ("「{label}」太短（至少 {expected} 个字符）", "{label} is too short (at least {expected} characters)"),
    "maxLength": ("「{label}」太长（至多 {expected} 个字符）", "{label} is too long (at most {expected} characters)"),
    "minimum": ("「{label}」不能小于 {expected}", "{label} must be at least {expected}"),
    "maximum": ("「{label}」不能大于 {expected}", "{label} must be at most {expected}"),
    "pattern": ("「{label}」的格式不正确", "{label} does not have the expected format"),
    "minItems": ("「{label}」至少需要 {expected} 项", "{label} needs at least {expected} items"),
    "maxItems": ("「{label}」至多 {expected} 项", "{label} takes at most {expected} items"),
    "additionalProperties": ("表单包含未定义的字段", "the form does not define this field"),
}
UNDECLARED = ("表单没有此字段，不能提交", "the form does not have this field")


def validate_form(schema: dict | None, data: Any) -> list[FieldError]:
    """Field errors for `data`, in document order; [] when valid or when there is no form."""
    if not schema:
        return []
    errors = sorted(_compiled(schema).validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [_field_error(schema, error) for error in errors]


def undeclared_fields(schema: dict | None, data: dict) -> list[FieldError]:
    """A field error for each top-level field of `data` that the form does not declare.

    A step writes only what its form asks for: a submitter must not plant routing or
    outcome variables (level, risk_colour, outcome, ...) that the form does not show. A step
    without a form takes no fields."""
    declared = _compiled(schema).declared if isinstance(schema, dict) else frozenset()
    zh, en = UNDECLARED
    return [FieldError(name, en, "additionalProperties", zh=zh) for name in data if name not in declared]


def declared_fields(schema: dict) -> frozenset[str]:
    """The top-level properties a form declares anywhere: its own `properties` and those of
    the parts that apply conditionally (allOf/anyOf/oneOf, if/then/else, dependentSchemas)."""
    names: set[str] = set()
    pending = [schema]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict):
            continue
        names.update((node.get("properties") or {}).keys())
        for keyword in ("allOf", "anyOf", "oneOf"):
            pending.extend(node.get(keyword) or [])
        # not "if": a field it tests is declared where it is shown, or not at all
        pending.extend(node.get(keyword) for keyword in ("then", "else"))
        pending.extend((node.get("dependentSchemas") or {}).values())
    return frozenset(names)


@dataclass(frozen=True)
class _CompiledForm:
    schema: dict  # held, so that the id it is filed under cannot go to another dict meanwhile
    validator: Draft202012Validator
    declared: frozenset[str]


# What a form's checks need, by schema object. Deployed forms are parsed once per version and
# then shared, so every completion of a task hands in the same dict.
_COMPILED: dict[int, _CompiledForm] = {}
_COMPILED_LIMIT = 512


def _compiled(schema: dict) -> _CompiledForm:
    cached = _COMPILED.get(id(schema))
    if cached is not None and cached.schema is schema:
        return cached
    compiled = _CompiledForm(schema, Draft202012Validator(schema, format_checker=_FORMAT_CHECKER),
                             declared_fields(schema))
    if len(_COMPILED) >= _COMPILED_LIMIT:
        _COMPILED.clear()  # far more forms than any deployment has: start over
    _COMPILED[id(schema)] = compiled
    return compiled


def _field_error(schema: dict, error) -> FieldError:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = _missing_property(error)
        path.append(missing)
    field = ".".join(path) or "(form)"
    label = _label(schema, path) or field
    templates = _MESSAGES.get(error.validator)
    expected = error.validator_value if not isinstance(error.validator_value, (dict, list)) else ""
    if templates is None:
        return FieldError(field=field, message=error.message, validator=str(error.validator),
                          zh=f"「{label}」不符合表单要求")
    zh, en = (template.format(label=label, expected=expected) for template in templates)
    return FieldError(field=field, message=en, validator=str(error.validator), zh=zh)


def _missing_property(error) -> str:
    """The property a `required` error is about. jsonschema raises one error per missing
    property, all with the same list of required names; only the message names the one
    ("'mediated_on' is a required property")."""
    instance = error.instance if isinstance(error.instance, dict) else {}
    missing = [name for name in error.validator_value if name not in instance]
    named = _REQUIRED_MESSAGE.match(error.message)
    if named:
        with contextlib.suppress(ValueError, SyntaxError):
            name = ast.literal_eval(named.group(1))
            if name in missing:
                return name
    return missing[0] if missing else ""


_REQUIRED_MESSAGE = re.compile(r"^(.+) is a required property$")


def _label(schema: dict, path: list[str]) -> str | None:
    node = schema
    for part in path:
        if not isinstance(node, dict):
            return None
        props = node.get("properties") or {}
        node = props.get(part) if part in props else (node.get("items") if part.isdigit() else None)
    return node.get("title") if isinstance(node, dict) else None
