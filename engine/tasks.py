"""Human tasks as users work them: lists, the task page, claiming, drafts, completion and
comments. No HTTP here; the API's task views are thin wrappers around TaskDesk.

Who may do what with a task (DOMAIN.md: a user acts in her org units and below):
- work on it (claim, draft, complete): she holds the task's role in its org unit or above,
  or it is assigned to her;
- supervise it (read, assign, unclaim by force): she holds a supervision role there;
- read it: either of the above, or she completed it herself.
Anyone else is told the task does not exist: its existence is itself information.
"""
from __future__ import annotations

import contextlib
import functools
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from engine.access import SENSITIVE_READERS, SUPERVISION_ROLES, Principal
from engine.cases import record_clear_read
from engine.definitions.forms import undeclared_fields
from engine.definitions.instructions import render_instructions
from engine.definitions.parsing import FORM_UI_SCHEMA, ParsedProcess
from engine.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from engine.idempotency import Idempotency, KeyTaken
from engine.org import OrgChart
from engine.privacy import masked
from engine.runtime.projections import task_properties
from engine.store import page_totals
from engine.store import task_queries as queries
from engine.store.task_queries import SORTS, CaseFacts, TaskFilter

SCOPES = ("mine", "group", "done", "supervised")
COMMENT_MAX_CHARS = 2000
INSTRUCTIONS = "instructionsForEndUser"


# -- read models -------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskItem:
    """A task as lists show it, with the facts of its case."""

    id: str
    case_id: str
    case_no: str | None
    process: str
    name: str
    title: str
    role: str | None
    org_unit: str | None
    assignee: str | None
    state: str
    due_at: datetime | None
    deadline_basis: str | None
    priority: int
    risk: str | None
    created_at: datetime
    ended_at: datetime | None
    ended_by: str | None
    overdue: bool
    process_name: str | None = None
    assignee_name: str | None = None
    ended_by_name: str | None = None


@dataclass(frozen=True)
class TaskPage:
    items: list[TaskItem]
    total: int
    page: int
    per_page: int
    total_capped: bool = False  # the list holds more than `total` tasks: counting stopped there


@dataclass(frozen=True)
class TaskQuery:
    scope: str = "group"
    sort: str | None = None
    page: int = 1
    per_page: int = 20
    process: str | None = None
    case_id: str | None = None
    risks: tuple[str, ...] = ()
    overdue: bool = False


@dataclass(frozen=True)
class Comment:
    id: int
    username: str
    display_name: str | None
    text: str
    at: datetime


@dataclass(frozen=True)
class Candidate:
    username: str
    display_name: str
    org_unit: str


@dataclass(frozen=True)
class Draft:
    data: dict
    saved_at: datetime


@dataclass(frozen=True)
class TaskDetail:
    """The task page: the task, its form, rendered instructions and data as the viewer may see it."""

    task: TaskItem
    case: dict
    form: dict
    instructions: str
    instructions_note: str | None
    data: dict
    masked_fields: list[str]
    draft: Draft | None
    comments: list[Comment] = field(default_factory=list)


@dataclass(frozen=True)
class Completion:
    case: dict
    next_tasks: list[TaskItem]


# -- who may do what -----------------------------------------------------------------------

@dataclass(frozen=True)
class TaskAccess:
    principal: Principal
    chart: OrgChart

    def works_on(self, task) -> bool:
        return task.assignee == self.principal.username or self.principal.sees(self.chart, task.org_unit, task.role)

    def supervises(self, task) -> bool:
        return any(self.principal.sees(self.chart, task.org_unit, role) for role in SUPERVISION_ROLES)

    def reads(self, task) -> bool:
        return self.works_on(task) or self.supervises(task) or task.ended_by == self.principal.username

    def reads_sensitive(self, task, case: CaseFacts) -> bool:
        """The assigned handler, and roles that serve the victim where the case arose."""
        if task.assignee == self.principal.username:
            return True
        return any(self.principal.sees(self.chart, case.org_unit, role) for role in SENSITIVE_READERS)

    def offers(self) -> dict[str, frozenset[str]]:
        """role -> the org units where tasks of that role are offered to her."""
        return {role: frozenset(self.principal.visible_units(self.chart, role)) for role in self.principal.roles}

    def supervised_units(self) -> frozenset[str]:
        units: set[str] = set()
        for role in SUPERVISION_ROLES & self.principal.roles:
            units |= self.principal.visible_units(self.chart, role)
        return frozenset(units)


# -- the service -----------------------------------------------------------------------------

