"""Firing due timers. Any number of workers may run this against one database: each due
instance is claimed inside its own transaction (FOR UPDATE SKIP LOCKED on PostgreSQL,
BEGIN IMMEDIATE on SQLite), so a timer fires once however many workers race for it."""
from __future__ import annotations

import logging

from engine.errors import Conflict
from engine.store import repository as repo

log = logging.getLogger(__name__)


def fire_due(runtime, *, actor: str, limit: int) -> int:
    fired, seen = 0, []
    while fired < limit:
        instance_id = _fire_one(runtime, actor, seen)
        if instance_id is None:
            return fired
        seen.append(instance_id)
        fired += 1
    return fired


def _fire_one(runtime, actor: str, seen: list[str]) -> str | None:
    try:
        with runtime.store.write() as session:
            now = runtime.clock.now()
            instance_id = repo.claim_due_instance(session, now, runtime.store.is_postgres, skip=seen)
            if instance_id is None:
                return None
            change = runtime.open_change(session, instance_id, actor)
            if change.row.next_due_at is None or change.row.next_due_at >= now:
                return instance_id  # another worker fired it between our select and lock
            change.refresh_timers()
            change.save()
            return instance_id
    except Conflict as exc:
        log.info("timer claim lost to another worker: %s", exc)
        return ""  # not None: keep going with the rest
