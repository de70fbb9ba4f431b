"""Timer workers at scale: two worker processes firing 1,000, 10,000 and 100,000 due timers.

Each size gets a fresh database (a SQLite file; a throwaway PostgreSQL schema where the server
answers) with the test fixture processes deployed. SEEDED real `deadline` cases are started
through the runtime (a user task with a non-interrupting 25-day warning timer and an
interrupting 30-day deadline), a second apart; the rest are their copies, inserted with
SQLAlchemy Core bulk inserts: the same saved workflow under a new id and case number, and a
due time a microsecond apart. The workers' clock stands after every warning and before any
deadline, so each case has exactly one real SpiffWorkflow timer due: firing it loads the saved
workflow, fires the boundary event, runs its script task, saves the workflow, the projections
and the audit events. (A copy shares its original's task ids; the warning creates no task, so
no copy ever writes one.)

Two worker processes ("spawn", each with its own Store and Runtime) wait at a barrier with the
fixture process already parsed, then call Runtime.fire_due_timers until it fires nothing, as
`jiahe worker` passes do back to back. Meanwhile the parent takes a trivial write transaction
every 50 ms and records how long it waited to begin (on SQLite: for the write lock a timer
batch holds). Afterwards every case must have exactly one timer_fired audit event and none
may be left due.

Prints per backend and size: timers/s over both workers (first start to last finish), each
worker's share, double fires, cases left unfired, the worker processes' own CPU per timer (the
figure least moved by other load on the machine; the database server's and the script
sandbox's CPU come on top), the write waits (p50/p95/max); then
`target: >= 1000 timers/s at 10000 due: <rate> ...` per backend and `ratio=<rate at the
smallest size / rate at the largest>`, the worse backend's last. Targets (printed, not
asserted): >= 1,000 timers/s at 10,000 due; ratio <= 1.3; 0 double fires.

    .venv/bin/python bench/timers.py [--sizes 1000,10000,100000] [--backend sqlite|postgres|both]
                                     [--batch N]

--batch N sets the largest batch of engine.runtime.timers (its BATCH_SIZE) in both workers.
The script runs from any checkout with the same layout (copy it into an older tree to
measure that tree's worker: there --batch is ignored).
"""
from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from engine.clock import ManualClock  # noqa: E402
from engine.runtime.deployment import deploy_project  # noqa: E402
from engine.runtime.runtime import Runtime  # noqa: E402
from engine.store import Store  # noqa: E402
from engine.store.models import AuditEvent, ProcessInstance, ProcessVersion  # noqa: E402
from tests.databases import PostgresSchema, postgres_unavailable_reason, sqlite_store  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
STARTED = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
SEEDED = 100  # real cases; the others are copies of them
WARNING = timedelta(days=25)  # the fixture's non-interrupting timer; the deadline comes at 30 days
WORKERS = ("worker-1", "worker-2")
CHUNK = 5_000
PROBE_EVERY = 0.05
TARGET_RATE, TARGET_AT = 1000.0, 10_000
TARGET_RATIO = 1.3


# -- seeding -------------------------------------------------------------------------------------

def seed(store, size: int) -> datetime:
    """`size` running deadline cases whose warning timer is due at the returned time."""
    clock = ManualClock(STARTED)
    runtime = Runtime(store, clock=clock)
    deploy_project(runtime, FIXTURES, actor="designer")
    originals = []
    for _ in range(min(SEEDED, size)):
        originals.append(runtime.start("deadline", actor="clerk", org_unit="village-1").id)
        clock.advance(timedelta(seconds=1))
    table = ProcessInstance.__table__
    with store.read() as session:
        rows = [dict(r._mapping) for r in session.execute(select(table).where(table.c.id.in_(originals)))]
    for first in range(len(rows), size, CHUNK):
        copies = [_copy(rows[n % len(rows)], n) for n in range(first, min(size, first + CHUNK))]
        with store.engine.begin() as conn:
            conn.execute(insert(table), copies)
    if store.is_postgres:  # what autovacuum does to such a table soon
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) process_instance"))
    return clock.now() + WARNING + timedelta(hours=1)


def _copy(row: dict, n: int) -> dict:
    return {**row, "id": str(uuid.uuid4()), "case_no": f"JH-2026-C{n:07d}",
            "next_due_at": row["next_due_at"] + timedelta(microseconds=n)}


# -- the workers ---------------------------------------------------------------------------------

def work(url: str, schema: str | None, at: str, name: str, batch: int | None, ready, results) -> None:
    """One worker process: its own Store and Runtime; fires until a pass fires nothing."""
    store = Store(url, schema=schema)
    try:
        if batch:
            from engine.runtime import timers

            if hasattr(timers, "BATCH_SIZE"):
                timers.BATCH_SIZE[store.engine.dialect.name] = batch
        runtime = Runtime(store, clock=ManualClock(datetime.fromisoformat(at)))
        with store.read() as session:  # parse the process before the clock starts
            version = session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_key == "deadline"))
            runtime.parsed_by_id(session, version)
        ready.wait(120)
        began, cpu, fired = time.time(), time.process_time(), 0
        while (n := runtime.fire_due_timers(actor=name)) > 0:
            fired += n
        results.put((name, fired, began, time.time(), time.process_time() - cpu))
    except BaseException as exc:
        results.put((name, f"{type(exc).__name__}: {exc}", 0.0, 0.0, 0.0))
        raise
    finally:
        store.dispose()


