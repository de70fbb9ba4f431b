"""The file store: the bytes of case documents and uploaded scans, outside the database.

Files are named by their SHA-256 (content-addressed), so the hash in a document's row and in
its audit event names exactly the bytes here, a second copy of the same bytes costs nothing,
and a file edited on disk no longer matches its name (`read` refuses it). Several API
processes on one host share the directory; hosts that share one database must share it too
(a network mount), as they share the key directory (README, "Keys").
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path

FILES_DIR_ENV = "JIAHE_FILES_DIR"
DEFAULT_FILES_DIR = Path("var") / "files"


class FileMissing(Exception):
    """The bytes are gone or no longer match their hash."""


def files_dir() -> Path:
    return Path(os.environ.get(FILES_DIR_ENV) or DEFAULT_FILES_DIR)


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class FileStore:
    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else files_dir()

    def path(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a SHA-256: {digest!r}")
        return self.root / digest[:2] / digest

    def put(self, content: bytes) -> str:
        """Store `content` (once) and return its SHA-256. Written to a temporary name and
        linked into place whole, so a reader never sees half a file."""
        digest = sha256_of(content)
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with private_temporary(target, content) as temporary:
            try:
                os.link(temporary, target)
            except FileExistsError:
                pass  # the same bytes, stored by another process first
        return digest

    def read(self, digest: str) -> bytes:
        try:
            content = self.path(digest).read_bytes()
        except FileNotFoundError:
            raise FileMissing(f"file {digest} is not in the file store {self.root}") from None
        if sha256_of(content) != digest:
            raise FileMissing(f"file {digest} in {self.root} was altered: its bytes no longer match its hash")
        return content

    def exists(self, digest: str) -> bool:
        return self.path(digest).exists()

    def delete(self, digest: str) -> None:
        self.path(digest).unlink(missing_ok=True)


@contextlib.contextmanager
def private_temporary(target: Path, content: bytes):
    """`content` in a new file beside `target` that only its owner may read, on disk (fsync)
    before the caller moves or links it into place; removed afterwards, so that a failure
    leaves nothing behind and a reader of `target` never sees half a file."""
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)
