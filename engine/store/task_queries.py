"""Task lists, drafts and comments: the queries behind the task endpoints.

A list page is one SELECT joined to the instance (for case number and risk colour) plus one
COUNT; nothing here deserializes a workflow. The filters are shaped for the indexes on
human_task: (state, role, org_unit, due_at) for group lists and (state, assignee, due_at)
for "mine".
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import and_, case, delete, false, func, or_, select, union_all
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.store.models import HumanTask, ProcessInstance, TaskComment, TaskDraft
from engine.store.org_models import AppUser

# Most urgent first when sorting by risk; an unscreened case sorts last.
RISK_ORDER = {"red": 0, "orange": 1, "yellow": 2, "blue": 3, "green": 4}
SORTS = ("due_at", "-due_at", "priority", "-priority", "risk", "created_at", "-created_at", "-ended_at")


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


# -- lists -------------------------------------------------------------------------------

def task_page(session: Session, where: TaskFilter, *, sort: str, page: int, per_page: int,
              ) -> tuple[list[tuple[HumanTask, CaseFacts]], int]:
    """One page of tasks with their case facts, and the total count."""
    conditions = _conditions(where)
    total = session.scalar(select(func.count()).select_from(HumanTask).where(*conditions)) or 0
    if total == 0:
        return [], 0
    heads = _heads_of_each_unit(where, sort, page * per_page)
    stmt = (_with_case().where(*conditions if heads is None else [HumanTask.id.in_(heads)])
            .order_by(*_order(sort)).limit(per_page).offset((page - 1) * per_page))
    return [(row[0], _facts(row)) for row in session.execute(stmt)], total


def _heads_of_each_unit(where: TaskFilter, sort: str, depth: int):
    """For a group list: the first `depth` task ids of every (role, org unit), each read in the
    order of ix_human_task_group, so a page costs (units x depth) index rows, not a sort of
    every task offered to her. None where that does not apply (other lists, sort by risk)."""
    if not where.group or sort == "risk":
        return None
    group = tuple((role, tuple(sorted(units))) for role, units in sorted(where.group.items()))
    return _heads_statement(replace(where, group=None), group, sort, depth)


@functools.lru_cache(maxsize=256)
def _heads_statement(where: TaskFilter, group: tuple, sort: str, depth: int):
    """Built once per shape: seven arms cost ~2 ms of SQLAlchemy construction per request."""
    others = _conditions(where)
    arms = []
    for role, units in group:
        for unit in units:
            head = (select(HumanTask.id).where(*others, HumanTask.role == role, HumanTask.org_unit == unit)
                    .order_by(*_order(sort)).limit(depth).subquery())
            arms.append(select(head.c.id))
    if not arms:
        return None
    return arms[0] if len(arms) == 1 else union_all(*arms)


def open_tasks_of_case(session: Session, instance_id: str) -> list[tuple[HumanTask, CaseFacts]]:
    stmt = (_with_case().where(HumanTask.instance_id == instance_id, HumanTask.state == "ready")
            .order_by(*_order("due_at")))
    return [(row[0], _facts(row)) for row in session.execute(stmt)]


def task_with_case(session: Session, task_id: str) -> tuple[HumanTask, CaseFacts]:
    row = session.execute(_with_case().where(HumanTask.id == task_id)).first()
    if row is None:
        raise NotFound("task not found", task=task_id)
    return row[0], _facts(row)


def _with_case():
    return (select(HumanTask, ProcessInstance.id, ProcessInstance.case_no, ProcessInstance.risk_colour,
                   ProcessInstance.status, ProcessInstance.org_unit, ProcessInstance.row_version,
                   ProcessInstance.version_id)
            .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id))


def _facts(row) -> CaseFacts:
    return CaseFacts(*row[1:])


def _conditions(where: TaskFilter) -> list:
    conditions = [HumanTask.state == where.state]
    if where.assignee is not None:
        conditions.append(HumanTask.assignee == where.assignee)
    if where.unassigned:
        conditions.append(HumanTask.assignee.is_(None))
    if where.group is not None:
        conditions.append(_offered_to(where.group))
    if where.units is not None:
        conditions.append(HumanTask.org_unit.in_(sorted(where.units)) if where.units else false())
    if where.ended_by is not None:
        conditions.append(HumanTask.ended_by == where.ended_by)
    if where.process_key:
        conditions.append(HumanTask.process_key == where.process_key)
    if where.instance_id:
        conditions.append(HumanTask.instance_id == where.instance_id)
    return conditions


def _offered_to(group: Mapping[str, frozenset[str]]):
    """(role = r AND org_unit IN units_r) OR ...: each arm can use the group index."""
    arms = [and_(HumanTask.role == role, HumanTask.org_unit.in_(sorted(units)))
            for role, units in sorted(group.items()) if units]
    return or_(*arms) if arms else false()


def _order(sort: str) -> list:
    tie_break = [HumanTask.created_at, HumanTask.id]
    due_first = [HumanTask.due_at.asc().nulls_last(), HumanTask.priority.desc()]
    orders = {
        "due_at": due_first,
        "-due_at": [HumanTask.due_at.desc().nulls_last(), HumanTask.priority.desc()],
        "priority": [HumanTask.priority.asc(), HumanTask.due_at.asc().nulls_last()],
        "-priority": [HumanTask.priority.desc(), HumanTask.due_at.asc().nulls_last()],
        "risk": [_risk_rank(), *due_first],
        "created_at": [],
        "-created_at": [HumanTask.created_at.desc(), HumanTask.id.desc()],
        "-ended_at": [HumanTask.ended_at.desc().nulls_last(), HumanTask.id.desc()],
    }
    return orders.get(sort, due_first) + tie_break


def _risk_rank():
    return case(RISK_ORDER, value=ProcessInstance.risk_colour, else_=len(RISK_ORDER))


# -- drafts --------------------------------------------------------------------------------

def draft_of(session: Session, task_id: str, username: str) -> TaskDraft | None:
    return session.get(TaskDraft, (task_id, username))


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
    session.execute(delete(TaskDraft).where(TaskDraft.task_id == task_id))


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


def active_user(session: Session, username: str) -> AppUser | None:
    user = session.get(AppUser, username)
    return user if user is not None and user.active else None
