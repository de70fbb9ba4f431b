"""Evidence packages (证据包): one case's record, exported as a ZIP a court can check without
Jiahe (DOMAIN.md: intake records can support a protection order, SPC 2022 rules Art. 6, so
they must be timestamped, tamper-evident and exportable).

The audit chain's own hashes are HMACs under the server's secret key, which nobody outside
can recompute. So the package carries evidence of its own: every event with a SHA-256 of its
content and a running SHA-256 chain over them, the SHA-256 of every file in a manifest signed
with the checkpoint key (Ed25519), the latest signed checkpoint that vouches for the case's
chain, and a verifier (engine/evidence_verify.py, standard library only) copied byte for byte.
Entries are stored uncompressed, so one changed byte of the .zip is one changed byte of an
entry, which the verifier names.

Who may export: those who supervise the case's unit, and those who hold or held one of its
tasks; the case is unmasked (it goes to the court), so every export is an `evidence_exported`
event on the case's chain and an entry of its access log.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine import evidence_verify, keys
from engine.access import SUPERVISION_ROLES, Principal
from engine.audit import GENESIS, AuditRecord
from engine.calendar import CHINA_TZ
from engine.cases import CaseService, record_clear_read
from engine.errors import Forbidden, NotFound
from engine.evidence_readme import ReadmeFacts, readme
from engine.privacy import masked
from engine.runtime import checkpoints
from engine.runtime.auditing import verify_audit
from engine.store import audit_store, evidence_queries
from engine.store import documents as document_rows
from engine.store import repository as repo
from engine.store.files import FileMissing, FileStore

VERIFIER = Path(evidence_verify.__file__)
EVENT_FIELDS = ("stream", "seq", "at", "type", "actor", "task_id", "data", "personal", "personal_key",
                "personal_digest", "prev_hash", "hash")


@dataclass(frozen=True)
class EvidencePackage:
    case_id: str
    case_no: str | None
    filename: str
    content: bytes
    sha256: str
    events: int
    chain: str
    exported_at: datetime


@dataclass(frozen=True)
class _Gathered:
    """What goes into one package, read at one moment."""

    facts: dict
    data: dict
    records: list[AuditRecord]
    documents: list
    checkpoint: tuple[Path, checkpoints.Checkpoint] | None
    verification: dict


class EvidenceDesk(CaseService):
    def __init__(self, runtime, chart, files: FileStore, checkpoint_dir: Path | None = None):
        super().__init__(runtime, chart)
        self.files, self.checkpoint_dir = files, checkpoint_dir

    def export(self, who: Principal, case_id: str) -> EvidencePackage:
        """The package of a case she supervises or handled (404 outside her jurisdiction, 403
        when she sees the case but has no part in it)."""
        if not self.may_export(who, case_id):
            raise Forbidden("only those who supervise the case's unit, or hold or held one of its tasks, "
                            "may export its evidence package",
                            zh="只有督办本案所属单位的人员，或办理过本案任务的人员，才能导出证据包")
        return self._export(case_id, who.username, who.display_name)

    def may_export(self, who: Principal, case_id: str) -> bool:
        """She supervises the case's unit or holds or held one of its tasks (NotFound if she
        does not see the case)."""
        facts = self._visible_case(who, case_id)
        return self._sees(who, facts.org_unit, SUPERVISION_ROLES) or self._handled(who, facts.id)

    def export_by_operator(self, case: str, actor: str) -> EvidencePackage:
        """The command line's export (the operator holds the database): a case by id or number."""
        with self.store.read() as session:
            case_id = audit_store.instance_id_of(session, case)
        if case_id is None:
            raise NotFound(f"there is no case {case} (give its id or its case number, JH-...)",
                           zh=f"没有案件 {case}（请给出案件编号 JH-… 或案件 ID）", case=case)
        return self._export(case_id, actor, None)

    def _handled(self, who: Principal, case_id: str) -> bool:
        with self.store.read() as session:
            return evidence_queries.handled_by(session, case_id, who.username)

    def _export(self, case_id: str, actor: str, actor_name: str | None) -> EvidencePackage:
        now = self.clock.now()
        gathered = self._gather(case_id, now)
        exported_by = {"username": actor, "display_name": actor_name}
        package = _package(gathered, now, exported_by, keys.checkpoint_signing_key())
        head = gathered.records[-1] if gathered.records else None
        at = self.append_event(case_id, actor, "evidence_exported", sha256=package.sha256,
                               size=len(package.content), events=package.events, chain=package.chain,
                               head_seq=head.seq if head else 0, head_hash=head.hash if head else GENESIS,
                               checkpoint=gathered.checkpoint[1].created_at if gathered.checkpoint else None)
        _, fields = masked(gathered.data, self._sensitive_paths(gathered.facts["version_id"]))
        record_clear_read(self.store, at, actor, case_id, "evidence", fields)
        return package

    def _gather(self, case_id: str, now: datetime) -> _Gathered:
        with self.store.read() as session:
            facts = evidence_queries.case_facts(session, case_id)
            records = repo.audit_records(session, case_id)
            documents = sorted(document_rows.documents_of(session, case_id), key=lambda d: (d.created_at, d.id))
        documents = [(row, self._document_bytes(row)) for row in documents]
        data = self.runtime.instance(case_id).data
        found = checkpoints.latest_covering(case_id, len(records), self.checkpoint_dir)
        report = verify_audit(self.store, case_id, found[1] if found else None)
        verification = {"checked_at": now.isoformat(), "intact": report.ok, "events_checked": report.events,
                        "events_exported": len(records),
                        "broken": [{"seq": link.seq, "reason": link.reason} for link in report.broken],
                        "method": "every event's HMAC-SHA256 under the server's audit key, its link to the one "
                                  "before, and the chain head (jiahe audit verify); the key stays on the server",
                        "checkpoint": _checkpoint_note(found)}
        return _Gathered(facts, data, records, documents, found, verification)

    def _document_bytes(self, row) -> bytes | None:
        if row.erased_at is not None:
            return None
        try:
            return self.files.read(row.sha256)
        except (FileMissing, ValueError):
            return None


