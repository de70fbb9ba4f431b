"""Timer workers: the in-process worker thread of the embedded setup, and the production
shape, where several worker processes share one PostgreSQL and coordinate only through it."""
from __future__ import annotations

import logging
import multiprocessing
import queue
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest

from api import create_app
from api.worker import EXTENSION, run_pass, start_worker_thread, stop_worker_thread
from engine.clock import ManualClock
from engine.runtime.auditing import timeline
from engine.runtime.deployment import deploy_project
from engine.runtime.runtime import Runtime
from engine.store import Store, org_repository
from tests.conftest import FIXTURES, PROJECT_ROOT
from tests.databases import PostgresSchema

WAIT_SECONDS = 20
# The deadline fixture process: a non-interrupting warning after 25 days, the deadline after 30.
TIMERS = ["督办提醒", "调解超期"]


def _fired_timers(store, instance_id: str) -> list[str]:
    return sorted(e.data["name"] for e in timeline(store, instance_id) if e.type == "timer_fired")


def _wait_for(condition, seconds: float = WAIT_SECONDS) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


# -- the worker thread ---------------------------------------------------------------------------

@pytest.fixture
def app(store, clock, monkeypatch):
    """The app on the `store` fixture's database, with the demo org and the fixture processes;
    its worker, once started, passes every 50 ms."""
    monkeypatch.setattr(org_repository, "SCRYPT_N", 2**8)
    app = create_app({"TESTING": True, "JIAHE_PROJECT_ROOT": str(PROJECT_ROOT), "START_TIMER_WORKER": False,
                      "TIMER_WORKER_INTERVAL": 0.05}, clock=clock, store=store)
    services = app.extensions["jiahe"]
    org_repository.import_org(store, PROJECT_ROOT / "processes" / "org" / "demo.yaml")
    deploy_project(services.runtime, FIXTURES, actor="designer")
    yield app
    stop_worker_thread(app)


def _due_case(app, clock) -> str:
    view = app.extensions["jiahe"].runtime.start("deadline", actor="clerk", org_unit="village-a")
    clock.advance(timedelta(days=25, seconds=1))
    return view.id


def test_the_worker_thread_fires_a_due_timer_and_stops_when_asked(app, clock):
    instance_id = _due_case(app, clock)
    thread = start_worker_thread(app)
    assert thread.daemon and start_worker_thread(app) is thread  # a second start reuses it
    store = app.extensions["jiahe"].store
    assert _wait_for(lambda: _fired_timers(store, instance_id) == ["督办提醒"])
    assert stop_worker_thread(app) and not thread.is_alive()
    assert EXTENSION not in app.extensions


def test_a_failing_pass_is_logged_and_the_thread_keeps_going(app, clock, monkeypatch, caplog):
    instance_id = _due_case(app, clock)
    runtime = app.extensions["jiahe"].runtime
    real_fire = runtime.fire_due_timers
    failures = []

    def fire_failing_twice(**kwargs):
        if len(failures) < 2:
            failures.append(1)
            raise RuntimeError("database went away")
        return real_fire(**kwargs)

    monkeypatch.setattr(runtime, "fire_due_timers", fire_failing_twice)
    with caplog.at_level(logging.ERROR, logger="api.worker"):
        thread = start_worker_thread(app)
        assert _wait_for(lambda: _fired_timers(app.extensions["jiahe"].store, instance_id) == ["督办提醒"])
    assert thread.is_alive() and len(failures) == 2
    assert "database went away" in caplog.text


def test_a_failing_timer_pass_still_delivers_messages(app, monkeypatch):
    runtime = app.extensions["jiahe"].runtime
    monkeypatch.setattr(runtime, "fire_due_timers", lambda **kw: 1 / 0)
    delivered = []
    monkeypatch.setattr(runtime, "deliver_messages", lambda: delivered.append(1) or 3)
    assert run_pass(runtime) == (0, 3) and delivered == [1]


def test_the_app_starts_its_worker_when_configured(store, clock):
    app = create_app({"TESTING": True, "JIAHE_PROJECT_ROOT": str(PROJECT_ROOT), "START_TIMER_WORKER": True,
                      "TIMER_WORKER_INTERVAL": 0.05}, clock=clock, store=store)
    try:
        assert app.extensions[EXTENSION].thread.is_alive()
    finally:
        assert stop_worker_thread(app)


# -- several worker processes on one PostgreSQL ----------------------------------------------------

CASES = 40
WORKERS = ("worker-1", "worker-2")


def fire_until_done(url: str, schema: str, at: str, name: str, start_together, results) -> None:
    """One worker process: its own Store (engine and pool) and Runtime on the shared schema,
    firing until nothing due is left. Module level, so that a spawned process can import it."""
    store = Store(url, schema=schema)
    try:
        runtime = Runtime(store, clock=ManualClock(datetime.fromisoformat(at)))
        start_together.wait(60)  # both processes are ready: now they race
        total = 0
        while (fired := runtime.fire_due_timers(actor=name)) > 0:
            total += fired
        results.put((name, total))
    except BaseException as exc:
        results.put((name, f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        store.dispose()


@pytest.mark.postgres
def test_two_worker_processes_fire_each_due_timer_exactly_once(pg_schema, clock):
    schema, store = pg_schema
    runtime = Runtime(store, clock=clock)
    deploy_project(runtime, FIXTURES, actor="designer")
    ids = [runtime.start("deadline", actor="clerk", org_unit=f"village-{i}").id for i in range(CASES)]
    clock.advance(timedelta(days=31))  # past both timers of every case

    totals = _run_worker_processes(schema, clock.now())

    assert sum(totals.values()) == CASES, totals
    assert all(totals[name] > 0 for name in WORKERS), f"one worker did nothing: {totals}"
    actors = Counter()
    for instance_id in ids:
        assert _fired_timers(store, instance_id) == TIMERS, instance_id
        actors.update({e.actor for e in timeline(store, instance_id) if e.type == "timer_fired"})
    assert dict(actors) == totals  # the audit trail agrees with what each worker reported


def _run_worker_processes(schema: PostgresSchema, at: datetime) -> dict[str, int]:
    # "spawn": fresh interpreters that share nothing with this one but the database.
    context = multiprocessing.get_context("spawn")
    start_together, results = context.Barrier(len(WORKERS)), context.Queue()
    processes = [context.Process(target=fire_until_done, name=name, daemon=True,
                                 args=(schema.url, schema.name, at.isoformat(), name, start_together, results))
                 for name in WORKERS]
    for process in processes:
        process.start()
    try:
        reported = dict(results.get(timeout=120) for _ in processes)
    except queue.Empty:
        pytest.fail("a worker process did not report within 120 s")
    finally:
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.terminate()
    failed = {name: outcome for name, outcome in reported.items() if not isinstance(outcome, int)}
    assert not failed, failed
    return reported
