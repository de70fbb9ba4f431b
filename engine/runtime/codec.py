"""Workflow (de)serialization with the spec stored by reference.

SpiffWorkflow's default serializer embeds the whole spec (~15 KB) in every instance and
converts it on every save. Here the spec lives once per deployed version; an instance row
holds only its task tree and data, gzip-compressed. Serializers keep mutable state in their
registry, so each thread gets its own.

Every change loads and saves the whole task tree, a long loop's hundreds of tasks, so the
task conversion is a lean copy of SpiffWorkflow's (see LeanTaskConverter). The stored
format is SpiffWorkflow's, unchanged.

Most changes to a case are followed by another change to the same case, in the same process
(the next step of the same person, the engine steps after a message): the workflow a save
wrote is kept (see SavedWorkflows), and a load of exactly those bytes takes it instead of
restoring them again.
"""
from __future__ import annotations

import gzip
import json
import threading
import zlib
from collections import OrderedDict
from types import ModuleType
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, TaskConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState

from engine.definitions.parsing import ParsedProcess
from engine.runtime.projections import case_data, keep_case_data

FORMAT = "jiahe-1"
GZIP_WBITS = 31  # zlib's name for "a gzip member"
PLAIN = frozenset({str, int, float, bool, type(None)})
CASE_DATA_KEY = "case_data"  # Jiahe's own, beside SpiffWorkflow's keys (see projections.case_data)


class SpecByReferenceConverter(BpmnWorkflowConverter):
    """Leaves the spec out on save and takes it from the parsed version on restore."""

    parsed: ParsedProcess | None = None
    task_converter: LeanTaskConverter

    def to_dict(self, workflow):
        # WorkflowConverter.to_dict (SpiffWorkflow 3.2) with the tasks converted by the lean
        # converter directly, plus what BpmnWorkflowConverter adds except the specs.
        texts = UuidTexts()
        return {
            "data": self.registry.convert(self.registry.clean(workflow.data)),
            "correlations": workflow.correlations,
            "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "tasks": {texts[k]: self.task_converter.task_dict(task, texts) for k, task in workflow.tasks.items()},
            "root": str(workflow.task_tree.id),
            "subprocesses": self.mapping_to_dict(workflow.subprocesses),
            "bpmn_events": self.registry.convert(workflow.bpmn_events),
            CASE_DATA_KEY: self.registry.convert(self.registry.clean(case_data(workflow))),
        }

    def from_dict(self, dct):
        parsed = self.parsed
        workflow = self.target_class(parsed.spec, parsed.subprocess_specs, deserializing=True)
        uuids, restored = Uuids(), {}
        workflow.tasks = {uuids[k]: self.task_converter.restore_task(v, workflow, uuids, restored)
                          for k, v in dct["tasks"].items()}
        workflow.task_tree = workflow.tasks.get(uuids[dct["root"]])
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        if CASE_DATA_KEY in dct:  # absent from workflows saved before it was kept: case_data() derives it
            keep_case_data(workflow, self.registry.restore(dct[CASE_DATA_KEY]))
        return workflow


class Uuids(dict):
    """UUIDs by their text, parsed once: a stored task tree names each task up to four times
    (as key, id, its parent's child and its child's parent), and UUID() is slow."""

    def __missing__(self, text: str) -> UUID:
        value = self[text] = UUID(text)
        return value


class UuidTexts(dict):
    """The text of UUIDs, made once per UUID object while one tree is saved (str(UUID) is
    slow, and a task's id object is shared by its parent's child list and its children).
    Keyed by id(): the tasks hold their UUIDs for as long as this lives."""

    def __getitem__(self, value: UUID) -> str:
        text = self.get(id(value))
        if text is None:
            text = self[id(value)] = str(value)
        return text


