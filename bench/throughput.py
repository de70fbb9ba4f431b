"""Throughput on PostgreSQL: completions per second with the production recipe.

A throwaway PostgreSQL schema gets the demo organisation, the shipped processes and --cases
dispute_case cases with their risk screening ready. Then the production recipe runs in
processes of its own, as the systemd units in deploy/ start it: gunicorn with
api/gunicorn_conf.py (the gthread worker class: threads in --web-workers processes, kept-alive
connections, so a client's requests reuse one connection and each thread keeps its pooled
database connection) and --timer-workers `jiahe worker` processes, all on DATABASE_URL with
the schema in its search_path. --clients threads here, each on its own kept-alive connection,
take cases from one queue and complete the clerk's two steps of each — risk screening, then
acceptance — as the web app does: GET /api/v1/tasks/{id}, then POST .../complete with an
Idempotency-Key. One completion is that GET + POST pair.

Prints completions/s, p50/p99 of a completion, and CPU ms per completion by process — the API
(gunicorn's master and workers), the timer workers, PostgreSQL (the server processes of our
connections, found by application_name in pg_stat_activity) — from /proc, over the measured
--seconds after a warm-up; then the PostgreSQL round trips (statements, and the BEGIN, COMMIT
and ROLLBACK psycopg sends on their own; statements sent in pipeline mode count once, at the
sync that brings their answers back; counted at the driver in this process through Flask's
test client on the same database) of one GET + complete. --round-trips counts those
and stops. Targets (printed, not asserted): <= 6 ms CPU per completion in the API
processes; <= 12 round trips per GET + complete.

    .venv/bin/python bench/throughput.py [--seconds 60] [--clients 8] [--cases 3000]
                                         [--web-workers 2] [--web-threads 8] [--timer-workers 2]
"""
from __future__ import annotations

import argparse
import contextlib
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import psycopg  # noqa: E402
from http_submit import BIN, Client, children, cpu_seconds, free_port, prepared_app, screenings  # noqa: E402
from psycopg._connection_base import BaseConnection  # noqa: E402
from sqlalchemy import event  # noqa: E402

from tests.api.task_support import ACCEPT, SCREENING  # noqa: E402
from tests.databases import PostgresSchema, postgres_unavailable_reason  # noqa: E402

APPLICATION = "jiahe-bench-throughput"
TARGET_API_CPU_MS = 6.0
TARGET_ROUND_TRIPS = 12
WARMUP_SECONDS = 5.0


def schema_url(base: str, schema: str) -> str:
    base = base.replace("postgresql+psycopg://", "postgresql://")
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}application_name={APPLICATION}&options={quote(f'-csearch_path={schema}')}"


# -- round trips, in this process --------------------------------------------------------------

def round_trips(app, samples: int = 10) -> dict[str, int]:
    """The most PostgreSQL round trips a GET and a complete took: every statement, and every
    BEGIN, COMMIT and ROLLBACK psycopg sent (each of those on its own; SQLAlchemy's commit
    events would miss the BEGINs and count commits psycopg skips in autocommit)."""
    store = app.extensions["jiahe"].store
    engine, seen = store._sessions_engine, []

    class CountingCursor(psycopg.Cursor):
        def execute(self, *args, **kwargs):
            if self.connection._pipeline is None:  # a pipelined statement travels at the sync
                seen.append("execute")
            return super().execute(*args, **kwargs)

        def executemany(self, *args, **kwargs):
            seen.append("executemany")
            return super().executemany(*args, **kwargs)

    @event.listens_for(engine, "connect")
    def _count(dbapi_connection, _record):
        dbapi_connection.cursor_factory = CountingCursor

    command = BaseConnection._exec_command

    def counted_command(self, sql, *args, **kwargs):
        seen.append(bytes(sql).decode())
        return command(self, sql, *args, **kwargs)

    sync, leave = psycopg.Pipeline.sync, psycopg.Pipeline.__exit__

    def counted_sync(self):
        seen.append("pipeline sync")
        return sync(self)

    def counted_leave(self, *args):
        seen.append("pipeline end")  # a last sync: what was sent since the last comes back
        return leave(self, *args)

    BaseConnection._exec_command = counted_command
    psycopg.Pipeline.sync, psycopg.Pipeline.__exit__ = counted_sync, counted_leave
    try:
        engine.dispose()
        return _most_round_trips(app, samples, seen)
    finally:
        BaseConnection._exec_command = command
        psycopg.Pipeline.sync, psycopg.Pipeline.__exit__ = sync, leave


