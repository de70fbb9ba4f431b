"""Sending the notification outbox to outside channels, run by the worker on each pass.

A batch is claimed under a lease in one transaction, sent outside any transaction, and each
attempt recorded in a transaction of its own: a channel that is down fails only its own
deliveries (tried again with back-off), and a worker killed mid-batch loses nothing (its lease
runs out and another worker takes the batch). A message sent but not yet recorded when the
worker dies is sent again: receivers can drop the repeat by its Idempotency-Key.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from engine.outbound import Channels, Message, SendFailed, send
from engine.store import delivery_queries as q

BATCH = 50
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)


@dataclass(frozen=True)
class Sent:
    sent: int = 0
    failed: int = 0


def retry_after(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to an hour between attempts."""
    return min(LONGEST_WAIT, FIRST_RETRY * 2 ** max(0, attempts - 1))


def deliver_notifications(store, channels: Channels, clock, public_url: str, *, limit: int = BATCH) -> Sent:
    if not channels:
        return Sent()
    now = clock.now()
    with store.write() as session:
        batch = q.claim(session, now, now + LEASE, limit)
    sent = failed = 0
    for item in batch:
        error = _try(channels, item, public_url)
        with store.write() as session:
            if error is None:
                q.record_sent(session, item.id, clock.now())
                sent += 1
            else:
                retry = clock.now() + retry_after(item.attempts) if item.attempts < MAX_ATTEMPTS else None
                q.record_failure(session, item.id, error, clock.now(), retry)
                failed += 1
    return Sent(sent, failed)


def _try(channels: Channels, item: q.Claimed, public_url: str) -> str | None:
    endpoint = channels.endpoint(item.endpoint)
    if endpoint is None:
        return f"endpoint {item.endpoint} is no longer configured"
    try:
        send(endpoint, Message(item.title, item.body, public_url.rstrip("/") + item.link, item.notification_id))
    except SendFailed as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - a channel library's own failure is this attempt's failure
        return f"{type(exc).__name__}: {exc}"
    return None
