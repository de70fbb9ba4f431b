"""Notifications out to WeCom/DingTalk robots, email and webhooks, with real receivers: a local
HTTP server that answers as a robot does, and a local SMTP server (aiosmtpd). Written with the
change (outbox), sent by the worker with retries, once per endpoint however many workers run."""
from __future__ import annotations

import json
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from api import create_app
from engine.clock import ManualClock
from engine.delivery import LEASE, deliver_notifications
from engine.runtime.deployment import deploy_project
from engine.store import delivery_queries, org_repository
from engine.store.models import NotificationDelivery
from tests.api.cases_support import INTAKE, NO_RISK
from tests.conftest import PROJECT_ROOT

PUBLIC_URL = "https://jiahe.example.org"
RED = {"weapon_used": True, "threats_to_kill": True, "victim_frightened": True, "police_callouts_12m": 2,
       "complexity": "complex", "victim_safe_now": False}


class Receiver:
    """A robot webhook: records each JSON body with its Idempotency-Key; answers 500 to the
    first `failures` requests, then {"errcode": 0} as WeCom does."""

    def __init__(self):
        self.received: list[tuple[str, dict]] = []
        self.failures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if receiver.failures > 0:
                    receiver.failures -= 1
                    self.send_response(500)
                    self.end_headers()
                    return
                receiver.received.append((self.headers.get("Idempotency-Key"), body))
                answer = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def mailbox():
    from aiosmtpd.controller import Controller

    messages = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
            messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, messages
    controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Office:
    """The app with channels configured in a notify.yaml, on the `store` database."""

    def __init__(self, store, tmp_path: Path, channels: dict):
        config = tmp_path / "notify.yaml"
        config.write_text(yaml.safe_dump(channels, allow_unicode=True), encoding="utf-8")
        self.clock = ManualClock(datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc))  # 10:00 in Beijing
        self.app = create_app({"TESTING": True, "JIAHE_PROJECT_ROOT": str(PROJECT_ROOT), "START_TIMER_WORKER": False,
                               "NOTIFY_CONFIG": str(config), "PUBLIC_URL": PUBLIC_URL}, clock=self.clock, store=store)
        self.services = self.app.extensions["jiahe"]
        org_repository.import_org(self.services.store, PROJECT_ROOT / "processes" / "org" / "demo.yaml")
        self.services.charts.invalidate()
        deploy_project(self.services.runtime, PROJECT_ROOT, actor="designer")

    @property
    def runtime(self):
        return self.services.runtime

    def case(self, **screening) -> str:
        view = self.runtime.start("dispute_case", actor="clerk", org_unit="grid-a1", data={"channel": "phone", **INTAKE})
        self.complete(view.id, "screen_risk", {**NO_RISK, **screening})
        return view.id

    def complete(self, case_id: str, name: str, data: dict) -> None:
        task = self.runtime.instance(case_id).ready_task(name)
        self.runtime.complete(task.id, data, actor="clerk")

    def deliver(self):
        notifier = self.runtime.notifier
        return deliver_notifications(self.services.store, notifier.channels, self.clock, notifier.public_url)

    def deliveries(self) -> list[NotificationDelivery]:
        with self.services.store.read() as session:
            rows = session.query(NotificationDelivery).order_by(NotificationDelivery.id).all()
            session.expunge_all()
            return rows


def _wecom(name: str, url: str) -> dict:
    return {"name": name, "kind": "wecom", "url": url}


@pytest.fixture
def scrypt_low(monkeypatch):
    monkeypatch.setattr(org_repository, "SCRYPT_N", 2**8)


def test_a_task_offered_to_her_reaches_her_wecom_robot_in_its_format_without_a_party_detail(
        store, tmp_path, receiver, scrypt_low):
    office = Office(store, tmp_path, {"users": {"grid_a1": [_wecom("li-wecom", receiver.url)]}})
    case_id = office.case()
    office.complete(case_id, "accept_case", {"decision": "accept"})
    assert receiver.received == []  # nothing leaves before the worker sends it
    assert office.deliver().sent == 1
    (key, body), = receiver.received
    mediation = office.runtime.instance(case_id).ready_task("mediate")
    assert body["msgtype"] == "text"
    content = body["text"]["content"]
    assert content.startswith("新待办：网格员现场调解\n") and content.endswith(f"{PUBLIC_URL}/tasks/{mediation.id}")
    party = INTAKE["parties"][0]
    assert party["name"] not in content and party["phone"] not in content and party["address"] not in content
    assert key.startswith("jiahe-notification-")
    assert [d.state for d in office.deliveries()] == ["sent"]


