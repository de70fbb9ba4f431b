"""The runtime facade: start, work and supervise instances. No HTTP here.

Every public method is one transaction (plus, afterwards, the delivery of any messages the
change threw, each delivery in its own transaction).
"""
from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.calendar import WorkingCalendar
from engine.clock import Clock, SystemClock, install_spiff_clock, using_clock
from engine.definitions.forms import validate_form
from engine.definitions.parsing import FORM_SCHEMA, ParsedProcess, SpecCache, parse_bundle
from engine.errors import Conflict, NotFound, ValidationFailed
from engine.runtime import messaging
from engine.runtime.change import InstanceChange
from engine.runtime.codec import WorkflowCodec
from engine.runtime.projections import case_data, find_task, keep_case_data, task_properties
from engine.runtime.routing import CaseUnitRouter, TaskRouter
from engine.runtime.views import IncidentView, InstanceView, LinkedInstanceView, TaskView
from engine.sandbox import Sandbox, make_script_engine
from engine.store import Store, instance_links, rows
from engine.store import repository as repo
from engine.store.models import ProcessInstance, ProcessVersion


class Runtime:
    def __init__(self, store: Store, *, clock: Clock | None = None, sandbox: Sandbox | None = None,
                 router: TaskRouter | None = None, calendar: WorkingCalendar | None = None):
        install_spiff_clock()
        self.store = store
        self.clock = clock or SystemClock()
        self.sandbox = sandbox or Sandbox(clock=self.clock, calendar=calendar)
        self.script_engine = make_script_engine(self.sandbox)
        self.router = router or CaseUnitRouter()
        self.codec = WorkflowCodec()
        self.specs = SpecCache()
        self._outbox_dirty = False

    # -- definitions ---------------------------------------------------------------------
    def parsed(self, session, version: ProcessVersion) -> ParsedProcess:
        return self.specs.get(version.id, lambda: parse_bundle(version.id, version.version, version.bundle))

    def parsed_by_id(self, session, version_id: int) -> ParsedProcess:
        def load() -> ParsedProcess:
            version = repo.version_by_id(session, version_id)
            return parse_bundle(version.id, version.version, version.bundle)

        return self.specs.get(version_id, load)

    def parsed_latest(self, process_key: str) -> ParsedProcess:
        with self.store.read() as session:
            return self.parsed(session, self._latest(session, process_key))

    def _latest(self, session, process_key: str) -> ProcessVersion:
        version = repo.latest_version(session, process_key)
        if version is None:
            raise NotFound(f"process {process_key} is not deployed", process=process_key)
        return version

    # -- starting ------------------------------------------------------------------------
    def start(self, process_key: str, *, actor: str, data: dict | None = None, org_unit: str | None = None,
              business_key: str | None = None, title: str = "", version: int | None = None) -> InstanceView:
        with self.store.write() as session:
            if business_key:
                existing = repo.instance_by_business_key(session, business_key)
                if existing is not None:
                    return self._view(session, existing, created=False)
            change = self._start_in(session, process_key, actor=actor, data=data or {}, org_unit=org_unit,
                                    business_key=business_key, title=title, version=version)
            view = change.view()
        return self._after_commit(view)

    def _start_in(self, session, process_key, *, actor, data, org_unit, business_key, title, version,
                  validate: bool = True, start_message: str | None = None,
                  origin_instance_id: str | None = None) -> InstanceChange:
        """Start inside the caller's transaction. `start_message`: the instance starts because
        that message arrived, so only the start event catching it may fire; `origin_instance_id`:
        the instance that threw it."""
        pv = repo.version_by_number(session, process_key, version) if version else self._latest(session, process_key)
        parsed = self.parsed(session, pv)
        if validate:
            self._validate(parsed.form(start_form_name(parsed)), data, element=process_key)
        now = self.clock.now()
        row = rows.new_row(ProcessInstance.__table__, id=str(uuid.uuid4()), process_key=process_key,
                           version_id=pv.id, status="running", org_unit=org_unit, business_key=business_key,
                           title=title or parsed.name, serialized=b"", created_at=now, updated_at=now,
                           created_by=actor, case_no=repo.next_case_no(session, now, self.store.is_postgres),
                           origin_instance_id=origin_instance_id)
        rows.insert_rows(session, [row])
        change = InstanceChange(self, session, row, parsed, actor, now)
        workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=self.script_engine)
        workflow.task_tree.data.update(data)
        keep_case_data(workflow, data)
        if start_message:
            cancel_other_start_events(workflow, start_message)
        change.adopt(workflow)
        change.emit("instance_started", process=process_key, version=pv.version, org_unit=org_unit, data=data)
        if parsed.lanes is not None and parsed.lanes.commitments:
            change.record_commitment("received")  # 有来必受
        change.advance()
        change.save()
        return change

    # -- human tasks ---------------------------------------------------------------------
    def complete(self, task_id: str, data: dict | None, *, actor: str,
                 expected_row_version: int | None = None) -> InstanceView:
        data = dict(data or {})
        with self.changing_task(task_id, actor) as (change, task_row):
            self._check_actionable(change, task_row, actor, expected_row_version)
            self._validate(change.parsed.form(task_row.form), data, element=task_row.task_spec, task=task_id)
            task = change.spiff_task(task_id)
            if not task.has_state(TaskState.READY):
                raise Conflict(f"task {task_id} is no longer ready", task=task_id)
            task.set_data(**data)
            with using_clock(self.clock):
                task.run()
            task_row.state, task_row.ended_at, task_row.ended_by = "completed", change.now, actor
            change.emit("task_completed", task_id, name=task_row.task_spec, data=data)
            change.note_handler(task_row)
            change.advance()
            change.save()
            view = change.view()
        return self._after_commit(view)

    def claim(self, task_id: str, *, actor: str) -> TaskView:
        with self.changing_task(task_id, actor) as (change, task_row):
            self._check_actionable(change, task_row, actor, None)
            task_row.assignee = actor
            change.emit("task_claimed", task_id, name=task_row.task_spec)
            change.note_handler(task_row)
            change.save()
            return TaskView.of(task_row)

    def unclaim(self, task_id: str, *, actor: str, force: bool = False) -> TaskView:
        with self.changing_task(task_id, actor) as (change, task_row):
            self._require_open(task_row)
            if task_row.assignee and task_row.assignee != actor and not force:
                raise Conflict(f"task {task_id} is claimed by {task_row.assignee}", task=task_id)
            previous, task_row.assignee = task_row.assignee, None
            change.emit("task_unclaimed", task_id, name=task_row.task_spec, previous=previous)
            change.save()
            return TaskView.of(task_row)

    def assign(self, task_id: str, user: str, *, actor: str) -> TaskView:
        with self.changing_task(task_id, actor) as (change, task_row):
            self._require_open(task_row)
            previous, task_row.assignee = task_row.assignee, user
            change.emit("task_assigned", task_id, name=task_row.task_spec, assignee=user, previous=previous)
            change.note_handler(task_row)
            change.save()
            return TaskView.of(task_row)

    def _check_actionable(self, change, task_row, actor, expected_row_version) -> None:
        self._require_open(task_row)
        change.require_status("running")
        if task_row.assignee and task_row.assignee != actor:
            raise Conflict(f"task is claimed by {task_row.assignee}", task=task_row.id, assignee=task_row.assignee)
        if expected_row_version is not None and expected_row_version != change.row.row_version:
            raise Conflict("the case changed since you loaded it; reload and try again", instance=change.row.id)

    @staticmethod
    def _require_open(task_row) -> None:
        if task_row.state != "ready":
            raise Conflict(f"task {task_row.id} is {task_row.state}", task=task_row.id, state=task_row.state)

    def _validate(self, schema, data, **context) -> None:
        errors = validate_form(schema, data)
        if errors:
            raise ValidationFailed("submitted data does not satisfy the form", errors, **context)

    # -- supervision ---------------------------------------------------------------------
    def suspend(self, instance_id: str, *, actor: str, reason: str = "") -> InstanceView:
        with self.changing(instance_id, actor) as change:
            change.require_status("running", "incident")
            change.row.status = "suspended"
            repo.set_open_task_state(change.session, instance_id, ("ready",), "suspended")
            change.emit("suspended", reason=reason)
            change.save()
            return change.view()

    def resume(self, instance_id: str, *, actor: str, reason: str = "") -> InstanceView:
        with self.changing(instance_id, actor) as change:
            change.require_status("suspended")
            open_incidents = repo.open_incidents(change.session, instance_id)
            change.row.status = "incident" if open_incidents else "running"
            repo.set_open_task_state(change.session, instance_id, ("suspended",), "ready")
            change.emit("resumed", reason=reason)
            change.save()
            return change.view()

    def terminate(self, instance_id: str, *, actor: str, reason: str = "") -> InstanceView:
        with self.changing(instance_id, actor) as change:
            change.require_status("running", "suspended", "incident")
            change.workflow.cancel()
            change.row.status, change.row.ended_at = "terminated", change.now
            for task_row in change.open_task_rows():
                task_row.state, task_row.ended_at, task_row.ended_by = "cancelled", change.now, actor
            change.emit("terminated", reason=reason)
            change.save()
            return change.view()

    def retry(self, instance_id: str, *, actor: str, data: dict | None = None) -> InstanceView:
        """Re-run the failed step of an incident, after an admin has fixed its data."""
        with self.changing(instance_id, actor) as change:
            change.require_status("incident")
            failed = change.workflow.get_tasks(state=TaskState.ERROR)
            for task in failed:
                task.data.update(data or {})
                task._set_state(TaskState.READY)
            for incident in repo.open_incidents(change.session, instance_id):
                incident.resolved_at, incident.resolved_by = change.now, actor
            change.row.status = "running"
            change.emit("incident_retried", data=data or {}, tasks=[t.task_spec.name for t in failed])
            change.advance()
            change.save()
            view = change.view()
        return self._after_commit(view)

    def migrate(self, instance_id: str, *, actor: str, version: int | None = None) -> InstanceView:
        from engine.runtime.migration import migrate_instance

        with self.changing(instance_id, actor) as change:
            migrate_instance(self, change, version)
            view = change.view()
        return self._after_commit(view)

    # -- timers and messages -------------------------------------------------------------
    def fire_due_timers(self, *, actor: str = "timer", limit: int = 1000) -> int:
        """Fire every due timer once; returns how many instances were advanced."""
        from engine.runtime.timers import fire_due

        fired = fire_due(self, actor=actor, limit=limit)
        self.deliver_messages()
        return fired

    def deliver_messages(self, limit: int = 1000) -> int:
        self._outbox_dirty = False
        return messaging.deliver_pending(self, limit=limit)

    def _after_commit(self, view: InstanceView) -> InstanceView:
        """Deliver what the change threw; re-read the view only if delivery touched it."""
        if self._outbox_dirty and self.deliver_messages():
            return self.instance(view.id)
        return view

    # -- transactions --------------------------------------------------------------------
    @contextlib.contextmanager
    def changing(self, instance_id: str, actor: str) -> Iterator[InstanceChange]:
        with self.store.write() as session:
            yield self.open_change(session, instance_id, actor)

    @contextlib.contextmanager
    def changing_task(self, task_id: str, actor: str):
        with self.store.write() as session:
            task_row, row = repo.task_rows_for_update(session, task_id, self.store.is_postgres)
            if self.store.is_postgres:  # re-read under the instance lock (SQLite: BEGIN IMMEDIATE did)
                task_row = repo.task_row(session, task_id)
            change = InstanceChange(self, session, row, self.parsed_by_id(session, row.version_id), actor,
                                    self.clock.now(), task_rows={task_row.id: task_row})
            yield change, task_row

    def open_change(self, session, instance_id: str, actor: str) -> InstanceChange:
        row = repo.instance_row_for_update(session, instance_id, self.store.is_postgres)
        return InstanceChange(self, session, row, self.parsed_by_id(session, row.version_id), actor,
                              self.clock.now())

    # -- reading -------------------------------------------------------------------------
    def instance(self, instance_id: str) -> InstanceView:
        with self.store.read() as session:
            return self._view(session, repo.get_instance(session, instance_id))

    def _view(self, session, row: ProcessInstance, created: bool = True) -> InstanceView:
        parsed = self.parsed_by_id(session, row.version_id)
        workflow = self.codec.loads(row.serialized, parsed, self.script_engine)
        return build_view(session, row, parsed, workflow, created)

    def started_from(self, instance_id: str) -> list[LinkedInstanceView]:
        """The instances that messages from this one started, oldest first (its origin: InstanceView.origin_id)."""
        with self.store.read() as session:
            return [LinkedInstanceView(*row) for row in instance_links.started_from(session, instance_id)]

    def task_history(self, instance_id: str) -> list[TaskView]:
        """Every task the instance ever offered, open or ended, oldest first."""
        with self.store.read() as session:
            return [TaskView.of(t) for t in repo.tasks_of(session, instance_id)]

    def task(self, task_id: str) -> TaskView:
        with self.store.read() as session:
            return TaskView.of(repo.get_task(session, task_id))

    def task_data(self, task_id: str) -> dict[str, Any]:
        """The data a task's form opens with; for a finished round of a loop that has left the
        workflow (engine.runtime.history), what was submitted, from the audit trail."""
        with self.store.read() as session:
            task_row = repo.get_task(session, task_id)
            row = repo.get_instance(session, task_row.instance_id)
            parsed = self.parsed_by_id(session, row.version_id)
            workflow = self.codec.loads(row.serialized, parsed, self.script_engine)
            task = find_task(workflow, uuid.UUID(task_id))
            if task is not None:
                return dict(task.data)
            return repo.submitted_data(session, row.id, task_id)


