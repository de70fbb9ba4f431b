"""One timer that cannot be fired no longer stops all timers: the instance is set aside as an
incident (visible on the case, retried by an administrator) and the others fire; `jiahe
worker` survives its database connections being killed and stops cleanly on SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from sqlalchemy import update

from engine.clock import ManualClock
from engine.errors import CorruptInstance
from engine.runtime.auditing import timeline
from engine.runtime.deployment import deploy_project
from engine.runtime.runtime import Runtime
from engine.store.models import ProcessInstance
from tests.conftest import FIXTURES, PROJECT_ROOT

DUE = 20


def _fired(store, instance_id: str) -> list[str]:
    return [e.data["name"] for e in timeline(store, instance_id) if e.type == "timer_fired"]


def _corrupt(store, instance_id: str) -> None:
    with store.write() as session:
        session.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id)
                        .values(serialized=b"\x1f\x8b not a workflow"))


def _due_cases(runtime, count: int) -> list[str]:
    return [runtime.start("deadline", actor="clerk", org_unit=f"village-{i}").id for i in range(count)]


def test_a_corrupt_instance_is_set_aside_and_every_other_due_timer_fires(runtime, clock):
    ids = _due_cases(runtime, DUE)
    poisoned = ids[0]  # the earliest due: the one every pass used to claim first
    _corrupt(runtime.store, poisoned)
    clock.advance(timedelta(days=25, seconds=1))

    assert runtime.fire_due_timers(actor="worker") == DUE - 1
    assert all(_fired(runtime.store, i) == ["督办提醒"] for i in ids[1:])
    with runtime.store.read() as session:
        row = session.get(ProcessInstance, poisoned)
        assert row.status == "incident"
    incident = [e for e in timeline(runtime.store, poisoned) if e.type == "incident"][-1]
    assert incident.data["source"] == "timer" and "cannot be read" in incident.data["message"]
    assert runtime.fire_due_timers(actor="worker") == 0  # set aside: not claimed again and again
    with pytest.raises(CorruptInstance):
        runtime.retry(poisoned, actor="admin", reason="已从备份恢复")


def test_a_timer_set_aside_for_a_passing_fault_fires_when_an_admin_retries_it(runtime, clock, monkeypatch):
    [case] = _due_cases(runtime, 1)
    clock.advance(timedelta(days=25, seconds=1))
    from engine.runtime import change as change_module

    real = change_module.InstanceChange.refresh_timers
    monkeypatch.setattr(change_module.InstanceChange, "refresh_timers",
                        lambda self: (_ for _ in ()).throw(KeyError("calendar entry missing")))
    assert runtime.fire_due_timers(actor="worker") == 0
    assert runtime.instance(case).status == "incident"
    assert runtime.instance(case).incidents[0].message.startswith("its timer could not be fired: KeyError")
    monkeypatch.setattr(change_module.InstanceChange, "refresh_timers", real)
    assert runtime.retry(case, actor="admin", reason="日历已修复").status == "running"
    assert _fired(runtime.store, case) == ["督办提醒"]  # the retry fired what fell due meanwhile


def _worker_env(database_url: str, key_dir) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "JIAHE_KEY_DIR": str(key_dir), "PYTHONUNBUFFERED": "1"}


def _jiahe(*args) -> list[str]:
    return [sys.executable, "-m", "api.cli", *args]


def _cases_due_now(store, count: int) -> tuple[Runtime, list[str]]:
    """Cases started 40 days ago on the fixture processes: their timers are due in real time."""
    runtime = Runtime(store, clock=ManualClock(datetime.now(timezone.utc) - timedelta(days=40)))
    deploy_project(runtime, FIXTURES, actor="designer")
    return runtime, _due_cases(runtime, count)


def test_jiahe_worker_once_fires_the_others_and_exits_0_with_a_corrupt_instance(tmp_path, key_dir):
    from tests.databases import sqlite_store

    store = sqlite_store(tmp_path / "jiahe.sqlite3")
    _, ids = _cases_due_now(store, 8)
    _corrupt(store, ids[0])
    run = subprocess.run(_jiahe("worker", "--once"), cwd=PROJECT_ROOT, capture_output=True, text=True,
                         env=_worker_env(f"sqlite:///{tmp_path / 'jiahe.sqlite3'}", key_dir), timeout=120)
    assert run.returncode == 0, run.stderr
    assert "fired 7 timer(s)" in run.stdout
    assert all(_fired(store, i) for i in ids[1:]) and not _fired(store, ids[0])
    store.dispose()


def _wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.postgres
def test_the_worker_survives_its_connections_being_killed_and_stops_cleanly_on_sigterm(pg_schema, key_dir):
    schema, store = pg_schema
    runtime, first = _cases_due_now(store, 3)
    name = f"jiahe-worker-{schema.name}"
    url = f"{schema.url}?application_name={name}&options=-csearch_path%3D{schema.name}"
    worker = subprocess.Popen(_jiahe("worker", "--interval", "0.2"), cwd=PROJECT_ROOT, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_worker_env(url, key_dir))
    try:
        assert _wait_for(lambda: all(_fired(store, i) for i in first)), "the first timers did not fire"
        with psycopg.connect(schema.url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as db:
            killed = db.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE application_name = %s", (name,)).fetchone()[0]
        assert killed >= 1
        second = _due_cases(runtime, 3)
        assert _wait_for(lambda: all(_fired(store, i) for i in second)), "no timer fired after the kill"
        assert worker.poll() is None, "the worker died with its connection"
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, err
    assert out.rstrip().endswith("worker stopped")