def test_an_email_reaches_a_real_smtp_server_through_apprise(store, tmp_path, mailbox, scrypt_low):
    controller, messages = mailbox
    url = f"mailto://127.0.0.1:{controller.port}?from=jiahe@example.org&to=li@example.org&secure=no"
    office = Office(store, tmp_path, {"users": {"grid_a1": [{"name": "li-mail", "kind": "apprise", "url": url}]}})
    case_id = office.case()
    office.complete(case_id, "accept_case", {"decision": "accept"})
    assert office.deliver().sent == 1
    for _ in range(50):  # aiosmtpd hands the message over on its own thread
        if messages:
            break
        time.sleep(0.05)
    (mail,) = messages
    assert mail["Subject"] == "新待办：网格员现场调解" and mail["To"] == "li@example.org"
    assert "/tasks/" in mail.get_body(("plain", "html")).get_content()


def test_a_failed_attempt_is_tried_again_later_and_then_sent_once(store, tmp_path, receiver, scrypt_low):
    office = Office(store, tmp_path, {"users": {"grid_a1": [_wecom("li-wecom", receiver.url)]}})
    receiver.failures = 1
    case_id = office.case()
    office.complete(case_id, "accept_case", {"decision": "accept"})
    assert office.deliver().failed == 1
    (delivery,) = office.deliveries()
    assert (delivery.state, delivery.attempts) == ("pending", 1) and "500" in delivery.last_error
    assert office.deliver().sent == 0  # not before its back-off
    office.clock.advance(timedelta(seconds=31))
    assert office.deliver().sent == 1
    assert len(receiver.received) == 1
    assert [(d.state, d.attempts) for d in office.deliveries()] == [("sent", 2)]
    with office.services.store.read() as session:
        from engine.store.models import DeliveryAttempt

        tries = [(a.ok, "500" in (a.error or "")) for a in session.query(DeliveryAttempt).order_by(DeliveryAttempt.id)]
    assert tries == [(False, True), (True, False)]


def test_a_channel_that_is_down_does_not_hold_up_the_others(store, tmp_path, receiver, scrypt_low):
    dead = f"http://127.0.0.1:{_free_port()}/send"
    office = Office(store, tmp_path, {"users": {"grid_a1": [_wecom("dead", dead), _wecom("alive", receiver.url)]}})
    case_id = office.case()
    office.complete(case_id, "accept_case", {"decision": "accept"})
    done = office.deliver()
    assert (done.sent, done.failed) == (1, 1)
    assert {d.endpoint: d.state for d in office.deliveries()} == {"dead": "pending", "alive": "sent"}


def test_a_group_robot_gets_an_event_once_however_many_members_are_told(store, tmp_path, receiver, scrypt_low):
    # the county's supervisor and its rights officer are both told of a red case
    office = Office(store, tmp_path, {"org_units": {"county": [_wecom("county-group", receiver.url)]}})
    office.case(**RED)
    office.deliver()
    contents = [body["text"]["content"] for _, body in receiver.received]
    assert len([c for c in contents if c.startswith("红色预警")]) == 1


def test_quiet_hours_hold_ordinary_messages_but_not_red_alerts(store, tmp_path, receiver, scrypt_low):
    channels = {"quiet_hours": {"start": "09:00", "end": "18:00"},  # the office's clock says 10:00
                "users": {"grid_a1": [_wecom("li", receiver.url)], "supervisor_town": [_wecom("feng", receiver.url)]}}
    office = Office(store, tmp_path, channels)
    case_id = office.case(**RED)
    office.complete(case_id, "accept_case", {"decision": "accept"})
    office.deliver()
    firsts = [body["text"]["content"].split("\n")[0] for _, body in receiver.received]
    assert firsts and all(first.startswith("红色预警") for first in firsts)  # grid_a1's new task waits
    office.clock.set(datetime(2026, 3, 2, 10, 1, tzinfo=timezone.utc))  # 18:01 in Beijing
    office.deliver()
    assert any(body["text"]["content"].startswith("新待办") for _, body in receiver.received)


def test_two_workers_send_each_message_once(store, tmp_path, receiver, scrypt_low):
    office = Office(store, tmp_path, {"users": {"supervisor_town": [_wecom("feng", receiver.url)]}})
    for _ in range(12):
        office.case(**RED)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker():
        barrier.wait()
        try:
            for _ in range(3):
                office.deliver()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    keys = [key for key, _ in receiver.received]
    assert len(keys) == 12 and len(set(keys)) == 12


