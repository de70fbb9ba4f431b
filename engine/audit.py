"""Tamper-evident audit chains: pure hashing and verification, no storage.

Each event's hash covers its own fields and the previous event's hash, and each chain's
head (last seq and hash) is kept apart, so editing, deleting, inserting or reordering any
event breaks a link that `verify_chain` names.

The hash is an HMAC under a key kept outside the database (engine.keys): someone who can
write the database cannot compute a valid hash for an edited event, nor rehash a chain after
it. What a key cannot show, the newest events cut off together with the head, a signed
checkpoint of every head shows (engine.runtime.checkpoints). Chains written before keys
existed were plain SHA-256 (key None); `jiahe audit rekey` moves them to the key once.

An event's personal information (engine.personal_data) is kept apart from its other data,
under a random key of its own: the hash covers the part's HMAC (`personal_digest`), not the
part, so retention can erase the part and its key and every link still checks. While the
part is there, verifying checks it against the digest; once erased, nobody can recover it
from the digest, which is keyed by what was erased.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
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
    personal: dict[str, Any] | None = None  # None once erased (or when the event had none)
    personal_key: str | None = None
    personal_digest: str | None = None  # None: the event had no personal part

    @property
    def full_data(self) -> dict[str, Any]:
        """The event's data with its personal part put back (as far as it is not erased)."""
        from engine.personal_data import merge
        if not self.personal:
            return self.data
        if isinstance(self.data.get("data"), dict):
            return {**self.data, "data": merge(self.data["data"], self.personal)}
        return merge(self.data, self.personal)

    @property
    def erased(self) -> bool:
        return self.personal_digest is not None and self.personal is None


@dataclass(frozen=True)
class BrokenLink:
    stream: str
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event {self.seq}" if self.seq is not None else "chain head"
        return f"{self.stream}: {where}: {self.reason}"


# One encoder for every call: json.dumps with options builds a new one each time, and an
# event is encoded three or four times on its way into the chain.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def canonical_json(value: Any) -> str:
    return _CANONICAL.encode(value)


def event_hash(stream: str, seq: int, at: datetime, type_: str, actor: str, task_id: str | None,
               data: dict[str, Any], prev_hash: str, *, key: bytes | None, personal_digest: str | None = None) -> str:
    fields = [stream, seq, at.isoformat(), type_, actor, task_id, data, prev_hash]
    if personal_digest is not None:  # events without a personal part hash as they always did
        fields.append(personal_digest)
    body = canonical_json(fields).encode("utf-8")
    if key is None:  # a chain from before audit keys
        return hashlib.sha256(body).hexdigest()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def personal_digest(personal: dict[str, Any], personal_key: str) -> str:
    return hmac.new(bytes.fromhex(personal_key), canonical_json(personal).encode("utf-8"), hashlib.sha256).hexdigest()


def split_personal(data: dict[str, Any], paths: Iterable[str], *,
                   owned: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """An event's data without its personal values, and those values. Events that carry a
    form's or a case's data (task_completed, instance_started, ...) have it under "data";
    other events' fields are the data. `owned`: as personal_data.split's."""
    from engine.personal_data import split
    if isinstance(data.get("data"), dict):
        inner, personal = split(data["data"], paths, owned=owned)
        return ({**data, "data": inner} if personal else data), personal
    return split(data, paths, owned=owned)


def extend_chain(stream: str, seq: int, prev: str, at: datetime, actor: str,
                 events: Iterable[tuple[str, str | None, dict[str, Any]]], *, key: bytes,
                 personal_paths: Iterable[str] = ()) -> tuple[list[dict], int, str]:
    """Rows for `events` appended after (seq, prev); returns them with the new head. The
    values at `personal_paths` go to each event's personal part.

    Data and time are normalised first so the hash covers exactly what storage returns.
    """
    at = at.astimezone(timezone.utc)
    paths = frozenset(personal_paths)
    rows = []
    for type_, task_id, data in events:
        seq += 1
        data = json.loads(canonical_json(data or {}))  # a copy of its own: split may move values out
        data, personal = split_personal(data, paths, owned=True) if paths else (data, {})
        part_key = secrets.token_hex(32) if personal else None
        part_digest = personal_digest(personal, part_key) if personal else None
        digest = event_hash(stream, seq, at, type_, actor, task_id, data, prev, key=key, personal_digest=part_digest)
        rows.append({"stream": stream, "seq": seq, "at": at, "type": type_, "actor": actor,
                     "task_id": task_id, "data": data, "prev_hash": prev, "hash": digest,
                     "personal": personal or None, "personal_key": part_key, "personal_digest": part_digest})
        prev = digest
    return rows, seq, prev


def record_hash(record: AuditRecord, key: bytes | None) -> str:
    return event_hash(record.stream, record.seq, record.at, record.type, record.actor,
                      record.task_id, record.data, record.prev_hash, key=key, personal_digest=record.personal_digest)


def verify_chain(stream: str, records: Iterable[AuditRecord], head_seq: int | None,
                 head_hash: str | None, *, key: bytes | None) -> BrokenLink | None:
    """Return the first broken link of one stream, or None when the chain is whole.

    `records` must be in storage order (by seq); the head is the stored last link.
    """
    expected_seq, prev = 1, GENESIS
    for record in records:
        problem = _link_problem(record, expected_seq, prev, key)
        if problem:
            return BrokenLink(stream, record.seq, problem)
        expected_seq, prev = record.seq + 1, record.hash
    return _head_problem(stream, expected_seq - 1, prev, head_seq, head_hash)


def _link_problem(record: AuditRecord, expected_seq: int, prev: str, key: bytes | None) -> str | None:
    if record.seq != expected_seq:
        return f"expected event {expected_seq} here, found {record.seq} (an event was deleted or reordered)"
    if record.prev_hash != prev:
        return "prev_hash does not match the previous event (an event was deleted, inserted or reordered)"
    if not hmac.compare_digest(record_hash(record, key), record.hash):
        return "hash does not match the event's content (the event was edited, or rehashed without the audit key)"
    return _personal_problem(record)


def _personal_problem(record: AuditRecord) -> str | None:
    if record.personal is None:
        return None  # none, or erased by retention: the digest the hash covers stands for it
    if record.personal_digest is None or record.personal_key is None:
        return "personal data stored outside the hashed part of the event (it was added afterwards)"
    try:
        expected = personal_digest(record.personal, record.personal_key)
    except ValueError:
        return "the key of the event's personal data is damaged"
    if not hmac.compare_digest(expected, record.personal_digest):
        return "the event's personal data does not match its digest (it was edited)"
    return None


def _head_problem(stream, last_seq, last_hash, head_seq, head_hash) -> BrokenLink | None:
    if head_seq is None:
        return None if last_seq == 0 else BrokenLink(stream, None, "events exist but the chain head is missing")
    if head_seq != last_seq or head_hash != last_hash:
        return BrokenLink(stream, last_seq + 1 if head_seq > last_seq else head_seq,
                          f"chain head says {head_seq} events, found {last_seq} (newest events deleted or altered)")
    return None