def _most_round_trips(app, samples: int, seen: list) -> dict[str, int]:
    client = app.test_client()
    token = client.post("/api/v1/auth/login", json={"username": "clerk", "password": "jiahe-demo"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    most = {"GET": 0, "complete": 0}
    for task_id in screenings(app, samples):
        seen.clear()
        page = client.get(f"/api/v1/tasks/{task_id}", headers=headers).get_json()
        most["GET"] = max(most["GET"], len(seen))
        seen.clear()
        done = client.post(f"/api/v1/tasks/{task_id}/complete", headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                           json={"data": SCREENING["blue"], "row_version": page["case"]["row_version"]})
        assert done.status_code == 200, done.get_json()
        most["complete"] = max(most["complete"], len(seen))
    return most


# -- the processes -----------------------------------------------------------------------------

def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_listening(server: subprocess.Popen, port: int) -> None:
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        if server.poll() is not None:
            raise SystemExit(f"gunicorn did not start: {server.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    raise SystemExit("gunicorn did not listen within a minute")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def postgres_pids(url: str) -> list[int]:
    with psycopg.connect(url.split("?")[0], autocommit=True) as conn:
        return [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (APPLICATION,))]


def tree_cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def postgres_cpu(pids: list[int]) -> dict[int, float]:
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            found[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return found


# -- the clients -------------------------------------------------------------------------------

class Load:
    def __init__(self, port: int, cases: list[str], clients: int):
        self.port, self.cases = port, queue.Queue()
        for task_id in cases:
            self.cases.put(task_id)
        self.measuring = threading.Event()
        self.stopping = threading.Event()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.threads = [threading.Thread(target=self._client, daemon=True) for _ in range(clients)]

    def _client(self) -> None:
        client = Client(self.port)
        client.login()
        while not self.stopping.is_set():
            try:
                screening = self.cases.get_nowait()
            except queue.Empty:
                self.errors.append("ran out of cases: raise --cases")
                return
            try:
                accept = self._complete(client, screening, SCREENING["blue"])
                if accept is not None and not self.stopping.is_set():
                    self._complete(client, accept, ACCEPT)
            except Exception as exc:  # a failed request is reported, not retried
                self.errors.append(f"{type(exc).__name__}: {exc}"[:300])

    def _complete(self, client: Client, task_id: str, data: dict) -> str | None:
        started = time.perf_counter()
        status, page = client.call("GET", f"/api/v1/tasks/{task_id}")
        assert status == 200, page
        status, done = client.call("POST", f"/api/v1/tasks/{task_id}/complete",
                                   {"data": data, "row_version": page["case"]["row_version"]},
                                   {"Idempotency-Key": uuid.uuid4().hex})
        assert status == 200, done
        if self.measuring.is_set():
            self.latencies.append((time.perf_counter() - started) * 1000)
        return next((t["id"] for t in done["next_tasks"] if t["name"] == "accept_case"), None)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=8)
    parser.add_argument("--timer-workers", type=int, default=2)
    parser.add_argument("--round-trips", action="store_true", help="count the round trips only")
    args = parser.parse_args()
    reason = postgres_unavailable_reason()
    if reason:
        raise SystemExit(f"needs PostgreSQL: {reason}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    schema = PostgresSchema()
    store = schema.create()
    store.dispose()
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"jiahe-throughput-{uuid.uuid4().hex[:8]}"
    url = schema_url(schema.url, schema.name)
    os.environ["DATABASE_URL"] = url
    processes: list[subprocess.Popen] = []
    try:
        app = prepared_app(url, work / "keys")
        counted = round_trips(app)
        trips = counted["GET"] + counted["complete"]
        print(f"PostgreSQL round trips: GET {counted['GET']}, complete {counted['complete']}", flush=True)
        if args.round_trips:
            return
        print(f"building {args.cases} cases ...", flush=True)
        cases = screenings(app, args.cases)
        app.extensions["jiahe"].store.dispose()
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "JIAHE_KEY_DIR": str(work / "keys"),
               "JIAHE_FILES_DIR": str(work / "files"), "JIAHE_PROJECT_ROOT": str(ROOT),
               "JIAHE_BIND": f"127.0.0.1:{port}", "JIAHE_WEB_WORKERS": str(args.web_workers),
               "JIAHE_WEB_THREADS": str(args.web_threads), "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics")}
        api = start([str(BIN / "gunicorn"), "-c", "python:api.gunicorn_conf", "api:create_app()"], env)
        processes.append(api)
        workers = [start([str(BIN / "jiahe"), "worker"], env) for _ in range(args.timer_workers)]
        processes += workers
        wait_listening(api, port)
        load = Load(port, cases, args.clients)
        for thread in load.threads:
            thread.start()
        time.sleep(WARMUP_SECONDS)
        api_pids, worker_pids = [api.pid, *children(api.pid)], [w.pid for w in workers]
        pg_before = postgres_cpu(postgres_pids(url))
        api_before, workers_before = tree_cpu(api_pids), tree_cpu(worker_pids)
        load.measuring.set()
        started = time.perf_counter()
        time.sleep(args.seconds)
        load.measuring.clear()
        elapsed = time.perf_counter() - started
        api_cpu, workers_cpu = tree_cpu(api_pids) - api_before, tree_cpu(worker_pids) - workers_before
        pg_after = postgres_cpu(postgres_pids(url))
        pg_cpu = sum(cpu - pg_before.get(pid, 0.0) for pid, cpu in pg_after.items())
        load.stopping.set()
        for thread in load.threads:
            thread.join(60)
    finally:
        stop(processes)
        schema.drop()
    done = len(load.latencies)
    if not done:
        raise SystemExit(f"no completion in the measured time: {load.errors[:3]}")
    per = 1000 / done
    print(f"PostgreSQL; gunicorn gthread {args.web_workers} x {args.web_threads} threads; "
          f"{args.timer_workers} timer worker(s); {args.clients} clients; {elapsed:.0f} s measured")
    print(f"completions: {done} ({done / elapsed:.1f}/s); per completion (GET + complete) "
          f"p50 {statistics.median(load.latencies):.1f} ms, p99 {percentile(load.latencies, 0.99):.1f} ms")
    print(f"CPU per completion: API {api_cpu * per:.2f} ms, timer workers {workers_cpu * per:.2f} ms, "
          f"PostgreSQL {pg_cpu * per:.2f} ms")
    print(f"PostgreSQL round trips per GET + complete: {trips} (statements, BEGIN, COMMIT and ROLLBACK at "
          f"the driver, the bearer token's lookups included)")
    if load.errors:
        print(f"errors: {len(load.errors)}, e.g. {load.errors[0]}")
    print(f"target: <= {TARGET_API_CPU_MS:g} ms CPU per completion in the API: {api_cpu * per:.2f} ms "
          f"({'met' if api_cpu * per <= TARGET_API_CPU_MS else 'not met'})")
    print(f"target: <= {TARGET_ROUND_TRIPS} round trips per GET + complete: {trips} "
          f"({'met' if trips <= TARGET_ROUND_TRIPS else 'not met'})")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
