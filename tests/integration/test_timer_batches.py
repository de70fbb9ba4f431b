"""Timers claimed in batches (issue #15): one transaction fires many due instances, each in a
savepoint of its own; concurrent workers still fire each timer exactly once, an instance that
fails in the middle of a batch is set aside alone, and a worker whose pass stopped at its limit
goes again at once."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from api import worker
from engine.runtime import change as change_module
from engine.runtime import timers
from engine.runtime.auditing import timeline, verify_audit
from engine.runtime.runtime import Runtime
from engine.store import Store
from engine.store import repository as repo
from engine.store.models import HumanTask, Incident, ProcessInstance

WARNING, DEADLINE = "督办提醒", "调解超期"  # the deadline fixture: a warning after 25 days, the deadline after 30


def _due_cases(runtime, clock, count: int) -> list[str]:
    """`count` deadline cases, started in pairs a second apart (so some share a due time)."""
    ids = []
    for i in range(count):
        ids.append(runtime.start("deadline", actor="clerk", org_unit=f"village-{i}").id)
        if i % 2:
            clock.advance(timedelta(seconds=1))
    return ids


def _fired(store, instance_id: str) -> list[str]:
    return sorted(e.data["name"] for e in timeline(store, instance_id) if e.type == "timer_fired")


def _in_due_order(store, ids: list[str]) -> list[str]:
    with store.read() as session:
        return list(session.scalars(select(ProcessInstance.id).where(ProcessInstance.id.in_(ids))
                                    .order_by(ProcessInstance.next_due_at, ProcessInstance.id)))


@pytest.fixture
def claims(monkeypatch) -> list[list[str]]:
    """The instance ids of every batch claimed, in order."""
    seen = []
    real = repo.claim_due_instances

    def recording(*args, **kwargs):
        rows = real(*args, **kwargs)
        seen.append([row.id for row in rows])
        return rows

    monkeypatch.setattr(repo, "claim_due_instances", recording)
    return seen


def test_one_pass_fires_every_due_timer_once_over_several_batches(runtime, clock, claims):
    ids = _due_cases(runtime, clock, 45)
    clock.advance(timedelta(days=25, hours=1))

    assert runtime.fire_due_timers(actor="worker") == 45
    assert all(_fired(runtime.store, i) == [WARNING] for i in ids)
    batches = [batch for batch in claims if batch]
    assert len(batches) > 3 and max(map(len, batches)) > 1  # batches, growing
    assert sorted(i for batch in batches for i in batch) == sorted(ids)  # each claimed once
    assert runtime.fire_due_timers(actor="worker") == 0
    assert verify_audit(runtime.store).ok


def test_concurrent_workers_fire_each_due_timer_exactly_once(runtime, clock, monkeypatch):
    monkeypatch.setitem(timers.BATCH_SIZE, runtime.store.engine.dialect.name, 4)  # many batches to race over
    ids = _due_cases(runtime, clock, 60)
    clock.advance(timedelta(days=31))  # both timers of every case: the deadline opens mediate_higher
    names = ("worker-1", "worker-2", "worker-3")
    stores = [Store(runtime.store.url, schema=runtime.store.schema, audit_key=runtime.store.audit_key)
              for _ in names]
    barrier, totals, errors = threading.Barrier(len(names)), {}, []

    def work(name: str, store) -> None:
        mine = Runtime(store, clock=clock)
        barrier.wait()
        try:
            total = 0
            while (fired := mine.fire_due_timers(actor=name)) > 0:
                total += fired
            totals[name] = total
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(name, store)) for name, store in zip(names, stores, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.dispose()

    assert not errors, errors
    assert sum(totals.values()) == len(ids), totals
    actors = Counter()
    for instance_id in ids:
        assert _fired(runtime.store, instance_id) == sorted([WARNING, DEADLINE]), instance_id
        actors.update({e.actor for e in timeline(runtime.store, instance_id) if e.type == "timer_fired"})
    assert dict(actors) == {name: n for name, n in totals.items() if n}
    with runtime.store.read() as session:
        higher = session.scalars(select(HumanTask.instance_id).where(HumanTask.task_spec == "mediate_higher"))
        assert sorted(higher) == sorted(ids)  # one escalated task per case, none twice
    assert verify_audit(runtime.store).ok


def test_an_instance_failing_in_the_middle_of_a_batch_is_set_aside_alone(runtime, clock, claims, monkeypatch):
    ids = _in_due_order(runtime.store, _due_cases(runtime, clock, 9))
    failing = ids[4]  # the batches of a pass grow 1, 2, 4, ...: the third holds ids[3:7]
    with runtime.store.read() as session:
        before = session.get(ProcessInstance, failing)
        version_before, state_before = before.row_version, before.serialized
    real_write = change_module.InstanceChange._write_rows

    def failing_after_writing(self):
        real_write(self)  # its audit events and rows are written; then it fails
        if self.row.id == failing:
            raise KeyError("holiday calendar has no entry for 2026")

    monkeypatch.setattr(change_module.InstanceChange, "_write_rows", failing_after_writing)
    clock.advance(timedelta(days=25, hours=1))

    assert runtime.fire_due_timers(actor="worker") == 8
    [batch] = [batch for batch in claims if failing in batch]
    assert batch.index(failing) not in (0, len(batch) - 1)  # others before and after it, in its transaction
    assert all(_fired(runtime.store, i) == [WARNING] for i in ids if i != failing)
    assert _fired(runtime.store, failing) == []  # its own work rolled back ...
    view = runtime.instance(failing)
    assert view.status == "incident"  # ... and it is set aside, with its audit event
    assert view.incidents[0].message.startswith("its timer could not be fired: KeyError")
    with runtime.store.read() as session:
        after = session.get(ProcessInstance, failing)
        assert after.serialized == state_before and after.row_version == version_before + 1  # the set-aside only
        assert session.scalar(select(func.count()).select_from(Incident)) == 1
    assert [e.type for e in timeline(runtime.store, failing)][-1] == "incident"
    assert verify_audit(runtime.store).ok
    assert runtime.fire_due_timers(actor="worker") == 0  # set aside: not claimed again


def test_a_corrupt_instance_in_a_batch_becomes_an_incident_and_the_batch_fires(runtime, clock, claims):
    ids = _in_due_order(runtime.store, _due_cases(runtime, clock, 9))
    with runtime.store.write() as session:
        session.execute(update(ProcessInstance).where(ProcessInstance.id == ids[5])
                        .values(serialized=b"\x1f\x8b not a workflow"))
    clock.advance(timedelta(days=25, hours=1))

    assert runtime.fire_due_timers(actor="worker") == 8
    assert runtime.instance(ids[3]).status == "running" and _fired(runtime.store, ids[6]) == [WARNING]
    incident = [e for e in timeline(runtime.store, ids[5]) if e.type == "incident"][-1]
    assert incident.data["source"] == "timer" and "cannot be read" in incident.data["message"]


def test_a_database_error_goes_up_and_the_whole_batch_fires_on_the_next_pass(runtime, clock, monkeypatch):
    ids = _in_due_order(runtime.store, _due_cases(runtime, clock, 3))
    real_refresh = change_module.InstanceChange.refresh_timers

    def server_gone(self):
        if self.row.id == ids[2]:
            raise OperationalError("UPDATE process_instance ...", {}, Exception("server closed the connection"))
        real_refresh(self)

    monkeypatch.setattr(change_module.InstanceChange, "refresh_timers", server_gone)
    clock.advance(timedelta(days=25, hours=1))
    with pytest.raises(OperationalError):
        runtime.fire_due_timers(actor="worker")
    assert _fired(runtime.store, ids[1]) == []  # its batch rolled back with the failure
    assert all(runtime.instance(i).status == "running" for i in ids)  # nothing set aside

    monkeypatch.setattr(change_module.InstanceChange, "refresh_timers", real_refresh)
    assert runtime.fire_due_timers(actor="worker") == 2  # ids[0] had its own batch, committed
    assert all(_fired(runtime.store, i) == [WARNING] for i in ids)


def test_an_instance_left_due_is_claimed_once_per_pass(runtime, clock, claims, monkeypatch):
    ids = _in_due_order(runtime.store, _due_cases(runtime, clock, 6))
    stuck = ids[0]  # the earliest: every claim would find it first
    real_refresh = change_module.InstanceChange.refresh_timers
    monkeypatch.setattr(change_module.InstanceChange, "refresh_timers",
                        lambda self: None if self.row.id == stuck else real_refresh(self))
    clock.advance(timedelta(days=25, hours=1))

    assert runtime.fire_due_timers(actor="worker") == 6  # saved (nothing fired), so counted as advanced
    assert runtime.instance(stuck).next_due_at < clock.now()  # still due
    assert sum(batch.count(stuck) for batch in claims) == 1
    assert all(_fired(runtime.store, i) == [WARNING] for i in ids[1:])


class Stopping:
    """threading.Event for run_until_stopped: set after `passes` passes; records every wait."""

    def __init__(self, passes: int):
        self.passes, self.waits = passes, []

    def is_set(self) -> bool:
        return self.passes <= 0

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        return self.is_set()


def test_a_worker_pass_that_hits_its_limit_is_followed_at_once_by_another(runtime, clock, monkeypatch):
    monkeypatch.setattr(worker, "TIMERS_PER_PASS", 5)
    ids = _due_cases(runtime, clock, 12)
    clock.advance(timedelta(days=25, hours=1))
    stopping, passes = Stopping(passes=4), []

    def report(done):
        passes.append((done.fired, done.more))
        stopping.passes -= 1

    worker.run_until_stopped(runtime, 3600.0, stopping, report=report)

    assert passes == [(5, True), (5, True), (2, False), (0, False)]
    assert stopping.waits == [3600.0, 3600.0]  # no wait after a pass that stopped at its limit
    assert all(_fired(runtime.store, i) == [WARNING] for i in ids)


def test_a_stop_is_honoured_between_passes_while_timers_are_still_due(runtime, clock, monkeypatch):
    monkeypatch.setattr(worker, "TIMERS_PER_PASS", 5)
    ids = _due_cases(runtime, clock, 12)
    clock.advance(timedelta(days=25, hours=1))
    stopping = Stopping(passes=1)

    worker.run_until_stopped(runtime, 3600.0, stopping, report=lambda done: setattr(stopping, "passes", 0))

    assert sum(bool(_fired(runtime.store, i)) for i in ids) == 5 and stopping.waits == []