class LeanTaskConverter(TaskConverter):
    """SpiffWorkflow's TaskConverter (3.2), writing and reading exactly the same dicts, minus
    repeated work that dominates long task trees (a loop at round 100 has a hundred tasks):
    it looked each task's parent up four times and made each UUID's text anew on save, and
    on restore parsed each UUID anew, found each parent by hashing UUIDs in Python and walked
    every flat dict value by value. Keep in step with TaskConverter."""

    def to_dict(self, task):
        return self.task_dict(task, UuidTexts())

    def task_dict(self, task, texts: UuidTexts) -> dict:
        # Only local changes (a delta against the parent's data) unless the task is the root.
        parent = task.parent
        if parent is None:
            data, delta = task.data, {}
        else:
            data, delta = {}, {"updates": DeepMerge.get_updated_keys(parent.data, task.data),
                               "deletions": DeepMerge.get_deleted_keys(parent.data, task.data)}
        return {
            "id": texts[task.id],
            "parent": texts[task._parent] if parent is not None else None,
            "children": [texts[child] for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self._convert(task.internal_data),
            "data": data,
            "delta": delta,
            "typename": self.typename,  # what the registry adds to every converted object
        }

    def restore_task(self, dct, workflow, uuids: Uuids, restored: dict):
        """A task of the top workflow; `restored` holds those restored so far by id text."""
        if dct.get("typename") != self.typename:
            return self.registry.restore(dct, workflow=workflow)
        task = restored[dct["id"]] = self.from_dict(dct, workflow, uuids, restored)
        return task

    def from_dict(self, dct, workflow, uuids: Uuids | None = None, restored: dict | None = None):
        uuids = Uuids() if uuids is None else uuids
        task_spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = self.target_class(workflow, task_spec, state=dct["state"], id=uuids[dct["id"]])
        task._parent = uuids[dct["parent"]] if dct["parent"] is not None else None
        task._children = [uuids[child] for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        task.internal_data = self._restore(dct["internal_data"])
        if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            task.workflow.top_workflow.event_manager.add_task(task)
        parent = task.parent if restored is None else restored.get(dct["parent"])
        task.data = self._data(dct, parent)
        return task

    def _data(self, dct, parent) -> dict:
        delta = dct.get("delta")
        if not delta or parent is None:
            return self._restore(dct["data"])
        data = DeepMerge.merge({}, parent.data)
        data.update(self._restore(delta.get("updates", {})))
        for key in delta.get("deletions", {}):
            data.pop(key, None)
        return data

    def _convert(self, value):
        """registry.convert, with the same result straight away for a flat dict of plain values."""
        return dict(value) if _flat(value) else self.registry.convert(value)

    def _restore(self, value):
        """registry.restore, with the same result straight away for a flat dict of plain values."""
        return dict(value) if _flat(value) and "typename" not in value else self.registry.restore(value)


def _flat(value) -> bool:
    return type(value) is dict and all(type(v) in PLAIN for v in value.values())


class SavedWorkflows:
    """The workflows this codec last saved, each by the exact bytes it was saved as.

    A load of those bytes is handed the workflow instead of a restored copy, and takes it
    out: one change at a time holds a workflow, whatever thread it runs on. Keyed by the
    bytes, not by the instance or its row version: a blob that the database holds because a
    transaction rolled back, another process wrote or retention rewrote it is simply not
    found, and bytes that are found describe that workflow exactly (the save that wrote them
    is the last thing a change does to it; a later save files it under its new bytes).
    Only a workflow whose stored form restores to equal values is kept (see dumps): one that
    holds a tuple, say, would come back from the database as a list, and must not behave
    otherwise because it stayed in memory."""

    def __init__(self, limit: int = 128):
        self._limit = limit
        self._lock = threading.Lock()
        self._by_blob: OrderedDict[bytes, BpmnWorkflow] = OrderedDict()
        self._blob_of: dict[int, bytes] = {}  # id(workflow): the entries hold their workflows

    def keep(self, blob: bytes, workflow: BpmnWorkflow) -> None:
        with self._lock:
            self._forget(workflow)
            self._by_blob[blob] = workflow
            self._blob_of[id(workflow)] = blob
            while len(self._by_blob) > self._limit:
                _, oldest = self._by_blob.popitem(last=False)
                self._blob_of.pop(id(oldest), None)

    def forget(self, workflow: BpmnWorkflow) -> None:
        with self._lock:
            self._forget(workflow)

    def _forget(self, workflow: BpmnWorkflow) -> None:
        blob = self._blob_of.pop(id(workflow), None)
        if blob is not None:
            self._by_blob.pop(blob, None)

    def take(self, blob: bytes, parsed: ParsedProcess) -> BpmnWorkflow | None:
        """The workflow saved as `blob` on `parsed`'s spec (a migrated case's bytes may stay
        the same while its version changes), or None."""
        with self._lock:
            workflow = self._by_blob.pop(blob, None)
            if workflow is not None:
                del self._blob_of[id(workflow)]
        return workflow if workflow is not None and _built_on(workflow, parsed) else None


def _built_on(workflow: BpmnWorkflow, parsed: ParsedProcess) -> bool:
    """Whether the workflow runs on the very spec objects of `parsed`, as a restore gives it."""
    subprocess_specs = workflow.subprocess_specs
    return workflow.spec is parsed.spec and len(subprocess_specs) == len(parsed.subprocess_specs) and all(
        subprocess_specs.get(name) is spec for name, spec in parsed.subprocess_specs.items())


class WorkflowCodec:
    def __init__(self):
        self._local = threading.local()
        self.saved = SavedWorkflows()

    def _parts(self) -> tuple[BpmnWorkflowSerializer, SpecByReferenceConverter]:
        parts = getattr(self._local, "parts", None)
        if parts is None:
            config = {cls: conv for cls, conv in SPIFF_CONFIG.items() if cls not in (BpmnWorkflow, Task)}
            registry = BpmnWorkflowSerializer.configure(config)
            converter = SpecByReferenceConverter(BpmnWorkflow, registry)
            converter.task_converter = LeanTaskConverter(Task, registry)
            parts = self._local.parts = (BpmnWorkflowSerializer(registry), converter)
        return parts

    def dumps(self, workflow: BpmnWorkflow) -> bytes:
        serializer, _ = self._parts()
        self.saved.forget(workflow)  # whatever happens below, its earlier bytes no longer describe it
        serializer.registry._encoder_mode = True
        try:
            dct = serializer.to_dict(workflow)
            dct["format"], dct[serializer.VERSION_KEY] = FORMAT, VERSION
            text = json.dumps(dct, cls=serializer._encoder_cls, separators=(",", ":"))
        finally:
            serializer.registry._encoder_mode = False
        blob = gzip.compress(text.encode("utf-8"), compresslevel=1)
        if _restores_equal(workflow, dct, json.loads(text, cls=serializer.json_decoder_cls)):
            self.saved.keep(blob, workflow)
        return blob

    def loads(self, blob: bytes, parsed: ParsedProcess, script_engine) -> BpmnWorkflow:
        saved = self.saved.take(blob, parsed)
        if saved is not None:
            saved.script_engine = script_engine
            return saved
        return self.restore(blob, parsed, script_engine)

    def restore(self, blob: bytes, parsed: ParsedProcess, script_engine) -> BpmnWorkflow:
        """The workflow as the bytes describe it, always restored anew (loads may hand back
        the workflow that was saved as them)."""
        serializer, converter = self._parts()
        # zlib reads the single gzip member that dumps() writes, without gzip's Python loop.
        dct = json.loads(zlib.decompress(blob, wbits=GZIP_WBITS), cls=serializer.json_decoder_cls)
        dct.pop("format", None)
        dct.pop(serializer.VERSION_KEY, None)
        converter.parsed = parsed
        try:
            workflow = converter.from_dict(dct)
        finally:
            converter.parsed = None
        workflow.script_engine = script_engine
        return workflow

    def task_data(self, blob: bytes, task_id: str) -> dict | None:
        """The data of one task, read from the stored tree without restoring the workflow
        (a task page shows it on every open; restoring builds every task and spec object,
        about ten times the work). None when the tree no longer holds the task.

        The same data restore_task gives: a task's delta applied to its parent's data, up to
        a root that holds its data whole; a parent stored after its child counts as none,
        as it does on restore."""
        serializer, converter = self._parts()
        dct = json.loads(zlib.decompress(blob, wbits=GZIP_WBITS), cls=serializer.json_decoder_cls)
        for tasks in _task_trees(dct):
            if task_id in tasks:
                return _data_along(tasks, task_id, converter.task_converter._restore)
        return None


def _restores_equal(workflow: BpmnWorkflow, dct: dict, stored: dict) -> bool:
    """Whether restoring what was stored gives the workflow's values back: every value is
    plain JSON (a datetime the encoder converted, a tuple it wrote as a list, an int key it
    wrote as text all differ), and nothing was left out (to_dict drops the workflow data's
    callables)."""
    left_out = any(callable(v) or isinstance(v, ModuleType) for v in workflow.data.values())
    return not left_out and stored == dct


def _task_trees(dct: dict):
    """The stored task dicts of the workflow, then of each subprocess (keyed by task id)."""
    yield dct["tasks"]
    for subprocess in (dct.get("subprocesses") or {}).values():
        yield subprocess.get("tasks") or {}


def _data_along(tasks: dict, task_id: str, restore) -> dict:
    position = {key: index for index, key in enumerate(tasks)}
    chain = [tasks[task_id]]
    while True:
        task = chain[-1]
        parent = task.get("parent")
        if parent is None or parent not in tasks or position[parent] > position[task["id"]]:
            break
        chain.append(tasks[parent])
    data = None
    for task in reversed(chain):
        delta = task.get("delta")
        if not delta or data is None:
            data = restore(task["data"])
            continue
        data = DeepMerge.merge({}, data)
        data.update(restore(delta.get("updates", {})))
        for key in delta.get("deletions", {}):
            data.pop(key, None)
    return data
