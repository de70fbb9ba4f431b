"""The demo: seeding a fresh database, and `jiahe demo` run as a user runs it."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.calendar import WorkingCalendar
from engine.demo import DEMO_PASSWORD, demo_logins, seed_demo
from engine.org import HierarchyRouter, OrgChart
from engine.runtime.auditing import timeline
from engine.runtime.runtime import Runtime
from engine.store import org_repository
from engine.store import repository as repo
from engine.store.models import AuditEvent, ProcessInstance
from engine.store.org_repository import ChartCache
from tests.conftest import PROJECT_ROOT
from tests.databases import sqlite_store

# Where each demo case stands once seeded: status and the names of its ready tasks.
EXPECTED = {
    "demo:1": ("running", {"screen_risk"}),
    "demo:2": ("running", {"accept_case"}),
    "demo:3": ("running", {"shelter_referral", "safety_plan", "record_ruling", "accept_referral"}),
    "demo:4": ("running", {"mediate"}),
    "demo:5": ("running", {"mediate"}),
    "demo:6": ("running", {"mediate"}),
    "demo:7": ("running", {"feedback_to_party"}),
    "demo:8": ("completed", set()),
    # the services beside the disputes
    "demo:9": ("running", {"legal_line"}),             # a 12338 call at the lawyers' line
    "demo:10": ("completed", set()),                   # a call answered on the line
    "demo:11": ("running", {"counselling_session"}),   # a couple in counselling at the town's desk
    "demo:12": ("running", {"inform_outcome"}),        # reconciled, to be told
    "demo:13": ("running", {"record_session"}),        # a family in a counselling project
    "demo:14": ("running", {"record_outcome"}),        # mediated at the town: its 调解协议书 can be printed
}
# The tier of the mediation ladder the mediating cases stand at: who `mediate` is offered to, at
# which org unit, under which title (processes/ladders/three_tier.yaml).
MEDIATING = {
    "demo:4": ("village_mediator", "village", "村（社区）调解"),
    "demo:5": ("town_mediator", "town", "乡镇调解工作室调解"),
    "demo:6": ("grid_worker", "grid", "网格员现场调解"),
}


@pytest.fixture
def seeded(tmp_path, clock, monkeypatch):
    """A fresh SQLite file seeded once; hashes at a low scrypt cost (stored in each hash)."""
    monkeypatch.setattr(org_repository, "SCRYPT_N", 2**8)
    store = sqlite_store(tmp_path / "demo.sqlite3")
    runtime = Runtime(store, clock=clock, router=HierarchyRouter(ChartCache(store).get),
                      calendar=WorkingCalendar.from_file(PROJECT_ROOT / "processes" / "calendar.yaml"))
    # The half-year of history behind them has its own tests (tests/api/test_demo_history.py).
    summary = seed_demo(runtime, store, PROJECT_ROOT, clock, history=False)
    yield runtime, store, summary
    store.dispose()


def _case(runtime, store, business_key):
    with store.read() as session:
        row = repo.instance_by_business_key(session, business_key)
    assert row is not None, f"no case {business_key}"
    return runtime.instance(row.id)


def test_the_demo_users_can_take_the_service_cases_tasks(seeded):
    """Each open service task is offered where a demo user of its role works (or above it)."""
    runtime, store, _ = seeded
    chart = OrgChart.load(PROJECT_ROOT / "processes" / "org" / "demo.yaml")
    members = {(login.role, login.org_unit) for login in demo_logins(PROJECT_ROOT)}
    for key in ("demo:9", "demo:11", "demo:12", "demo:13"):
        for task in (t for t in _case(runtime, store, key).tasks if t.state == "ready"):
            above = {unit.id for unit in chart.ancestors(task.org_unit)}
            assert any((task.role, unit) in members for unit in above), (key, task.name, task.role, task.org_unit)


def _ready_names(view) -> set[str]:
    return {t.name for t in view.tasks if t.state == "ready"}


def test_seeding_creates_each_demo_case_at_its_step(seeded):
    runtime, store, summary = seeded
    assert summary.created == list(EXPECTED) and summary.existing == []
    chart = OrgChart.load(PROJECT_ROOT / "processes" / "org" / "demo.yaml")
    for key, (status, tasks) in EXPECTED.items():
        view = _case(runtime, store, key)
        assert (view.status, _ready_names(view)) == (status, tasks), key
        if key in MEDIATING:
            role, level, title = MEDIATING[key]
            mediation = view.ready_task("mediate")
            tier = (mediation.role, chart.unit(mediation.org_unit).level, mediation.title)
            assert tier == (role, level, title), key


def test_demo_cases_spread_over_grids_and_channels(seeded):
    runtime, store, _ = seeded
    views = [_case(runtime, store, key) for key in EXPECTED]
    disputes = [v for v in views if v.process_key == "dispute_case"]
    assert {v.org_unit for v in disputes} == {"grid-a1", "grid-a2", "grid-b1"}
    assert {v.process_key for v in views} == {"dispute_case", "hotline_call", "marriage_counselling",
                                               "counselling_service"}
    assert {v.data["channel"] for v in views} >= {"phone", "visit", "hotline_12338", "online", "grid_screening",
                                                  "referral"}
    assert all(v.data["summary"] for v in views)


def test_the_red_case_is_never_mediated_and_the_escalated_one_reached_the_town(seeded):
    runtime, store, _ = seeded
    red = _case(runtime, store, "demo:3")
    assert red.data["risk_colour"] == "red"
    assert "mediate" not in {t.name for t in runtime.task_history(red.id)}
    escalated = _case(runtime, store, "demo:5")
    assert "escalated" in [e.type for e in timeline(store, escalated.id)]
    assert escalated.data["handling_level"] == "town"


def test_the_closed_case_was_followed_up(seeded):
    runtime, store, _ = seeded
    closed = _case(runtime, store, "demo:8")
    events = [e.type for e in timeline(store, closed.id)]
    assert "follow_up_recorded" in events and "case_closed" in events


def test_every_ready_task_is_offered_to_some_demo_login(seeded):
    runtime, store, _ = seeded
    chart = OrgChart.load(PROJECT_ROOT / "processes" / "org" / "demo.yaml")
    logins = demo_logins(PROJECT_ROOT)
    for key in EXPECTED:
        for task in _case(runtime, store, key).tasks:
            holders = [lg.username for lg in logins
                       if lg.role == task.role and chart.is_within(task.org_unit, lg.org_unit)]
            assert holders, f"{key}: nobody in the demo sees {task.name} ({task.role}@{task.org_unit})"


def test_seeding_again_adds_nothing(seeded, clock):
    runtime, store, _ = seeded
    before = _counts(store)
    again = seed_demo(runtime, store, PROJECT_ROOT, clock, history=False)
    assert again.created == [] and again.existing == list(EXPECTED)
    assert not again.org.changed and not any(d.created for d in again.deployed)
    assert _counts(store) == before


def _counts(store) -> tuple[int, int]:
    with store.read() as session:
        return (session.scalar(select(func.count()).select_from(ProcessInstance)),
                session.scalar(select(func.count()).select_from(AuditEvent)))


def test_every_demo_user_logs_in_with_the_demo_password(seeded):
    _, store, _ = seeded
    usernames = {login.username for login in demo_logins(PROJECT_ROOT)}
    assert len(usernames) >= 10
    with store.read() as session:
        for username in usernames:
            assert org_repository.verify_password(session, username, DEMO_PASSWORD), username
        assert not org_repository.verify_password(session, "grid_a1", "wrong")


def test_no_seed_sets_up_org_and_processes_without_cases(tmp_path, clock, monkeypatch):
    monkeypatch.setattr(org_repository, "SCRYPT_N", 2**8)
    store = sqlite_store(tmp_path / "bare.sqlite3")
    try:
        summary = seed_demo(Runtime(store, clock=clock), store, PROJECT_ROOT, clock, cases=False)
        assert summary.org.users_added >= 10 and summary.deployed and summary.created == []
        assert _counts(store)[0] == 0
    finally:
        store.dispose()


# -- `jiahe demo`, end to end --------------------------------------------------------------------

STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _jiahe_command() -> list[str]:
    script = Path(sys.executable).with_name("jiahe")
    return [str(script)] if script.exists() else [sys.executable, "-m", "api.cli"]


@pytest.fixture
def demo_server(tmp_path):
    """`jiahe demo` in a copy of the project tree, on a free loopback port; yields the base URL
    and the path of its output. Always terminated, even when the test fails."""
    for folder in ("processes", "forms"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "JIAHE_PROJECT_ROOT")}
    env.update(JIAHE_DB_PATH=str(tmp_path / "var" / "demo.sqlite3"), PYTHONUNBUFFERED="1")
    port = _free_port()
    output = tmp_path / "demo.out"
    with output.open("wb") as sink:
        # Output to a file, not a pipe: a full pipe would block the server.
        process = subprocess.Popen([*_jiahe_command(), "demo", "--port", str(port), "--host", "127.0.0.1"],
                                   cwd=tmp_path, env=env, stdout=sink, stderr=subprocess.STDOUT)
        try:
            _wait_until_healthy(f"http://127.0.0.1:{port}", process, output)
            yield f"http://127.0.0.1:{port}", output
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(15)


def _wait_until_healthy(base: str, process, output: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"jiahe demo exited with {process.returncode}:\n{output.read_text('utf-8', 'replace')}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"jiahe demo did not answer within {STARTUP_SECONDS} s:\n{output.read_text('utf-8', 'replace')}")


def _call(url: str, body: dict | None = None, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_jiahe_demo_serves_and_the_demo_logins_work(demo_server):
    base, output = demo_server
    token = _call(f"{base}/api/v1/auth/login", {"username": "grid_a1", "password": DEMO_PASSWORD})["token"]
    me = _call(f"{base}/api/v1/me", token=token)
    assert me["username"] == "grid_a1"
    assert {"role": "grid_worker", "org_unit": "grid-a1"} in me["memberships"]
    printed = output.read_text("utf-8")
    assert f"{base}/api/docs" in printed and f"password is {DEMO_PASSWORD}" in printed
    assert "14 demo case(s) created" in printed
    for login in demo_logins(PROJECT_ROOT):
        assert login.username in printed and login.role in printed
