"""Tamper-evident audit chains: pure hashing and verification, no storage.

Each event's hash covers its own fields and the previous event's hash, and each chain's
head (last seq and hash) is kept apart, so editing, deleting, inserting or reordering any
event breaks a link that `verify_chain` names.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditRecord:
    stream: str
    seq: int
    at: datetime
    type: str
    actor: str
    task_id: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class BrokenLink:
    stream: str
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event {self.seq}" if self.seq is not None else "chain head"
        return f"{self.stream}: {where}: {self.reason}"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def event_hash(stream: str, seq: int, at: datetime, type_: str, actor: str, task_id: str | None,
               data: dict[str, Any], prev_hash: str) -> str:
    body = canonical_json([stream, seq, at.isoformat(), type_, actor, task_id, data, prev_hash])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def extend_chain(stream: str, seq: int, prev: str, at: datetime, actor: str,
                 events: Iterable[tuple[str, str | None, dict[str, Any]]]) -> tuple[list[dict], int, str]:
    """Rows for `events` appended after (seq, prev); returns them with the new head.

    Data and time are normalised first so the hash covers exactly what storage returns.
    """
    at = at.astimezone(timezone.utc)
    rows = []
    for type_, task_id, data in events:
        seq += 1
        data = json.loads(canonical_json(data or {}))
        digest = event_hash(stream, seq, at, type_, actor, task_id, data, prev)
        rows.append({"stream": stream, "seq": seq, "at": at, "type": type_, "actor": actor,
                     "task_id": task_id, "data": data, "prev_hash": prev, "hash": digest})
        prev = digest
    return rows, seq, prev


def record_hash(record: AuditRecord) -> str:
    return event_hash(record.stream, record.seq, record.at, record.type, record.actor,
                      record.task_id, record.data, record.prev_hash)


def verify_chain(stream: str, records: Iterable[AuditRecord], head_seq: int | None,
                 head_hash: str | None) -> BrokenLink | None:
    """Return the first broken link of one stream, or None when the chain is whole.

    `records` must be in storage order (by seq); the head is the stored last link.
    """
    expected_seq, prev = 1, GENESIS
    for record in records:
        problem = _link_problem(record, expected_seq, prev)
        if problem:
            return BrokenLink(stream, record.seq, problem)
        expected_seq, prev = record.seq + 1, record.hash
    return _head_problem(stream, expected_seq - 1, prev, head_seq, head_hash)


def _link_problem(record: AuditRecord, expected_seq: int, prev: str) -> str | None:
    if record.seq != expected_seq:
        return f"expected event {expected_seq} here, found {record.seq} (an event was deleted or reordered)"
    if record.prev_hash != prev:
        return "prev_hash does not match the previous event (an event was deleted, inserted or reordered)"
    if record_hash(record) != record.hash:
        return "hash does not match the event's content (the event was edited)"
    return None


def _head_problem(stream, last_seq, last_hash, head_seq, head_hash) -> BrokenLink | None:
    if head_seq is None:
        return None if last_seq == 0 else BrokenLink(stream, None, "events exist but the chain head is missing")
    if head_seq != last_seq or head_hash != last_hash:
        return BrokenLink(stream, last_seq + 1 if head_seq > last_seq else head_seq,
                          f"chain head says {head_seq} events, found {last_seq} (newest events deleted or altered)")
    return None
