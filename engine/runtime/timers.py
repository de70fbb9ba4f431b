"""Firing due timers. Any number of workers may run this against one database: each due
instance is claimed inside its own transaction (FOR UPDATE SKIP LOCKED on PostgreSQL,
BEGIN IMMEDIATE on SQLite), so a timer fires once however many workers race for it.

One instance that cannot be fired (its saved state is corrupt, a timer expression fails
outside SpiffWorkflow's own error handling, ...) must not stop the others: its transaction
rolls back, it is set aside as an incident (visible on the case, retried by an admin) and the
pass goes on. A failure of the database itself is not the instance's fault: it goes up to
the worker, which waits and tries again.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from engine.errors import Conflict
from engine.notifications import Occasion
from engine.store import repository as repo
from engine.store.models import Incident

log = logging.getLogger(__name__)

# Errors of the connection or server rather than of one instance.
DATABASE_ERRORS = (OperationalError, InterfaceError)


@dataclass(frozen=True)
class Attempt:
    instance_id: str
    fired: bool


def fire_due(runtime, *, actor: str, limit: int) -> int:
    fired, seen = 0, []
    while fired < limit:
        attempt = _fire_one(runtime, actor, seen)
        if attempt is None:
            return fired
        seen.append(attempt.instance_id)
        fired += attempt.fired
    return fired


def _fire_one(runtime, actor: str, seen: list[str]) -> Attempt | None:
    instance_id = None
    try:
        with runtime.store.write() as session:
            now = runtime.clock.now()
            instance_id = repo.claim_due_instance(session, now, runtime.store.is_postgres, skip=seen)
            if instance_id is None:
                return None
            change = runtime.open_change(session, instance_id, actor)
            if change.row.next_due_at is None or change.row.next_due_at >= now:
                return Attempt(instance_id, False)  # another worker fired it between our select and lock
            change.refresh_timers()
            change.save()
            return Attempt(instance_id, True)
    except Conflict as exc:
        log.info("timer claim lost to another worker: %s", exc)
        return Attempt(instance_id or "", False)
    except DATABASE_ERRORS:
        raise
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise
        return set_aside(runtime, instance_id, actor, exc)
    except Exception as exc:  # anything else is this instance's own failure
        if instance_id is None:
            raise
        return set_aside(runtime, instance_id, actor, exc)


def set_aside(runtime, instance_id: str, actor: str, exc: Exception) -> Attempt:
    """Make the instance an incident in a transaction of its own (the failed one rolled back)."""
    message = f"its timer could not be fired: {type(exc).__name__}: {exc}"[:2000]
    log.error("instance %s: %s", instance_id, message, exc_info=exc)
    with runtime.store.write() as session:
        row = repo.instance_for_update(session, instance_id, runtime.store.is_postgres)
        if row.status == "running":
            now = runtime.clock.now()
            row.status = "incident"
            session.add(Incident(instance_id=instance_id, task_id=None, element_id=None, message=message,
                                 created_at=now))
            events = [("incident", None, {"element_id": None, "message": message, "source": "timer"})]
            if runtime.notifier is not None:
                runtime.notifier.write(Occasion(session, row, actor, now, row.process_key), events)
            repo.append_instance_audit(session, row, at=now, actor=actor, events=events)
    return Attempt(instance_id, False)
