"""One change to one instance, inside one transaction.

Load (locked) -> act on the workflow -> save: serialized state, task projections, timers,
message subscriptions, outbox and audit events are written together or not at all.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.clock import using_clock
from engine.definitions.parsing import ParsedProcess
from engine.errors import STATE_ZH, Conflict, CorruptInstance, FieldError, NotFound, ValidationFailed
from engine.evaluation.step_bounds import before_engine_step
from engine.notifications import Occasion
from engine.runtime import history, projections
from engine.runtime.facts import project_facts, stamp_retention
from engine.store import repository as repo
from engine.store import rows
from engine.store.models import CommitmentRecord, HumanTask, Incident, MessageOutbox

log = logging.getLogger(__name__)

FINISHED = ("completed", "terminated")


@dataclass
class InstanceChange:
    runtime: Any
    session: Any
    row: rows.Row  # the instance row, read and written with Core (see engine.store.rows)
    parsed: ParsedProcess
    actor: str
    now: datetime
    _workflow: Any = None
    events: list[tuple[str, str | None, dict]] = field(default_factory=list)
    dirty: bool = False
    task_rows: dict[str, rows.Row] = field(default_factory=dict)
    new_task_rows: list[rows.Row] = field(default_factory=list)  # inserted by the next save()
    # Writes of the caller's that the next save() sends with the change's own (rows.send_statement).
    also_written: list[Callable[[Any], None]] = field(default_factory=list)  # each gets the session
    # SpiffWorkflow stamps state changes with time.time(); steps finished after this are ours.
    started: float = field(default_factory=time.time)

    # -- workflow ------------------------------------------------------------------------
    @property
    def workflow(self):
        if self._workflow is None:
            self._workflow = load_workflow(self.runtime, self.row.id, self.row.serialized, self.parsed)
            self.dirty = True
        return self._workflow

    def adopt(self, workflow) -> None:
        self._workflow, self.dirty = workflow, True

    def spiff_task(self, task_id: str):
        task = projections.find_task(self.workflow, UUID(task_id))
        if task is None:
            raise NotFound(f"task {task_id} is not part of instance {self.row.id}", task=task_id,
                           zh=f"任务 {task_id} 不属于案件 {self.row.id}")
        return task

    def view(self):
        from engine.runtime.runtime import build_view

        open_rows = sorted(self.open_task_rows(), key=lambda r: (r.created_at, r.id))
        return build_view(self.session, self.row, self.parsed, self.workflow, open_tasks=open_rows)

    def emit(self, type_: str, task_id: str | None = None, **data: Any) -> None:
        self.events.append((type_, task_id, data))

    def require_status(self, *allowed: str) -> None:
        if self.row.status not in allowed:
            raise Conflict(f"instance {self.row.id} is {self.row.status}; this needs {' or '.join(allowed)}",
                           instance=self.row.id, status=self.row.status,
                           zh=f"案件 {self.row.id} 当前为「{STATE_ZH.get(self.row.status, self.row.status)}」"
                              f"，此操作要求案件为「{'」或「'.join(STATE_ZH.get(s, s) for s in allowed)}」")

    # -- running -------------------------------------------------------------------------
    def advance(self) -> None:
        """Run engine steps; a failing script or condition becomes an incident, nothing is lost."""
        try:
            with using_clock(self.runtime.clock):
                self.workflow.do_engine_steps(will_complete_task=before_engine_step)
        except (SpiffWorkflowException, WorkflowException) as exc:
            self._record_incident(exc)

    def refresh_timers(self) -> None:
        before = projections.waiting_timers(self.workflow)
        try:
            with using_clock(self.runtime.clock):
                self.workflow.refresh_timers()
        except (SpiffWorkflowException, WorkflowException) as exc:
            self._record_incident(exc)
            return
        after = projections.waiting_timers(self.workflow)
        for task_id, name in before.items():
            if task_id not in after:
                self.emit("timer_fired", task_id, name=name)
        self.advance()

    def _record_incident(self, exc: Exception) -> None:
        task = getattr(exc, "task", None) or self._error_task()
        element_id = task.task_spec.name if task is not None else None
        message = _incident_message(exc)
        incident = Incident(instance_id=self.row.id, task_id=str(task.id) if task else None,
                            element_id=element_id, message=message,
                            line=getattr(exc, "line_number", None) or None,
                            source_line=getattr(exc, "error_line", None) or None, created_at=self.now)
        self.session.add(incident)
        self.row.status = "incident"
        self.emit("incident", str(task.id) if task else None, element_id=element_id, message=message,
                  line=incident.line)
        log.warning("incident on %s at %s: %s", self.row.id, element_id, message)

    def _error_task(self):
        return self.workflow.get_next_task(state=TaskState.ERROR)

    # -- saving --------------------------------------------------------------------------
    def save(self) -> None:
        with self.session.no_autoflush:
            self._save()

    def _save(self) -> None:
        if self.dirty:
            finished = projections.finished_since(self.workflow, self.started)
            self._record_finished_steps(finished)
            self._drain_thrown_messages()
            self._sync_tasks()
            self._sync_waits()
            data = projections.merge_written(self.workflow, finished)
            project_facts(self.row, data)
            if self.workflow.completed and self.row.status == "running":
                self.row.status, self.row.ended_at = "completed", self.now
                self.emit("instance_completed", data=_plain(data))
            history.drop_finished_rounds(self.workflow, finished_before=self.started)
            self.row.serialized = self._serialized()
        stamp_retention(self.row, self.parsed.lanes.retention_years if self.parsed.lanes else None)
        self.row.updated_at = self.now  # written even when nothing else changed: the row version moves on
        self._notify()
        self.session.flush()  # what the change added through the session: incidents, commitments, inbox, ...
        with rows.pipelined(self.session):  # the rest in one round trip on PostgreSQL
            repo.append_instance_audit(self.session, self.row, at=self.now, actor=self.actor, events=self.events,
                                       personal_paths=self.parsed.personal_paths)
            self._write_rows()
            for write in self.also_written:
                write(self.session)
        self.also_written.clear()
        self.events.clear()

    def _serialized(self) -> bytes:
        """The workflow as stored. Scripts and decision outputs are checked when they run; this
        is the last line: a value that still cannot be saved refuses the whole change (the
        transaction rolls back, the case stays as it was) instead of failing on every retry."""
        try:
            return self.runtime.codec.dumps(self.workflow)
        except (TypeError, ValueError, RecursionError, OverflowError) as exc:
            message = f"{type(exc).__name__}: {str(exc)[:300]}"
            raise ValidationFailed(
                "the case's data after this step cannot be saved; nothing was changed", [
                    FieldError("(form)", f"a step left a value case data cannot hold ({message})", "unsaveable",
                               zh=f"某一步骤留下了案件数据无法保存的值（{message}），请联系流程设计人员")],
                zh="此步骤之后的案件数据无法保存，案件保持原样", instance=self.row.id) from None

    def _notify(self) -> None:
        notifier = self.runtime.notifier
        if notifier is not None and self.events:
            occasion = Occasion(self.session, self.row, self.actor, self.now, self.parsed.name, self.task_rows)
            notifier.write(occasion, self.events)

    def _write_rows(self) -> None:
        """The task rows and the instance row (the instance's last: its version check is what
        a concurrent writer runs into)."""
        if self.new_task_rows or any({"state", "due_at"} & task_row._assigned for task_row in self.task_rows.values()):
            # The change holds every open task row of the case (a bulk state update, which
            # would leave them behind, projects the column itself: repository.set_open_task_state).
            self.row.ready_due_at = earliest_ready_due(self.open_task_rows())
        rows.insert_rows(self.session, self.new_task_rows)
        self.new_task_rows.clear()
        for task_row in self.task_rows.values():
            rows.update_row(self.session, task_row)
        rows.update_row(self.session, self.row)

    def open_task_rows(self) -> list[rows.Row]:
        """The task rows still open, by the ids kept on the instance (no query when cached)."""
        missing = [task_id for task_id in self.row.open_task_ids or [] if task_id not in self.task_rows]
        if missing:
            self.task_rows.update((row.id, row) for row in repo.task_rows(self.session, missing))
        kept = [self.task_rows.get(task_id) for task_id in self.row.open_task_ids or []]
        return [r for r in kept if r is not None and r.state in repo.OPEN_TASK_STATES]

    def _record_finished_steps(self, finished: list) -> None:
        """Business events and commitments that designers attached to steps as properties, and
        the processes the case called. A called process's own commitments are not the case's:
        it keeps them when it runs on its own, and the case keeps its own around the call."""
        for task in finished:
            props = projections.task_properties(task.task_spec)
            called = projections.called_process(task)
            if props.get("auditEvent"):
                self._emit_business_event(task, props, called)
            if called is None:
                for kind in commitment_kinds(props.get("commitment")):
                    self._commitment_from_step(task, kind)
            if isinstance(task.task_spec, CallActivity):
                self._emit_called_process_completed(task)
        self._record_called_processes_started()

    def _record_called_processes_started(self) -> None:
        callers = (self.workflow.get_task_from_id(task_id) for task_id in self.workflow.subprocesses)
        for task in callers:
            if isinstance(task.task_spec, CallActivity) and task.state == TaskState.STARTED \
                    and task.last_state_change >= self.started:
                self.emit("called_process_started", str(task.id), element_id=projections.element_id(task.task_spec),
                          process=task.task_spec.spec, name=task.task_spec.bpmn_name)

    def _emit_called_process_completed(self, task) -> None:
        """The called process's result, as its data outputs handed it back to the case."""
        spec = self.workflow.subprocess_specs.get(task.task_spec.spec)
        outputs = [var.bpmn_id for var in spec.io_specification.data_outputs] \
            if spec is not None and spec.io_specification is not None else []
        self.emit("called_process_completed", str(task.id), element_id=projections.element_id(task.task_spec),
                  process=task.task_spec.spec, name=task.task_spec.bpmn_name,
                  result=_plain({name: task.data.get(name) for name in outputs}))

    def _emit_business_event(self, task, props: dict, called: str | None) -> None:
        data = {"element_id": projections.element_id(task.task_spec)}
        if called is not None:
            data["process"] = called
        if props.get("auditEventData"):
            try:
                value = self.runtime.sandbox.evaluate(props["auditEventData"], dict(task.data))
                data.update(_plain(value) if isinstance(value, dict) else {"value": _plain(value)})
            except Exception as exc:  # a broken event payload must not block the case
                data["data_error"] = str(exc)
        self.emit(props["auditEvent"], str(task.id), **data)

    def _commitment_from_step(self, task, kind: str) -> None:
        row = self.task_rows.get(str(task.id))
        self.record_commitment(kind, element_id=projections.element_id(task.task_spec),
                               deadline=row.due_at if row is not None else None,
                               basis=(row.deadline_basis if row is not None else None)
                               or projections.task_properties(task.task_spec).get("deadlineBasis"))

    def record_commitment(self, kind: str, *, element_id: str | None = None, deadline=None,
                          basis: str | None = None) -> None:
        """Record a commitment kept; received/accepted/handler_assigned count once per case."""
        done = list(self.row.commitments or [])
        if kind in ONCE_PER_CASE and kind in done:
            return
        on_time = None if deadline is None else self.now <= deadline
        self.session.add(CommitmentRecord(instance_id=self.row.id, process_key=self.row.process_key,
                                          org_unit=self.row.org_unit, kind=kind, at=self.now, deadline=deadline,
                                          on_time=on_time, basis=basis, element_id=element_id))
        self.row.commitments = done + [kind]
        self.emit("commitment", None, kind=kind, element_id=element_id, on_time=on_time, basis=basis,
                  deadline=deadline.isoformat() if deadline else None)

    def note_handler(self, task_row: rows.Row) -> None:
        """有受必理: the first person to take up a task after acceptance is the case's handler."""
        if "accepted" in (self.row.commitments or []) and "handler_assigned" not in (self.row.commitments or []):
            self.record_commitment("handler_assigned", element_id=task_row.task_spec, deadline=task_row.due_at,
                                   basis=task_row.deadline_basis)

    def _drain_thrown_messages(self) -> None:
        for event in self.workflow.get_events():
            name = event.event_definition.name
            self.session.add(MessageOutbox(source_instance_id=self.row.id, message_name=name,
                                           payload=_plain(event.payload or {}),
                                           correlations=_plain(event.correlations or {}), created_at=self.now))
            self.emit("message_sent", name=name, correlations=_plain(event.correlations or {}))
            self.runtime._outbox_dirty = True

    def _sync_tasks(self) -> None:
        ready = {t.id: t for t in projections.ready_human_tasks(self.workflow, self.runtime.sandbox, self.now,
                                                                  on_error=self._record_incident)}
        known = set(self.row.open_task_ids or [])
        for row in self.open_task_rows():
            if row.id not in ready and row.state in ("ready", "suspended"):
                row.state, row.ended_at = "cancelled", self.now
                self.emit("task_cancelled", row.id, name=row.task_spec)
        for task_id, task in ready.items():
            if task_id not in known:
                self._add_task_row(task)
        self.row.open_task_ids = sorted(ready)

    def _add_task_row(self, task: projections.ReadyTask) -> None:
        lane_role = self.parsed.lane_role(task.lane, task.called_process)
        data = self._data_for_routing()
        if lane_role is not None and lane_role.by_ladder:
            lane_role = lane_role.resolved({"mediation_tier": task.tier} if task.tier else data)
            if lane_role.by_ladder:  # no tier in the data: offered at the case's unit, to no role
                lane_role = None
        role = lane_role.role if lane_role else None
        level = lane_role.level if lane_role else None
        org_unit = self.runtime.router.route(self.row, lane_role, data)
        row = self.task_rows[task.id] = rows.new_row(
            HumanTask.__table__, id=task.id, instance_id=self.row.id, process_key=self.row.process_key,
            task_spec=task.spec_name, title=task.title, lane=task.lane, role=role, level=level, org_unit=org_unit,
            state="ready" if self.row.status != "suspended" else "suspended", due_at=task.due_at,
            deadline_basis=task.deadline_basis, priority=task.priority, form=task.form, created_at=self.now)
        self.new_task_rows.append(row)
        self.emit("task_ready", task.id, name=task.spec_name, title=task.title, role=role,
                  org_unit=org_unit, due_at=task.due_at.isoformat() if task.due_at else None,
                  deadline_basis=task.deadline_basis)

    def _data_for_routing(self) -> dict:
        return dict(self.workflow.data or {}) | dict(self.workflow.last_task.data if self.workflow.last_task else {})

    def _sync_waits(self) -> None:
        finished = self.row.status in FINISHED
        self.row.next_due_at = None if finished else projections.next_due_at(self.workflow)
        subs = [] if finished else projections.message_subscriptions(self.workflow, self.runtime.sandbox)
        signature = projections.subscriptions_signature(subs)
        if signature != self.row.waits_signature:  # most changes touch no message wait
            repo.replace_subscriptions(self.session, self.row.id, subs)
            self.row.waits_signature = signature
            if subs:  # a message that found no receiver may be waiting for this one
                self.runtime._outbox_dirty = True


