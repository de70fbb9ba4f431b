"""Parse a deployed bundle into SpiffWorkflow specs, cached per version."""
from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.definitions.catalog import LaneRole, ProcessEntry, _process_entry
from engine.personal_data import personal_paths_of_forms
from engine.privacy import sensitive_paths_of_forms

FORM_SCHEMA = "formJsonSchemaFilename"
FORM_UI_SCHEMA = "formUiSchemaFilename"
FORM_PROPERTIES = (FORM_SCHEMA, FORM_UI_SCHEMA)


def new_parser() -> SpiffBpmnParser:
    """SpiffBpmnParser with XSD validation: it alone knows lanes, spiff forms and DMN together."""
    return SpiffBpmnParser(validator=VALIDATOR)


@dataclass
class ParsedProcess:
    """Everything the runtime needs of one deployed version."""

    version_id: int
    key: str
    name: str
    version: int
    spec: Any
    subprocess_specs: dict[str, Any]
    forms: dict[str, Any] = field(default_factory=dict)
    lanes: ProcessEntry | None = None
    called_lanes: dict[str, ProcessEntry] = field(default_factory=dict)  # of the processes it calls
    ladder: dict = field(default_factory=dict)  # the region profile it mediates by (bundle "ladder")

    def form(self, name: str | None) -> Any:
        return self.forms.get(name) if name else None

    @cached_property
    def sensitive_paths(self) -> frozenset[str]:
        """Where its forms mark x-sensitive fields (engine.privacy): masked on every task page,
        so worked out once per parsed version."""
        return frozenset(sensitive_paths_of_forms(self.forms.values()))

    @cached_property
    def personal_paths(self) -> frozenset[str]:
        """Where its forms hold personal information (engine.personal_data)."""
        return personal_paths_of_forms(self.forms[name] for name in sorted(self.forms))

    def lane_role(self, lane: str | None, process_key: str | None = None) -> LaneRole | None:
        """The role and level a lane stands for, in this process or in the called process
        `process_key`: each process's lanes are mapped by its own catalog entry."""
        entry = self.called_lanes.get(process_key) if process_key not in (None, self.key) else self.lanes
        return entry.lane_role(lane) if entry else None

    def task_spec(self, name: str):
        spec = self.spec.task_specs.get(name)
        if spec is not None:
            return spec
        for sub in self.subprocess_specs.values():
            if sub is not None and name in sub.task_specs:
                return sub.task_specs[name]
        return None

    def has_task_spec(self, name: str) -> bool:
        return self.task_spec(name) is not None


def parse_bundle(version_id: int, version: int, bundle: dict) -> ParsedProcess:
    parser = new_parser()
    for name, text in bundle["bpmn"].items():
        parser.add_bpmn_str(text.encode("utf-8"), filename=name)
    for name, text in bundle.get("dmn", {}).items():
        parser.add_dmn_str(text.encode("utf-8"), filename=name)
    key = bundle["process_key"]
    return ParsedProcess(
        version_id=version_id,
        key=key,
        name=bundle.get("name", key),
        version=version,
        spec=parser.get_spec(key),
        subprocess_specs=parser.get_subprocess_specs(key),
        forms={name: json.loads(text) for name, text in bundle.get("forms", {}).items()},
        lanes=_process_entry(key, bundle.get("catalog") or {}, roles={}),
        called_lanes={called: _process_entry(called, entry or {}, roles={})
                      for called, entry in (bundle.get("called_catalog") or {}).items()},
        ladder=dict(bundle.get("ladder") or {}),
    )


class SpecCache:
    """Parsed versions by id. Versions never change once deployed, so entries never expire."""

    def __init__(self):
        self._parsed: dict[int, ParsedProcess] = {}
        self._lock = threading.Lock()

    def get(self, version_id: int, load: Callable[[], ParsedProcess]) -> ParsedProcess:
        parsed = self._parsed.get(version_id)
        if parsed is not None:
            return parsed
        with self._lock:
            if version_id not in self._parsed:
                self._parsed[version_id] = _warmed(load())
            return self._parsed[version_id]


def _warmed(parsed: ParsedProcess) -> ParsedProcess:
    # Building one workflow fills the specs' lazily computed attributes, so that threads
    # sharing the spec afterwards only read it.
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

    for spec in [parsed.spec, *[s for s in parsed.subprocess_specs.values() if s is not None]]:
        _connect_loop_children(spec)
    BpmnWorkflow(parsed.spec, parsed.subprocess_specs)
    return parsed


def _connect_loop_children(spec) -> None:
    """Loop and multi-instance tasks learn that a child finished through a signal that
    SpiffWorkflow connects when the first child is created, or when its serializer restores
    a spec. Our specs are parsed, not restored, so a workflow loaded mid-loop by a fresh
    process would never merge its child and would stall: connect them up front."""
    from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask

    for task_spec in spec.task_specs.values():
        child_name = getattr(task_spec, "task_spec", None)
        if isinstance(task_spec, LoopTask) and child_name in spec.task_specs:
            child = spec.task_specs[child_name]
            if not child.completed_event.is_connected(task_spec.merge_child):
                child.completed_event.connect(task_spec.merge_child)
