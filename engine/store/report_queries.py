"""The SQL behind the supervisors' reports (engine.reports computes; this only fetches).

Every query is limited to cases whose org unit is in `units` (the caller's jurisdiction,
already resolved) and reads projections only: instance case facts, task rows, commitment
records and the audit rows of named tasks. Results are plain dataclasses, so the report
arithmetic can be tested with hand-made facts and no database.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.store.models import AuditEvent, CommitmentRecord, HumanTask, ProcessInstance, ProcessVersion

# Open means someone can act on it now: a suspended case's tasks are paused, not late.
OVERDUE_STATES = ("ready",)


@dataclass(frozen=True)
class CaseFact:
    """The non-sensitive facts of one case: what lists and reports may show (never the summary)."""

    id: str
    case_no: str | None
    process_key: str
    org_unit: str | None
    channel: str | None
    dispute_type: str | None
    risk_colour: str | None
    level: int | None
    status: str
    outcome: str | None
    created_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class CommitmentFact:
    instance_id: str
    kind: str
    at: datetime
    on_time: bool | None


@dataclass(frozen=True)
class VisitFact:
    """One scheduled follow-up visit (回访) task."""

    due_at: datetime
    state: str
    ended_at: datetime | None


@dataclass(frozen=True)
class OverdueTask:
    task_id: str
    case_id: str
    case_no: str | None
    task: str
    title: str
    role: str | None
    org_unit: str | None
    assignee: str | None
    due_at: datetime
    deadline_basis: str | None
    priority: int
    risk_colour: str | None


@dataclass(frozen=True)
class CaseFilter:
    """Which cases a report covers: jurisdiction (org unit ids) and optionally one process."""

    units: Collection[str]
    process: str | None = None

    def apply(self, stmt):
        stmt = stmt.where(ProcessInstance.org_unit.in_(sorted(self.units)))
        return stmt.where(ProcessInstance.process_key == self.process) if self.process else stmt


_CASE_COLUMNS = (ProcessInstance.id, ProcessInstance.case_no, ProcessInstance.process_key,
                 ProcessInstance.org_unit, ProcessInstance.channel, ProcessInstance.dispute_type,
                 ProcessInstance.risk_colour, ProcessInstance.level, ProcessInstance.status,
                 ProcessInstance.outcome, ProcessInstance.created_at, ProcessInstance.ended_at)


def cases_created(session: Session, where: CaseFilter, start: datetime, end: datetime) -> list[CaseFact]:
    """Cases received (created) in [start, end), oldest first."""
    stmt = where.apply(select(*_CASE_COLUMNS)).where(ProcessInstance.created_at >= start,
                                                     ProcessInstance.created_at < end)
    return _facts(session, stmt.order_by(ProcessInstance.created_at, ProcessInstance.case_no))


def cases_ended(session: Session, where: CaseFilter, start: datetime, end: datetime) -> list[CaseFact]:
    """Cases that ended (completed or terminated) in [start, end)."""
    stmt = where.apply(select(*_CASE_COLUMNS)).where(ProcessInstance.ended_at >= start,
                                                     ProcessInstance.ended_at < end)
    return _facts(session, stmt.order_by(ProcessInstance.ended_at, ProcessInstance.case_no))


def _facts(session: Session, stmt) -> list[CaseFact]:
    return [CaseFact(*row) for row in session.execute(stmt)]


def commitment_processes(session: Session) -> set[str]:
    """Processes that keep the four commitments: those that ever recorded a receipt.

    The runtime records `received` at the start of every case of such a process, so a case
    of one of these processes without that record (e.g. started before commitments were
    recorded) shows up as a gap instead of silently leaving the denominator."""
    stmt = select(CommitmentRecord.process_key).where(CommitmentRecord.kind == "received").distinct()
    return set(session.scalars(stmt))


def commitments_of_cases_created(session: Session, where: CaseFilter, start: datetime,
                                 end: datetime) -> list[CommitmentFact]:
    """Every commitment record (up to now) of the cases created in [start, end)."""
    stmt = (where.apply(select(CommitmentRecord.instance_id, CommitmentRecord.kind, CommitmentRecord.at,
                               CommitmentRecord.on_time)
                        .join(ProcessInstance, ProcessInstance.id == CommitmentRecord.instance_id))
            .where(ProcessInstance.created_at >= start, ProcessInstance.created_at < end)
            .order_by(CommitmentRecord.at, CommitmentRecord.id))
    return [CommitmentFact(*row) for row in session.execute(stmt)]


def submitted_data(session: Session, where: CaseFilter, task_names: Iterable[str], start: datetime,
                   end: datetime) -> list[dict]:
    """What was submitted on completing the named tasks, for tasks completed in [start, end).

    Read from the audit trail (task_completed events carry the form data). The task row
    selects the events, so no JSON query is needed and SQLite and PostgreSQL agree."""
    stmt = (where.apply(select(AuditEvent.data)
                        .select_from(HumanTask)
                        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                        .join(AuditEvent, (AuditEvent.stream == HumanTask.instance_id)
                              & (AuditEvent.task_id == HumanTask.id)))
            .where(HumanTask.task_spec.in_(list(task_names)), HumanTask.state == "completed",
                   HumanTask.ended_at >= start, HumanTask.ended_at < end, AuditEvent.type == "task_completed")
            .order_by(AuditEvent.at, AuditEvent.id))
    return [(data or {}).get("data") or {} for data in session.scalars(stmt)]


def visits_due(session: Session, where: CaseFilter, task_names: Iterable[str], start: datetime,
               end: datetime) -> list[VisitFact]:
    """Follow-up visit tasks due in [start, end); cancelled ones (case ended otherwise) excluded."""
    stmt = (where.apply(select(HumanTask.due_at, HumanTask.state, HumanTask.ended_at)
                        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id))
            .where(HumanTask.task_spec.in_(list(task_names)), HumanTask.state != "cancelled",
                   HumanTask.due_at >= start, HumanTask.due_at < end)
            .order_by(HumanTask.due_at))
    return [VisitFact(*row) for row in session.execute(stmt)]


def _overdue_select(columns, where: CaseFilter, now: datetime):
    return (where.apply(select(*columns).select_from(HumanTask)
                        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id))
            .where(HumanTask.state.in_(OVERDUE_STATES), HumanTask.due_at < now))


def overdue_tasks(session: Session, where: CaseFilter, now: datetime, *, offset: int = 0,
                  limit: int | None = None) -> tuple[int, list[OverdueTask]]:
    """Open tasks past due, most overdue first; the total before paging."""
    total = session.scalar(_overdue_select([func.count()], where, now))
    columns = (HumanTask.id, HumanTask.instance_id, ProcessInstance.case_no, HumanTask.task_spec,
               HumanTask.title, HumanTask.role, HumanTask.org_unit, HumanTask.assignee, HumanTask.due_at,
               HumanTask.deadline_basis, HumanTask.priority, ProcessInstance.risk_colour)
    stmt = (_overdue_select(columns, where, now)
            .order_by(HumanTask.due_at, HumanTask.priority.desc(), HumanTask.id)
            .offset(offset).limit(limit))
    return int(total or 0), [OverdueTask(*row) for row in session.execute(stmt)]


# -- the cockpit: warnings, the cases behind a figure, the process heatmap ----------------

OPEN_CASE_STATES = ("running", "suspended", "incident")


def open_cases(session: Session, where: CaseFilter, colours: Collection[str]) -> list[CaseFact]:
    """Cases not yet ended whose risk colour is one of `colours`, newest first."""
    stmt = where.apply(select(*_CASE_COLUMNS)).where(ProcessInstance.status.in_(OPEN_CASE_STATES),
                                                     ProcessInstance.risk_colour.in_(list(colours)))
    return _facts(session, stmt.order_by(ProcessInstance.created_at.desc(), ProcessInstance.case_no))


def due_soon_tasks(session: Session, where: CaseFilter, now: datetime, until: datetime, *,
                   limit: int) -> tuple[int, list[OverdueTask]]:
    """Open tasks not yet late but due before `until`, soonest first; the total before the limit."""
    def select_(columns):
        return (where.apply(select(*columns).select_from(HumanTask)
                            .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id))
                .where(HumanTask.state.in_(OVERDUE_STATES), HumanTask.due_at >= now, HumanTask.due_at < until))

    total = session.scalar(select_([func.count()]))
    columns = (HumanTask.id, HumanTask.instance_id, ProcessInstance.case_no, HumanTask.task_spec,
               HumanTask.title, HumanTask.role, HumanTask.org_unit, HumanTask.assignee, HumanTask.due_at,
               HumanTask.deadline_basis, HumanTask.priority, ProcessInstance.risk_colour)
    stmt = select_(columns).order_by(HumanTask.due_at, HumanTask.priority.desc(), HumanTask.id).limit(limit)
    return int(total or 0), [OverdueTask(*row) for row in session.execute(stmt)]


@dataclass(frozen=True)
class StepFact:
    """One round of a user or manual task of a case: when it became ready and when it ended."""

    element_id: str
    instance_id: str
    state: str
    ready_at: datetime
    ended_at: datetime | None


def steps_of_version(session: Session, where: CaseFilter, version_id: int, start: datetime,
                     end: datetime) -> list[StepFact]:
    """Task rounds of the cases running `version_id`: those completed in [start, end) and
    those open now (ready: waiting for someone)."""
    completed = (HumanTask.state == "completed") & (HumanTask.ended_at >= start) & (HumanTask.ended_at < end)
    stmt = (where.apply(select(HumanTask.task_spec, HumanTask.instance_id, HumanTask.state, HumanTask.created_at,
                               HumanTask.ended_at)
                        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id))
            .where(ProcessInstance.version_id == version_id, completed | HumanTask.state.in_(OVERDUE_STATES)))
    return [StepFact(*row) for row in session.execute(stmt)]


def process_versions(session: Session) -> list[tuple[str, int, str]]:
    """(process key, version, name) of every deployed version, without their bundles."""
    stmt = select(ProcessVersion.process_key, ProcessVersion.version, ProcessVersion.name)
    return [tuple(row) for row in session.execute(stmt.order_by(ProcessVersion.process_key,
                                                                 ProcessVersion.version.desc()))]


@dataclass(frozen=True)
class CaseEvent:
    """One business event of a case, as its process wrote it (auditEvent / auditEventData)."""

    instance_id: str
    type: str
    data: dict


def events_of_cases_created(session: Session, where: CaseFilter, types: Iterable[str], start: datetime,
                            end: datetime) -> list[CaseEvent]:
    """The events of the given types (up to now) of the cases created in [start, end), in order."""
    stmt = (where.apply(select(AuditEvent.stream, AuditEvent.type, AuditEvent.data)
                        .join(ProcessInstance, ProcessInstance.id == AuditEvent.stream))
            .where(ProcessInstance.created_at >= start, ProcessInstance.created_at < end,
                   AuditEvent.type.in_(sorted(types)))
            .order_by(AuditEvent.stream, AuditEvent.seq))
    return [CaseEvent(stream, type_, data or {}) for stream, type_, data in session.execute(stmt)]


def tasks_of_cases_created(session: Session, where: CaseFilter, task_names: Iterable[str], start: datetime,
                           end: datetime) -> list[tuple[str, str]]:
    """(case id, task name) of every task of the named steps, open or done, of the cases created
    in [start, end); cancelled ones (never worked) excluded."""
    stmt = (where.apply(select(HumanTask.instance_id, HumanTask.task_spec)
                        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id))
            .where(ProcessInstance.created_at >= start, ProcessInstance.created_at < end,
                   HumanTask.task_spec.in_(sorted(task_names)), HumanTask.state != "cancelled"))
    return [(instance_id, spec) for instance_id, spec in session.execute(stmt)]
