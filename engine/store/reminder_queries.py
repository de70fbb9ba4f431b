"""Queries of the deadline reminders (models.TaskReminder): which open tasks are due one, and
claiming a reminder so that only one worker writes it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.store.models import HumanTask, ProcessInstance, TaskReminder


def reminders_due(session: Session, now: datetime, horizon: datetime, limit: int) -> list[tuple]:
    """(task, case, reminder or None) of the open tasks of running cases whose next reminder is
    due: none sent yet and the deadline within `horizon`, or the next one's time has come."""
    stmt = (select(HumanTask, ProcessInstance, TaskReminder)
            .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
            .outerjoin(TaskReminder, TaskReminder.task_id == HumanTask.id)
            .where(HumanTask.state == "ready", ProcessInstance.status == "running", HumanTask.due_at.is_not(None),
                   or_(and_(TaskReminder.task_id.is_(None), HumanTask.due_at <= horizon), TaskReminder.next_at <= now))
            .order_by(HumanTask.due_at).limit(limit))
    return [tuple(row) for row in session.execute(stmt)]


def claim_first(session: Session, task_id: str, stage: str, rounds: int, next_at: datetime) -> bool:
    """Start the task's reminders; False when another worker started them first."""
    values = {"task_id": task_id, "stage": stage, "rounds": rounds, "next_at": next_at}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # RETURNING rather than rowcount, which psycopg leaves at -1 here.
    insert = dialect.insert(TaskReminder).values(**values).on_conflict_do_nothing()
    return session.execute(insert.returning(TaskReminder.task_id)).first() is not None


def claim_next(session: Session, reminder: TaskReminder, stage: str, next_at: datetime) -> bool:
    """Move the task's reminders one round on, if nobody has since (compare and set)."""
    moved = (update(TaskReminder)
             .where(TaskReminder.task_id == reminder.task_id, TaskReminder.rounds == reminder.rounds,
                    TaskReminder.next_at == reminder.next_at)
             .values(stage=stage, rounds=reminder.rounds + 1, next_at=next_at)
             .returning(TaskReminder.task_id).execution_options(synchronize_session=False))
    return session.execute(moved).first() is not None
