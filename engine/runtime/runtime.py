"""The runtime facade: start, work and supervise instances. No HTTP here.

Every public method is one transaction (plus, afterwards, the delivery of any messages the
change threw, each delivery in its own transaction).
"""
from __future__ import annotations

import contextlib
import functools
import uuid
from collections.abc import Iterator
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.calendar import WorkingCalendar
from engine.clock import Clock, SystemClock, install_spiff_clock, using_clock
from engine.definitions.forms import undeclared_fields, validate_form
from engine.definitions.parsing import FORM_SCHEMA, ParsedProcess, SpecCache, parse_bundle
from engine.errors import STATE_ZH, Conflict, FieldError, NotFound, ValidationFailed
from engine.idempotency import Idempotency
from engine.notifications import Notifier
from engine.runtime import messaging
from engine.runtime.change import InstanceChange, damaged
from engine.runtime.codec import WorkflowCodec
from engine.runtime.projections import case_data, keep_case_data, task_properties
from engine.runtime.routing import CaseUnitRouter, TaskRouter
from engine.runtime.views import IncidentView, InstanceView, LinkedInstanceView, TaskView
from engine.sandbox import Sandbox, make_script_engine
from engine.store import Store, instance_links, rows
from engine.store import repository as repo
from engine.store.models import ProcessInstance, ProcessVersion

# What a case is registered with besides its start form: the channel the matter came by.
START_ENVELOPE = frozenset({"channel"})
# The region profile a laddered case mediates by (engine/definitions/ladder.py), in its data.
LADDER_VARIABLE = "mediation_ladder"


# The process keys of the tasks completed in a session's transaction, in its info: whoever
# counts completions (api.metrics) reads them once the transaction has committed.
TASKS_COMPLETED = "jiahe.tasks_completed"


