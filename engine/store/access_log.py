"""The sensitive-read log (models.SensitiveRead)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import SensitiveRead


def record(session: Session, *, instance_id: str, username: str, at: datetime, via: str, fields: list[str],
           reason: str | None = None) -> None:
    session.add(SensitiveRead(instance_id=instance_id, username=username, at=at, via=via, fields=fields,
                              reason=reason))


def reads_of(session: Session, instance_id: str) -> list[SensitiveRead]:
    stmt = select(SensitiveRead).where(SensitiveRead.instance_id == instance_id).order_by(SensitiveRead.id)
    return list(session.scalars(stmt))
