"""Queries and writes on one Session. The runtime composes these inside one transaction."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, literal_column, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.audit import GENESIS, AuditRecord, extend_chain
from engine.calendar import CHINA_TZ
from engine.errors import NotFound
from engine.store.models import (
    AuditEvent,
    AuditHead,
    CaseCounter,
    HumanTask,
    Incident,
    MessageOutbox,
    MessageSubscription,
    ProcessInstance,
    ProcessVersion,
)
from engine.store.rows import Row, fetch, from_values, insert_many, run_statement

OPEN_TASK_STATES = ("ready", "suspended", "error")

# Statements that every change runs are built once: building a statement and computing its
# cache key each time costs more than SQLite takes to run it.
_INSTANCE = select(ProcessInstance).where(ProcessInstance.id == bindparam("instance_id"))
_INSTANCE_LOCKED = _INSTANCE.with_for_update()
_TASKS_OF = (select(HumanTask).where(HumanTask.instance_id == bindparam("instance_id"))
             .order_by(HumanTask.created_at, HumanTask.id))
_OPEN_TASKS_OF = _TASKS_OF.where(HumanTask.state.in_(OPEN_TASK_STATES))
_OPEN_INCIDENTS = select(Incident).where(Incident.instance_id == bindparam("instance_id"),
                                         Incident.resolved_at.is_(None))
_EVENTS = AuditEvent.__table__

_TASK_TABLE, _INSTANCE_TABLE = HumanTask.__table__, ProcessInstance.__table__
_INSTANCE_ROW = select(_INSTANCE_TABLE).where(_INSTANCE_TABLE.c.id == bindparam("instance_id"))
_INSTANCE_ROW_LOCKED = _INSTANCE_ROW.with_for_update()
_TASK_ROW = select(_TASK_TABLE).where(_TASK_TABLE.c.id == bindparam("task_id"))
_TASK_AND_INSTANCE_ROWS = (select(_TASK_TABLE, _INSTANCE_TABLE)
                           .join_from(_TASK_TABLE, _INSTANCE_TABLE,
                                      _INSTANCE_TABLE.c.id == _TASK_TABLE.c.instance_id)
                           .where(_TASK_TABLE.c.id == bindparam("task_id")))
_TASK_AND_INSTANCE_ROWS_LOCKED = _TASK_AND_INSTANCE_ROWS.with_for_update(of=_INSTANCE_TABLE)


# -- process versions -------------------------------------------------------------------

def latest_version(session: Session, process_key: str) -> ProcessVersion | None:
    stmt = (select(ProcessVersion).where(ProcessVersion.process_key == process_key)
            .order_by(ProcessVersion.version.desc()).limit(1))
    return session.scalars(stmt).first()


def version_by_number(session: Session, process_key: str, version: int) -> ProcessVersion:
    row = session.scalars(select(ProcessVersion).where(
        ProcessVersion.process_key == process_key, ProcessVersion.version == version)).first()
    if row is None:
        raise NotFound(f"process {process_key} has no version {version}", process=process_key,
                       zh=f"流程 {process_key} 没有版本 {version}")
    return row


def version_by_id(session: Session, version_id: int) -> ProcessVersion:
    row = session.get(ProcessVersion, version_id)
    if row is None:
        raise NotFound(f"process version {version_id} does not exist", zh=f"流程版本 {version_id} 不存在")
    return row


def version_with_content(session: Session, process_key: str, content_hash: str) -> ProcessVersion | None:
    """The newest version of the process with this content, if any."""
    stmt = (select(ProcessVersion).where(ProcessVersion.process_key == process_key,
                                         ProcessVersion.content_hash == content_hash)
            .order_by(ProcessVersion.version.desc()).limit(1))
    return session.scalars(stmt).first()


def all_versions(session: Session) -> Sequence[ProcessVersion]:
    return session.scalars(select(ProcessVersion).order_by(ProcessVersion.process_key, ProcessVersion.version)).all()


def latest_versions(session: Session) -> list[ProcessVersion]:
    newest = (select(ProcessVersion.process_key, func.max(ProcessVersion.version).label("v"))
              .group_by(ProcessVersion.process_key).subquery())
    stmt = select(ProcessVersion).join(
        newest, (ProcessVersion.process_key == newest.c.process_key) & (ProcessVersion.version == newest.c.v))
    return list(session.scalars(stmt.order_by(ProcessVersion.process_key)))


# -- instances ----------------------------------------------------------------------------

def instance_for_update(session: Session, instance_id: str, postgres: bool) -> ProcessInstance:
    stmt = _INSTANCE_LOCKED if postgres else _INSTANCE
    row = session.scalars(stmt, {"instance_id": instance_id}).first()
    if row is None:
        raise NotFound(f"instance {instance_id} does not exist", instance=instance_id,
                       zh=f"案件 {instance_id} 不存在")
    return row


CASE_PREFIX = "JH"


def next_case_no(session: Session, now: datetime, postgres: bool) -> str:
    """案件编号 JH-<year>-<6 digits>, gapless within a year (Beijing time).

    One upsert statement, so concurrent first cases of a year cannot both start at 1."""
    year = now.astimezone(CHINA_TZ).year
    insert = pg_insert if postgres else sqlite_insert
    stmt = (insert(CaseCounter).values(year=year, value=1)
            .on_conflict_do_update(index_elements=[CaseCounter.year], set_={"value": CaseCounter.value + 1})
            .returning(CaseCounter.value))
    value = session.execute(stmt).scalar_one()
    return f"{CASE_PREFIX}-{year}-{value:06d}"


def get_instance(session: Session, instance_id: str) -> ProcessInstance:
    row = session.get(ProcessInstance, instance_id)
    if row is None:
        raise NotFound(f"instance {instance_id} does not exist", instance=instance_id,
                       zh=f"案件 {instance_id} 不存在")
    return row


def instance_blob(session: Session, instance_id: str) -> bytes:
    """The instance's stored workflow, without loading the rest of its row."""
    blob = session.scalar(select(ProcessInstance.serialized).where(ProcessInstance.id == instance_id))
    if blob is None:
        raise NotFound(f"instance {instance_id} does not exist", instance=instance_id,
                       zh=f"案件 {instance_id} 不存在")
    return blob