class TaskDesk:
    """One caller's view of the task list, for one request."""

    def __init__(self, runtime, chart: OrgChart, principal: Principal):
        self.runtime = runtime
        self.store = runtime.store
        self.clock = runtime.clock
        self.me = principal.username
        self.access = TaskAccess(principal, chart)

    # -- lists ---------------------------------------------------------------------------
    def list(self, query: TaskQuery) -> TaskPage:
        where = self._filter(query)
        sort = query.sort or ("-ended_at" if query.scope == "done" else "due_at")
        with self.store.read() as session:
            rows, total = queries.task_page(session, where, sort=sort, page=query.page, per_page=query.per_page)
            items = self._named(session, [task_item(row, row, self.clock.now()) for row in rows])
        shown, capped = page_totals.counted_total(total, query.page, query.per_page)
        return TaskPage(items, shown, query.page, query.per_page, total_capped=capped)

    @staticmethod
    def _named(session, items: list[TaskItem], processes: dict[str, str] | None = None) -> list[TaskItem]:
        """The items with the names people read: the process's (`processes`, else each
        process's latest version's) and the users'."""
        if not items:
            return items
        processes = processes if processes is not None else queries.process_names(session)
        users = queries.display_names(session, [u for i in items for u in (i.assignee, i.ended_by) if u])
        return [replace(i, process_name=processes.get(i.process), assignee_name=users.get(i.assignee),
                        ended_by_name=users.get(i.ended_by)) for i in items]

    def _filter(self, query: TaskQuery) -> TaskFilter:
        if query.scope not in SCOPES:
            raise ValidationFailed("unknown scope", [FieldError("scope", f"one of {', '.join(SCOPES)}",
                                                                zh=f"应为 {'、'.join(SCOPES)} 之一")],
                                   zh="未知的任务范围")
        if query.sort is not None and query.sort not in SORTS:
            raise ValidationFailed("unknown sort", [FieldError("sort", f"one of {', '.join(SORTS)}",
                                                               zh=f"应为 {'、'.join(SORTS)} 之一")],
                                   zh="未知的排序方式")
        narrowing = {"process_key": query.process, "instance_id": query.case_id, "risks": tuple(query.risks),
                     "due_before": self.clock.now() if query.overdue and query.scope != "done" else None}
        if query.scope == "mine":
            return TaskFilter(assignee=self.me, **narrowing)
        if query.scope == "done":
            return TaskFilter(state="completed", ended_by=self.me, **narrowing)
        if query.scope == "supervised":
            return TaskFilter(units=self.access.supervised_units(), **narrowing)
        return TaskFilter(unassigned=True, group=self.access.offers(), **narrowing)

    # -- one task ------------------------------------------------------------------------
    def item(self, task_id: str) -> TaskItem:
        with self.store.read() as session:
            row, case = self._readable_in(session, task_id)
            return self._named(session, [task_item(row, case, self.clock.now())])[0]

    def detail(self, task_id: str) -> TaskDetail:
        with self.store.read() as session:
            row, case, blob, draft = queries.task_page_rows(session, task_id, self.me)
            self._require_reads(row)
            parsed = self.runtime.parsed_by_id(session, case.version_id)
            draft = draft if row.state == "ready" else None
            comments = [_comment(c, name) for c, name in queries.comments_of(session, task_id)]
            item = self._named(session, [task_item(row, case, self.clock.now())], {row.process_key: parsed.name})[0]
            data = json_safe(self.runtime.task_data_in(session, row.instance_id, task_id, blob))
        data, hidden = self._visible_data(row, case, parsed, data)
        instructions = render_instructions(_spec_extensions(parsed, row.task_spec).get(INSTRUCTIONS), data,
                                           sandbox=self.runtime.sandbox)
        return TaskDetail(
            task=item, case=_case_ref(case, detail=True),
            form=form_of(parsed, row.task_spec, row.form), instructions=instructions.text,
            instructions_note=instructions.note, data=data, masked_fields=hidden,
            draft=Draft(draft.data, draft.saved_at) if draft is not None else None, comments=comments)

    def _visible_data(self, row, case: CaseFacts, parsed: ParsedProcess, data: dict) -> tuple[dict, list[str]]:
        hidden, hits = masked(data, parsed.sensitive_paths)
        if self.access.reads_sensitive(row, case):
            record_clear_read(self.store, self.clock.now(), self.me, case.id, "task", hits)
            return data, []
        return hidden, hits

    # -- acting --------------------------------------------------------------------------
    def claim(self, task_id: str) -> TaskItem:
        self._workable(task_id)
        self.runtime.claim(task_id, actor=self.me)
        return self.item(task_id)

    def unclaim(self, task_id: str) -> TaskItem:
        row, case = self._readable(task_id)
        if row.state == "ready" and row.assignee is None:
            return task_item(row, case, self.clock.now())  # nothing to give back
        force = row.assignee != self.me and self.access.supervises(row)
        self.runtime.unclaim(task_id, actor=self.me, force=force)
        return self.item(task_id)

    def assign(self, task_id: str, user: str) -> TaskItem:
        row, _ = self._readable(task_id)
        supervising = self.access.supervises(row)
        if not supervising and not (user == self.me and self.access.works_on(row)):
            raise Forbidden("only a supervisor over this task may assign it to someone else",
                            zh="只有督办此任务的人员才能把它指派给他人")
        self._check_qualified(row, user)
        if supervising:
            self.runtime.assign(task_id, user, actor=self.me)
        else:  # taking it herself: the same rules as claiming
            self.runtime.claim(task_id, actor=self.me)
        return self.item(task_id)

    def candidates(self, task_id: str) -> list[Candidate]:
        """Whom a supervisor over the task may assign it to (the rule assign checks)."""
        row, _ = self._readable(task_id)
        if not self.access.supervises(row):
            raise Forbidden("only a supervisor over this task may assign it", zh="只有督办该任务的人员才能指派")
        return self._holders(row)

    def _holders(self, row) -> list[Candidate]:
        """The active users holding the task's role (any role, for a task without one) in its
        org unit or above."""
        chart = self.access.chart
        if row.org_unit not in chart.units:
            return []
        units = [unit.id for unit in chart.ancestors(row.org_unit)]
        with self.store.read() as session:
            return [Candidate(*found) for found in queries.holders_of(session, row.role, units)]

    def _check_qualified(self, row, user: str) -> None:
        if any(holder.username == user for holder in self._holders(row)):
            return
        with self.store.read() as session:
            found = queries.active_user(session, user)
        message = (f"{user} does not hold the role {row.role} at or above {row.org_unit}" if found
                   else f"there is no active user {user}")
        raise ValidationFailed("the task cannot be assigned to this user", [FieldError(
            "user", message, zh=(f"{user} 在 {row.org_unit} 及其上级单位都没有「{row.role}」角色" if found
                                 else f"用户 {user} 不存在或已停用"))], zh="不能把此任务指派给该用户")

    def save_draft(self, task_id: str, data: dict) -> Draft:
        """Unfinished form data, not validated, but only the fields the form declares."""
        row, case = self._workable(task_id)
        if row.state != "ready":
            raise Conflict(f"task {task_id} is {row.state}; drafts are kept for open tasks only",
                           task=task_id, state=row.state, zh="任务已办结，不再保存草稿")
        with self.store.read() as session:
            schema = self.runtime.parsed_by_id(session, case.version_id).form(row.form)
        undeclared = undeclared_fields(schema, data)
        if undeclared:
            raise ValidationFailed("the draft has fields the form does not have", undeclared,
                                   zh="草稿包含表单没有的字段", task=task_id)
        with self.store.write() as session:
            saved = queries.save_draft(session, task_id, self.me, data, self.clock.now())
            return Draft(saved.data, saved.saved_at)

    def complete(self, task_id: str, data: dict | None, *, row_version: int | None = None,
                 idempotency_key: str | None = None) -> Completion:
        """Submit the form: one write transaction checks access, completes the task, forgets
        its drafts and builds the answer from what it wrote. A retry with the same
        Idempotency-Key and data (after a lost response, say) gets the completion again
        instead of a conflict."""
        idempotency = Idempotency.of("complete", self.me, idempotency_key, {"task": task_id, "data": data or {}})
        try:
            with self._changing(task_id) as (change, task_row):
                self._check_works_on(task_row)
                if idempotency is not None:
                    change.also_written.append(functools.partial(
                        idempotency.claim, instance_id=change.row.id, task_id=task_id, now=change.now))
                change.also_written.append(lambda session: queries.delete_drafts(session, task_id))
                self.runtime.complete_in(change, task_row, data, expected_row_version=row_version)
                completion = self._completion_of(change)
        except (Conflict, KeyTaken):
            if not self._completed_before(idempotency):  # not our own first attempt, done before or meanwhile
                raise
            self._readable(task_id)
            return self._completion(task_id)
        self.runtime.deliver_after_commit()
        return completion

    @contextlib.contextmanager
    def _changing(self, task_id: str):
        """The task's change, if she may see the task (else, as for one that does not exist: not found)."""
        try:
            with self.runtime.changing_task(task_id, self.me) as (change, task_row):
                if not self.access.reads(task_row):
                    raise NotFound("task not found", task=task_id, zh="未找到该任务")
                yield change, task_row
        except NotFound as exc:
            if exc.context.get("task") != task_id:
                raise
            raise NotFound("task not found", task=task_id, zh="未找到该任务") from None

    def _completed_before(self, idempotency: Idempotency | None) -> bool:
        if idempotency is None:
            return False
        with self.store.read() as session:
            return idempotency.earlier(session) is not None

    def _completion_of(self, change) -> Completion:
        """The answer from the change itself: its case and the open tasks she may read."""
        now, case = self.clock.now(), change.row
        open_rows = sorted(change.open_task_rows(), key=queries.due_first)
        items = [task_item(r, case, now) for r in open_rows if self.access.reads(r)]
        return Completion(case=_case_ref(case), next_tasks=self._named(change.session, items,
                                                                       {case.process_key: change.parsed.name}))

    def _completion(self, task_id: str) -> Completion:
        with self.store.read() as session:
            _, case = queries.task_with_case(session, task_id)
            open_rows = queries.open_tasks_of_case(session, case.id)
            now = self.clock.now()
            next_tasks = self._named(session, [task_item(r, c, now) for r, c in open_rows if self.access.reads(r)])
        return Completion(case=_case_ref(case), next_tasks=next_tasks)

    # -- comments ------------------------------------------------------------------------
    def comments(self, task_id: str) -> list[Comment]:
        with self.store.read() as session:
            self._readable_in(session, task_id)
            return [_comment(c, name) for c, name in queries.comments_of(session, task_id)]

    def add_comment(self, task_id: str, text: str) -> Comment:
        text = (text or "").strip()
        if not text or len(text) > COMMENT_MAX_CHARS:
            raise ValidationFailed("a comment has 1 to 2000 characters",
                                   [FieldError("text", f"must have 1 to {COMMENT_MAX_CHARS} characters",
                                               zh=f"应为 1 至 {COMMENT_MAX_CHARS} 个字")],
                                   zh="留言应为 1 至 2000 个字")
        with self.store.write() as session:
            row, _ = self._readable_in(session, task_id)
            comment = queries.add_comment(session, row, self.me, text, self.clock.now())
            return _comment(comment, queries.display_name_of(session, self.me))

    # -- loading with access checks ------------------------------------------------------
    def _readable(self, task_id: str):
        with self.store.read() as session:
            return self._readable_in(session, task_id)

    def _readable_in(self, session, task_id: str):
        row, case = queries.task_with_case(session, task_id)
        self._require_reads(row)
        return row, case

    def _require_reads(self, row) -> None:
        if not self.access.reads(row):
            raise NotFound("task not found", task=row.id, zh="未找到该任务")

    def _workable(self, task_id: str):
        row, case = self._readable(task_id)
        self._check_works_on(row)
        return row, case

    def _check_works_on(self, row) -> None:
        if not self.access.reads(row):
            raise NotFound("task not found", task=row.id, zh="未找到该任务")
        if not self.access.works_on(row):
            raise Forbidden(f"this task is for the role {row.role}; you may supervise it but not work on it",
                            zh=f"此任务由「{row.role}」岗位办理，您可以督办，但不能办理")


