"""Validate submitted task data against the task's JSON Schema, with Chinese messages."""
from __future__ import annotations

import ast
import contextlib
import re
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from engine.errors import FieldError

_FORMAT_CHECKER = FormatChecker()

_MESSAGES = {
    "required": "「{label}」为必填项",
    "type": "「{label}」的类型不正确，应为 {expected}",
    "enum": "「{label}」的取值不在允许范围内",
    "format": "「{label}」的格式不正确（应为 {expected}）",
    "minLength": "「{label}」太短（至少 {expected} 个字符）",
    "maxLength": "「{label}」太长（至多 {expected} 个字符）",
    "minimum": "「{label}」不能小于 {expected}",
    "maximum": "「{label}」不能大于 {expected}",
    "pattern": "「{label}」的格式不正确",
    "minItems": "「{label}」至少需要 {expected} 项",
    "additionalProperties": "表单包含未定义的字段",
}


def validate_form(schema: dict | None, data: Any) -> list[FieldError]:
    """Field errors for `data`, in document order; [] when valid or when there is no form."""
    if not schema:
        return []
    errors = sorted(_validator(schema).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [_field_error(schema, error) for error in errors]


# Validators by schema object. Deployed forms are parsed once per version and then shared, so
# every completion of a task hands in the same dict. An entry holds its schema, so the id it
# is filed under cannot be reused by another dict while the entry exists.
_VALIDATORS: dict[int, tuple[dict, Draft202012Validator]] = {}
_VALIDATOR_LIMIT = 512


def _validator(schema: dict) -> Draft202012Validator:
    cached = _VALIDATORS.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    validator = Draft202012Validator(schema, format_checker=_FORMAT_CHECKER)
    if len(_VALIDATORS) >= _VALIDATOR_LIMIT:
        _VALIDATORS.clear()  # far more forms than any deployment has: start over
    _VALIDATORS[id(schema)] = (schema, validator)
    return validator


def _field_error(schema: dict, error) -> FieldError:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = _missing_property(error)
        path.append(missing)
    field = ".".join(path) or "(form)"
    label = _label(schema, path) or field
    template = _MESSAGES.get(error.validator)
    expected = error.validator_value if not isinstance(error.validator_value, (dict, list)) else ""
    message = template.format(label=label, expected=expected) if template else error.message
    return FieldError(field=field, message=message, validator=str(error.validator))


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
