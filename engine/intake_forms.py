"""The forms a matter is registered with: each process's start form (and its UI schema), the
processes staff can register, and the online (网) intake form as the public sees it."""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass

from engine.definitions.parsing import FORM_SCHEMA, FORM_UI_SCHEMA, ParsedProcess
from engine.runtime.projections import task_properties
from engine.runtime.runtime import start_form_name
from engine.store import repository as repo

# Set by the server for an online submission (engine.public_intake), never by the public.
SERVER_SET = ("channel", "referral_source", "received_at")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class RegistrableProcess:
    key: str
    name: str
    start_form: dict
    channels: list[Choice]


def start_form(parsed: ParsedProcess) -> dict | None:
    """The start event's form that POST /cases validates `data` against, with its UI schema."""
    schema_name = start_form_name(parsed)
    if schema_name is None:
        return None
    properties = [task_properties(spec) for spec in parsed.spec.task_specs.values()]
    ui_name = next((p.get(FORM_UI_SCHEMA) for p in properties if p.get(FORM_SCHEMA) == schema_name), None)
    return {"schema": parsed.form(schema_name), "ui_schema": parsed.form(ui_name)}


def registrable_processes(runtime) -> list[RegistrableProcess]:
    """The deployed processes a matter can be registered with (those with a start form), each
    with the channels its form offers, or else those the others offer."""
    with runtime.store.read() as session:
        parsed = [runtime.parsed(session, version) for version in repo.latest_versions(session)]
    forms = [(p, start_form(p)) for p in parsed]
    forms = [(p, form) for p, form in forms if form is not None and form["schema"]]
    offered = [_channels(form["schema"]) for _, form in forms]
    every = list({c.value: c for choices in offered for c in choices}.values())
    return [RegistrableProcess(p.key, p.name, form, channels or every)
            for (p, form), channels in zip(forms, offered, strict=True)]


def _channels(schema: dict) -> list[Choice]:
    field = (schema.get("properties") or {}).get("channel") or {}
    return [Choice(option["const"], option.get("title", option["const"])) for option in field.get("oneOf") or []
            if "const" in option]


def public_form(parsed: ParsedProcess) -> dict:
    """The start form without what the server sets itself."""
    form = start_form(parsed) or {"schema": None, "ui_schema": None}
    schema = copy.deepcopy(form["schema"] or {})
    for name in SERVER_SET:
        (schema.get("properties") or {}).pop(name, None)
    schema["required"] = [name for name in schema.get("required", []) if name not in SERVER_SET]
    schema["allOf"] = [part for part in schema.get("allOf", []) if not _mentions_server_set(part)]
    if not schema["allOf"]:
        schema.pop("allOf")
    ui = copy.deepcopy(form["ui_schema"] or {})
    if "ui:order" in ui:
        ui["ui:order"] = [name for name in ui["ui:order"] if name not in SERVER_SET]
    for name in SERVER_SET:
        ui.pop(name, None)
    return {"schema": schema, "ui_schema": ui}


def _mentions_server_set(part: dict) -> bool:
    text = json.dumps(part)
    return any(f'"{name}"' in text for name in SERVER_SET)