def _checkpoint_note(found) -> dict:
    if found is None:
        return {"included": False,
                "reason": "no signed checkpoint in the checkpoint directory covers this case's chain up to the "
                          "events exported (take one: jiahe audit checkpoint)",
                "reason_zh": "检查点目录中没有覆盖本案（至所导出事件为止）的签名检查点（可运行 jiahe audit checkpoint 生成）"}
    path, checkpoint = found
    return {"included": True, "file": path.name, "created_at": checkpoint.created_at}


# -- the package ---------------------------------------------------------------------------------

def _package(g: _Gathered, now: datetime, exported_by: dict, signing_key) -> EvidencePackage:
    case_id, case_no = g.facts["id"], g.facts["case_no"]
    filename = f"jiahe-evidence-{case_no or case_id}.zip"
    timeline, chain = timeline_lines(g.records)
    public_pem = keys.public_pem(signing_key.public_key())
    documents, listed = _documents(g.documents)
    entries = [("verify.py", VERIFIER.read_bytes()),
               ("case.json", _json({**_case(g.facts), "data": g.data})),
               ("timeline.jsonl", timeline),
               ("verification.json", _json(g.verification)),
               *documents]
    if g.checkpoint:
        entries.append(("checkpoint.json", g.checkpoint[0].read_bytes()))
    entries.append(("checkpoint-public-key.pem", public_pem))
    facts = ReadmeFacts(filename=filename, case_no=case_no or case_id,
                        exported_at=now.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S"),
                        exported_by=f"{exported_by['display_name']}（{exported_by['username']}）"
                        if exported_by["display_name"] else exported_by["username"],
                        events=len(g.records), documents=len(documents),
                        erased_documents=sum(1 for d in listed if d["status"] == "erased"),
                        checkpoint_at=g.checkpoint[1].created_at if g.checkpoint else None,
                        fingerprint=evidence_verify.fingerprint(evidence_verify.public_key_from_pem(public_pem)))
    entries.insert(0, ("README.txt", readme(facts).encode("utf-8")))
    manifest = _manifest(g, now, exported_by, entries, listed, chain)
    signature = base64.b64encode(signing_key.sign(manifest)) + b"\n"
    content = zip_stored([*entries, ("manifest.json", manifest), ("manifest.sig", signature)], now)
    return EvidencePackage(case_id, case_no, filename, content, hashlib.sha256(content).hexdigest(),
                           len(g.records), chain, now)