def instance_by_business_key(session: Session, business_key: str) -> ProcessInstance | None:
    return session.scalars(select(ProcessInstance).where(ProcessInstance.business_key == business_key)).first()


def claim_due_instances(session: Session, now: datetime, postgres: bool, *, limit: int,
                        after: tuple[datetime, str] | None = None) -> list[Row]:
    """Lock up to `limit` running instances whose timer is due, earliest first, and return
    their rows: on PostgreSQL other workers skip them (FOR UPDATE SKIP LOCKED) and they are
    the rows as locked; on SQLite the writer's BEGIN IMMEDIATE keeps everyone else out.

    `after`: (next_due_at, id) of the last instance a pass claimed; only those after it in that
    order are claimed, so a pass goes through the due instances once, whatever firing left on
    them, without a list of what it has seen. Strictly earlier than now: SpiffWorkflow fires a
    timer only once its time has passed."""
    due, instance_id = _INSTANCE_TABLE.c.next_due_at, _INSTANCE_TABLE.c.id
    running = _INSTANCE_TABLE.c.status == "running"
    if not postgres:  # nearly every row is running: without this SQLite reads them all by the status index and sorts
        running = func.likely(running)
    stmt = select(_INSTANCE_TABLE).where(running, due < now).order_by(due, instance_id).limit(limit)
    if after is not None:  # (due, id) > after, with a bound on the indexed column alone
        stmt = stmt.where(due >= after[0], or_(due > after[0], instance_id > after[1]))
    if postgres:
        stmt = stmt.with_for_update(skip_locked=True)
    return [from_values(_INSTANCE_TABLE, values) for values in session.execute(stmt)]


def earliest_timer_due(session: Session) -> datetime | None:
    """The next due timer of any running instance: what the timer worker fires first."""
    return session.scalar(select(func.min(ProcessInstance.next_due_at)).where(ProcessInstance.status == "running"))


# -- human tasks --------------------------------------------------------------------------

def tasks_of(session: Session, instance_id: str, *, open_only: bool = False) -> list[HumanTask]:
    stmt = _OPEN_TASKS_OF if open_only else _TASKS_OF
    return list(session.scalars(stmt, {"instance_id": instance_id}))


