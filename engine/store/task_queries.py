"""Task lists, drafts and comments: the queries behind the task endpoints.

A list page is one SELECT on the driver (engine.store.rows.fetch): the columns a list shows of
each task on the page, its case's number and risk colour, and the list's total as a scalar
subquery, so the total and the page come from one snapshot. Nothing here deserializes a
workflow or loads an ORM entity. The filters are shaped for the indexes on human_task:
(state, role, org_unit, due_at, assignee) for group lists, read one (role, org unit) at a time;
(state, org_unit, due_at) for supervised lists, read one org unit at a time; (state, assignee,
due_at) for "mine"; and (state, ended_by, ended_at) for "done", read backwards. The totals are
counted on narrower indexes alone: (state, org_unit, role, assignee) for group and supervised
lists, (state, ended_by) for "done"; and only so far (engine.store.page_totals), so that a page
costs the same whether the list holds a thousand tasks or two million (a clerk's done list, a
county supervisor's).

A list statement is built and compiled once per shape of filter (which conditions, how many
roles and units) and page, with every value but LIMIT and OFFSET a named parameter: building
and compiling the statements of a group list costs more than SQLite takes to run them.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, bindparam, case, delete, func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.store import page_totals, rows
from engine.store.models import HumanTask, ProcessInstance, ProcessVersion, TaskComment, TaskDraft
from engine.store.org_models import AppUser, MembershipRow

# Most urgent first when sorting by risk; an unscreened case sorts last.
RISK_ORDER = {"red": 0, "orange": 1, "yellow": 2, "blue": 3, "green": 4}
SORTS = ("due_at", "-due_at", "priority", "-priority", "risk", "created_at", "-created_at", "-ended_at")
# A group list with more (role, org unit) pairs than this, or a supervised list with more org
# units, sorts its tasks in one piece instead of merging the heads of each (SQLite allows 500
# terms in a compound SELECT).
MAX_HEADS = 200


@dataclass(frozen=True)
class CaseFacts:
    """What a task row needs of its case, read in the same query."""

    id: str
    case_no: str | None
    risk_colour: str | None
    status: str
    org_unit: str | None
    row_version: int
    version_id: int


@dataclass(frozen=True)
class TaskFilter:
    """Which tasks a list shows. `group` maps a role to the org units it is offered in."""

    state: str = "ready"
    assignee: str | None = None
    unassigned: bool = False
    group: Mapping[str, frozenset[str]] | None = None
    units: frozenset[str] | None = None
    ended_by: str | None = None
    process_key: str | None = None
    instance_id: str | None = None
    due_before: datetime | None = None  # overdue: due before this time
    risks: tuple[str, ...] = ()  # the case's risk colour is one of these


class ListedTask(NamedTuple):
    """A task as a list shows it, with its case's number and risk colour."""

    id: str
    instance_id: str
    process_key: str
    task_spec: str
    title: str
    role: str | None
    org_unit: str | None
    assignee: str | None
    state: str
    due_at: datetime | None
    deadline_basis: str | None
    priority: int
    created_at: datetime
    ended_at: datetime | None
    ended_by: str | None
    case_no: str | None
    risk_colour: str | None


_TASK = HumanTask.__table__.c
_CASE = ProcessInstance.__table__.c
_LISTED = tuple(_TASK[name] for name in ListedTask._fields[:-2])


# -- lists -------------------------------------------------------------------------------

def task_page(session: Session, where: TaskFilter, *, sort: str, page: int, per_page: int,
              ) -> tuple[list[ListedTask], int]:
    """One page of tasks with their case facts, and the total count: exact up to
    page_totals.count_limit(page, per_page), and above it when the list holds more."""
    shape, params = _shape_of(where)
    if shape.nothing:
        return [], 0
    found = rows.fetch(session, _page_statement(shape, sort, page, per_page), params)
    if found:
        return [ListedTask(*values[:-1]) for values in found], found[0][-1]
    if page == 1:
        return [], 0
    return [], rows.fetch(session, _count_statement(shape, page_totals.count_limit(page, per_page)), params)[0][0]


@dataclass(frozen=True)
class _Shape:
    """Which conditions a filter has and how many values each takes, but not the values: the
    statements are built and compiled once per shape."""

    assignee: bool = False
    unassigned: bool = False
    group: tuple[int, ...] | None = None  # per role offered: how many org units
    units: int | None = None
    ended_by: bool = False
    process_key: bool = False
    instance_id: bool = False
    due_before: bool = False
    risks: int = 0

    @property
    def nothing(self) -> bool:
        return self.group == () or self.units == 0

    @property
    def heads(self) -> list[tuple[tuple[str, str], ...]]:
        """The parts a list can be merged from, each as its (column, parameter name) pairs: a
        group list's (role, org unit) pairs, a supervised list's org units; none for others."""
        if self.group is not None:
            return [(("role", f"role_{i}"), ("org_unit", f"unit_{i}_{j}"))
                    for i, n in enumerate(self.group) for j in range(n)]
        if self.units is not None:
            return [(("org_unit", f"unit_{j}"),) for j in range(self.units)]
        return []


