"""Idempotency keys: a retry of a request gets the original answer; the same key with a
different request is refused, never silently taken for the first one.

A key is scoped to its kind of request and to the caller (a user, or for the public, the
receipt-less submitter: the key alone, since people behind one address are different people),
and stored hashed beside a fingerprint of what was sent."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from engine.audit import canonical_json
from engine.errors import FieldError, ValidationFailed
from engine.store import idempotency as store
from engine.store.idempotency import KeyTaken

__all__ = ["Idempotency", "IdempotencyKeyReused", "KeyTaken"]


class IdempotencyKeyReused(ValidationFailed):
    code = "idempotency_key_reused"


@dataclass(frozen=True)
class Idempotency:
    key: str
    fingerprint: str

    @classmethod
    def of(cls, scope: str, caller: str, client_key: str | None, request: object) -> Idempotency | None:
        if not client_key:
            return None
        key = hashlib.sha256(f"{scope}\x00{caller}\x00{client_key}".encode()).hexdigest()
        fingerprint = hashlib.sha256(canonical_json(request).encode("utf-8")).hexdigest()
        return cls(key, fingerprint)

    def earlier(self, session):
        """What the same key did before (None the first time); refused if it came with a
        different request."""
        found = store.recall(session, self.key)
        if found is not None and found.fingerprint != self.fingerprint:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was used for a different request; send a new key",
                [FieldError("Idempotency-Key", "already used for a different request", "unique",
                            zh="此幂等键已用于另一项不同的提交")],
                zh="此幂等键已用于另一项不同的提交，请使用新的键")
        return found

    def claim(self, session, *, instance_id: str, task_id: str | None, now) -> None:
        """Store this request with the writes of the change it makes on instance_id (and
        task_id): call it before the change saves. If the key was stored meanwhile, the change
        fails with KeyTaken and rolls back; the caller then answers as earlier() says."""
        store.claim(session, self.key, self.fingerprint, instance_id=instance_id, task_id=task_id, now=now)
