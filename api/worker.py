"""Timer and message workers: the daemon thread inside the server for the embedded setup
(one office on SQLite: `jiahe demo` needs no second process), and the loop of `jiahe worker`
processes for a region. Both may run at once: a due timer is claimed in the database and
fires once whoever claims it.

A pass fires up to TIMERS_PER_PASS timers; one that stopped there, with timers perhaps still
due, is followed at once by the next, otherwise the worker waits its interval. A pass that
fails (the database restarting, say) is logged and tried again after a back-off that doubles
up to a minute; only a signal stops a worker, after the pass it is in.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from flask import Flask

from api import metrics
from engine.delivery import deliver_notifications
from engine.reminders import send_deadline_reminders
from engine.retention import Retention

log = logging.getLogger(__name__)

EXTENSION = "jiahe_timer_worker"
DEFAULT_INTERVAL = 5.0  # seconds; timers in the processes count in hours and days
MAX_BACKOFF = 60.0
TIMERS_PER_PASS = 1000


@dataclass
class WorkerThread:
    thread: threading.Thread
    stopping: threading.Event


@dataclass(frozen=True)
class Pass:
    fired: int
    delivered: int
    failed: bool
    more: bool = False  # stopped at TIMERS_PER_PASS: timers may still be due, the next pass starts at once


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
    thread = threading.Thread(target=run_until_stopped, args=(runtime, interval, stopping), name="jiahe-timer-worker",
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


def run_until_stopped(runtime, interval: float, stopping: threading.Event, *, actor: str = "worker",
                      report=None) -> None:
    """Passes every `interval` seconds (at once after a pass that left timers due) until
    `stopping` is set; `report(pass)` after each."""
    log.info("timer worker started (every %.1f s)", interval)
    failures = 0
    # First pass at once: timers that fell due while the server was down fire on start.
    while not stopping.is_set():
        done = one_pass(runtime, actor)
        failures = failures + 1 if done.failed else 0
        if report is not None:
            report(done)
        if not done.more:
            stopping.wait(backoff(interval, failures))
    log.info("timer worker stopped")


def backoff(interval: float, failures: int) -> float:
    return interval if failures == 0 else min(MAX_BACKOFF, max(interval, 1.0) * 2 ** (failures - 1))


def run_pass(runtime, actor: str = "worker") -> tuple[int, int]:
    done = one_pass(runtime, actor)
    return done.fired, done.delivered


def one_pass(runtime, actor: str = "worker") -> Pass:
    """Fire due timers, deliver pending messages, then write the deadline reminders now due,
    send notifications out and anonymise cases past their 保管期限.
    Each part is guarded on its own, so a broken timer neither stops the others nor the worker."""
    fired = _guarded("firing due timers", lambda: runtime.fire_due_timers(actor=actor, limit=TIMERS_PER_PASS))
    delivered = _guarded("delivering messages", runtime.deliver_messages)
    # Deadline reminders fail on their own: a broken one holds up neither timers nor messages.
    _guarded("sending deadline reminders", lambda: send_deadline_reminders(runtime))
    _guarded("delivering notifications to outside channels", lambda: _deliver_outside(runtime))
    _guarded("anonymising cases past their retention period", lambda: _anonymise_due(runtime))
    metrics.count_timers_fired(fired or 0)
    if fired or delivered:
        log.info("timer worker: fired %d timer(s), delivered %d message(s)", fired or 0, delivered or 0)
    failed = fired is None or delivered is None
    return Pass(fired or 0, delivered or 0, failed, more=not failed and fired >= TIMERS_PER_PASS)


def _deliver_outside(runtime) -> int:
    notifier = runtime.notifier
    if notifier is None:
        return 0
    done = deliver_notifications(runtime.store, notifier.channels, runtime.clock, notifier.public_url)
    if done.failed:
        log.warning("notifications: %d sent, %d failed (tried again later)", done.sent, done.failed)
    return done.sent


def _anonymise_due(runtime) -> int:
    done = Retention(runtime).run()
    if done.anonymised:
        log.info("retention: anonymised %d case(s) past their 保管期限", len(done.anonymised))
    return len(done.anonymised)


def _guarded(what: str, work) -> int | None:
    try:
        return work()
    except Exception:  # any failure: log it and try again after a back-off
        log.exception("timer worker: %s failed; trying again", what)
        return None