def get_task(session: Session, task_id: str) -> HumanTask:
    row = session.get(HumanTask, task_id)
    if row is None:
        raise NotFound(f"task {task_id} does not exist", task=task_id, zh=f"任务 {task_id} 不存在")
    return row


def set_open_task_state(session: Session, instance_id: str, from_states: tuple[str, ...], to_state: str) -> None:
    session.execute(update(HumanTask).where(HumanTask.instance_id == instance_id,
                                            HumanTask.state.in_(from_states)).values(state=to_state))
    project_ready_due(session, instance_id)


_EARLIEST_READY_DUE = (select(func.min(_TASK_TABLE.c.due_at))
                       .where(_TASK_TABLE.c.instance_id == _INSTANCE_TABLE.c.id,
                              _TASK_TABLE.c.state == literal_column("'ready'"))
                       .scalar_subquery())
_PROJECT_READY_DUE = (update(_INSTANCE_TABLE).where(_INSTANCE_TABLE.c.id == bindparam("instance_id"))
                      .values(ready_due_at=_EARLIEST_READY_DUE))


def project_ready_due(session: Session, instance_id: str) -> None:
    """The case's ready_due_at from its task rows as they now are, after a bulk update of their
    states (set_open_task_state) that the rows a change holds do not see; a change works it out
    from its rows (change.earliest_ready_due)."""
    run_statement(session, _PROJECT_READY_DUE, [{"instance_id": instance_id}])


# -- instance and task rows of a change (Core rows, see engine.store.rows) ------------

def instance_row_for_update(session: Session, instance_id: str, postgres: bool) -> Row:
    found = fetch(session, _INSTANCE_ROW_LOCKED if postgres else _INSTANCE_ROW, {"instance_id": instance_id})
    if not found:
        raise NotFound(f"instance {instance_id} does not exist", instance=instance_id,
                       zh=f"案件 {instance_id} 不存在")
    return from_values(_INSTANCE_TABLE, found[0])


def task_rows_for_update(session: Session, task_id: str, postgres: bool) -> tuple[Row, Row]:
    """A task row with its instance row, the instance locked (one round trip)."""
    found = fetch(session, _TASK_AND_INSTANCE_ROWS_LOCKED if postgres else _TASK_AND_INSTANCE_ROWS,
                  {"task_id": task_id})
    if not found:
        raise NotFound(f"task {task_id} does not exist", task=task_id, zh=f"任务 {task_id} 不存在")
    split = len(_TASK_TABLE.columns)
    return from_values(_TASK_TABLE, found[0][:split]), from_values(_INSTANCE_TABLE, found[0][split:])


def task_row(session: Session, task_id: str) -> Row:
    found = fetch(session, _TASK_ROW, {"task_id": task_id})
    if not found:
        raise NotFound(f"task {task_id} does not exist", task=task_id, zh=f"任务 {task_id} 不存在")
    return from_values(_TASK_TABLE, found[0])


def task_rows(session: Session, task_ids: Sequence[str]) -> list[Row]:
    return [from_values(_TASK_TABLE, values) for task_id in task_ids
            for values in fetch(session, _TASK_ROW, {"task_id": task_id})]


# -- messages -----------------------------------------------------------------------------

def replace_subscriptions(session: Session, instance_id: str, subs: list[tuple[str, str, str]]) -> None:
    existing = {(s.task_id, s.message_name, s.correlation): s for s in session.scalars(
        select(MessageSubscription).where(MessageSubscription.instance_id == instance_id))}
    wanted = set(subs)
    for key, row in existing.items():
        if key not in wanted:
            session.delete(row)
    for task_id, name, correlation in wanted - set(existing):
        session.add(MessageSubscription(instance_id=instance_id, task_id=task_id,
                                        message_name=name, correlation=correlation))


def subscribers(session: Session, message_name: str, correlation: str) -> list[str]:
    stmt = (select(MessageSubscription.instance_id)
            .join(ProcessInstance, ProcessInstance.id == MessageSubscription.instance_id)
            .where(MessageSubscription.message_name == message_name,
                   MessageSubscription.correlation == correlation,
                   ProcessInstance.status == "running")
            .distinct())
    return list(session.scalars(stmt))


