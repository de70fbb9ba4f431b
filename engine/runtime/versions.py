"""A process's versions as the designer's studio shows them, and rolling back to one.

Rolling back never rewrites history: the chosen version's files become a new latest version
(new cases start on it; running cases stay where they are), and the audit trail says it was
a roll back, from which version to which content, and who did it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from engine.errors import NotFound
from engine.store import repository as repo
from engine.store.models import ProcessInstance, ProcessVersion

OPEN_STATUSES = ("running", "suspended", "incident")


@dataclass(frozen=True)
class VersionFacts:
    version: int
    deployed_at: datetime
    deployed_by: str
    content_hash: str
    latest: bool
    same_as_version: int | None  # the earliest version with the same files (a roll back repeats one)
    cases: dict[str, int]  # running, suspended, incident, open, total


@dataclass(frozen=True)
class RolledBack:
    process_key: str
    version: int
    from_version: int  # the version whose files were deployed again
    replaced_version: int  # the latest version before the roll back
    created: bool  # false when the latest version already has those files


def version_facts(session, process_key: str) -> list[VersionFacts]:
    """Every version of the process, newest first, with how many cases run on it."""
    rows = list(session.scalars(select(ProcessVersion).options(defer(ProcessVersion.bundle))
                                .where(ProcessVersion.process_key == process_key)
                                .order_by(ProcessVersion.version.desc())))
    if not rows:
        raise NotFound(f"process {process_key} is not deployed", process=process_key,
                       zh=f"流程 {process_key} 未部署")
    counts = _case_counts(session, process_key)
    first_with = {}
    for row in reversed(rows):
        first_with.setdefault(row.content_hash, row.version)
    return [VersionFacts(version=row.version, deployed_at=row.deployed_at, deployed_by=row.deployed_by,
                         content_hash=row.content_hash, latest=row is rows[0],
                         same_as_version=_earlier(first_with[row.content_hash], row.version),
                         cases=_tally(counts.get(row.id, {})))
            for row in rows]


def _earlier(first: int, version: int) -> int | None:
    return first if first != version else None


def _case_counts(session, process_key: str) -> dict[int, dict[str, int]]:
    stmt = (select(ProcessInstance.version_id, ProcessInstance.status, func.count())
            .where(ProcessInstance.process_key == process_key)
            .group_by(ProcessInstance.version_id, ProcessInstance.status))
    counts: dict[int, dict[str, int]] = {}
    for version_id, status, count in session.execute(stmt):
        counts.setdefault(version_id, {})[status] = count
    return counts


def _tally(by_status: dict[str, int]) -> dict[str, int]:
    tally = {status: by_status.get(status, 0) for status in OPEN_STATUSES}
    return {**tally, "open": sum(tally.values()), "total": sum(by_status.values())}


def roll_back(runtime, process_key: str, version: int, *, actor: str) -> RolledBack:
    """Deploy version `version`'s files again as the new latest version, with its audit event,
    in one transaction. Nothing is created when the latest version has those files already."""
    with runtime.store.write() as session:
        source = repo.version_by_number(session, process_key, version)
        latest = repo.latest_version(session, process_key)
        if latest.content_hash == source.content_hash:
            return RolledBack(process_key, latest.version, version, latest.version, created=False)
        number, now = latest.version + 1, runtime.clock.now()
        session.add(ProcessVersion(process_key=process_key, version=number, name=source.name,
                                   content_hash=source.content_hash, bundle=source.bundle,
                                   deployed_at=now, deployed_by=actor))
        repo.append_audit(session, "system", at=now, type_="process_deployed", actor=actor,
                          data={"process": process_key, "version": number, "hash": source.content_hash,
                                "same_as_version": version, "rollback": True,
                                "replaced_version": latest.version},
                          postgres=runtime.store.is_postgres)
    return RolledBack(process_key, number, version, latest.version, created=True)
