"""Reading and verifying the audit trail."""
from __future__ import annotations

from dataclasses import dataclass

from engine.audit import AuditRecord, BrokenLink, verify_chain
from engine.store import repository as repo


@dataclass(frozen=True)
class VerifyReport:
    streams: int
    events: int
    broken: list[BrokenLink]

    @property
    def ok(self) -> bool:
        return not self.broken


def verify_audit(store, stream: str | None = None) -> VerifyReport:
    """Check every chain (or one); report the first broken link of each broken chain."""
    with store.read() as session:
        streams = [stream] if stream else repo.audit_streams(session)
        broken, count = [], 0
        for name in streams:
            records = repo.audit_records(session, name)
            count += len(records)
            head_seq, head_hash = repo.audit_head(session, name)
            link = verify_chain(name, records, head_seq, head_hash)
            if link:
                broken.append(link)
        return VerifyReport(streams=len(streams), events=count, broken=broken)


def timeline(store, instance_id: str) -> list[AuditRecord]:
    with store.read() as session:
        return repo.audit_records(session, instance_id)
