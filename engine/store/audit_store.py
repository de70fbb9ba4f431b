"""What verifying the audit trail reads beyond the chains themselves: every head at once
(for checkpoints), instances without any event, and finding a case by number or id."""
from __future__ import annotations

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session

from engine.store.models import AuditEvent, AuditHead, ProcessInstance


def heads(session: Session) -> dict[str, tuple[int, str]]:
    """Every chain's head: stream -> (last seq, last hash)."""
    found = {h.stream: (h.seq, h.hash) for h in session.scalars(select(AuditHead))}
    rows = session.execute(select(ProcessInstance.id, ProcessInstance.audit_seq, ProcessInstance.audit_hash)
                           .where(ProcessInstance.audit_seq > 0))
    found.update({stream: (seq, digest) for stream, seq, digest in rows})
    return found


def event_hash_at(session: Session, stream: str, seq: int) -> str | None:
    return session.scalar(select(AuditEvent.hash).where(AuditEvent.stream == stream, AuditEvent.seq == seq))


def instances_without_events(session: Session, instance_id: str | None = None) -> list[tuple[str, str | None]]:
    """(id, case number) of instances with no audit event at all: every instance has at
    least its start, so an empty one had its history erased."""
    has_events = exists().where(AuditEvent.stream == ProcessInstance.id)
    stmt = select(ProcessInstance.id, ProcessInstance.case_no).where(~has_events).order_by(ProcessInstance.id)
    if instance_id is not None:
        stmt = stmt.where(ProcessInstance.id == instance_id)
    return [tuple(row) for row in session.execute(stmt)]


def instance_id_of(session: Session, id_or_case_no: str) -> str | None:
    return session.scalar(select(ProcessInstance.id).where(
        or_(ProcessInstance.id == id_or_case_no, ProcessInstance.case_no == id_or_case_no)))


def rewrite_event(session: Session, event_id: int, prev_hash: str, digest: str) -> None:
    session.execute(update(AuditEvent).where(AuditEvent.id == event_id).values(prev_hash=prev_hash, hash=digest))


def set_head(session: Session, stream: str, seq: int, digest: str) -> None:
    instance = session.get(ProcessInstance, stream)
    if instance is not None:
        session.execute(update(ProcessInstance).where(ProcessInstance.id == stream)
                        .values(audit_hash=digest, audit_seq=seq)
                        .execution_options(synchronize_session=False))
        return
    head = session.get(AuditHead, stream)
    if head is not None:
        head.seq, head.hash = seq, digest


def event_ids(session: Session, stream: str) -> list[int]:
    return list(session.scalars(select(AuditEvent.id).where(AuditEvent.stream == stream).order_by(AuditEvent.seq)))