def _shape_of(where: TaskFilter) -> tuple[_Shape, dict]:
    params: dict = {"state": where.state}
    group = None
    if where.group is not None:
        offered = [(role, sorted(units)) for role, units in sorted(where.group.items()) if units]
        group = tuple(len(units) for _, units in offered)
        for i, (role, units) in enumerate(offered):
            params[f"role_{i}"] = role
            params |= {f"unit_{i}_{j}": unit for j, unit in enumerate(units)}
    units = None
    if where.units is not None:
        units = len(where.units)
        params |= {f"unit_{j}": unit for j, unit in enumerate(sorted(where.units))}
    named = {"assignee": where.assignee, "ended_by": where.ended_by,
             "process_key": where.process_key or None, "instance_id": where.instance_id or None,
             "due_before": where.due_before}
    params |= {name: value for name, value in named.items() if value is not None}
    risks = sorted(set(where.risks))
    params |= {f"risk_{k}": risk for k, risk in enumerate(risks)}
    shape = _Shape(assignee=named["assignee"] is not None, unassigned=where.unassigned, group=group, units=units,
                   ended_by=named["ended_by"] is not None, process_key=named["process_key"] is not None,
                   instance_id=named["instance_id"] is not None, due_before=where.due_before is not None,
                   risks=len(risks))
    return shape, params


def _conditions(shape: _Shape, *, units: bool = True) -> list:
    """Every condition of the shape but the group's roles and org units (and, with
    units=False, but the supervised org units)."""
    conditions = [_TASK.state == bindparam("state")]
    if shape.assignee:
        conditions.append(_TASK.assignee == bindparam("assignee"))
    if shape.unassigned:
        conditions.append(_TASK.assignee.is_(None))
    if shape.units is not None and units:
        conditions.append(_TASK.org_unit.in_([bindparam(f"unit_{j}") for j in range(shape.units)]))
    for name in ("ended_by", "process_key", "instance_id"):
        if getattr(shape, name):
            conditions.append(_TASK[name] == bindparam(name))
    if shape.due_before:
        conditions.append(_TASK.due_at < bindparam("due_before"))
    return conditions


def _risk_condition(shape: _Shape) -> list:
    """The case's risk colour, when the list is filtered by it (a condition on the join)."""
    return [_CASE.risk_colour.in_([bindparam(f"risk_{k}") for k in range(shape.risks)])] if shape.risks else []


def _counted_from(shape: _Shape):
    if not shape.risks:
        return HumanTask.__table__
    return HumanTask.__table__.join(ProcessInstance.__table__, _CASE.id == _TASK.instance_id)


def _offered(shape: _Shape) -> list:
    """Group lists: per role, role = r AND org_unit IN (its units); each can use the group index."""
    return [and_(_TASK.role == bindparam(f"role_{i}"),
                 _TASK.org_unit.in_([bindparam(f"unit_{i}_{j}") for j in range(n)]))
            for i, n in enumerate(shape.group or ())]


@functools.lru_cache(maxsize=256)
def _count_statement(shape: _Shape, limit: int):
    return select(_total(shape, limit))


def _total(shape: _Shape, limit: int):
    """The number of tasks the list holds, counted to one past `limit`. A group list counts
    each role apart and adds them up: an OR across roles would keep PostgreSQL from counting on
    the index alone."""
    source, risk = _counted_from(shape), _risk_condition(shape)
    if shape.group is None:
        return _counted(select(literal_column("1")).select_from(source).where(*_conditions(shape), *risk), limit)
    counts = [_counted(select(literal_column("1")).select_from(source).where(*_conditions(shape), *risk, offered),
                       limit) for offered in _offered(shape)]
    return functools.reduce(lambda a, b: a + b, counts)


def _counted(rows_of, limit: int):
    """COUNT(*) of the first limit + 1 rows of a SELECT: it stops reading the index there."""
    first = rows_of.limit(_number(limit + 1)).offset(_number(0)).subquery()
    return select(func.count()).select_from(first).scalar_subquery()