def timeline_lines(records: list[AuditRecord]) -> tuple[bytes, str]:
    """One canonical JSON line per event with its content fingerprint and the running chain."""
    lines, chain = [], GENESIS
    for record in records:
        event = json.loads(evidence_verify.canonical(_event(record)))  # exactly what a reader parses
        content = hashlib.sha256(evidence_verify.canonical(event)).hexdigest()
        chain = hashlib.sha256((chain + content).encode("ascii")).hexdigest()
        lines.append(evidence_verify.canonical({**event, "content_sha256": content, "chain": chain}) + b"\n")
    return b"".join(lines), chain


def _event(record: AuditRecord) -> dict:
    event = {name: getattr(record, name) for name in EVENT_FIELDS}
    return {**event, "at": record.at.isoformat()}  # as the event's HMAC covers it


def _case(facts: dict) -> dict:
    shown = {k: v for k, v in facts.items() if k != "version_id" and v is not None}
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in shown.items()}


def _documents(documents: list) -> tuple[list[tuple[str, bytes]], list[dict]]:
    """The entries of the documents still kept, and every document's line in the manifest."""
    entries, listed = [], []
    for number, (row, content) in enumerate(documents, start=1):
        line = {"title": row.title, "filename": row.filename, "kind": row.kind, "template": row.template,
                "media_type": row.media_type, "size": row.size, "sha256": row.sha256, "created_by": row.created_by,
                "created_at": row.created_at.isoformat(), "entry": None}
        if row.erased_at is not None:
            listed.append({**line, "status": "erased", "erased_at": row.erased_at.isoformat()})
        elif content is None:
            listed.append({**line, "status": "missing"})  # the file store lost it, or it no longer matches
        else:
            name = f"documents/{number:02d}-{_safe_name(row.filename)}"
            entries.append((name, content))
            listed.append({**line, "status": "included", "entry": name})
    return entries, listed


def _safe_name(filename: str) -> str:
    """A file name that stays inside documents/ wherever the package is unzipped."""
    name = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "_", filename).strip(" .")
    return name[:120] or "document"


def _manifest(g: _Gathered, now: datetime, exported_by: dict, entries: list, documents: list[dict],
              chain: str) -> bytes:
    head = g.records[-1] if g.records else None
    manifest = {"format": evidence_verify.FORMAT, "case_id": g.facts["id"], "case_no": g.facts["case_no"],
                "exported_at": now.astimezone(CHINA_TZ).isoformat(), "exported_by": exported_by,
                "events": len(g.records), "chain": chain,
                "head": {"seq": head.seq, "hash": head.hash} if head else None,
                "checkpoint": g.verification["checkpoint"], "documents": documents,
                "entries": {name: {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
                            for name, content in entries}}
    return (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, default=str) + "\n").encode("utf-8")


def zip_stored(entries: list[tuple[str, bytes]], at: datetime) -> bytes:
    """A ZIP of `entries`, uncompressed, every entry stamped with the same time (Beijing)."""
    stamp = at.astimezone(CHINA_TZ).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_STORED, 3, 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
