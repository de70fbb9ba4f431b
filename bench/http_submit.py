"""The submit path over HTTP: what one GET-task + submit round costs the server.

A fresh SQLite file gets the demo organisation, the shipped processes and --rounds + --warmup
dispute_case cases, each with its risk screening (screen_risk) ready for the intake clerk.
Then a real server runs in its own process — gunicorn with the gthread worker class, one
worker process (what api/gunicorn_conf.py runs in production), or `--server werkzeug`, the
development server `jiahe serve` and `jiahe demo` use — and one client on a kept-alive
connection does, per case: GET /api/v1/tasks/{id} (the task page), then POST .../complete with
the screening (and an Idempotency-Key, as the web app sends). The server's CPU time (user +
system of all its processes, from /proc) over the measured rounds, divided by the rounds, is
the figure; the client's own time is not in it.

Also, in this process on a copy of the same setup (Flask's test client, no sockets): the SQL
statements and transactions one submit and one task page cost, counted at the driver (every
statement SQLite runs), and the in-process engine step: Runtime.complete() of the same task,
the work bench/engine_overhead.py measures per step.

Prints CPU ms per round, p50/p90 latency, statements and transactions per submit and page, the
engine step, and `ratio=<server CPU per round / engine step>`.
Targets (printed, not asserted): server CPU per round <= 4 ms; <= 5 SQL statements per submit.

    .venv/bin/python bench/http_submit.py [--rounds 300] [--warmup 30] [--server gunicorn|werkzeug]
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from api import create_app  # noqa: E402
from engine.clock import ManualClock  # noqa: E402
from engine.runtime.deployment import deploy_project  # noqa: E402
from engine.store import Store, org_repository  # noqa: E402
from tests.api.task_support import INTAKE, SCREENING  # noqa: E402

DEMO_ORG = ROOT / "processes" / "org" / "demo.yaml"
PASSWORD = "jiahe-demo"
USER = "clerk"
TARGET_CPU_MS = 4.0
TARGET_STATEMENTS = 5
BIN = Path(sys.executable).parent


# -- the database ----------------------------------------------------------------------------

def prepared_app(database_url: str, key_dir: Path):
    """The app on a fresh database with the demo org and the shipped processes deployed."""
    os.environ["JIAHE_KEY_DIR"] = str(key_dir)
    org_repository.SCRYPT_N = 2**8  # the hash keeps its cost: the server's login checks it cheaply too
    store = Store(database_url)
    store.upgrade()
    app = create_app({"JIAHE_PROJECT_ROOT": str(ROOT), "START_TIMER_WORKER": False},
                     clock=ManualClock(datetime.now(timezone.utc)), store=store)
    services = app.extensions["jiahe"]
    org_repository.import_org(store, DEMO_ORG)
    services.charts.invalidate()
    deploy_project(services.runtime, ROOT, actor="designer")
    return app


def screenings(app, count: int) -> list[str]:
    """`count` new cases; the id of each one's ready screen_risk task."""
    runtime = app.extensions["jiahe"].runtime
    return [runtime.start("dispute_case", actor=USER, org_unit="grid-a1", data=INTAKE).ready_task("screen_risk").id
            for _ in range(count)]


# -- in process: statements and the engine step ----------------------------------------------

class Statements:
    """Every statement SQLite runs on the store's connections (its trace callback)."""

    def __init__(self, store: Store):
        self.seen: list[str] = []
        engine = store._sessions_engine

        @event.listens_for(engine, "connect")
        def _trace(dbapi_connection, _record):
            dbapi_connection.set_trace_callback(self.seen.append)

        engine.dispose()  # connections made from now on are traced

    @contextlib.contextmanager
    def counting(self):
        self.seen.clear()
        yield self

    def split(self) -> tuple[int, int]:
        """(statements other than BEGIN/COMMIT/ROLLBACK, transactions)."""
        words = [s.split(None, 1)[0].upper() for s in self.seen if s.strip()]
        transactions = sum(1 for w in words if w == "BEGIN")
        return sum(1 for w in words if w not in ("BEGIN", "COMMIT", "ROLLBACK")), transactions