@dataclass
class Run:
    backend: str
    size: int
    seconds: float = 0.0
    shares: dict[str, int] = field(default_factory=dict)
    double: int = 0
    unfired: int = 0
    left_due: int = 0
    waits: list[float] = field(default_factory=list)
    seeding: float = 0.0
    cpu: float = 0.0  # the worker processes' own CPU seconds (not the database's, not the sandbox's)

    @property
    def rate(self) -> float:
        return self.size / self.seconds


def run(backend: str, store, url: str, schema: str | None, size: int, batch: int | None) -> Run:
    result = Run(backend, size)
    began = time.perf_counter()
    at = seed(store, size)
    result.seeding = time.perf_counter() - began
    context = multiprocessing.get_context("spawn")
    ready, results = context.Barrier(len(WORKERS) + 1), context.Queue()
    processes = [context.Process(target=work, name=name, daemon=True,
                                 args=(url, schema, at.isoformat(), name, batch, ready, results))
                 for name in WORKERS]
    for process in processes:
        process.start()
    stop = threading.Event()
    prober = threading.Thread(target=probe, args=(store, stop, result.waits))
    ready.wait(300)
    prober.start()
    reports = [results.get() for _ in processes]
    stop.set()
    prober.join()
    for process in processes:
        process.join()
    failed = [r for r in reports if not isinstance(r[1], int)]
    if failed:
        raise RuntimeError(f"{backend} {size}: a worker failed: {failed}")
    result.seconds = max(r[3] for r in reports) - min(r[2] for r in reports)
    result.shares = {r[0]: r[1] for r in reports}
    result.cpu = sum(r[4] for r in reports)
    result.double, result.unfired, result.left_due = check(store, at)
    return result


def probe(store, stop: threading.Event, waits: list[float]) -> None:
    """A trivial write transaction every PROBE_EVERY seconds: how long it waits to begin."""
    while not stop.wait(PROBE_EVERY):
        began = time.perf_counter()
        with store.write() as session:
            session.execute(text("SELECT 1"))
            waits.append(time.perf_counter() - began)


def check(store, at: datetime) -> tuple[int, int, int]:
    """(cases whose timer fired more than once, cases whose timer did not fire, cases still due)."""
    with store.read() as session:
        fired = (select(AuditEvent.stream, func.count().label("n")).where(AuditEvent.type == "timer_fired")
                 .group_by(AuditEvent.stream).subquery())
        double = session.scalar(select(func.count()).select_from(fired).where(fired.c.n > 1))
        cases = session.scalar(select(func.count()).select_from(ProcessInstance))
        once = session.scalar(select(func.count()).select_from(fired))
        due = session.scalar(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.status == "running", ProcessInstance.next_due_at < at))
    return double, cases - once, due


# -- databases -----------------------------------------------------------------------------------

@contextlib.contextmanager
def database(backend: str, tmp: Path, size: int):
    """(store, url, schema) on a fresh database, dropped afterwards."""
    if backend == "sqlite":
        path = tmp / f"timers_{size}.sqlite3"
        store = sqlite_store(path)
        try:
            yield store, f"sqlite:///{path}", None
        finally:
            store.dispose()
        return
    schema = PostgresSchema()
    store = schema.create()
    try:
        yield store, schema.url, schema.name
    finally:
        store.dispose()
        schema.drop()


def report(r: Run) -> None:
    waits = sorted(r.waits) or [0.0]
    p95 = statistics.quantiles(waits, n=20, method="inclusive")[-1] if len(waits) > 1 else waits[0]
    verdict = "ok" if r.double == 0 and r.unfired == 0 and r.left_due == 0 else "WRONG"
    print(f"[{r.backend}] {r.size:>7} due: {r.seconds:6.1f} s = {r.rate:7.0f} timers/s  shares {r.shares}  "
          f"double fires {r.double}  unfired {r.unfired}  left due {r.left_due}  {verdict}  "
          f"worker CPU {r.cpu / r.size * 1000:.2f} ms/timer  "
          f"write waits p50 {statistics.median(waits) * 1000:.1f} p95 {p95 * 1000:.1f} "
          f"max {waits[-1] * 1000:.1f} ms  (seeded in {r.seeding:.0f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="due timers per database, comma-separated")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--batch", type=int, default=None, help="largest batch per transaction (BATCH_SIZE)")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [
        "postgresql" if args.backend == "postgres" else "sqlite"]
    if "postgresql" in backends and (reason := postgres_unavailable_reason()):
        print(f"[postgresql] skipped: {reason}")
        backends.remove("postgresql")
    if args.batch:
        print(f"largest batch: {args.batch}")
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    runs: dict[tuple[str, int], Run] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            for size in sizes:
                with database(backend, Path(tmp), size) as (store, url, schema):
                    runs[(backend, size)] = run(backend, store, url, schema, size, args.batch)
                report(runs[(backend, size)])
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    small, large = sizes[0], sizes[-1]
    ratios = []
    for backend in backends:
        at = runs.get((backend, TARGET_AT))
        shown = f"{at.rate:.0f}" if at else f"not measured (--sizes has no {TARGET_AT})"
        verdict = "" if at is None else "ok" if at.rate >= TARGET_RATE else "MISSED"
        print(f"[{backend}] target: >= {TARGET_RATE:.0f} timers/s at {TARGET_AT} due: {shown} {verdict}")
        ratio = runs[(backend, small)].rate / runs[(backend, large)].rate
        ratios.append(ratio)
        print(f"[{backend}] rate at {small} / rate at {large} = {ratio:.2f} (target <= {TARGET_RATIO}) "
              f"{'ok' if ratio <= TARGET_RATIO else 'MISSED'}; double fires "
              f"{sum(runs[(backend, s)].double for s in sizes)} (target 0)")
    print(f"ratio={max(ratios):.2f}")


if __name__ == "__main__":
    main()