def start_form_name(parsed: ParsedProcess) -> str | None:
    for spec in parsed.spec.task_specs.values():
        if type(spec).__name__ == "StartEvent":
            name = task_properties(spec).get(FORM_SCHEMA)
            if name:
                return name
    return None


def cancel_other_start_events(workflow, message_name: str) -> None:
    """A process with a plain and a message start event runs the plain one at once and
    cancels the other; when a message starts it, the plain start must be the one cancelled."""
    for task in workflow.get_tasks():
        spec = task.task_spec
        if type(spec).__name__ != "StartEvent":
            continue
        definition = getattr(spec, "event_definition", None)
        catches = "Message" in type(definition).__name__ and getattr(definition, "name", None) == message_name
        if not catches and not task.has_state(TaskState.FINISHED_MASK):
            task.cancel()


def build_view(session, row: ProcessInstance, parsed: ParsedProcess, workflow, created: bool = True,
               open_tasks: list | None = None) -> InstanceView:
    """The instance with its current (open) tasks and open incidents."""
    incidents = repo.open_incidents(session, row.id) if row.status in ("incident", "suspended") else []
    if open_tasks is None:
        open_tasks = repo.tasks_of(session, row.id, open_only=True)
    return InstanceView(
        id=row.id, process_key=row.process_key, version=parsed.version, status=row.status,
        org_unit=row.org_unit, business_key=row.business_key, title=row.title, row_version=row.row_version,
        created_at=row.created_at, updated_at=row.updated_at, ended_at=row.ended_at,
        next_due_at=row.next_due_at, data=case_data(workflow),
        tasks=[TaskView.of(t) for t in open_tasks],
        incidents=[IncidentView.of(i) for i in incidents], created=created, origin_id=row.origin_instance_id)
