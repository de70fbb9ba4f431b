"""Retention (保管期限): when a case's period ends, its personal information is anonymised
(个人信息保护法 Art. 19, 47) and its statistics stay true.

Each case carries the day its personal information may be kept until (`retain_until`: from
its data's `retention_until`, else the catalog's `retention_years` after it ended). The
worker's pass, or `jiahe retention run`, anonymises every finished case past that day that
no legal hold (诉讼保全/证据保全) keeps, one case per transaction:

- its data, in the workflow and every task's copy, and its delivered messages: the values the
  forms call personal (engine.personal_data: names, contacts, addresses, narratives) become
  "（已匿名化）"; choices, dates, numbers and outcomes stay, so every count is the same;
- its audit events lose their personal parts, whose digests stay in the chain: `jiahe audit
  verify` still finds it whole. Events from before personal parts existed are split first
  and the chain rehashed under the audit key from the first of them (checkpoints taken
  earlier then name the chain as rewritten: take a new one after);
- the summary on the case row, comments and drafts; documents and scans are deleted from the
  file store (rows and hashes stay), once the transaction has committed;
- a `case_anonymised` event says how much was erased, and the retention report lists it.
"""
from __future__ import annotations

import gzip
import json
import logging
import secrets
import zlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from engine.access import SUPERVISION_ROLES, Principal
from engine.audit import GENESIS, personal_digest, record_hash, split_personal, verify_chain
from engine.calendar import CHINA_TZ
from engine.cases import require_reason
from engine.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from engine.personal_data import ERASED, anonymised
from engine.runtime.codec import CASE_DATA_KEY, GZIP_WBITS
from engine.runtime.facts import add_years, iso_date
from engine.store import repository as repo
from engine.store import retention_queries as queries
from engine.store.files import FileStore
from engine.store.models import LegalHold, ProcessInstance

log = logging.getLogger(__name__)

ACTOR = "retention"
BATCH = 50


@dataclass(frozen=True)
class Anonymised:
    instance_id: str
    case_no: str | None
    values: int  # personal values replaced in the case's data
    events: int  # audit events whose personal part was erased
    documents: int  # documents and scans deleted from the file store
    rehashed_from: int | None = None  # the first legacy event split (its chain was rehashed)


@dataclass
class RetentionRun:
    today: str
    anonymised: list[Anonymised] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # held or changed since they were found


@dataclass(frozen=True)
class Hold:
    id: int
    reason: str
    placed_by: str
    placed_at: datetime
    released_by: str | None
    released_at: datetime | None
    release_reason: str | None

    @classmethod
    def of(cls, row: LegalHold) -> Hold:
        return cls(row.id, row.reason, row.placed_by, row.placed_at, row.released_by, row.released_at,
                   row.release_reason)


@dataclass(frozen=True)
class CaseRetention:
    retain_until: str | None
    anonymised_at: datetime | None
    due: bool  # its period has ended and no hold keeps it: the next pass anonymises it
    held: bool
    holds: list[Hold]
    may_hold: bool = False  # she supervises the case: places and releases holds
    may_export: bool = False  # she may export its evidence package (filled by the caller)


def today_in_china(now: datetime) -> str:
    return now.astimezone(CHINA_TZ).date().isoformat()


