"""The SQL behind case lists, case facts and public receipts.

Lists read the case facts projected onto the instance row and the human-task projection;
none of this loads or deserializes a workflow (not even the serialized column).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from engine.store import repository as repo
from engine.store.models import CommitmentRecord, HumanTask, ProcessInstance, PublicReceipt

# Worst first: the order supervisors triage in (DOMAIN.md, risk screening).
RISK_ORDER = {"red": 0, "orange": 1, "yellow": 2, "blue": 3, "green": 4}
SORTS = ("created_at", "due_at", "risk")

_FACTS = (ProcessInstance.id, ProcessInstance.case_no, ProcessInstance.process_key, ProcessInstance.version_id,
          ProcessInstance.status, ProcessInstance.org_unit, ProcessInstance.channel, ProcessInstance.dispute_type,
          ProcessInstance.risk_colour, ProcessInstance.level, ProcessInstance.outcome, ProcessInstance.summary,
          ProcessInstance.created_at, ProcessInstance.updated_at, ProcessInstance.ended_at,
          ProcessInstance.next_due_at, ProcessInstance.row_version)


@dataclass(frozen=True)
class CaseRow:
    """A case as lists show it: the facts on the instance row plus its open-task figures."""

    id: str
    case_no: str | None
    process_key: str
    version_id: int
    status: str
    org_unit: str | None
    channel: str | None
    dispute_type: str | None
    risk_colour: str | None
    level: int | None
    outcome: str | None
    summary: str | None
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    next_due_at: datetime | None
    row_version: int
    open_tasks: int = 0
    due_at: datetime | None = None  # the earliest due time among its ready tasks
    overdue: bool = False


@dataclass(frozen=True)
class CaseFilter:
    """What a case list asks for. `units` is the jurisdiction, already narrowed by any
    org-unit filter; an empty set matches nothing."""

    units: frozenset[str]
    now: datetime
    statuses: tuple[str, ...] = ()
    processes: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    overdue: bool | None = None
    q: str | None = None
    sort: str = "created_at"
    page: int = 1
    per_page: int = 20


# -- lists ----------------------------------------------------------------------------------

def search(session: Session, f: CaseFilter) -> tuple[list[CaseRow], int]:
    conditions = _conditions(f)
    total = session.scalar(select(func.count()).select_from(ProcessInstance).where(*conditions))
    stmt = (select(*_FACTS).where(*conditions).order_by(*_order(f))
            .offset((f.page - 1) * f.per_page).limit(f.per_page))
    rows = session.execute(stmt).all()
    stats = task_stats(session, [r.id for r in rows], f.now)
    return [_case_row(r, stats.get(r.id)) for r in rows], total or 0


def _conditions(f: CaseFilter) -> list:
    conditions = [ProcessInstance.org_unit.in_(sorted(f.units))]
    for column, wanted in ((ProcessInstance.status, f.statuses), (ProcessInstance.process_key, f.processes),
                           (ProcessInstance.risk_colour, f.risks), (ProcessInstance.channel, f.channels)):
        if wanted:
            conditions.append(column.in_(wanted))
    if f.overdue is not None:
        conditions.append(_has_overdue_task(f.now) if f.overdue else ~_has_overdue_task(f.now))
    if f.q:
        pattern = f"%{_escape_like(f.q.strip())}%"
        conditions.append(or_(ProcessInstance.case_no.ilike(pattern, escape="\\"),
                              ProcessInstance.summary.ilike(pattern, escape="\\")))
    return conditions


def _has_overdue_task(now: datetime):
    # Only ready tasks run late: a suspended case's clock is stopped by the supervisor.
    return exists().where(HumanTask.instance_id == ProcessInstance.id, HumanTask.state == "ready",
                          HumanTask.due_at < now)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _order(f: CaseFilter) -> list:
    # Case numbers rise with registration: they order cases registered in the same instant.
    newest = [ProcessInstance.created_at.desc(), ProcessInstance.case_no.desc(), ProcessInstance.id]
    if f.sort == "due_at":
        earliest = (select(func.min(HumanTask.due_at))
                    .where(HumanTask.instance_id == ProcessInstance.id, HumanTask.state == "ready")
                    .correlate(ProcessInstance).scalar_subquery())
        return [earliest.asc().nulls_last(), *newest]
    if f.sort == "risk":
        return [case(RISK_ORDER, value=ProcessInstance.risk_colour, else_=len(RISK_ORDER)), *newest]
    return newest


def task_stats(session: Session, instance_ids: Iterable[str], now: datetime) -> dict[str, tuple]:
    """(open task count, earliest ready due time, any ready task overdue) per instance."""
    ids = list(instance_ids)
    if not ids:
        return {}
    is_ready = HumanTask.state == "ready"
    late = case((and_(is_ready, HumanTask.due_at < now), 1), else_=0)
    stmt = (select(HumanTask.instance_id, func.count(),
                   func.min(case((is_ready, HumanTask.due_at), else_=None)), func.max(late))
            .where(HumanTask.instance_id.in_(ids), HumanTask.state.in_(repo.OPEN_TASK_STATES))
            .group_by(HumanTask.instance_id))
    return {row[0]: (row[1], _aware(row[2]), bool(row[3])) for row in session.execute(stmt)}


def _aware(value):
    # Aggregates may come back without the column's type on some dialects: always aware UTC.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def _case_row(row, stats: tuple | None) -> CaseRow:
    open_tasks, due_at, overdue = stats or (0, None, False)
    return CaseRow(**row._asdict(), open_tasks=open_tasks, due_at=due_at, overdue=overdue)


# -- one case ---------------------------------------------------------------------------------

def case_row(session: Session, case_id: str, now: datetime) -> CaseRow | None:
    row = session.execute(select(*_FACTS).where(ProcessInstance.id == case_id)).first()
    if row is None:
        return None
    return _case_row(row, task_stats(session, [case_id], now).get(case_id))


def first_commitments(session: Session, case_id: str) -> dict[str, datetime]:
    """When each commitment kind was first kept for the case."""
    stmt = (select(CommitmentRecord.kind, func.min(CommitmentRecord.at))
            .where(CommitmentRecord.instance_id == case_id).group_by(CommitmentRecord.kind))
    return {kind: _aware(at) for kind, at in session.execute(stmt)}


# -- public receipts --------------------------------------------------------------------------

def ensure_receipt(session: Session, case_id: str, new_receipt: str, *, now: datetime,
                   postgres: bool) -> tuple[str, datetime]:
    """The case's receipt, creating it with `new_receipt` when it has none yet.

    The instance row is locked first so that two retries of one submission cannot both
    find no receipt and hand out two different ones."""
    repo.instance_for_update(session, case_id, postgres)
    existing = session.scalars(select(PublicReceipt).where(PublicReceipt.instance_id == case_id)
                               .order_by(PublicReceipt.created_at)).first()
    if existing is not None:
        return existing.receipt, existing.created_at
    session.add(PublicReceipt(receipt=new_receipt, instance_id=case_id, created_at=now))
    session.flush()
    return new_receipt, now


def case_id_by_receipt(session: Session, receipt: str) -> str | None:
    return session.scalar(select(PublicReceipt.instance_id).where(PublicReceipt.receipt == receipt))