def in_process_figures(db_path: Path, key_dir: Path, samples: int) -> dict:
    app = prepared_app(f"sqlite:///{db_path}", key_dir)
    services = app.extensions["jiahe"]
    client = app.test_client()
    token = client.post("/api/v1/auth/login", json={"username": USER, "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    statements = Statements(services.store)
    pages, submits = [], []
    for task_id in screenings(app, samples):
        with statements.counting():
            page = client.get(f"/api/v1/tasks/{task_id}", headers=headers)
        pages.append(statements.split())
        with statements.counting():
            done = client.post(f"/api/v1/tasks/{task_id}/complete", headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                               json={"data": SCREENING["blue"], "row_version": page.get_json()["case"]["row_version"]})
        assert done.status_code == 200, done.get_json()
        submits.append(statements.split())
    steps = []
    for task_id in screenings(app, samples):
        started = time.perf_counter()
        services.runtime.complete(task_id, SCREENING["blue"], actor=USER)
        steps.append((time.perf_counter() - started) * 1000)
    services.store.dispose()
    return {"page": max(pages), "submit": max(submits), "step_ms": statistics.median(steps)}


# -- over HTTP -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(kind: str, port: int, env: dict) -> subprocess.Popen:
    if kind == "gunicorn":
        command = [str(BIN / "gunicorn"), "--worker-class", "gthread", "--workers", "1", "--threads", "4",
                   "--keep-alive", "30", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "api:create_app()"]
    else:
        command = [str(BIN / "jiahe"), "serve", "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return server
        if server.poll() is not None:
            raise SystemExit(f"the server did not start: {server.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not listen within a minute")


def cpu_seconds(root_pid: int) -> float:
    """User + system CPU of the process and its children (gunicorn's master and workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in [root_pid, *children(root_pid)]:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            found += [int(child), *children(int(child))]
    return found


class Client:
    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict]:
        self.connection.request(method, path, body=json.dumps(body) if body is not None else None,
                                headers={**self.headers, **(headers or {})})
        response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")

    def login(self) -> None:
        status, body = self.call("POST", "/api/v1/auth/login", {"username": USER, "password": PASSWORD})
        assert status == 200, body
        self.headers["Authorization"] = f"Bearer {body['token']}"

    def round(self, task_id: str) -> float:
        started = time.perf_counter()
        status, page = self.call("GET", f"/api/v1/tasks/{task_id}")
        assert status == 200, page
        status, done = self.call("POST", f"/api/v1/tasks/{task_id}/complete",
                                 {"data": SCREENING["blue"], "row_version": page["case"]["row_version"]},
                                 {"Idempotency-Key": uuid.uuid4().hex})
        assert status == 200, done
        return (time.perf_counter() - started) * 1000


def over_http(work: Path, kind: str, rounds: int, warmup: int) -> dict:
    db_path, key_dir = work / "http.sqlite3", work / "keys"
    app = prepared_app(f"sqlite:///{db_path}", key_dir)
    tasks = screenings(app, warmup + rounds)
    app.extensions["jiahe"].store.dispose()
    port = free_port()
    env = {**os.environ, "JIAHE_DB_PATH": str(db_path), "JIAHE_KEY_DIR": str(key_dir),
           "JIAHE_FILES_DIR": str(work / "files"), "JIAHE_PROJECT_ROOT": str(ROOT)}
    env.pop("DATABASE_URL", None)
    server = start_server(kind, port, env)
    try:
        client = Client(port)
        client.login()
        for task_id in tasks[:warmup]:
            client.round(task_id)
        before = cpu_seconds(server.pid)
        latencies = [client.round(task_id) for task_id in tasks[warmup:]]
        cpu_ms = (cpu_seconds(server.pid) - before) * 1000 / rounds
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(30)
        if server.poll() is None:
            server.kill()
    latencies.sort()
    return {"cpu_ms": cpu_ms, "p50": statistics.median(latencies),
            "p90": latencies[min(len(latencies) - 1, int(len(latencies) * 0.9))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--server", choices=("gunicorn", "werkzeug"), default="gunicorn")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="jiahe-http-submit-") as tmp:
        work = Path(tmp)
        inside = in_process_figures(work / "inprocess.sqlite3", work / "keys", 20)
        http = over_http(work, args.server, args.rounds, args.warmup)
    statements, transactions = inside["submit"]
    page_statements, page_transactions = inside["page"]
    print(f"server: {args.server} (one process), {args.rounds} rounds of GET task + submit on SQLite")
    print(f"server CPU per round: {http['cpu_ms']:.2f} ms; latency per round p50 {http['p50']:.2f} ms, "
          f"p90 {http['p90']:.2f} ms")
    print(f"submit: {statements} SQL statements in {transactions} transactions (at the driver, without BEGIN/COMMIT; "
          f"the bearer token's lookup included)")
    print(f"task page: {page_statements} SQL statements in {page_transactions} transactions")
    print(f"in-process engine step (Runtime.complete of the same task): {inside['step_ms']:.2f} ms")
    print(f"target: server CPU per round <= {TARGET_CPU_MS:g} ms: {http['cpu_ms']:.2f} ms "
          f"({'met' if http['cpu_ms'] <= TARGET_CPU_MS else 'not met'})")
    print(f"target: <= {TARGET_STATEMENTS} SQL statements per submit: {statements} "
          f"({'met' if statements <= TARGET_STATEMENTS else 'not met'})")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"ratio={http['cpu_ms'] / inside['step_ms']:.2f}")


if __name__ == "__main__":
    main()
