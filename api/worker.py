"""The timer and message worker that runs inside the server, for the embedded setup (one
office on SQLite): a daemon thread per app, so `jiahe demo` needs no second process.

A region runs `jiahe worker` processes instead; both kinds may run at once, because a due
timer is claimed in the database and fires once whoever claims it.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from flask import Flask

log = logging.getLogger(__name__)

EXTENSION = "jiahe_timer_worker"
DEFAULT_INTERVAL = 5.0  # seconds; timers in the processes count in hours and days


@dataclass
class WorkerThread:
    thread: threading.Thread
    stopping: threading.Event


def start_worker_thread(app: Flask) -> threading.Thread:
    """Start the app's worker thread (once; a second call returns the running one)."""
    running = app.extensions.get(EXTENSION)
    if running is not None and running.thread.is_alive():
        return running.thread
    runtime = app.extensions["jiahe"].runtime
    interval = worker_interval(app.config)
    stopping = threading.Event()
    # A daemon thread: the server's exit ends it, whatever pass it is in; the pass's
    # transaction then simply never commits.
    thread = threading.Thread(target=_loop, args=(runtime, interval, stopping), name="jiahe-timer-worker",
                              daemon=True)
    app.extensions[EXTENSION] = WorkerThread(thread, stopping)
    thread.start()
    return thread


def worker_interval(config) -> float:
    """Seconds between passes: config TIMER_WORKER_INTERVAL, else the default."""
    return float(config.get("TIMER_WORKER_INTERVAL") or DEFAULT_INTERVAL)


def stop_worker_thread(app: Flask, timeout: float = 30.0) -> bool:
    """Ask the worker to stop after its current pass; True once it has stopped."""
    running = app.extensions.pop(EXTENSION, None)
    if running is None:
        return True
    running.stopping.set()
    running.thread.join(timeout)
    return not running.thread.is_alive()


def _loop(runtime, interval: float, stopping: threading.Event) -> None:
    log.info("timer worker started (every %.1f s)", interval)
    # First pass at once: timers that fell due while the server was down fire on start.
    while not stopping.is_set():
        run_pass(runtime)
        stopping.wait(interval)
    log.info("timer worker stopped")


def run_pass(runtime) -> tuple[int, int]:
    """One pass: fire due timers, then deliver pending messages. Each half is guarded on its
    own, so a broken timer neither stops message delivery nor kills the thread."""
    fired = _guarded("firing due timers", lambda: runtime.fire_due_timers(actor="worker"))
    delivered = _guarded("delivering messages", runtime.deliver_messages)
    if fired or delivered:
        log.info("timer worker: fired %d timer(s), delivered %d message(s)", fired, delivered)
    return fired, delivered


def _guarded(what: str, work) -> int:
    try:
        return work()
    except Exception:  # any failure: log it and try again next pass
        log.exception("timer worker: %s failed; retrying in the next pass", what)
        return 0