def test_a_worker_killed_mid_batch_loses_nothing(store, tmp_path, receiver, scrypt_low):
    office = Office(store, tmp_path, {"users": {"supervisor_town": [_wecom("feng", receiver.url)]}})
    for _ in range(3):
        office.case(**RED)
    now = office.clock.now()
    with office.services.store.write() as session:  # a worker claims the batch, then dies
        assert len(delivery_queries.claim(session, now, now + LEASE, 50)) == 3
    assert office.deliver().sent == 0  # held by the dead worker's lease
    office.clock.advance(LEASE + timedelta(seconds=1))
    assert office.deliver().sent == 3
    assert len(receiver.received) == 3


def test_her_own_settings_keep_a_kind_from_her_channels_and_quiet_hours_never_hold_a_red_alert(
        store, tmp_path, receiver, scrypt_low):
    from engine.notification_settings import save_settings
    from engine.store.models import Notification

    office = Office(store, tmp_path, {"users": {"grid_a1": [_wecom("li", receiver.url)],
                                                "supervisor_town": [_wecom("feng", receiver.url)]}})
    save_settings(office.services.store, "grid_a1", None, True, ["task_ready"])
    save_settings(office.services.store, "supervisor_town", {"start": "09:00", "end": "12:00"}, True, [])
    case_id = office.case(**RED)  # 10:00 in Beijing: inside the supervisor's quiet hours
    office.complete(case_id, "accept_case", {"decision": "accept"})  # offers grid_a1 the safety plan
    office.deliver()
    office.clock.set(datetime(2026, 3, 2, 4, 1, tzinfo=timezone.utc))  # 12:01
    office.deliver()
    sent = [body["text"]["content"].split("\n")[0] for _, body in receiver.received]
    assert len(sent) == 1 and sent[0].startswith("红色预警")
    with office.services.store.read() as session:
        in_app = session.query(Notification).filter_by(username="grid_a1", kind="task_ready").count()
    assert in_app == 1  # her inbox keeps what her channels were spared


def test_a_worker_process_killed_hard_mid_batch_loses_nothing_and_the_receiver_sees_each_once(
        tmp_path, key_dir, scrypt_low):
    """`jiahe worker` sending to a slow robot is killed with SIGKILL mid-batch; once its lease
    has run out another worker sends the rest. Every message arrives; the one a kill may catch
    between sending and recording arrives twice with the same Idempotency-Key, which a robot
    drops, so the receiver counts distinct keys."""
    import os
    import signal
    import subprocess
    import sys

    from tests.databases import sqlite_store

    receiver = Receiver()
    receiver_delay = 0.15
    handler = receiver.server.RequestHandlerClass
    original = handler.do_POST

    def slow_post(self):
        time.sleep(receiver_delay)
        original(self)

    handler.do_POST = slow_post
    store = sqlite_store(tmp_path / "jiahe.sqlite3")
    try:
        office = Office(store, tmp_path, {"users": {"supervisor_town": [_wecom("feng", receiver.url)]}})
        office.clock.set(datetime.now(timezone.utc))  # the worker process runs on the real clock
        for _ in range(20):
            office.case(**RED)
        queued = len(office.deliveries())
        env = {**os.environ, "DATABASE_URL": store.url, "JIAHE_KEY_DIR": str(key_dir), "PYTHONUNBUFFERED": "1",
               "JIAHE_NOTIFY_CONFIG": str(tmp_path / "notify.yaml"), "JIAHE_PUBLIC_URL": PUBLIC_URL}
        worker = subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--interval", "0.2"], cwd=PROJECT_ROOT,
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while len(receiver.received) < 5 and time.monotonic() < deadline:
                time.sleep(0.05)
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
        got_before = len({key for key, _ in receiver.received})
        assert 5 <= got_before < queued, "the kill did not land mid-batch"
        office.clock.set(datetime.now(timezone.utc) + LEASE + timedelta(seconds=1))
        while office.deliver().sent:
            pass
        keys = [key for key, _ in receiver.received]
        assert len(set(keys)) == queued
        assert len(keys) - len(set(keys)) <= 1
        assert {d.state for d in office.deliveries()} == {"sent"}
    finally:
        receiver.close()
        store.dispose()
