"""A case drawn on its process diagram: the BPMN of the case's deployed version, and for each
element of it what the case did there (completed how often, waiting now, overdue, stopped by
an incident) and the sequence flows it took, so that a viewer (bpmn-js on the case page)
can mark them. Elements of the processes a case calls live in their own diagrams and are
left out; loop rounds that left the saved workflow (engine.runtime.history) are counted
from the task rows, which keep every round."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from SpiffWorkflow.util.task import TaskState

from engine.definitions.uploads import defining_bpmn
from engine.store import repository as repo

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass
class ElementState:
    id: str
    state: str = "completed"  # completed, active, overdue or incident, the most urgent that applies
    completed: int = 0
    active: int = 0
    due_at: datetime | None = None
    incident: str | None = None


@dataclass(frozen=True)
class CaseDiagram:
    process: str
    version: int
    bpmn: str
    elements: list[ElementState] = field(default_factory=list)
    flows: list[str] = field(default_factory=list)


def case_diagram(runtime, case_id: str, now: datetime) -> CaseDiagram:
    with runtime.store.read() as session:
        row = repo.get_instance(session, case_id)
        parsed = runtime.parsed_by_id(session, row.version_id)
        version = repo.version_by_id(session, row.version_id)
        tasks = repo.tasks_of(session, case_id)
        incidents = repo.open_incidents(session, case_id)
        workflow = runtime.read_workflow(row, parsed)
    _, bpmn = defining_bpmn(version.bundle, row.process_key)
    root = etree.fromstring(bpmn.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    drawn = _element_ids(root, row.process_key)
    reached = [t for t in workflow.get_tasks() if _drawn_here(t, set(parsed.called_lanes))
               and t.has_state(TaskState.COMPLETED | ACTIVE | TaskState.ERROR)]
    elements = _elements(reached, [t for t in tasks if t.task_spec in drawn], now)
    for incident in incidents:
        if incident.element_id in drawn:
            element = elements.setdefault(incident.element_id, ElementState(incident.element_id))
            element.incident = incident.message
    for element in elements.values():
        element.state = _state(element, now)
    return CaseDiagram(row.process_key, version.version, bpmn,
                       sorted((e for e in elements.values() if e.id in drawn), key=lambda e: e.id),
                       _taken_flows(reached, root))


def _elements(reached, task_rows, now: datetime) -> dict[str, ElementState]:
    elements: dict[str, ElementState] = {}
    for task in reached:
        element = elements.setdefault(task.task_spec.bpmn_id, ElementState(task.task_spec.bpmn_id))
        if task.has_state(TaskState.COMPLETED):
            element.completed += 1
        else:
            element.active += 1
    # User tasks: every round has its row (the workflow keeps only the newest round of a loop).
    rows = list(task_rows)
    done = Counter(t.task_spec for t in rows if t.state == "completed")
    for name, count in done.items():
        element = elements.setdefault(name, ElementState(name))
        element.completed = max(element.completed, count)
    for task in rows:
        if task.state == "ready" and task.due_at is not None:
            element = elements.setdefault(task.task_spec, ElementState(task.task_spec))
            element.due_at = min(filter(None, (element.due_at, task.due_at)))
    return elements


def _state(element: ElementState, now: datetime) -> str:
    if element.incident:
        return "incident"
    if element.active and element.due_at is not None and element.due_at < now:
        return "overdue"
    return "active" if element.active else "completed"


def _drawn_here(task, called: set[str]) -> bool:
    """A task of the case's own diagram: a BPMN element (not one of SpiffWorkflow's own
    helper steps) outside every process the case calls."""
    if getattr(task.task_spec, "bpmn_id", None) is None:
        return False
    workflow = task.workflow
    while workflow.parent_task_id is not None:
        if workflow.spec.name in called:
            return False
        workflow = workflow.parent_workflow
    return True


def _taken_flows(reached, root) -> list[str]:
    """The sequence flows between an element and the next one the case reached after it."""
    flows = _flow_ids(root)
    ids = {id(t) for t in reached}
    taken = set()
    for task in reached:
        source = _previous_element(task)
        if source is not None and id(source) in ids:
            flow = flows.get((source.task_spec.bpmn_id, task.task_spec.bpmn_id))
            if flow:
                taken.add(flow)
    return sorted(taken)


def _previous_element(task):
    parent = task.parent
    while parent is not None and getattr(parent.task_spec, "bpmn_id", None) is None:
        parent = parent.parent
    return parent


def _flow_ids(root) -> dict[tuple[str, str], str]:
    return {(flow.get("sourceRef"), flow.get("targetRef")): flow.get("id")
            for flow in root.iter(f"{{{BPMN}}}sequenceFlow")}


def _element_ids(root, process_key: str) -> set[str]:
    """The ids of everything drawn inside the process (its embedded subprocesses included):
    a called process's steps are in other diagrams, and their ids may repeat these."""
    process = next((p for p in root.iter(f"{{{BPMN}}}process") if p.get("id") == process_key), None)
    return {node.get("id") for node in process.iter() if node.get("id")} if process is not None else set()