@functools.lru_cache(maxsize=256)
def _page_statement(shape: _Shape, sort: str, page: int, per_page: int):
    """LIMIT and OFFSET are written into the SQL: as parameters, PostgreSQL plans a group page
    afresh on every execution (~0.7 ms); as constants, it keeps the generic plan of the
    statement psycopg prepares."""
    total = _total(shape, page_totals.count_limit(page, per_page)).label("total")
    if shape.heads and sort != "risk" and not shape.risks and len(shape.heads) <= MAX_HEADS:
        return _merged_heads(shape, sort, page, per_page, total)
    offered = _offered(shape)
    conditions = _conditions(shape) + ([or_(*offered)] if offered else []) + _risk_condition(shape)
    return (select(*_LISTED, _CASE.case_no, _CASE.risk_colour, total)
            .join_from(HumanTask.__table__, ProcessInstance.__table__, _CASE.id == _TASK.instance_id)
            .where(*conditions).order_by(*_order(sort, _TASK))
            .limit(_number(per_page)).offset(_number((page - 1) * per_page)))


def _merged_heads(shape: _Shape, sort: str, page: int, per_page: int, total):
    """A group or supervised list's page from the first page x per_page tasks of every (role,
    org unit) or org unit, each read in the order of ix_human_task_group or
    ix_human_task_supervised, so a page costs heads x page x per_page index rows, not a sort of
    every task she sees; only the page's tasks are joined to their cases."""
    others = _conditions(shape, units=False)
    heads = [select(*_LISTED).where(*others, *(_TASK[column] == bindparam(name) for column, name in head))
             .order_by(*_order(sort, _TASK)).limit(_number(page * per_page)).offset(_number(0)).subquery()
             for head in shape.heads]
    merged = union_all(*[select(head) for head in heads]).subquery() if len(heads) > 1 else heads[0]
    on_page = (select(merged).order_by(*_order(sort, merged.c))
               .limit(_number(per_page)).offset(_number((page - 1) * per_page)).subquery())
    return (select(*on_page.c, _CASE.case_no, _CASE.risk_colour, total)
            .join_from(on_page, ProcessInstance.__table__, _CASE.id == on_page.c.instance_id)
            .order_by(*_order(sort, on_page.c)))


def _number(value: int):
    """An integer written into the SQL. (A LIMIT without OFFSET would not do: SQLite's compiler
    adds OFFSET 0 as an unnamed parameter.)"""
    return literal_column(str(int(value)))


def open_tasks_of_case(session: Session, instance_id: str) -> list[tuple[HumanTask, CaseFacts]]:
    stmt = (_with_case().where(HumanTask.instance_id == instance_id, HumanTask.state == "ready")
            .order_by(*_order("due_at", HumanTask)))
    return [(row[0], _facts(row)) for row in session.execute(stmt)]


def task_with_case(session: Session, task_id: str) -> tuple[HumanTask, CaseFacts]:
    row = session.execute(_with_case().where(HumanTask.id == task_id)).first()
    if row is None:
        raise NotFound("task not found", task=task_id, zh="未找到该任务")
    return row[0], _facts(row)


def task_page_rows(session: Session, task_id: str, username: str
                   ) -> tuple[HumanTask, CaseFacts, bytes, TaskDraft | None]:
    """task_with_case, the case's stored workflow and the user's draft of the task, in one
    round trip (the task page)."""
    stmt = (_with_case().add_columns(ProcessInstance.serialized, TaskDraft)
            .outerjoin(TaskDraft, and_(TaskDraft.task_id == HumanTask.id, TaskDraft.username == username))
            .where(HumanTask.id == task_id))
    row = session.execute(stmt).first()
    if row is None:
        raise NotFound("task not found", task=task_id, zh="未找到该任务")
    return row[0], CaseFacts(*row[1:-2]), row[-2], row[-1]


def _with_case():
    return (select(HumanTask, ProcessInstance.id, ProcessInstance.case_no, ProcessInstance.risk_colour,
                   ProcessInstance.status, ProcessInstance.org_unit, ProcessInstance.row_version,
                   ProcessInstance.version_id)
            .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id))


def _facts(row) -> CaseFacts:
    return CaseFacts(*row[1:])


