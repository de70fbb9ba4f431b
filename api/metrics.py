"""Prometheus metrics (`GET /metrics`), with the official client library.

Two kinds of figures:

- Counted by the processes: request latency per endpoint, tasks completed per process, timers
  fired. Under gunicorn each worker process writes its counts to files in
  PROMETHEUS_MULTIPROC_DIR (api/gunicorn_conf.py prepares it) and a scrape adds up every
  process's files, dead workers' included, so whichever worker answers gives the same totals.
  Without that variable (`jiahe serve`, `jiahe demo`, tests) they live in this process.
- Read from the database at scrape time: cases by status (incidents included), open and
  overdue tasks, due timers and how late the most overdue one is, the outboxes' depth. They
  are right whichever process answers, and whoever fires timers (`jiahe worker` processes on
  other hosts expose nothing of their own: their timers show here as due and late).

Labels are bounded: a request is counted under its Flask endpoint (`tasks.complete_task`),
never its path with ids, its method (one of the HTTP methods, else `other`) and its status
class (`2xx`).

/metrics answers only to `Authorization: Bearer <JIAHE_METRICS_TOKEN>` (401 otherwise); with
no token set it is off (404): a reverse proxy on the same host makes every client look local,
so "local clients only" would not keep it private.
"""
from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import datetime
from time import perf_counter

from flask import Flask, current_app, request
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from api.errors import Unauthorized
from engine.errors import NotFound
from engine.runtime import runtime as engine_runtime
from engine.store.models import HumanTask, MessageOutbox, NotificationDelivery, ProcessInstance

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4  # what every Prometheus version reads
SECURITY_SCHEME = "metricsToken"
STARTED = "jiahe.request_started"  # in the WSGI environ: cheaper to reach than flask.g
MULTIPROCESS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if MULTIPROCESS_DIR:
    if not values.ValueClass._multiprocess:
        # The library picks its storage when first imported: imported before gunicorn_conf set
        # the variable, every worker would count on its own and scrapes would disagree.
        raise RuntimeError("prometheus_client was imported before PROMETHEUS_MULTIPROC_DIR was set")
    os.makedirs(MULTIPROCESS_DIR, exist_ok=True)  # a `jiahe worker` given the variable first

disable_created_metrics()  # no *_created series (multiprocess mode has none either)

STATUSES = ("running", "suspended", "incident", "completed", "terminated")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Requests take milliseconds; exports and document generation seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REGISTRY = CollectorRegistry()  # this process's own counts, when not under gunicorn
REQUEST_SECONDS = Histogram(
    "jiahe_http_request_duration_seconds", "Time until a request's response starts, by endpoint.",
    ["endpoint", "method", "status"], buckets=BUCKETS, registry=REGISTRY)
TASKS_COMPLETED = Counter("jiahe_tasks_completed", "Human tasks completed, by process.", ["process"],
                          registry=REGISTRY)
TIMERS_FIRED = Counter("jiahe_timers_fired", "Timers fired by the web server's worker threads.", registry=REGISTRY)

_request_series: dict[tuple, object] = {}  # (endpoint, method, status class) -> histogram child


def install(app: Flask, spec) -> None:
    """Time every request, count the runtime's task completions, document the token."""
    spec.components.security_scheme(SECURITY_SCHEME, {
        "type": "http", "scheme": "bearer",
        "description": "JIAHE_METRICS_TOKEN, for the monitoring system (not a login token)"})
    app.before_request(_start_clock)
    app.after_request(_observe)


def _start_clock() -> None:
    request.environ[STARTED] = perf_counter()


