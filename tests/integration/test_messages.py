from __future__ import annotations

from engine.runtime.auditing import timeline
from engine.store.models import MessageOutbox
from tests.integration.conftest import ready


def test_a_message_reaches_the_instance_waiting_with_the_same_correlation_key(runtime):
    waiting_a = runtime.start("messaging_receiver", actor="c", org_unit="g", data={"case_ref": "JH-A"})
    waiting_b = runtime.start("messaging_receiver", actor="c", org_unit="g", data={"case_ref": "JH-B"})
    sender = runtime.start("messaging_sender", actor="c", org_unit="g",
                           data={"case_ref": "JH-B", "ruling": "准予保护令", "household_id": "H-1"})
    assert sender.status == "completed"
    got = runtime.instance(waiting_b.id)
    assert got.data["ruling_message"] == {"case_ref": "JH-B", "ruling": "准予保护令"}
    assert ready(got, "read_ruling")
    assert not runtime.instance(waiting_a.id).ready_task("read_ruling")
    received = [e for e in timeline(runtime.store, waiting_b.id) if e.type == "message_received"]
    assert received[0].data["source"] == sender.id


def test_a_message_start_event_starts_a_new_instance_with_the_payload(runtime):
    sender = runtime.start("messaging_sender", actor="c", org_unit="grid-9",
                           data={"case_ref": "none", "ruling": "-", "household_id": "H-42"})
    with runtime.store.read() as session:
        rows = session.query(MessageOutbox).order_by(MessageOutbox.id).all()
        risk = [r for r in rows if r.message_name == "risk_found"][0]
        assert risk.delivered_at is not None
        started_id = risk.result.removeprefix("delivered to ")
    started = runtime.instance(started_id)
    assert started.process_key == "messaging_started" and started.org_unit == "grid-9"
    assert started.data["finding"] == {"household_id": "H-42"}
    assert ready(started, "handle_finding")
    assert sender.status == "completed"


def test_an_unmatched_message_stays_in_the_outbox_until_a_receiver_waits(runtime):
    runtime.start("messaging_sender", actor="c", org_unit="g",
                  data={"case_ref": "LATE", "ruling": "驳回", "household_id": "H-2"})
    with runtime.store.read() as session:
        ruling = session.query(MessageOutbox).filter_by(message_name="court_ruling").one()
        assert ruling.delivered_at is None and ruling.result == "no receiver yet"
    late = runtime.start("messaging_receiver", actor="c", org_unit="g", data={"case_ref": "LATE"})
    assert runtime.instance(late.id).data["ruling_message"]["ruling"] == "驳回"


def test_a_message_that_cannot_be_delivered_stays_in_the_outbox_and_does_not_fail_the_sender(runtime, monkeypatch):
    from engine.runtime import messaging

    def broken(*_args, **_kwargs):
        raise RuntimeError("receiver exploded")

    monkeypatch.setattr(messaging, "_deliver", broken)
    sender = runtime.start("messaging_sender", actor="c", org_unit="g",
                           data={"case_ref": "X", "ruling": "-", "household_id": "H-9"})
    assert sender.status == "completed"
    with runtime.store.read() as session:
        rows = session.query(MessageOutbox).all()
        assert rows and all(r.delivered_at is None and r.result.startswith("delivery failed") for r in rows)
    monkeypatch.undo()
    assert runtime.deliver_messages() >= 1  # the worker's next pass delivers them


def test_an_instance_a_message_starts_records_the_instance_that_threw_it(runtime):
    sender = runtime.start("messaging_sender", actor="c", org_unit="grid-9",
                           data={"case_ref": "none", "ruling": "-", "household_id": "H-43"})
    [started] = runtime.started_from(sender.id)
    assert (started.process_key, started.status, started.org_unit) == ("messaging_started", "running", "grid-9")
    assert started.case_no and started.created_at == sender.created_at
    assert runtime.instance(started.id).origin_id == sender.id
    assert sender.origin_id is None and runtime.started_from(started.id) == []


def test_a_message_delivered_to_a_waiting_instance_does_not_make_it_a_derived_one(runtime):
    waiting = runtime.start("messaging_receiver", actor="c", org_unit="g", data={"case_ref": "JH-W"})
    sender = runtime.start("messaging_sender", actor="c", org_unit="g",
                           data={"case_ref": "JH-W", "ruling": "准予", "household_id": "H-3"})
    assert runtime.instance(waiting.id).origin_id is None
    assert [i.process_key for i in runtime.started_from(sender.id)] == ["messaging_started"]
