"""Rate-limit counters in the database, as a storage for the `limits` library (the engine of
flask-limiter), so that every API process and host counts against the same numbers without
another server to run. Fixed windows: a counter row per key, reset when its window ends.

Each call is its own short write transaction; on SQLite that queues behind case writes for
a moment, which login and public intake can afford.
"""
from __future__ import annotations

import random
import time

from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from engine.store.models import RateCounter

# Expired rows are swept now and then rather than on every hit.
SWEEP_CHANCE = 0.01


class DatabaseCounters(Storage):
    STORAGE_SCHEME = ["jiahe-database"]

    def __init__(self, store, *, clock=time.time):
        super().__init__(None, wrap_exceptions=False)
        self.store = store
        self._now = clock
        self._table = RateCounter.__table__
        self._insert = (postgresql if store.is_postgres else sqlite).insert

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = self._now()
        table = self._table
        ended = table.c.expires_at <= now
        stmt = self._insert(table).values(key=key, count=amount, expires_at=now + expiry)
        stmt = stmt.on_conflict_do_update(index_elements=[table.c.key], set_={
            "count": case((ended, amount), else_=table.c.count + amount),
            "expires_at": case((ended, now + expiry), else_=table.c.expires_at),
        }).returning(table.c.count)
        with self.store.write() as session:
            count = session.execute(stmt).scalar_one()
            if random.random() < SWEEP_CHANCE:
                session.execute(delete(table).where(table.c.expires_at <= now - 60))
        return count

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.count if row is not None and row.expires_at > self._now() else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at if row is not None and row.expires_at > self._now() else self._now()

    def check(self) -> bool:
        try:
            self._row("")
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self.store.write() as session:
            return session.execute(delete(self._table)).rowcount

    def clear(self, key: str) -> None:
        with self.store.write() as session:
            session.execute(delete(self._table).where(self._table.c.key == key))

    def _row(self, key: str):
        with self.store.read() as session:
            return session.execute(select(self._table).where(self._table.c.key == key)).first()