def _observe(response):
    current = request._get_current_object()  # one look-up through the proxy, not three: ~2 us a request
    started = current.environ.pop(STARTED, None)
    if started is not None:
        method = current.method if current.method in METHODS else "other"  # made-up methods: one series, one key
        key = (current.endpoint, method, response.status_code // 100)
        series = _request_series.get(key)
        if series is None:
            series = _request_series.setdefault(key, REQUEST_SECONDS.labels(*_labels(*key)))
        series.observe(perf_counter() - started)
    return response


def _labels(endpoint: str | None, method: str, status_class: int) -> tuple[str, str, str]:
    return endpoint or "unrouted", method, f"{status_class}xx"


@event.listens_for(Session, "after_commit")
def _count_committed(session) -> None:
    """Completions count once their transaction has committed (the runtime notes them in it)."""
    for process_key in session.info.pop(engine_runtime.TASKS_COMPLETED, ()):
        TASKS_COMPLETED.labels(process_key).inc()


def count_timers_fired(fired: int) -> None:
    if fired:
        TIMERS_FIRED.inc(fired)


# -- the token ---------------------------------------------------------------------------------------

def require_token() -> None:
    """401 unless the request carries the metrics token; 404 while none is set."""
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        raise NotFound("metrics are off until JIAHE_METRICS_TOKEN is set", zh="未设置 JIAHE_METRICS_TOKEN，监控指标未开启")
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not _same(sent.strip(), token):
        raise Unauthorized("send Authorization: Bearer <JIAHE_METRICS_TOKEN>", zh="请提供监控令牌")


def _same(sent: str, token: str) -> bool:
    """Constant time, whatever the lengths (both are hashed first)."""
    digest = lambda text: hashlib.sha256(text.encode("utf-8", "surrogateescape")).digest()  # noqa: E731
    return hmac.compare_digest(digest(sent), digest(token))


# -- the scrape --------------------------------------------------------------------------------------

def exposition(store, clock) -> bytes:
    """The text a scrape gets: the database's figures now, and the counts of every process."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseFigures(store, clock))
    if MULTIPROCESS_DIR:
        MultiProcessCollector(registry, path=MULTIPROCESS_DIR)
    else:
        registry.register(REGISTRY)
    return generate_latest(registry)


@dataclass(frozen=True)
class Figures:
    instances: dict[str, int]
    open_tasks: int
    overdue_tasks: int
    due_timers: int
    oldest_due: datetime | None
    notifications_pending: int
    notifications_failed: int
    messages_pending: int


def read_figures(session, now: datetime) -> Figures:
    instances = dict.fromkeys(STATUSES, 0)
    instances.update(session.execute(select(ProcessInstance.status, func.count())
                                     .group_by(ProcessInstance.status)).all())
    ready = select(func.count()).select_from(HumanTask).where(HumanTask.state == "ready")
    due, oldest = session.execute(select(func.count(), func.min(ProcessInstance.next_due_at))
                                  .where(ProcessInstance.status == "running", ProcessInstance.next_due_at < now)).one()
    deliveries = dict(session.execute(select(NotificationDelivery.state, func.count())
                                      .where(NotificationDelivery.state.in_(("pending", "failed")))
                                      .group_by(NotificationDelivery.state)).all())
    return Figures(instances, session.scalar(ready), session.scalar(ready.where(HumanTask.due_at < now)), due, oldest,
                   deliveries.get("pending", 0), deliveries.get("failed", 0),
                   session.scalar(select(func.count()).select_from(MessageOutbox)
                                  .where(MessageOutbox.delivered_at.is_(None))))


class DatabaseFigures:
    """Gauges read from the database at each scrape (a custom collector)."""

    def __init__(self, store, clock):
        self.store, self.clock = store, clock

    def collect(self):
        now = self.clock.now()
        with self.store.read() as session:
            figures = read_figures(session, now)
        instances = GaugeMetricFamily("jiahe_instances", "Process instances by status.", labels=["status"])
        for status, count in figures.instances.items():
            instances.add_metric([status], count)
        yield instances
        yield GaugeMetricFamily("jiahe_open_tasks", "Ready human tasks.", value=figures.open_tasks)
        yield GaugeMetricFamily("jiahe_overdue_tasks", "Ready human tasks past their due time.",
                                value=figures.overdue_tasks)
        yield GaugeMetricFamily("jiahe_due_timers", "Instances whose timer is due but not yet fired.",
                                value=figures.due_timers)
        lag = (now - figures.oldest_due).total_seconds() if figures.oldest_due else 0.0
        yield GaugeMetricFamily("jiahe_timer_lag_seconds",
                                "How late the most overdue unfired timer is (0: none is due).", value=lag)
        outbox = GaugeMetricFamily("jiahe_outbox_pending", "Waiting in an outbox: notifications to outside "
                                   "channels, messages between cases.", labels=["outbox"])
        outbox.add_metric(["notifications"], figures.notifications_pending)
        outbox.add_metric(["messages"], figures.messages_pending)
        yield outbox
        yield GaugeMetricFamily("jiahe_notification_deliveries_failed",
                                "Notifications to outside channels given up after their last attempt.",
                                value=figures.notifications_failed)