class Retention:
    """Anonymising cases at the end of their period; legal holds; what was anonymised when."""

    def __init__(self, runtime, files: FileStore | None = None):
        self.runtime, self.store, self.clock = runtime, runtime.store, runtime.clock
        self.files = files or FileStore()

    # -- the job ----------------------------------------------------------------------------------
    def run(self, *, actor: str = ACTOR, limit: int = BATCH) -> RetentionRun:
        """Anonymise the cases due now (at most `limit`), each in its own transaction."""
        today = today_in_china(self.clock.now())
        self._give_periods(limit)
        with self.store.read() as session:
            due = queries.due_cases(session, today, limit)
        run = RetentionRun(today)
        for instance_id in due:
            done = self.anonymise(instance_id, actor=actor, today=today)
            (run.anonymised.append(done) if done else run.skipped.append(instance_id))
        return run

    def _give_periods(self, limit: int) -> None:
        """Finished cases without a 保管期限 on their row (they ended before it was kept there)
        take the one their data set, else their process's period as deployed now. Read first:
        on most passes there are none, and the worker need not take the write lock for that."""
        with self.store.read() as session:
            found = queries.finished_without_period(session, limit)
        periods = {instance_id: self._period(process_key, ended_at, blob)
                   for instance_id, process_key, ended_at, blob in found}
        if not any(periods.values()):
            return
        with self.store.write() as session:
            for instance_id, until in periods.items():
                if until:
                    queries.set_period(session, instance_id, until)

    def _period(self, process_key: str, ended_at: datetime, blob: bytes) -> str | None:
        until = iso_date(_case_data(blob).get("retention_until"))
        if until is None and (years := self._years(process_key)):
            until = add_years(ended_at.date(), years).isoformat()
        return until

    def _years(self, process_key: str) -> int | None:
        try:
            entry = self.runtime.parsed_latest(process_key).lanes
        except NotFound:
            return None
        return entry.retention_years if entry else None

    def anonymise(self, instance_id: str, *, actor: str = ACTOR, today: str | None = None) -> Anonymised | None:
        """Anonymise one case if it is still due (None when it is not: held, running, done)."""
        now = self.clock.now()
        today = today or today_in_china(now)
        with self.store.write() as session:
            row = repo.instance_for_update(session, instance_id, self.store.is_postgres)
            if not _is_due(row, today, queries.held(session, instance_id)):
                return None
            paths = self.runtime.parsed_by_id(session, row.version_id).personal_paths
            row.serialized, values = _anonymised_workflow(row.serialized, paths)
            for message in queries.outbox_of(session, instance_id):
                message.payload, _ = anonymised(message.payload or {}, paths)
            if row.summary:
                row.summary = ERASED
            queries.delete_drafts(session, queries.task_ids(session, instance_id))
            queries.erase_comments(session, instance_id, ERASED)
            rehashed_from = _split_legacy_events(session, row, paths)
            events = queries.erase_event_personal_parts(session, instance_id)
            documents = queries.documents_to_erase(session, instance_id)
            for document in documents:
                document.erased_at = now
            digests = {d.sha256 for d in documents}
            row.anonymised_at = now
            done = Anonymised(instance_id, row.case_no, values, events, len(documents), rehashed_from)
            repo.append_instance_audit(session, row, at=now, actor=actor, events=[("case_anonymised", None, {
                "retain_until": row.retain_until, "values": values, "events": events,
                "documents": len(documents), **({"rehashed_from": rehashed_from} if rehashed_from else {})})])
        self._delete_files(digests)
        return done

    def _delete_files(self, digests: set[str]) -> None:
        # After the commit: a rollback must not leave a live row without its bytes.
        with self.store.read() as session:
            keep = queries.still_used(session, digests)
        for digest in sorted(digests - keep):
            self.files.delete(digest)

    # -- legal holds ------------------------------------------------------------------------------
    def retention_of(self, who: Principal, case_id: str, cases) -> CaseRetention:
        facts = cases.visible(who, case_id)  # 404 unless she sees the case
        may_hold = cases.supervises(who, facts)
        today = today_in_china(self.clock.now())
        with self.store.read() as session:
            row = session.get(ProcessInstance, case_id)
            holds = [Hold.of(h) for h in queries.holds_of(session, case_id)]
            held = any(h.released_at is None for h in holds)
            return CaseRetention(row.retain_until, row.anonymised_at, _is_due(row, today, held), held, holds,
                                 may_hold)

    def place_hold(self, who: Principal, case_id: str, reason: str, cases) -> Hold:
        require_reason(reason)
        cases.supervised(who, case_id)
        now = self.clock.now()
        with self.store.write() as session:
            row = repo.instance_for_update(session, case_id, self.store.is_postgres)
            if row.anonymised_at is not None:
                raise Conflict("the case was anonymised already: there is nothing left to hold",
                               zh="该案件已匿名化，无可保全的个人信息")
            hold = LegalHold(instance_id=case_id, reason=reason.strip(), placed_by=who.username, placed_at=now)
            session.add(hold)
            session.flush()
            repo.append_instance_audit(session, row, at=now, actor=who.username,
                                       events=[("legal_hold_placed", None, {"hold_id": hold.id, "reason": hold.reason})])
            return Hold.of(hold)

    def release_hold(self, who: Principal, case_id: str, hold_id: int, reason: str, cases) -> Hold:
        require_reason(reason)
        cases.supervised(who, case_id)
        now = self.clock.now()
        with self.store.write() as session:
            row = repo.instance_for_update(session, case_id, self.store.is_postgres)
            hold = queries.hold(session, case_id, hold_id)
            if hold is None:
                raise NotFound(f"case {case_id} has no legal hold {hold_id}", zh=f"该案件没有编号为 {hold_id} 的保全")
            if hold.released_at is not None:
                raise Conflict("this legal hold was released already", zh="该保全已经解除")
            hold.released_by, hold.released_at, hold.release_reason = who.username, now, reason.strip()
            repo.append_instance_audit(session, row, at=now, actor=who.username,
                                       events=[("legal_hold_released", None, {"hold_id": hold.id,
                                                                              "reason": hold.release_reason})])
            return Hold.of(hold)


def _is_due(row, today: str, held: bool) -> bool:
    """Finished, its 保管期限 over by `today`, not anonymised yet and under no hold (the
    query queries.due_cases asks the same of every case)."""
    return (row.anonymised_at is None and row.status in queries.FINISHED and bool(row.retain_until)
            and row.retain_until <= today and not held)


# -- the case's data ------------------------------------------------------------------------------
def _anonymised_workflow(blob: bytes, paths) -> tuple[bytes, int]:
    """The serialized workflow with every personal value replaced wherever data is kept: the
    workflow's, each task's and each subprocess's data, and the case data Jiahe keeps."""
    tree = _workflow_tree(blob)
    count = _anonymise_tree(tree, paths)
    text = json.dumps(tree, separators=(",", ":"), ensure_ascii=False)
    return gzip.compress(text.encode("utf-8"), compresslevel=1), count


