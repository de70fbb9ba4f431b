"""Notifications delivered per second to a local robot webhook with 10,000 queued, by one and by
two workers, on a fresh SQLite file and (where it answers) a PostgreSQL schema; and the time
from the commit of a change to its message arriving, with an idle worker polling.

Target (issue #13): print the figures. `ratio` = two workers' rate / one worker's. The
receiver and both workers share this process (and its GIL) on the machine's cores, so two
worker threads here show contention, not what two worker processes would do.

    .venv/bin/python bench/notifications.py [--queued 10000] [--no-postgres]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.clock import SystemClock  # noqa: E402
from engine.delivery import deliver_notifications  # noqa: E402
from engine.outbound import Channels, Endpoint  # noqa: E402
from engine.store import Store  # noqa: E402
from engine.store.models import Notification, NotificationDelivery  # noqa: E402


class Receiver:
    def __init__(self):
        self.count = 0
        self.arrivals: dict[int, float] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                key = self.headers.get("Idempotency-Key", "")
                receiver.count += 1
                receiver.arrivals[int(key.rsplit("-", 1)[-1] or 0)] = time.perf_counter()
                json.loads(body)
                answer = b'{"errcode": 0}'
                self.send_response(200)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def queue(store: Store, count: int, endpoint: str) -> None:
    now = datetime.now(timezone.utc)
    with store.write() as session:
        notes = [Notification(username="grid_a1", kind="task_ready", title="新待办：网格员现场调解",
                              body=f"JH-2026-{i:06d}｜网格员现场调解｜期限 2026-03-09 17:00", link=f"/tasks/{i}",
                              created_at=now) for i in range(count)]
        session.add_all(notes)
        session.flush()
        session.add_all(NotificationDelivery(notification_id=n.id, endpoint=endpoint, fingerprint=str(n.id),
                                             state="pending", attempts=0, next_attempt_at=now) for n in notes)


def drain(store: Store, channels: Channels, workers: int) -> float:
    def work():
        while deliver_notifications(store, channels, SystemClock(), "http://127.0.0.1:5000", limit=100).sent:
            pass

    began = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def run(name: str, make_store, queued: int) -> float:
    receiver = Receiver()
    channels = Channels(by_user={"grid_a1": (Endpoint("bench", "wecom", receiver.url),)})
    rates = {}
    for workers in (1, 2):
        store = make_store()
        queue(store, queued, "bench")
        before = receiver.count
        seconds = drain(store, channels, workers)
        delivered = receiver.count - before
        rates[workers] = delivered / seconds
        print(f"{name}: {queued} queued, {workers} worker(s): {delivered} delivered in {seconds:.1f} s = "
              f"{rates[workers]:.0f}/s; {'no duplicates' if delivered == queued else 'DELIVERED ' + str(delivered)}")
        store.dispose()
    latency(name, make_store, receiver, channels)
    return rates[2] / rates[1]


def latency(name: str, make_store, receiver: Receiver, channels: Channels, samples: int = 20) -> None:
    """Commit to arrival with a worker polling every 0.1 s (the embedded worker polls every 5 s)."""
    store = make_store()
    receiver.arrivals.clear()  # ids start again in each new database
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            deliver_notifications(store, channels, SystemClock(), "http://127.0.0.1:5000")
            stop.wait(0.1)

    thread = threading.Thread(target=poll)
    thread.start()
    delays = []
    for _ in range(samples):
        now = datetime.now(timezone.utc)
        with store.write() as session:
            note = Notification(username="grid_a1", kind="task_ready", title="t", body="b", link="/", created_at=now)
            session.add(note)
            session.flush()
            session.add(NotificationDelivery(notification_id=note.id, endpoint="bench", fingerprint=str(note.id),
                                             state="pending", attempts=0, next_attempt_at=now))
        committed = time.perf_counter()
        while note.id not in receiver.arrivals:
            time.sleep(0.002)
        delays.append((receiver.arrivals[note.id] - committed) * 1000)
    stop.set()
    thread.join()
    store.dispose()
    delays.sort()
    print(f"{name}: commit to arrival, worker polling every 0.1 s: median {delays[len(delays) // 2]:.0f} ms, "
          f"max {delays[-1]:.0f} ms ({samples} samples)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queued", type=int, default=10_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="jiahe-bench-notify-"))
    counter = iter(range(1000))

    def sqlite_store():
        store = Store(f"sqlite:///{folder / f'n{next(counter)}.sqlite3'}")
        store.upgrade()
        return store

    ratios = [run("sqlite", sqlite_store, args.queued)]
    if not args.no_postgres:
        sys.path.insert(0, str(ROOT))
        from tests.databases import PostgresSchema, postgres_unavailable_reason

        reason = postgres_unavailable_reason()
        if reason:
            print(f"postgresql: skipped ({reason})")
        else:
            schemas = []

            def pg_store():
                schema = PostgresSchema()
                schemas.append(schema)
                return schema.create()

            try:
                ratios.append(run("postgresql", pg_store, args.queued))
            finally:
                for schema in schemas:
                    schema.drop()
    print(f"ratio={min(ratios):.2f}")


if __name__ == "__main__":
    main()