def _order(sort: str, task) -> list:
    """ORDER BY for `sort` over the columns `task` (human_task's, or a subquery's of them).

    "-ended_at" puts tasks without an end first: a list holds the tasks of one state, and a
    task has ended_at exactly when it is completed or cancelled, so a list's tasks have it
    all or none and the null order changes nothing; NULLS FIRST is what PostgreSQL reads
    from ix_human_task_done backwards (it cannot read DESC NULLS LAST from an ascending
    index; SQLite reads both). Orders that end with the id need no tie-break."""
    tie_break = [task.created_at, task.id]
    due_first = [task.due_at.asc().nulls_last(), task.priority.desc(), *tie_break]
    orders = {
        "due_at": due_first,
        "-due_at": [task.due_at.desc().nulls_last(), task.priority.desc(), *tie_break],
        "priority": [task.priority.asc(), task.due_at.asc().nulls_last(), *tie_break],
        "-priority": [task.priority.desc(), task.due_at.asc().nulls_last(), *tie_break],
        "risk": [_risk_rank(), *due_first],
        "created_at": tie_break,
        "-created_at": [task.created_at.desc(), task.id.desc()],
        "-ended_at": [task.ended_at.desc().nulls_first(), task.id.desc()],
    }
    return orders.get(sort, due_first)


def due_first(task) -> tuple:
    """_order("due_at") in Python, for tasks already in hand (a completion's next tasks):
    due first, none last; higher priority first; older first."""
    return (task.due_at is None, task.due_at or datetime.min, -(task.priority or 0), task.created_at, task.id)


def _risk_rank():
    """The case's risk colour as a rank; constants written into the SQL (the statement's only
    parameters are the named ones)."""
    ranks = [(_CASE.risk_colour == literal_column(f"'{colour}'"), literal_column(str(rank)))
             for colour, rank in RISK_ORDER.items()]
    return case(*ranks, else_=literal_column(str(len(RISK_ORDER))))


# -- drafts --------------------------------------------------------------------------------

def save_draft(session: Session, task_id: str, username: str, data: dict, now: datetime) -> TaskDraft:
    draft = session.get(TaskDraft, (task_id, username))
    if draft is None:
        draft = TaskDraft(task_id=task_id, username=username, data=data, saved_at=now)
        session.add(draft)
    else:
        draft.data, draft.saved_at = data, now
    session.flush()
    return draft


def delete_drafts(session: Session, task_id: str) -> None:
    rows.send_statement(session, _DELETE_DRAFTS, {"task_id": task_id})


_DELETE_DRAFTS = delete(TaskDraft).where(TaskDraft.task_id == bindparam("task_id"))


# -- comments ------------------------------------------------------------------------------

def comments_of(session: Session, task_id: str) -> list[tuple[TaskComment, str | None]]:
    """A task's comments, oldest first, each with its author's display name."""
    stmt = (select(TaskComment, AppUser.display_name)
            .outerjoin(AppUser, AppUser.username == TaskComment.username)
            .where(TaskComment.task_id == task_id)
            .order_by(TaskComment.at, TaskComment.id))
    return [(row[0], row[1]) for row in session.execute(stmt)]


def add_comment(session: Session, task: HumanTask, username: str, text: str, now: datetime) -> TaskComment:
    comment = TaskComment(task_id=task.id, instance_id=task.instance_id, username=username, text=text, at=now)
    session.add(comment)
    session.flush()
    return comment


def display_name_of(session: Session, username: str) -> str | None:
    user = session.get(AppUser, username)
    return user.display_name if user is not None else None


def process_names(session: Session) -> dict[str, str]:
    """process key -> the name of its latest version."""
    rows = session.execute(select(ProcessVersion.process_key, ProcessVersion.name).order_by(ProcessVersion.version))
    return {key: name for key, name in rows if name}


def display_names(session: Session, usernames) -> dict[str, str]:
    """username -> display name, for those of `usernames` that are users (not "timer", ...)."""
    wanted = sorted(set(usernames))
    if not wanted:
        return {}
    rows = session.execute(select(AppUser.username, AppUser.display_name).where(AppUser.username.in_(wanted)))
    return dict(rows.all())


def holders_of(session: Session, role: str | None, units) -> list[tuple[str, str, str]]:
    """(username, display name, org unit) of the active users holding `role` (None: any role)
    in `units`, each user once."""
    units = sorted(set(units))
    if not units:
        return []
    stmt = (select(AppUser.username, AppUser.display_name, func.min(MembershipRow.org_unit))
            .join(MembershipRow, MembershipRow.username == AppUser.username)
            .where(AppUser.active.is_(True), MembershipRow.org_unit.in_(units))
            .group_by(AppUser.username, AppUser.display_name)
            .order_by(func.min(MembershipRow.org_unit), AppUser.username))
    if role is not None:
        stmt = stmt.where(MembershipRow.role == role)
    return [tuple(row) for row in session.execute(stmt)]


def active_user(session: Session, username: str) -> AppUser | None:
    user = session.get(AppUser, username)
    return user if user is not None and user.active else None
