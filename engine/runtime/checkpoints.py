"""Signed checkpoints of the audit trail: every chain's head (last seq and hash) at one
moment, signed with an Ed25519 key kept outside the database (engine.keys).

Kept away from the database server, a checkpoint shows what the audit key alone cannot:
the newest events of a chain cut off together with its head, a chain rehashed from some
event on, a case erased with its whole history. Take one regularly (`jiahe audit
checkpoint`, e.g. daily from cron) and verify against the latest (`jiahe audit verify
--checkpoint FILE`)."""
from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine import keys
from engine.audit import BrokenLink, canonical_json
from engine.errors import JiaheError
from engine.store import audit_store

FORMAT = "jiahe-audit-checkpoint/1"
CHECKPOINT_DIR_ENV = "JIAHE_CHECKPOINT_DIR"
DEFAULT_CHECKPOINT_DIR = Path("var") / "audit-checkpoints"


def checkpoint_dir() -> Path:
    """Where `jiahe audit checkpoint` writes by default, and where evidence packages find the latest."""
    return Path(os.environ.get(CHECKPOINT_DIR_ENV) or DEFAULT_CHECKPOINT_DIR)


class CheckpointInvalid(JiaheError):
    code = "checkpoint_invalid"


@dataclass(frozen=True)
class Checkpoint:
    created_at: str
    heads: dict[str, tuple[int, str]]

    def problems(self, session, stream: str | None = None) -> list[BrokenLink]:
        """Each checkpointed chain that no longer reaches the head it had then."""
        found = []
        for name, (seq, digest) in sorted(self.heads.items()):
            if stream is not None and name != stream:
                continue
            now = audit_store.event_hash_at(session, name, seq)
            if now == digest:
                continue
            reason = ("erased or cut short since the checkpoint of " if now is None
                      else "rewritten since the checkpoint of ") + self.created_at
            found.append(BrokenLink(name, seq, f"{reason} (it had {seq} events then)"))
        return found


def take(store, now: datetime, directory: Path | None = None) -> dict:
    """The signed checkpoint document of every chain head now."""
    with store.read() as session:
        heads = audit_store.heads(session)
    body = {"format": FORMAT, "created_at": now.isoformat(),
            "heads": {stream: [seq, digest] for stream, (seq, digest) in sorted(heads.items())}}
    signature = keys.checkpoint_signing_key(directory).sign(canonical_json(body).encode("utf-8"))
    return {**body, "signature": base64.b64encode(signature).decode("ascii")}


def write(document: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def load(path: Path, public_key_path: Path | None = None) -> Checkpoint:
    """The checkpoint in `path`, once its signature checks out."""
    from cryptography.exceptions import InvalidSignature

    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        signature = base64.b64decode(document.pop("signature"))
        if document.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} document")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointInvalid(f"{path} is not a readable audit checkpoint: {exc}",
                                zh=f"{path} 不是可读取的审计检查点：{exc}") from None
    try:
        keys.checkpoint_public_key(public_key_path).verify(signature, canonical_json(document).encode("utf-8"))
    except InvalidSignature:
        raise CheckpointInvalid(f"the signature of {path} does not verify: the checkpoint was altered, "
                                "or signed with another key",
                                zh=f"{path} 的签名验证未通过：检查点已被改动，"
                                   "或是用另一把密钥签名的") from None
    heads = {stream: (int(seq), str(digest)) for stream, (seq, digest) in document["heads"].items()}
    return Checkpoint(document["created_at"], heads)


def latest_covering(stream: str, seq: int, directory: Path | None = None) -> tuple[Path, Checkpoint] | None:
    """The newest checkpoint in `directory` (default: checkpoint_dir()) whose signature checks
    out and that holds a head of `stream` at or before event `seq`; None when there is none."""
    candidates = []
    for path in Path(directory or checkpoint_dir()).glob("*.json"):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            head_seq = int(document["heads"][stream][0])
            created = datetime.fromisoformat(document["created_at"])
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            continue  # not a checkpoint, or none of this chain
        if head_seq <= seq and created.tzinfo is not None:
            candidates.append((created, path))
    for _, path in sorted(candidates, reverse=True):
        try:
            return path, load(path)
        except CheckpointInvalid:
            continue  # altered, or signed with another key: not evidence
    return None
