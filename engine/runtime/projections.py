"""What the database keeps beside a workflow: ready human tasks, the next timer, and the
messages it waits for. Computed from the live workflow after every change."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState

from engine.audit import canonical_json
from engine.definitions.parsing import FORM_SCHEMA

TIMER_TYPES = ("DurationTimerEventDefinition", "TimeDateEventDefinition", "CycleTimerEventDefinition")


@dataclass(frozen=True)
class ReadyTask:
    id: str
    spec_name: str
    title: str
    lane: str | None
    form: str | None
    due_at: datetime | None
    deadline_basis: str | None
    priority: int
    properties: dict
    called_process: str | None = None  # the process a call activity runs it in (its lanes are that process's)
    tier: dict | None = None  # the case's current mediation tier, for a lane that follows the ladder


def task_properties(task_spec) -> dict[str, str]:
    return dict((getattr(task_spec, "extensions", None) or {}).get("properties") or {})


def ready_human_tasks(workflow, sandbox, now: datetime, on_error=None) -> list[ReadyTask]:
    """The ready user and manual tasks with their deadlines and priorities. An expression of
    a task's properties that fails (or overruns its limits) is passed to `on_error(exc)` as a
    WorkflowTaskException on that task, and the task is listed without what it would give."""
    return [_ready_task(t, sandbox, now, on_error) for t in ready_manual_tasks(workflow)]


# SpiffWorkflow's task iterator stops descending at this depth (TaskIterator's max_depth).
ITERATOR_MAX_DEPTH = 1000


def ready_manual_tasks(workflow) -> list:
    """What workflow.get_tasks(state=READY, manual=True) returns.

    That call walks the whole task tree through Python iterator code, every task of a long
    loop on every change. Without subprocesses every task of the tree is in workflow.tasks,
    so a scan of that dict finds the same tasks; when it finds more than one, the walk is
    still asked, because it alone knows their order."""
    if not workflow.subprocesses:
        found = [t for t in workflow.tasks.values() if t.state == TaskState.READY and t.task_spec.manual]
        if len(found) <= 1 and all(t.depth <= ITERATOR_MAX_DEPTH for t in found):
            return found
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def _ready_task(task, sandbox, now: datetime, on_error=None) -> ReadyTask:
    spec = task.task_spec
    props = task_properties(spec)

    def guarded(compute, fallback, what: str):
        try:
            return compute()
        except Exception as exc:  # noqa: BLE001 - an incident on this task, not a failed save
            if on_error is None:
                raise
            on_error(WorkflowTaskException(f"{what}: {type(exc).__name__}: {exc}", task=task, exception=exc))
            return fallback

    return ReadyTask(
        id=str(task.id),
        spec_name=element_id(spec),
        title=guarded(lambda: _title(task, props, sandbox), None, "titleExpression") or spec.bpmn_name
        or element_id(spec),
        lane=getattr(spec, "lane", None),
        form=props.get(FORM_SCHEMA),
        due_at=guarded(lambda: _due_at(task, props, sandbox, now), None, "dueAt"),
        deadline_basis=_deadline_basis(task, props, sandbox),
        priority=guarded(lambda: _priority(task, props, sandbox), 0, "priority"),
        properties=props,
        called_process=called_process(task),
        tier=task.data.get("mediation_tier") if isinstance(task.data.get("mediation_tier"), dict) else None,
    )


def _title(task, props: dict, sandbox) -> str | None:
    """A title that names the case's circumstances (`titleExpression`, e.g. the tier and the
    attempt of a mediation); the element's name otherwise."""
    if not props.get("titleExpression"):
        return None
    value = sandbox.evaluate(props["titleExpression"], dict(task.data))
    return str(value)[:200] if value not in (None, "") else None


def element_id(task_spec) -> str:
    """The BPMN element id: loop and multi-instance children carry it under a decorated name."""
    return getattr(task_spec, "bpmn_id", None) or task_spec.name