# -- building the read models ----------------------------------------------------------------

def task_item(row, case, now: datetime) -> TaskItem:
    """`row`: the task's columns; `case`: its case's case_no and risk_colour (a list's
    ListedTask carries both)."""
    return TaskItem(
        id=row.id, case_id=row.instance_id, case_no=case.case_no, process=row.process_key, name=row.task_spec,
        title=row.title, role=row.role, org_unit=row.org_unit, assignee=row.assignee, state=row.state,
        due_at=row.due_at, deadline_basis=row.deadline_basis, priority=row.priority, risk=case.risk_colour,
        created_at=row.created_at, ended_at=row.ended_at, ended_by=row.ended_by,
        overdue=row.state == "ready" and row.due_at is not None and row.due_at < now)


def _case_ref(case: CaseFacts, detail: bool = False) -> dict:
    ref = {"id": case.id, "case_no": case.case_no, "status": case.status}
    if detail:
        # row_version goes back with a completion, so that a case changed meanwhile is a conflict.
        ref |= {"risk_colour": case.risk_colour, "org_unit": case.org_unit, "row_version": case.row_version}
    return ref


def _comment(row, display_name: str | None) -> Comment:
    return Comment(id=row.id, username=row.username, display_name=display_name, text=row.text, at=row.at)


def form_of(parsed: ParsedProcess, spec_name: str, schema_name: str | None) -> dict:
    """The task's JSON Schema and UI schema, both from the deployed bundle."""
    ui_name = task_properties(parsed.task_spec(spec_name)).get(FORM_UI_SCHEMA)
    return {"schema": parsed.form(schema_name), "ui_schema": parsed.form(ui_name)}


def _spec_extensions(parsed: ParsedProcess, spec_name: str) -> dict:
    return dict(getattr(parsed.task_spec(spec_name), "extensions", None) or {})


def json_safe(data: Any) -> dict:
    """Workflow data as JSON would carry it (dates and other values as text)."""
    return json.loads(json.dumps(data or {}, default=str, ensure_ascii=False))