def pending_outbox(session: Session, limit: int = 100, postgres: bool = False) -> list[MessageOutbox]:
    stmt = (select(MessageOutbox).where(MessageOutbox.delivered_at.is_(None))
            .order_by(MessageOutbox.id).limit(limit))
    if postgres:
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.scalars(stmt))


# -- incidents ----------------------------------------------------------------------------

def open_incidents(session: Session, instance_id: str) -> list[Incident]:
    return list(session.scalars(_OPEN_INCIDENTS, {"instance_id": instance_id}))


# -- audit --------------------------------------------------------------------------------

def append_instance_audit(session: Session, row: ProcessInstance, *, at: datetime, actor: str,
                          events: list[tuple[str, str | None, dict]], personal_paths=frozenset()) -> None:
    """Append one change's events to the instance's chain; the head rides on the instance row.
    Values at `personal_paths` (the process's forms: engine.personal_data) go to each event's
    erasable personal part."""
    if not events:
        return
    rows, row.audit_seq, row.audit_hash = extend_chain(row.id, row.audit_seq or 0, row.audit_hash or GENESIS,
                                                       at, actor, events, key=audit_key(session),
                                                       personal_paths=personal_paths)
    _insert_events(session, rows)


def append_audit(session: Session, stream: str, *, at: datetime, type_: str, actor: str,
                 task_id: str | None = None, data: dict | None = None, postgres: bool = False) -> None:
    """Append one event to a stream without an instance row (e.g. "system")."""
    stmt = select(AuditHead).where(AuditHead.stream == stream)
    head = session.scalars(stmt.with_for_update() if postgres else stmt).first()
    seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
    rows, seq, prev = extend_chain(stream, seq, prev, at, actor, [(type_, task_id, data or {})],
                                   key=audit_key(session))
    if head is None:
        session.add(AuditHead(stream=stream, seq=seq, hash=prev))
    else:
        head.seq, head.hash = seq, prev
    _insert_events(session, rows)


def audit_key(session: Session) -> bytes:
    """The HMAC key of the audit chain, which the Store hands every session it opens."""
    return session.info["audit_key"]


def _insert_events(session: Session, rows: list[dict]) -> None:
    # Straight to the driver: events are never read back in the transaction that writes them.
    insert_many(session, _EVENTS, rows)


def audit_records(session: Session, stream: str) -> list[AuditRecord]:
    stmt = select(AuditEvent).where(AuditEvent.stream == stream).order_by(AuditEvent.seq, AuditEvent.id)
    return [_record(e) for e in session.scalars(stmt)]


def audit_record(event: AuditEvent) -> AuditRecord:
    return _record(event)


def submitted_data(session: Session, instance_id: str, task_id: str) -> dict:
    """The data a task was completed with, as its task_completed event recorded it ({} if none)."""
    stmt = (select(AuditEvent).where(AuditEvent.stream == instance_id, AuditEvent.task_id == task_id,
                                     AuditEvent.type == "task_completed")
            .order_by(AuditEvent.seq.desc()).limit(1))
    recorded = session.scalars(stmt).first()
    return dict(_record(recorded).full_data.get("data") or {}) if recorded is not None else {}


def audit_head(session: Session, stream: str) -> tuple[int | None, str | None]:
    instance = session.get(ProcessInstance, stream)
    if instance is not None:
        return (instance.audit_seq, instance.audit_hash) if instance.audit_seq else (None, None)
    head = session.get(AuditHead, stream)
    return (head.seq, head.hash) if head else (None, None)


def audit_streams(session: Session) -> list[str]:
    heads = set(session.scalars(select(AuditHead.stream)))
    heads |= set(session.scalars(select(ProcessInstance.id).where(ProcessInstance.audit_seq > 0)))
    events = set(session.scalars(select(AuditEvent.stream).distinct()))
    return sorted(heads | events)


def _record(e: AuditEvent) -> AuditRecord:
    return AuditRecord(stream=e.stream, seq=e.seq, at=e.at, type=e.type, actor=e.actor,
                       task_id=e.task_id, data=e.data, prev_hash=e.prev_hash, hash=e.hash,
                       personal=e.personal, personal_key=e.personal_key, personal_digest=e.personal_digest)