def _due_at(task, props: dict, sandbox, now: datetime) -> datetime | None:
    expression = props.get("dueAt")
    if expression:
        value = sandbox.evaluate(expression, dict(task.data))
        return to_datetime(value, now)
    return boundary_deadline(task)


def boundary_deadline(task) -> datetime | None:
    """The earliest interrupting timer attached to the task: when it fires, the task is gone."""
    parent = task.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    times = [timer_time(c) for c in parent.children
             if c is not task and getattr(c.task_spec, "cancel_activity", False)
             and isinstance(getattr(c.task_spec, "event_definition", None), TimerEventDefinition)]
    times = [t for t in times if t is not None]
    return min(times) if times else None


def finished_since(workflow, since: float) -> list:
    """Tasks completed at or after `since` (time.time()), in completion order.

    Walks the task dicts rather than the tree iterator, which does not descend into the
    children of a running loop task."""
    workflows = [workflow, *workflow.subprocesses.values()]
    done = [t for wf in workflows for t in wf.tasks.values()
            if t.state == TaskState.COMPLETED and t.last_state_change >= since]
    return sorted(done, key=lambda t: t.last_state_change)


def timer_time(task) -> datetime | None:
    value = task.internal_data.get("event_value")
    if isinstance(value, dict):
        value = value.get("next") if value.get("cycles") != 0 else None
    if not value:
        return None
    try:
        when = TimerEventDefinition.get_datetime(value)
    except (TypeError, ValueError):
        return None
    return datetime.fromisoformat(when.isoformat())  # a plain datetime, not the clock's subclass


def _deadline_basis(task, props: dict, sandbox) -> str | None:
    """The law and article behind the deadline, shown next to it: literal text, or an
    expression (`deadlineBasisExpression`) when the basis depends on the case."""
    if props.get("deadlineBasisExpression"):
        try:
            value = sandbox.evaluate(props["deadlineBasisExpression"], dict(task.data))
            return str(value) if value else None
        except Exception:  # the deadline still stands without its caption
            return None
    return props.get("deadlineBasis") or None


def _priority(task, props: dict, sandbox) -> int:
    expression = props.get("priority")
    if not expression:
        return 0
    try:
        return int(sandbox.evaluate(expression, dict(task.data)))
    except (TypeError, ValueError):
        return 0


def to_datetime(value: Any, now: datetime) -> datetime | None:
    """Due dates from expressions: a datetime, a date, an ISO string, or an ISO duration from now."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59, 59), tzinfo=timezone.utc)
    if isinstance(value, timedelta):
        return now + value
    text = str(value).strip()
    if text.upper().startswith("P"):
        parsed = TimerEventDefinition.parse_iso_duration(text)
        return now + TimerEventDefinition.get_timedelta_from_start(parsed, now)
    if len(text) == 10:
        return to_datetime(date.fromisoformat(text), now)
    return TimerEventDefinition.get_datetime(text)


def next_due_at(workflow) -> datetime | None:
    times = [timer_time(t) for t in workflow.event_manager.tasks.values()
             if isinstance(getattr(t.task_spec, "event_definition", None), TimerEventDefinition)]
    times = [t for t in times if t is not None]
    return min(times) if times else None


def waiting_timers(workflow) -> dict[str, str]:
    """id -> name of the timer events waiting now (to tell which fired)."""
    return {str(t.id): (t.task_spec.bpmn_name or t.task_spec.name)
            for t in workflow.event_manager.tasks.values()
            if isinstance(getattr(t.task_spec, "event_definition", None), TimerEventDefinition)
            and t.has_state(TaskState.WAITING)}


def message_subscriptions(workflow, sandbox) -> list[tuple[str, str, str]]:
    subs = []
    for task in workflow.event_manager.tasks.values():
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, MessageEventDefinition) and task.has_state(TaskState.WAITING):
            subs.append((str(task.id), definition.name, expected_correlation(definition, task, sandbox)))
    return subs


def expected_correlation(definition, task, sandbox) -> str:
    """The receiver's side of correlation: its retrieval expressions over its own data."""
    values = {}
    for prop in definition.correlation_properties:
        try:
            values[prop.name] = sandbox.evaluate(prop.retrieval_expression, dict(task.data))
        except Exception:  # an unresolvable key matches nothing rather than everything
            values[prop.name] = {"unresolved": prop.retrieval_expression}
    return correlation_key(values)


