"""Firing due timers. Any number of workers may run this against one database: a worker
claims due instances a batch at a time, each batch one transaction (FOR UPDATE SKIP LOCKED on
PostgreSQL, so other workers claim the next ones meanwhile; BEGIN IMMEDIATE on SQLite, so
workers take turns), and a timer fires once however many workers race for it.

Every instance of a batch fires inside a SAVEPOINT of its own. One that cannot be fired (its
saved state is corrupt, a timer expression fails outside SpiffWorkflow's own error handling,
...) must not stop the others: its savepoint rolls back, so only its own work is undone, it is
set aside as an incident (visible on the case, retried by an admin) and the batch goes on. A
failure of the database itself is not the instance's fault: it goes up to the worker, which
waits and tries again; the batch rolls back whole and its timers fire on the next pass.

A pass claims in (next_due_at, id) order, each batch only the instances after the last one
the pass claimed: an instance that firing left due, or that had to be skipped, is not claimed
again until the next pass, and the pass needs no list of what it has seen.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict
from engine.notifications import Occasion
from engine.runtime.change import InstanceChange
from engine.store import repository as repo
from engine.store.models import Incident
from engine.store.rows import Row

log = logging.getLogger(__name__)

# Errors of the connection or server rather than of one instance.
DATABASE_ERRORS = (OperationalError, InterfaceError)
# Another writer got to the instance first: nothing to set aside, the next pass looks again.
LOST = (Conflict, StaleDataError, IntegrityError)
# Instances per transaction at most (measured with bench/timers.py). A pass starts with a batch
# of one and doubles it: a few due timers commit at once and are shared among the workers; only
# a backlog fills whole batches. SQLite has one write lock, which BEGIN IMMEDIATE holds for the
# whole batch: after a full batch a worker pauses as long as the batch took, or the API's
# writers (and a second worker) would rarely catch the lock free between two batches.
BATCH_SIZE = {"postgresql": 50, "sqlite": 20}


@dataclass(frozen=True)
class Batch:
    fired: int
    last: tuple[datetime, str] | None  # (next_due_at, id) of the last claimed; None: nothing was due
    full: bool = False  # claimed as many as it asked for: more may be due
    seconds: float = 0.0


def fire_due(runtime, *, actor: str, limit: int, batch_size: int | None = None) -> int:
    """Fire due timers until none is left or `limit` instances advanced; how many advanced."""
    most = batch_size or BATCH_SIZE.get(runtime.store.engine.dialect.name, BATCH_SIZE["sqlite"])
    fired, after, size = 0, None, 1
    while fired < limit:
        try:
            batch = _fire_batch(runtime, actor, min(size, limit - fired), after)
        except Conflict as exc:  # the database was busy past its timeout: the batch rolled back
            log.info("timer batch not fired, tried again on the next pass: %s", exc)
            return fired
        if batch.last is None:
            return fired
        fired, after, size = fired + batch.fired, batch.last, min(2 * size, most)
        if batch.full and not runtime.store.is_postgres:
            time.sleep(batch.seconds)  # SQLite: let the writers waiting for the lock in
    return fired


def _fire_batch(runtime, actor: str, size: int, after: tuple[datetime, str] | None) -> Batch:
    began = time.perf_counter()
    with runtime.store.write() as session:
        now = runtime.clock.now()
        claimed = repo.claim_due_instances(session, now, runtime.store.is_postgres, limit=size, after=after)
        if not claimed:
            return Batch(0, None)
        last = (claimed[-1].next_due_at, claimed[-1].id)  # as claimed: firing moves next_due_at on
        fired = sum(_fire_one(runtime, session, row, actor, now) for row in claimed)
    return Batch(fired, last, len(claimed) == size, time.perf_counter() - began)


def _fire_one(runtime, session, row: Row, actor: str, now: datetime) -> bool:
    """Fire one claimed instance inside a savepoint; True when it advanced."""
    instance_id = row.id
    try:
        with session.begin_nested():
            return _fire_in(runtime, session, row, actor, now)
    except LOST as exc:
        log.info("timer of instance %s not fired, another writer came first: %s", instance_id, exc)
        return False
    except Exception as exc:  # anything but the database's own failure is this instance's
        if database_failed(exc):
            raise
        _set_aside_in_batch(runtime, session, instance_id, actor, exc)
        return False


def _fire_in(runtime, session, row: Row, actor: str, now: datetime) -> bool:
    """The claim locked the row and read it as locked: the change starts from it (what
    runtime.open_change would read again)."""
    if row.next_due_at is None or row.next_due_at >= now:
        return False  # belt and braces: the claim takes only rows due when locked
    change = InstanceChange(runtime, session, row, runtime.parsed_by_id(session, row.version_id), actor,
                            runtime.clock.now())
    change.refresh_timers()
    change.save()
    return True


def database_failed(exc: Exception) -> bool:
    """The connection or the server failed, not the instance."""
    return isinstance(exc, DATABASE_ERRORS) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


def _set_aside_in_batch(runtime, session, instance_id: str, actor: str, exc: Exception) -> None:
    """Set the instance aside in a savepoint of its own; if even that fails, the instance stays
    as it was (the next pass tries it again) and the rest of the batch fires all the same."""
    try:
        with session.begin_nested():
            set_aside_in(runtime, session, instance_id, actor, exc)
    except Exception as failure:
        if database_failed(failure):
            raise
        log.exception("instance %s could not be set aside either; tried again on the next pass", instance_id)


def set_aside(runtime, instance_id: str, actor: str, exc: Exception) -> None:
    """Make the instance an incident, in a transaction of its own."""
    with runtime.store.write() as session:
        set_aside_in(runtime, session, instance_id, actor, exc)


def set_aside_in(runtime, session, instance_id: str, actor: str, exc: Exception) -> None:
    """Make the instance an incident (its failed work already rolled back), with its audit
    event and notifications, in the caller's transaction."""
    message = f"its timer could not be fired: {type(exc).__name__}: {exc}"[:2000]
    log.error("instance %s: %s", instance_id, message, exc_info=exc)
    row = repo.instance_for_update(session, instance_id, runtime.store.is_postgres)
    if row.status != "running":
        return
    now = runtime.clock.now()
    row.status = "incident"
    session.add(Incident(instance_id=instance_id, task_id=None, element_id=None, message=message, created_at=now))
    events = [("incident", None, {"element_id": None, "message": message, "source": "timer"})]
    if runtime.notifier is not None:
        runtime.notifier.write(Occasion(session, row, actor, now, row.process_key), events)
    repo.append_instance_audit(session, row, at=now, actor=actor, events=events)
