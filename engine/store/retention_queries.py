"""What retention reads and writes beyond one instance's change: the cases whose 保管期限
has passed, legal holds, and the personal information kept beside a case (drafts,
comments, messages, documents)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from engine.store.models import (
    AuditEvent,
    CaseDocument,
    HumanTask,
    LegalHold,
    MessageOutbox,
    ProcessInstance,
    TaskComment,
    TaskDraft,
)

FINISHED = ("completed", "terminated")

_ACTIVE_HOLD = exists().where(LegalHold.instance_id == ProcessInstance.id, LegalHold.released_at.is_(None))


def due_cases(session: Session, today: str, limit: int) -> list[str]:
    """Finished cases kept past their 保管期限 (ISO date `today` or earlier), not yet
    anonymised and under no legal hold, oldest period first."""
    stmt = (select(ProcessInstance.id)
            .where(ProcessInstance.retain_until <= today, ProcessInstance.anonymised_at.is_(None),
                   ProcessInstance.status.in_(FINISHED), ~_ACTIVE_HOLD)
            .order_by(ProcessInstance.retain_until, ProcessInstance.id).limit(limit))
    return list(session.scalars(stmt))


def finished_without_period(session: Session, limit: int) -> list[tuple[str, str, datetime, bytes]]:
    """(id, process, ended at, serialized workflow) of finished cases without a 保管期限 yet."""
    stmt = (select(ProcessInstance.id, ProcessInstance.process_key, ProcessInstance.ended_at,
                   ProcessInstance.serialized)
            .where(ProcessInstance.retain_until.is_(None), ProcessInstance.status.in_(FINISHED),
                   ProcessInstance.ended_at.is_not(None))
            .order_by(ProcessInstance.ended_at, ProcessInstance.id).limit(limit))
    return [tuple(row) for row in session.execute(stmt)]


def set_period(session: Session, instance_id: str, retain_until: str) -> None:
    # Beside the instance's changes, not one of them: its row version stays as it is.
    session.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id,
                                                  ProcessInstance.retain_until.is_(None))
                    .values(retain_until=retain_until).execution_options(synchronize_session=False))


def held(session: Session, instance_id: str) -> bool:
    stmt = select(LegalHold.id).where(LegalHold.instance_id == instance_id, LegalHold.released_at.is_(None))
    return session.scalars(stmt.limit(1)).first() is not None


def holds_of(session: Session, instance_id: str) -> list[LegalHold]:
    return list(session.scalars(select(LegalHold).where(LegalHold.instance_id == instance_id)
                                .order_by(LegalHold.placed_at, LegalHold.id)))


def hold(session: Session, instance_id: str, hold_id: int) -> LegalHold | None:
    return session.scalars(select(LegalHold).where(LegalHold.id == hold_id,
                                                   LegalHold.instance_id == instance_id)).first()


def erase_event_personal_parts(session: Session, instance_id: str) -> int:
    """Erase the personal part of every event of the case (digests stay); how many."""
    result = session.execute(update(AuditEvent)
                             .where(AuditEvent.stream == instance_id, AuditEvent.personal.is_not(None))
                             .values(personal=None, personal_key=None)
                             .execution_options(synchronize_session=False))
    return result.rowcount or 0


def events_of(session: Session, instance_id: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.stream == instance_id)
                                .order_by(AuditEvent.seq, AuditEvent.id)))


def task_ids(session: Session, instance_id: str) -> list[str]:
    return list(session.scalars(select(HumanTask.id).where(HumanTask.instance_id == instance_id)))


def delete_drafts(session: Session, tasks: list[str]) -> int:
    if not tasks:
        return 0
    result = session.execute(delete(TaskDraft).where(TaskDraft.task_id.in_(tasks)))
    return result.rowcount or 0


def erase_comments(session: Session, instance_id: str, mark: str) -> int:
    result = session.execute(update(TaskComment).where(TaskComment.instance_id == instance_id,
                                                       TaskComment.text != mark)
                             .values(text=mark).execution_options(synchronize_session=False))
    return result.rowcount or 0


def outbox_of(session: Session, instance_id: str) -> list[MessageOutbox]:
    return list(session.scalars(select(MessageOutbox).where(MessageOutbox.source_instance_id == instance_id,
                                                            MessageOutbox.delivered_at.is_not(None))))


def documents_to_erase(session: Session, instance_id: str) -> list[CaseDocument]:
    return list(session.scalars(select(CaseDocument).where(CaseDocument.instance_id == instance_id,
                                                           CaseDocument.erased_at.is_(None))))


def still_used(session: Session, digests: set[str]) -> set[str]:
    """Which of these files another case's (or this case's) live document still names."""
    if not digests:
        return set()
    stmt = select(CaseDocument.sha256).where(CaseDocument.sha256.in_(sorted(digests)),
                                             CaseDocument.erased_at.is_(None))
    return set(session.scalars(stmt))


def anonymised_between(session: Session, start: datetime, end: datetime, units: frozenset[str] | None
                       ) -> list[tuple[ProcessInstance, dict]]:
    """The cases anonymised in [start, end), each with its case_anonymised event's data."""
    stmt = (select(ProcessInstance, AuditEvent.data)
            .join(AuditEvent, (AuditEvent.stream == ProcessInstance.id) & (AuditEvent.type == "case_anonymised"))
            .where(ProcessInstance.anonymised_at >= start, ProcessInstance.anonymised_at < end)
            .order_by(ProcessInstance.anonymised_at, ProcessInstance.id))
    if units is not None:
        stmt = stmt.where(ProcessInstance.org_unit.in_(sorted(units)))
    return [(row, data or {}) for row, data in session.execute(stmt)]


def coming_due(session: Session, until: str, units: frozenset[str] | None, limit: int) -> list[ProcessInstance]:
    """Cases whose 保管期限 ends by `until` and that are not anonymised yet (held ones too)."""
    stmt = (select(ProcessInstance)
            .where(ProcessInstance.retain_until <= until, ProcessInstance.anonymised_at.is_(None))
            .order_by(ProcessInstance.retain_until, ProcessInstance.id).limit(limit))
    if units is not None:
        stmt = stmt.where(ProcessInstance.org_unit.in_(sorted(units)))
    return list(session.scalars(stmt))


def active_hold_ids(session: Session, instance_ids: list[str]) -> set[str]:
    if not instance_ids:
        return set()
    stmt = select(LegalHold.instance_id).where(LegalHold.instance_id.in_(instance_ids),
                                               LegalHold.released_at.is_(None))
    return set(session.scalars(stmt))
