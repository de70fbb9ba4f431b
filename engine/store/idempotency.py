"""Requests sent with an Idempotency-Key (see models.IdempotentRequest)."""
from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.store import rows
from engine.store.models import IdempotentRequest


def recall(session: Session, key: str) -> IdempotentRequest | None:
    return session.get(IdempotentRequest, key)


def claim(session: Session, key: str, fingerprint: str, *, instance_id: str, task_id: str | None,
          now: datetime) -> bool:
    """Store the request unless one with this key is stored (committed, or waited for until it
    is): True when this one was, False when recall() will find the other. Inside the change's
    transaction, so that a change that fails leaves no key behind."""
    values = {"key": key, "fingerprint": fingerprint, "instance_id": instance_id, "task_id": task_id,
              "created_at": now}
    return rows.run_statement(session, _insert_unless_stored(session.get_bind().dialect.name), [values]) == 1


@functools.cache
def _insert_unless_stored(dialect: str):
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    return insert(IdempotentRequest.__table__).on_conflict_do_nothing(index_elements=["key"])
