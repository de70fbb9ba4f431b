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


class KeyTaken(Exception):
    """A request with this key was stored before this one's change could store it."""


def claim(session: Session, key: str, fingerprint: str, *, instance_id: str, task_id: str | None,
          now: datetime) -> None:
    """Store the request with the change's own writes (rows.send_statement: on PostgreSQL in
    the same round trip), unless a request with this key is stored (committed, or waited for
    until it is): then KeyTaken, when the writes go out, and the change rolls back; recall()
    then finds the other."""
    values = {"key": key, "fingerprint": fingerprint, "instance_id": instance_id, "task_id": task_id,
              "created_at": now}
    rows.send_statement(session, _insert_unless_stored(session.get_bind().dialect.name), values, check=_stored)


def _stored(matched: int) -> None:
    if matched != 1:
        raise KeyTaken()


@functools.cache
def _insert_unless_stored(dialect: str):
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    return insert(IdempotentRequest.__table__).on_conflict_do_nothing(index_elements=["key"])
