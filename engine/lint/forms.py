"""User-task forms: each names its JSON Schema (and UI schema) file, which must exist and be valid."""
from __future__ import annotations

import json
import re

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from engine.lint.context import NS, LintContext, spiff_properties
from engine.lint.findings import WARNING, Finding, error

FORM_PROPERTY = "formJsonSchemaFilename"
UI_PROPERTY = "formUiSchemaFilename"
FORM_PROPERTIES = (FORM_PROPERTY, UI_PROPERTY)
# A file nobody references is taken for a UI schema by its name (intake.uischema.json).
_UI_NAME = re.compile(r"ui[-_.]?schema", re.IGNORECASE)


def user_task_forms(ctx: LintContext) -> list[Finding]:
    findings = []
    for doc, task in ctx.executable_elements("userTask"):
        properties = spiff_properties(task)
        if FORM_PROPERTY not in properties:
            findings.append(doc.finding(task, "user-task-no-form", f"user task has no {FORM_PROPERTY}", WARNING))
        if ctx.forms is None:
            continue  # no forms collection given: existence cannot be judged
        for name in FORM_PROPERTIES:
            prop = properties.get(name)
            value = prop.get("value") if prop is not None else None
            if prop is not None and value not in ctx.forms:
                message = f"{name} names {value!r}, which is not in the forms ({ctx.form_label(value or '')})"
                findings.append(doc.finding(prop, "form-missing", message))
    return findings


def form_files(ctx: LintContext) -> list[Finding]:
    if not ctx.forms:
        return []
    schemas, ui_schemas = _referenced(ctx)
    findings = []
    for name in sorted(ctx.forms):
        is_ui = name in ui_schemas or (name not in schemas and bool(_UI_NAME.search(name)))
        findings += _check_form(ctx.form_label(name), ctx.forms[name], is_ui)
    return findings


def _referenced(ctx: LintContext) -> tuple[set[str], set[str]]:
    found = {FORM_PROPERTY: set(), UI_PROPERTY: set()}
    for doc in ctx.bpmn_documents():
        for prop in doc.root.xpath(".//spiffworkflow:properties/spiffworkflow:property", namespaces=NS):
            if prop.get("name") in found:
                found[prop.get("name")].add(prop.get("value"))
    return found[FORM_PROPERTY], found[UI_PROPERTY]


def _check_form(label: str, content, is_ui: bool) -> list[Finding]:
    data, problem = load_form_json(content)
    if problem is not None:
        message, line = problem
        return [error("form-invalid-schema", message, file=label, line=line)]
    if is_ui:
        if isinstance(data, dict):
            return []
        return [error("form-invalid-schema", "a UI schema must be a JSON object", file=label)]
    return _check_schema(label, data)


def load_form_json(content) -> tuple[object, tuple[str, int | None] | None]:
    try:
        text = content if isinstance(content, str) else bytes(content).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, (f"not UTF-8 text: {exc.reason}", None)
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, (f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno)
    except RecursionError:
        return None, ("not readable JSON: nested too deeply", None)


def _check_schema(label: str, data) -> list[Finding]:
    try:
        Draft202012Validator.check_schema(data)
    except SchemaError as exc:
        where = "/".join(str(part) for part in exc.path) or "the top level"
        message = f"not a valid JSON Schema (draft 2020-12) at {where}: {exc.message}"
        return [error("form-invalid-schema", message, file=label)]
    except Exception as exc:  # noqa: BLE001 - e.g. RecursionError on a pathological schema
        return [error("form-invalid-schema", f"the schema could not be checked: {exc!r}", file=label)]
    return []