def _workflow_tree(blob: bytes) -> dict:
    """A serialized workflow as plain JSON (engine.runtime.codec writes one gzip member)."""
    return json.loads(zlib.decompress(blob, wbits=GZIP_WBITS))


def _case_data(blob: bytes) -> dict:
    tree = _workflow_tree(blob)
    data = tree.get(CASE_DATA_KEY) or tree.get("data")
    return data if isinstance(data, dict) else {}


def _anonymise_tree(node: Any, paths) -> int:
    count = 0
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key in ("data", CASE_DATA_KEY) and isinstance(value, dict):
                node[key], replaced = anonymised(value, paths)
                count += replaced
            count += _anonymise_tree(node[key], paths)
    elif isinstance(node, list):
        count += sum(_anonymise_tree(item, paths) for item in node)
    return count


# -- audit events written before personal parts ----------------------------------------------------
def _split_legacy_events(session, row, paths) -> int | None:
    """Move personal values out of the data of events that predate personal parts, rehashing
    the chain from the first one moved; the seq of that event, or None when none had any.
    A chain that does not verify as it stands is left alone (and stays reported broken)."""
    events = queries.events_of(session, row.id)
    first = next((e.seq for e in events if e.personal_digest is None and split_personal(e.data or {}, paths)[1]),
                 None)
    if first is None:
        return None
    key = repo.audit_key(session)
    records = [repo.audit_record(e) for e in events]
    if verify_chain(row.id, records, row.audit_seq or None, row.audit_hash or None, key=key) is not None:
        log.warning("case %s: audit chain broken; its older events keep their personal data", row.case_no or row.id)
        return None
    prev = GENESIS
    for event, record in zip(events, records, strict=True):
        if event.seq >= first:
            if event.personal_digest is None:
                kept, personal = split_personal(event.data or {}, paths)
                if personal:  # its personal part is erased as it is made: only the digest is kept
                    event.data, event.personal_digest = kept, personal_digest(personal, secrets.token_hex(32))
                    record = replace(record, data=kept, personal_digest=event.personal_digest)
            event.prev_hash = prev
            event.hash = record_hash(replace(record, prev_hash=prev), key)
        prev = event.hash
    row.audit_hash = prev
    return first


# -- the report -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnonymisedCase:
    id: str
    case_no: str | None
    process_key: str
    org_unit: str | None
    ended_at: datetime | None
    retain_until: str | None
    anonymised_at: datetime
    values: int
    events: int
    documents: int


@dataclass(frozen=True)
class ComingDue:
    id: str
    case_no: str | None
    process_key: str
    org_unit: str | None
    status: str
    retain_until: str
    held: bool


@dataclass(frozen=True)
class RetentionReport:
    start: date
    end: date  # exclusive
    anonymised: list[AnonymisedCase]
    coming_due: list[ComingDue]  # periods ending within COMING_DAYS of today, not anonymised yet


COMING_DAYS = 90
COMING_LIMIT = 500


def supervised_units(who: Principal, chart) -> frozenset[str]:
    """The units whose retention report she may read: those she supervises, and below."""
    if not who.has_any_role(SUPERVISION_ROLES):
        raise Forbidden("the retention report is for supervisors", zh="保管期限报表仅限督办人员查看")
    return frozenset().union(*(who.visible_units(chart, role) for role in who.roles & SUPERVISION_ROLES))


def retention_report(retention: Retention, units: frozenset[str] | None, start: date | None, end: date | None
                     ) -> RetentionReport:
    """What was anonymised in [start, end) (default: the last year) and what comes due in the
    next COMING_DAYS days, in `units` (None: everywhere, for the command line)."""
    today = retention.clock.now().astimezone(CHINA_TZ).date()
    end = end or today + timedelta(days=1)
    start = start or end - timedelta(days=365)
    if start >= end:
        raise ValidationFailed("the period is empty: `from` must come before `to`",
                               [FieldError("from", "must be before to", "range", zh="起始日期须早于截止日期")],
                               zh="统计区间为空：起始日期须早于截止日期")
    window = [datetime.combine(day, datetime.min.time(), CHINA_TZ) for day in (start, end)]
    until = (today + timedelta(days=COMING_DAYS)).isoformat()
    with retention.store.read() as session:
        done = [AnonymisedCase(row.id, row.case_no, row.process_key, row.org_unit, row.ended_at, row.retain_until,
                               row.anonymised_at, int(data.get("values", 0)), int(data.get("events", 0)),
                               int(data.get("documents", 0)))
                for row, data in queries.anonymised_between(session, *window, units)]
        coming = queries.coming_due(session, until, units, COMING_LIMIT)
        held = queries.active_hold_ids(session, [row.id for row in coming])
        due = [ComingDue(row.id, row.case_no, row.process_key, row.org_unit, row.status, row.retain_until,
                         row.id in held) for row in coming]
    return RetentionReport(start, end, done, due)
