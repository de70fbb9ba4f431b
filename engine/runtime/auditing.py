"""Reading and verifying the audit trail: every chain under the audit key, cases whose whole
history is gone, and, against a signed checkpoint, chains cut short, rewritten or erased
since it was taken."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from engine.audit import GENESIS, AuditRecord, BrokenLink, record_hash, verify_chain
from engine.errors import NotFound
from engine.store import audit_store
from engine.store import repository as repo


@dataclass(frozen=True)
class VerifyReport:
    streams: int
    events: int
    broken: list[BrokenLink]
    checkpoint_heads: int | None = None  # how many chain heads a checkpoint vouched for

    @property
    def ok(self) -> bool:
        return not self.broken


@dataclass(frozen=True)
class RekeyReport:
    rekeyed: list[str] = field(default_factory=list)
    broken: list[BrokenLink] = field(default_factory=list)


def verify_audit(store, case: str | None = None, checkpoint=None) -> VerifyReport:
    """Check every chain (or one case's, by id or case number); report the first broken link
    of each broken chain, every case without events, and what differs from `checkpoint`
    (engine.runtime.checkpoints.Checkpoint)."""
    with store.read() as session:
        only = _case_stream(session, case) if case else None
        streams = [only] if only else repo.audit_streams(session)
        broken, count = [], 0
        for name in streams:
            records = repo.audit_records(session, name)
            count += len(records)
            link = verify_chain(name, records, *repo.audit_head(session, name), key=store.audit_key)
            if link:
                broken.append(link)
        named = {link.stream for link in broken}
        for instance_id, case_no in audit_store.instances_without_events(session, only):
            if instance_id not in named:
                broken.append(BrokenLink(instance_id, None, f"case {case_no or instance_id} has no audit events "
                                                            "(its history was erased)"))
        heads = None
        if checkpoint is not None:
            found = checkpoint.problems(session, only)
            broken += [link for link in found if link.stream not in named]
            heads = len(checkpoint.heads) if only is None else int(only in checkpoint.heads)
        return VerifyReport(streams=len(streams), events=count, broken=broken, checkpoint_heads=heads)


def _case_stream(session, case: str) -> str:
    stream = audit_store.instance_id_of(session, case)
    if stream is None:
        raise NotFound(f"there is no case {case} (give its id or its case number, JH-...)",
                       zh=f"没有案件 {case}（请给出案件编号 JH-… 或案件 ID）", case=case)
    return stream


def rekey_legacy(store) -> RekeyReport:
    """Move chains written before audit keys (plain SHA-256) to the audit key, after checking
    each is intact as it stands; chains already keyed are left alone, broken ones reported
    and left as they are."""
    report = RekeyReport()
    with store.write() as session:
        for stream in repo.audit_streams(session):
            records = repo.audit_records(session, stream)
            head = repo.audit_head(session, stream)
            if verify_chain(stream, records, *head, key=store.audit_key) is None:
                continue
            broken = verify_chain(stream, records, *head, key=None)
            if broken is not None:
                report.broken.append(broken)
                continue
            _rehash(session, stream, records, store.audit_key)
            report.rekeyed.append(stream)
    return report


def _rehash(session, stream: str, records: list[AuditRecord], key: bytes) -> None:
    prev = GENESIS
    for event_id, record in zip(audit_store.event_ids(session, stream), records, strict=True):
        digest = record_hash(replace(record, prev_hash=prev), key)
        audit_store.rewrite_event(session, event_id, prev, digest)
        prev = digest
    audit_store.set_head(session, stream, records[-1].seq if records else 0, prev)


def timeline(store, instance_id: str) -> list[AuditRecord]:
    with store.read() as session:
        return repo.audit_records(session, instance_id)
