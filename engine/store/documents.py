"""Case documents' rows (CaseDocument): written with the audit event of their making, read
newest first with the display name of who made them. The bytes are in the file store."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import CaseDocument
from engine.store.org_models import AppUser


@dataclass(frozen=True)
class DocumentRow:
    id: str
    instance_id: str
    kind: str  # generated | uploaded
    template: str | None
    task_id: str | None
    title: str
    filename: str
    media_type: str
    size: int
    sha256: str
    created_by: str
    created_at: datetime
    erased_at: datetime | None
    created_by_name: str | None = None


def add(session: Session, **values) -> DocumentRow:
    row = CaseDocument(**values)
    session.add(row)
    session.flush()
    return _row(row, None)


def documents_of(session: Session, instance_id: str) -> list[DocumentRow]:
    stmt = (select(CaseDocument, AppUser.display_name)
            .outerjoin(AppUser, AppUser.username == CaseDocument.created_by)
            .where(CaseDocument.instance_id == instance_id)
            .order_by(CaseDocument.created_at.desc(), CaseDocument.id))
    return [_row(document, name) for document, name in session.execute(stmt)]


def document_of(session: Session, instance_id: str, document_id: str) -> DocumentRow | None:
    stmt = (select(CaseDocument, AppUser.display_name)
            .outerjoin(AppUser, AppUser.username == CaseDocument.created_by)
            .where(CaseDocument.instance_id == instance_id, CaseDocument.id == document_id))
    found = session.execute(stmt).first()
    return _row(*found) if found else None


def _row(document: CaseDocument, name: str | None) -> DocumentRow:
    return DocumentRow(id=document.id, instance_id=document.instance_id, kind=document.kind,
                       template=document.template, task_id=document.task_id, title=document.title,
                       filename=document.filename, media_type=document.media_type, size=document.size,
                       sha256=document.sha256, created_by=document.created_by, created_at=document.created_at,
                       erased_at=document.erased_at, created_by_name=name)
