"""Workflow (de)serialization with the spec stored by reference.

SpiffWorkflow's default serializer embeds the whole spec (~15 KB) in every instance and
converts it on every save. Here the spec lives once per deployed version; an instance row
holds only its task tree and data, gzip-compressed. Serializers keep mutable state in their
registry, so each thread gets its own.
"""
from __future__ import annotations

import gzip
import json
import threading

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.definitions.parsing import ParsedProcess

FORMAT = "jiahe-1"


class SpecByReferenceConverter(BpmnWorkflowConverter):
    """Leaves the spec out on save and takes it from the parsed version on restore."""

    parsed: ParsedProcess | None = None

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        parsed = self.parsed
        workflow = self.target_class(parsed.spec, parsed.subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _uuid(value):
    from uuid import UUID

    return UUID(value)


class WorkflowCodec:
    def __init__(self):
        self._local = threading.local()

    def _parts(self) -> tuple[BpmnWorkflowSerializer, SpecByReferenceConverter]:
        parts = getattr(self._local, "parts", None)
        if parts is None:
            config = {cls: conv for cls, conv in SPIFF_CONFIG.items() if cls is not BpmnWorkflow}
            registry = BpmnWorkflowSerializer.configure(config)
            converter = SpecByReferenceConverter(BpmnWorkflow, registry)
            parts = self._local.parts = (BpmnWorkflowSerializer(registry), converter)
        return parts

    def dumps(self, workflow: BpmnWorkflow) -> bytes:
        serializer, _ = self._parts()
        serializer.registry._encoder_mode = True
        try:
            dct = serializer.to_dict(workflow)
            dct["format"], dct[serializer.VERSION_KEY] = FORMAT, VERSION
            text = json.dumps(dct, cls=serializer._encoder_cls, separators=(",", ":"))
        finally:
            serializer.registry._encoder_mode = False
        return gzip.compress(text.encode("utf-8"), compresslevel=1)

    def loads(self, blob: bytes, parsed: ParsedProcess, script_engine) -> BpmnWorkflow:
        serializer, converter = self._parts()
        dct = json.loads(gzip.decompress(blob), cls=serializer.json_decoder_cls)
        dct.pop("format", None)
        dct.pop(serializer.VERSION_KEY, None)
        converter.parsed = parsed
        try:
            workflow = converter.from_dict(dct)
        finally:
            converter.parsed = None
        workflow.script_engine = script_engine
        return workflow