def message_correlation(correlations: dict) -> str:
    """The sender's side: SpiffWorkflow groups values by correlation key; flatten them."""
    values = {}
    for props in (correlations or {}).values():
        values.update(props or {})
    return correlation_key(values)


def correlation_key(values: dict) -> str:
    return canonical_json(values) if values else ""


def subscriptions_signature(subs: list[tuple[str, str, str]]) -> str:
    return canonical_json(sorted(subs)) if subs else ""


def instance_data(workflow) -> dict[str, Any]:
    """The last completed task's data merged over the workflow's: what the case data was
    taken to be before it was kept (see case_data), for workflows saved without it."""
    data = dict(workflow.data or {})
    last = workflow.last_task
    if last is not None:
        data.update(last.data)
    elif workflow.task_tree is not None:
        data.update(workflow.task_tree.data)
    return _plain_values(data)


# -- case data --------------------------------------------------------------------------------
# A task's data is its branch's view of the case: a step finishing on a parallel branch (a
# protection order followed for months beside the main line) carries the values its branch
# copied when it forked, so the last finished task's data would undo whatever the main line
# wrote since. The case data is therefore kept beside the workflow (the codec stores it) and
# each change merges into it only what its finished steps wrote themselves.
CASE_DATA_ATTRIBUTE = "jiahe_case_data"


def case_data(workflow) -> dict[str, Any]:
    """Every variable of the case as the step that wrote it last left it."""
    kept = getattr(workflow, CASE_DATA_ATTRIBUTE, None)
    return dict(kept) if kept is not None else instance_data(workflow)


def keep_case_data(workflow, data: dict) -> None:
    setattr(workflow, CASE_DATA_ATTRIBUTE, _plain_values(data))


def merge_written(workflow, finished: list) -> dict[str, Any]:
    """Merge what each of `finished` (in completion order) wrote into the case data; steps
    inside subprocesses count when their subprocess hands its result back to the case."""
    data = case_data(workflow)
    for task in finished:
        if task.workflow is workflow:
            data.update(written_by(task))
    keep_case_data(workflow, data)
    return case_data(workflow)


def written_by(task) -> dict[str, Any]:
    """What a completed step changed in the data it started from."""
    if isinstance(task.task_spec, (Join, UnstructuredJoin)):
        return {}  # a join merges its branches' views: it writes nothing of its own
    if _is_iteration(task):
        task = task.parent  # its loop holds what the iterations wrote, latest last
    if task.parent is None:
        return {}
    return DeepMerge.get_updated_keys(task.parent.data, task.data)


def _is_iteration(task) -> bool:
    loop = task.parent.task_spec if task.parent is not None else None
    return isinstance(loop, LoopTask) and task.task_spec.name == loop.task_spec


def _plain_values(data: dict) -> dict[str, Any]:
    return {k: v for k, v in data.items() if not callable(v)}


def find_task(workflow, task_id: UUID):
    """The task, in the workflow or one of its subprocesses, or None (SpiffWorkflow raises)."""
    try:
        return workflow.get_task_from_id(task_id)
    except TaskNotFoundException:
        return None


# -- called processes -------------------------------------------------------------------------
def called_process(task) -> str | None:
    """The process a call activity runs this task in, or None for the case's own steps (those
    of embedded subprocesses included)."""
    workflow = task.workflow
    top = getattr(workflow, "top_workflow", workflow)
    while workflow is not top:
        caller = top.get_task_from_id(workflow.parent_task_id)
        if isinstance(caller.task_spec, CallActivity):
            return workflow.spec.name
        workflow = caller.workflow
    return None
