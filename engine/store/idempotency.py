"""Requests sent with an Idempotency-Key (see models.IdempotentRequest)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.store.models import IdempotentRequest


def remember(session: Session, key: str, fingerprint: str, *, instance_id: str, task_id: str | None,
             now: datetime) -> None:
    """Inside the change's transaction; a second request racing with the same key fails its
    insert (a Conflict) and then finds this one."""
    session.add(IdempotentRequest(key=key, fingerprint=fingerprint, instance_id=instance_id, task_id=task_id,
                                  created_at=now))
    session.flush()


def recall(session: Session, key: str) -> IdempotentRequest | None:
    return session.get(IdempotentRequest, key)