class Runtime:
    def __init__(self, store: Store, *, clock: Clock | None = None, sandbox: Sandbox | None = None,
                 router: TaskRouter | None = None, calendar: WorkingCalendar | None = None,
                 notifier: Notifier | None = None):
        install_spiff_clock()
        self.store = store
        self.clock = clock or SystemClock()
        self.sandbox = sandbox or Sandbox(clock=self.clock, calendar=calendar)
        self.script_engine = make_script_engine(self.sandbox)
        self.router = router or CaseUnitRouter()
        # Turns the audit events of each change into inbox rows in its transaction (none: silent).
        self.notifier = notifier
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
            raise NotFound(f"process {process_key} is not deployed", process=process_key,
                           zh=f"流程 {process_key} 未部署")
        return version

    # -- starting ------------------------------------------------------------------------
    def start(self, process_key: str, *, actor: str, data: dict | None = None, org_unit: str | None = None,
              business_key: str | None = None, title: str = "", version: int | None = None,
              idempotency: Idempotency | None = None) -> InstanceView:
        with self.store.write() as session:
            existing = repo.instance_by_business_key(session, business_key) if business_key else None
            if existing is not None:
                if idempotency is not None:
                    idempotency.earlier(session)  # the same key with another request is refused
                return self._view(session, existing, created=False)
            instance_id = str(uuid.uuid4())
            claims = [functools.partial(idempotency.claim, instance_id=instance_id, task_id=None,
                                        now=self.clock.now())] if idempotency is not None else []
            change = self._start_in(session, process_key, actor=actor, data=data or {}, org_unit=org_unit,
                                    business_key=business_key, title=title, version=version,
                                    instance_id=instance_id, also_written=claims)
            view = change.view()
        return self._after_commit(view)

    def _start_in(self, session, process_key, *, actor, data, org_unit, business_key, title, version,
                  validate: bool = True, start_message: str | None = None,
                  origin_instance_id: str | None = None, instance_id: str | None = None,
                  also_written: list | None = None) -> InstanceChange:
        """Start inside the caller's transaction. `start_message`: the instance starts because
        that message arrived, so only the start event catching it may fire; `origin_instance_id`:
        the instance that threw it."""
        pv = repo.version_by_number(session, process_key, version) if version else self._latest(session, process_key)
        parsed = self.parsed(session, pv)
        if validate:
            self._validate(parsed.form(start_form_name(parsed)), data, element=process_key,
                           envelope=START_ENVELOPE)
        now = self.clock.now()
        row = rows.new_row(ProcessInstance.__table__, id=instance_id or str(uuid.uuid4()), process_key=process_key,
                           version_id=pv.id, status="running", org_unit=org_unit, business_key=business_key,
                           title=title or parsed.name, serialized=b"", created_at=now, updated_at=now,
                           created_by=actor, case_no=repo.next_case_no(session, now, self.store.is_postgres),
                           origin_instance_id=origin_instance_id)
        rows.insert_rows(session, [row])
        change = InstanceChange(self, session, row, parsed, actor, now, also_written=list(also_written or []))
        workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=self.script_engine)
        workflow.task_tree.data.update(data)
        if parsed.ladder:  # the case keeps the ladder it started on, whatever is deployed later
            workflow.task_tree.data[LADDER_VARIABLE] = parsed.ladder
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
        """Complete a user task (TaskDesk.complete adds access, drafts and Idempotency-Key)."""
        with self.changing_task(task_id, actor) as (change, task_row):
            self.complete_in(change, task_row, data, expected_row_version=expected_row_version)
            view = change.view()
        return self._after_commit(view)

    def complete_in(self, change: InstanceChange, task_row, data: dict | None, *,
                    expected_row_version: int | None = None) -> None:
        """Complete the task inside the caller's change (changing_task); the caller commits,
        then calls deliver_after_commit()."""
        data = dict(data or {})
        task_id = task_row.id
        self._check_actionable(change, task_row, change.actor, expected_row_version)
        self.check_submission(change.parsed, task_row.form, data, element=task_row.task_spec, task=task_id)
        task = change.spiff_task(task_id)
        if not task.has_state(TaskState.READY):
            raise Conflict(f"task {task_id} is no longer ready", task=task_id,
                           zh=f"任务 {task_id} 已不是待办状态")
        task.set_data(**data)
        run_submitted_step(task, self.clock)
        task_row.state, task_row.ended_at, task_row.ended_by = "completed", change.now, change.actor
        change.emit("task_completed", task_id, name=task_row.task_spec, data=data)
        change.note_handler(task_row)
        change.advance()
        change.save()
        change.session.info.setdefault(TASKS_COMPLETED, []).append(change.row.process_key)

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
                raise Conflict(f"task {task_id} is claimed by {task_row.assignee}", task=task_id,
                               zh=f"任务 {task_id} 已被 {task_row.assignee} 认领")
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
            raise Conflict(f"task is claimed by {task_row.assignee}", task=task_row.id,
                           assignee=task_row.assignee, zh=f"任务已被 {task_row.assignee} 认领")
        if expected_row_version is not None and expected_row_version != change.row.row_version:
            raise Conflict("the case changed since you loaded it; reload and try again",
                           instance=change.row.id, zh="您打开后案件已有其他变动，请刷新后重试")

    @staticmethod
    def _require_open(task_row) -> None:
        if task_row.state != "ready":
            raise Conflict(f"task {task_row.id} is {task_row.state}", task=task_row.id, state=task_row.state,
                           zh=f"任务 {task_row.id} 当前为「{STATE_ZH.get(task_row.state, task_row.state)}」，"
                              "不能进行此操作")

    def check_submission(self, parsed: ParsedProcess, form_name: str | None, data: dict, **context) -> None:
        """What completing a user task checks before anything changes: ValidationFailed unless
        `data` has only the fields of the task's form, and satisfies it."""
        self._validate(parsed.form(form_name), data, task=context.pop("task", ""), **context)

    def _validate(self, schema, data, *, envelope: frozenset[str] = frozenset(), **context) -> None:
        """Only the fields the form declares (or the `envelope` allows), and valid. A step
        without a form takes none; an instance started without a start form (by a message,
        say) takes its data as given."""
        errors = validate_form(schema, data)
        if schema is not None or "task" in context:
            declared = {name: value for name, value in data.items() if name not in envelope}
            errors = undeclared_fields(schema, declared) or errors
        if errors:
            raise ValidationFailed("submitted data does not satisfy the form", errors, zh="提交的内容不符合表单要求",
                                   **context)

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

    def retry(self, instance_id: str, *, actor: str, data: dict | None = None, reason: str = "") -> InstanceView:
        """Re-run the failed step of an incident, after an admin has fixed its data (a timer
        that could not fire is tried again by the next worker pass)."""
        with self.changing(instance_id, actor) as change:
            change.require_status("incident")
            failed = change.workflow.get_tasks(state=TaskState.ERROR)
            for task in failed:
                task.data.update(data or {})
                task._set_state(TaskState.READY)
            for incident in repo.open_incidents(change.session, instance_id):
                incident.resolved_at, incident.resolved_by = change.now, actor
            change.row.status = "running"
            change.emit("incident_retried", data=data or {}, tasks=[t.task_spec.name for t in failed], reason=reason)
            # Timers that fell due meanwhile fire now, with their events (a timer-set-aside incident).
            change.refresh_timers()
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
        """Fire the due timers, each once, a batch of instances per transaction, then deliver
        the messages they threw; returns how many instances advanced. `limit` of them at
        most: a pass that returns `limit` may have left timers due (engine.runtime.timers)."""
        from engine.runtime.timers import fire_due

        fired = fire_due(self, actor=actor, limit=limit)
        self.deliver_messages()
        return fired

    def deliver_messages(self, limit: int = 1000) -> int:
        self._outbox_dirty = False
        return messaging.deliver_pending(self, limit=limit)

    def _after_commit(self, view: InstanceView) -> InstanceView:
        """Deliver what the change threw; re-read the view only if delivery touched it."""
        if self.deliver_after_commit():
            return self.instance(view.id)
        return view

    def deliver_after_commit(self) -> int:
        """Deliver the messages a committed change threw (none: no query)."""
        return self.deliver_messages() if self._outbox_dirty else 0

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
        return build_view(session, row, parsed, self.read_workflow(row, parsed), created)

    def read_workflow(self, row, parsed: ParsedProcess) -> BpmnWorkflow:
        """The workflow for reading only, restored from the row: a read leaves the workflow
        the last change saved (WorkflowCodec.saved) to the next change of the case."""
        try:
            return self.codec.restore(row.serialized, parsed, self.script_engine)
        except Exception as exc:  # as load_workflow: zlib, JSON or the converter means damaged
            raise damaged(row.id, exc) from exc

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
            return self.task_data_in(session, repo.get_task(session, task_id).instance_id, task_id)

    def task_data_in(self, session, instance_id: str, task_id: str, blob: bytes | None = None) -> dict[str, Any]:
        """task_data inside a read the caller has open, from the stored tree (WorkflowCodec.task_data):
        `blob` if the caller read it already, else read here."""
        if blob is None:
            blob = repo.instance_blob(session, instance_id)
        try:
            data = self.codec.task_data(blob, task_id)
        except Exception as exc:  # zlib or JSON: the stored state is damaged
            raise damaged(instance_id, exc) from exc
        if data is not None:
            return data
        return repo.submitted_data(session, instance_id, task_id)


def run_submitted_step(task, clock) -> None:
    """Run a user task with what was submitted. Its own scripts (a postScript, say) work on
    that data: when one fails, the submission is refused (422) and the transaction rolls
    back, so the case stays as it was and the user can correct what she sent."""
    try:
        with using_clock(clock):
            task.run()
    except (SpiffWorkflowException, WorkflowException) as exc:
        message = str(getattr(exc, "error_msg", None) or exc)
        raise ValidationFailed(
            "the step could not use what was submitted", [
                FieldError("(form)", f"the step's script failed on this data: {message}", "script",
                           zh=f"此步骤的脚本无法处理提交的内容：{message}")],
            zh="此步骤无法处理提交的内容，请检查后重新提交", element=task.task_spec.name) from None


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
