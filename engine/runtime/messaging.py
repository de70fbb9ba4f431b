"""Messages between instances. SpiffWorkflow leaves routing to us: a thrown message waits in
the outbox (written with the thrower's transaction), then goes to every running instance
whose waiting catch event expects the same name and correlation values, or, failing that,
starts the processes whose start event catches it; each instance started so records the
thrower as its origin (Runtime.started_from lists them). An unmatched message stays in the
outbox, visible and retried, instead of being swallowed."""
from __future__ import annotations

import logging

from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition

from engine.runtime.projections import message_correlation
from engine.store import repository as repo
from engine.store.models import MessageOutbox

log = logging.getLogger(__name__)

NO_RECEIVER = "no receiver yet"


def deliver_pending(runtime, limit: int = 1000) -> int:
    delivered, last_id = 0, 0
    for _ in range(limit):
        outcome = _deliver_next(runtime, last_id)
        if outcome is None:
            break
        last_id, ok = outcome
        delivered += ok
    return delivered


def _deliver_next(runtime, after_id: int) -> tuple[int, bool] | None:
    from sqlalchemy import select

    with runtime.store.write() as session:
        stmt = (select(MessageOutbox).where(MessageOutbox.delivered_at.is_(None), MessageOutbox.id > after_id)
                .order_by(MessageOutbox.id).limit(1))
        if runtime.store.is_postgres:
            stmt = stmt.with_for_update(skip_locked=True)
        message = session.scalars(stmt).first()
        if message is None:
            return None
        try:
            with session.begin_nested():  # a failed delivery rolls back alone; the message stays
                receivers = _deliver(runtime, session, message)
        except Exception as exc:  # noqa: BLE001 - the sender's change is committed; never fail it here
            log.exception("message %s from %s could not be delivered", message.message_name,
                          message.source_instance_id)
            message.result = f"delivery failed: {exc.__class__.__name__}: {exc}"[:2000]
            return message.id, False
        if receivers:
            message.delivered_at = runtime.clock.now()
            message.result = "delivered to " + ", ".join(receivers)
        else:
            message.result = NO_RECEIVER
        return message.id, bool(receivers)


def _deliver(runtime, session, message: MessageOutbox) -> list[str]:
    correlation = message_correlation(message.correlations)
    targets = [i for i in repo.subscribers(session, message.message_name, correlation)
               if i != message.source_instance_id]
    receivers = [i for i in targets if _send(runtime, session, i, message)]
    if not receivers:
        receivers = _start_receivers(runtime, session, message)
    return receivers


def _send(runtime, session, instance_id: str, message: MessageOutbox) -> bool:
    change = runtime.open_change(session, instance_id, f"message:{message.message_name}")
    event = BpmnEvent(MessageEventDefinition(message.message_name), message.payload, message.correlations)
    try:
        change.workflow.send_event(event)
    except Exception as exc:  # the receiver stopped waiting in between
        log.info("message %s not caught by %s: %s", message.message_name, instance_id, exc)
        return False
    change.emit("message_received", name=message.message_name, source=message.source_instance_id,
                payload=message.payload)
    change.advance()
    change.save()
    return True


def _start_receivers(runtime, session, message: MessageOutbox) -> list[str]:
    started = []
    source = session.get(repo.ProcessInstance, message.source_instance_id)
    for version in repo.latest_versions(session):
        parsed = runtime.parsed(session, version)
        if not _starts_on(parsed, message.message_name):
            continue
        payload = dict(message.payload or {})
        org_unit = payload.get("org_unit") or (source.org_unit if source else None)
        change = runtime._start_in(session, version.process_key, actor=f"message:{message.message_name}",
                                   data={}, org_unit=org_unit, business_key=None, title="", version=None,
                                   validate=False, start_message=message.message_name,
                                   origin_instance_id=source.id if source is not None else None)
        event = BpmnEvent(MessageEventDefinition(message.message_name), payload, message.correlations)
        change.workflow.send_event(event)
        change.emit("message_received", name=message.message_name, source=message.source_instance_id,
                    payload=payload)
        change.advance()
        change.save()
        started.append(change.row.id)
    return started


def _starts_on(parsed, message_name: str) -> bool:
    for spec in parsed.spec.task_specs.values():
        definition = getattr(spec, "event_definition", None)
        if type(spec).__name__ == "StartEvent" and getattr(definition, "name", None) == message_name \
                and "Message" in type(definition).__name__:
            return True
    return False