def earliest_ready_due(task_rows) -> datetime | None:
    """The case's ready_due_at: the earliest due time of its ready tasks (None: none is due)."""
    return min((row.due_at for row in task_rows if row.state == "ready" and row.due_at is not None), default=None)


COMMITMENT_KINDS = {"accept": "accepted", "outcome": "outcome_recorded", "feedback": "feedback_given"}
ONCE_PER_CASE = ("received", "accepted", "handler_assigned")


def commitment_kinds(value: str | None) -> list[str]:
    """`commitment` property values ("accept", "outcome,feedback") as recorded kinds."""
    parts = [p.strip() for p in (value or "").split(",") if p.strip()]
    return [COMMITMENT_KINDS[p] for p in parts if p in COMMITMENT_KINDS]


def load_workflow(runtime, instance_id: str, blob: bytes, parsed):
    """The saved workflow; a blob that cannot be read (damaged in storage) is CorruptInstance."""
    try:
        return runtime.codec.loads(blob, parsed, runtime.script_engine)
    except Exception as exc:  # zlib, JSON or SpiffWorkflow's converter: any of them means damaged
        raise damaged(instance_id, exc) from exc


def damaged(instance_id: str, exc: Exception) -> CorruptInstance:
    return CorruptInstance(f"the saved state of instance {instance_id} cannot be read "
                           f"({type(exc).__name__}: {exc}); restore it from a backup",
                           zh="案件的保存状态已损坏，无法读取，请从备份恢复", instance=instance_id)


def _incident_message(exc: Exception) -> str:
    text = str(exc)
    # SpiffWorkflow's "Error evaluating expression" hides what happened: the error it wrapped.
    cause = exc.__cause__ or exc.__context__ if getattr(exc, "error_type", "unknown") != "unknown" else None
    if cause is not None and str(cause) not in text:
        text += f" {type(cause).__name__}: {cause}"
    notes = getattr(exc, "__notes__", None) or getattr(exc, "notes", None)
    if notes:
        text += " | " + " | ".join(str(n) for n in notes)
    return text[:4000]


def _plain(value: Any) -> Any:
    """JSON-safe copy of workflow data for audit and outbox rows."""
    import json

    from engine.audit import canonical_json

    return json.loads(canonical_json(value))
