"""Backups an operator can keep, and restoring them (`jiahe backup`, `jiahe restore`).

A backup is one .tar.gz: `manifest.json` first (what, when, which Jiahe and alembic revision,
the rows of every table, each member's SHA-256 and size), then the database and the file store
under `files/`. The database is `database.sqlite3`, a copy made with SQLite's backup API (safe
while the server writes, WAL or not), or `database.pgdump`, pg_dump's custom format of the
schema Jiahe's tables are in (engine/backup_postgres.py). The database is copied before the
files: a document written meanwhile leaves a file the copy does not need, never a row without
its file. The keys are never in it: `write_keys` puts them in a file of their own, to be kept
somewhere else (whoever holds the backup and the audit key could re-sign a rewritten trail).

A restore first extracts every member into a scratch directory and checks it against the
manifest, then refuses a database that holds rows unless forced, then loads the database and
puts the files into the file store. Archives and key files are written readable by their
owner only: they hold the cases' personal data.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import sqlite3
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from engine import keys
from engine.backup_postgres import BackupFailed, PostgresDatabase
from engine.errors import Conflict, JiaheError
from engine.store.files import FileStore, private_temporary

MANIFEST = "manifest.json"
BACKUP_FORMAT, KEYS_FORMAT = "jiahe-backup", "jiahe-keys"
KEY_FILES = ("audit.key", "checkpoint-ed25519.pem", "checkpoint-ed25519.pub.pem", "secret.key")
_BACKUP_MEMBER = re.compile(r"database\.(sqlite3|pgdump)|files/([0-9a-f]{2})/\2[0-9a-f]{62}")
_KEYS_MEMBER = re.compile(r"keys/(" + "|".join(re.escape(name) for name in KEY_FILES) + ")")
_DIGEST = re.compile(r"[0-9a-f]{64}")


class ArchiveDamaged(JiaheError):
    """The archive cannot be read, or a member differs from what its manifest says."""

    code = "archive_damaged"


@dataclass
class BackupReport:
    path: Path
    manifest: dict
    sha256: str
    skipped: list[str] = field(default_factory=list)  # store files whose bytes no longer match their name


@dataclass
class RestoreReport:
    manifest: dict
    rows: dict[str, int]
    files_added: int
    files_present: int
    head: str | None  # the newest revision this Jiahe knows
    keys: list[str] = field(default_factory=list)


# -- backing up ---------------------------------------------------------------------------------

def backup(url: str, files: FileStore, output: Path, now: datetime) -> BackupReport:
    """Copy the database at `url` and the file store into the archive `output`."""
    database = database_at(url)
    with tempfile.TemporaryDirectory(prefix="jiahe-backup-") as scratch:
        dump = Path(scratch) / database.member
        described = database.dump(dump)
        members = {database.member: dump}
        stored, skipped = _store_files(files.root)
        members.update(stored)
        manifest = _manifest(BACKUP_FORMAT, now, members, database=described, files=len(stored))
        _write_archive(output, manifest, members)
    return BackupReport(output, manifest, _sha256(output), skipped)


def write_keys(key_dir: Path, output: Path, now: datetime) -> list[str]:
    """The key files of `key_dir` into an archive of their own; their names."""
    members = {f"keys/{name}": key_dir / name for name in KEY_FILES if (key_dir / name).is_file()}
    if not members:
        raise BackupFailed(f"no key files in {key_dir}", zh=f"密钥目录 {key_dir} 中没有密钥文件")
    _write_archive(output, _manifest(KEYS_FORMAT, now, members), members)
    return [Path(name).name for name in members]


def _store_files(root: Path) -> tuple[dict[str, Path], list[str]]:
    """The file store's files by member name; those altered on disk are left out (and named)."""
    members, skipped = {}, []
    for path in sorted(root.glob("[0-9a-f][0-9a-f]/*")):
        if not (_DIGEST.fullmatch(path.name) and path.name.startswith(path.parent.name) and path.is_file()):
            continue  # a half-written temporary, or not the store's
        if _sha256(path) != path.name:
            skipped.append(path.name)
            continue
        members[f"files/{path.parent.name}/{path.name}"] = path
    return members, skipped


def _manifest(kind: str, now: datetime, members: dict[str, Path], **more) -> dict:
    return {"format": kind, "format_version": 1, "created_at": now.isoformat(), "jiahe_version": jiahe_version(),
            **more, "members": {name: {"sha256": _sha256(path), "size": path.stat().st_size}
                                for name, path in members.items()}}


def _write_archive(output: Path, manifest: dict, members: dict[str, Path]) -> None:
    """Written beside `output` under a temporary name, then renamed: never half an archive."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                text = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                tar.addfile(_member_info(MANIFEST, len(text)), io.BytesIO(text))
                for name, path in members.items():
                    with path.open("rb") as content:
                        tar.addfile(_member_info(name, path.stat().st_size), content)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)


def _member_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    return info


# -- restoring ----------------------------------------------------------------------------------

def restore(url: str, archive: Path, files: FileStore, *, force: bool = False,
            keys_archive: Path | None = None, key_dir: Path | None = None) -> RestoreReport:
    """Check `archive` whole, then load it into the empty database at `url` (any database with
    force) and its files into `files`; with `keys_archive`, its keys into `key_dir` too."""
    database, key_dir = database_at(url), key_dir or keys.key_dir()
    with tempfile.TemporaryDirectory(prefix="jiahe-restore-") as scratch:
        backup_dir, keys_dir = Path(scratch) / "backup", Path(scratch) / "keys"
        manifest = unpack(archive, backup_dir, BACKUP_FORMAT, _BACKUP_MEMBER)
        if keys_archive:
            unpack(keys_archive, keys_dir, KEYS_FORMAT, _KEYS_MEMBER)
            _check_keys(keys_dir, key_dir, force)
        _check_database(database, manifest["database"], archive, force)
        rows = _load(database, backup_dir, manifest["database"])
        added, present = _restore_files(backup_dir / "files", files)
        installed = _install_keys(keys_dir, key_dir) if keys_archive else []
    return RestoreReport(manifest, rows, added, present, head_revision(), installed)


def unpack(archive: Path, into: Path, kind: str, allowed: re.Pattern) -> dict:
    """The manifest of `archive`, each member extracted into `into` and checked against it."""
    try:
        manifest, found = _extract(archive, into, allowed)
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as exc:
        raise ArchiveDamaged(f"{archive} cannot be read whole ({exc.__class__.__name__}: {exc}): it is damaged "
                             "or not a Jiahe archive; nothing was restored",
                             zh=f"备份文件 {archive} 已损坏或不是家和备份，未做任何恢复") from None
    if manifest.get("format") != kind:
        raise ArchiveDamaged(f"{archive} is not a {kind} archive (it says {manifest.get('format')!r}); nothing was restored",
                             zh=f"{archive} 不是所需类型的备份文件，未做任何恢复")
    listed = {name: entry.get("sha256") if isinstance(entry, dict) else None
              for name, entry in manifest["members"].items()}
    wrong = [f"{name} {_mismatch(listed.get(name), found.get(name))}"
             for name in sorted(listed.keys() | found.keys()) if listed.get(name) != found.get(name)]
    if wrong:
        raise ArchiveDamaged(f"{archive} does not match its manifest ({', '.join(wrong[:5])}"
                             f"{' ...' if len(wrong) > 5 else ''}); nothing was restored",
                             zh=f"备份文件 {archive} 与其清单不符（{len(wrong)} 项缺失、多余或被改动），未做任何恢复")
    return manifest


def _mismatch(listed: str | None, found: str | None) -> str:
    return "missing" if found is None else "not in the manifest" if listed is None else "altered"


def _extract(archive: Path, into: Path, allowed: re.Pattern) -> tuple[dict, dict[str, str]]:
    manifest, found = None, {}
    with tarfile.open(archive, "r:gz") as tar:
        for info in tar:
            if info.name == MANIFEST and manifest is None:
                manifest = json.loads(tar.extractfile(info).read())
            elif info.isfile() and allowed.fullmatch(info.name) and info.name not in found:
                found[info.name] = _copy_hashing(tar.extractfile(info), into / info.name)
            else:
                raise ValueError(f"unexpected member {info.name!r}")
        while tar.fileobj.read(1 << 20):
            pass  # to the end, where gzip checks its CRC of everything
    if not isinstance(manifest, dict) or not isinstance(manifest.get("members"), dict):
        raise ValueError("no manifest")
    return manifest, found


def _copy_hashing(source, target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _check_database(database, archived: dict, archive: Path, force: bool) -> None:
    if archived["dialect"] != database.dialect:
        raise BackupFailed(f"{archive} holds a {archived['dialect']} database; {database.describe()} is not one",
                           zh=f"备份中的数据库类型（{archived['dialect']}）与目标数据库不同")
    _refuse_data(database, force)


def _load(database, unpacked: Path, archived: dict) -> dict[str, int]:
    """Load the dump, then count what came in against the manifest."""
    database.load(unpacked / archived["member"], archived)
    rows = database.row_counts()
    if rows != archived["tables"]:
        raise BackupFailed(f"the restored database's rows differ from the manifest's: {_differences(rows, archived)}",
                           zh="恢复后的数据行数与清单不符")
    return rows


def _refuse_data(database, force: bool) -> None:
    held = {table: rows for table, rows in database.row_counts().items() if rows and table != "alembic_version"}
    if held and not force:
        tables = ", ".join(f"{table} ({rows})" for table, rows in sorted(held.items())[:6])
        raise Conflict(f"{database.describe()} already holds data (rows in {tables}{' ...' if len(held) > 6 else ''}): "
                       "restore into an empty database, or give --force to replace what it holds",
                       zh=f"{database.describe()} 中已有数据：请恢复到空数据库，或用 --force 覆盖")


def _differences(rows: dict[str, int], archived: dict) -> str:
    expected = archived["tables"]
    return ", ".join(f"{table} {rows.get(table)} not {expected.get(table)}"
                     for table in sorted(rows.keys() | expected.keys()) if rows.get(table) != expected.get(table))


def _restore_files(extracted: Path, files: FileStore) -> tuple[int, int]:
    added = present = 0
    for path in sorted(extracted.glob("*/*")):
        if files.exists(path.name):
            present += 1
        else:
            files.put(path.read_bytes())
            added += 1
    return added, present


def _check_keys(extracted: Path, key_dir: Path, force: bool) -> None:
    differing = [path.name for path in sorted((extracted / "keys").iterdir())
                 if (key_dir / path.name).exists() and (key_dir / path.name).read_bytes() != path.read_bytes()]
    if differing and not force:
        raise Conflict(f"{key_dir} already holds other keys ({', '.join(differing)}): give --force to replace them",
                       zh=f"{key_dir} 中已有不同的密钥：用 --force 覆盖")


def _install_keys(extracted: Path, key_dir: Path) -> list[str]:
    key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    names = []
    for path in sorted((extracted / "keys").iterdir()):
        _write_private(key_dir / path.name, path.read_bytes())
        names.append(path.name)
    return names


def _write_private(target: Path, content: bytes) -> None:
    """`content` into `target`, readable by its owner only, replaced whole."""
    with private_temporary(target, content) as temporary:
        os.replace(temporary, target)


# -- the databases ------------------------------------------------------------------------------

def database_at(url: str):
    if url.startswith("sqlite"):
        return SqliteDatabase(url)
    if url.startswith(("postgresql", "postgres")):
        return PostgresDatabase(url)
    raise BackupFailed(f"backups know SQLite and PostgreSQL databases, not {url.split(':')[0]}",
                       zh="备份只支持 SQLite 与 PostgreSQL 数据库")


class SqliteDatabase:
    dialect, member = "sqlite", "database.sqlite3"

    def __init__(self, url: str):
        path = url.split(":///", 1)[-1].split("?", 1)[0]
        if not path or path == ":memory:":
            raise BackupFailed("an in-memory SQLite database cannot be backed up or restored",
                               zh="内存中的 SQLite 数据库无法备份或恢复")
        self.path = Path(path)

    def describe(self) -> str:
        return f"SQLite {self.path}"

    def dump(self, into: Path) -> dict:
        if not self.path.is_file():
            raise BackupFailed(f"there is no database at {self.path}", zh=f"{self.path} 处没有数据库")
        with _sqlite(self.path) as source, _sqlite(into) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one file that stands on its own
            return {"dialect": self.dialect, "member": self.member, "revision": _sqlite_revision(copy),
                    "tables": _sqlite_counts(copy)}

    def row_counts(self) -> dict[str, int]:
        if not self.path.is_file():
            return {}
        with _sqlite(self.path) as db:
            return _sqlite_counts(db)

    def load(self, dump: Path, _archived: dict) -> None:
        """Page by page through SQLite's backup API, under its locks: one step, all or nothing."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _sqlite(dump) as source, _sqlite(self.path) as target:
            source.backup(target)


@contextlib.contextmanager
def _sqlite(path: Path):
    db = sqlite3.connect(path, timeout=30)
    try:
        yield db
    finally:
        db.close()


def _sqlite_counts(db) -> dict[str, int]:
    tables = [row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def _sqlite_revision(db) -> str | None:
    try:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


# -- versions -----------------------------------------------------------------------------------

def jiahe_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jiahe")
    except PackageNotFoundError:
        return "unknown"


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    from engine.store.migrate import MIGRATIONS

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def known_revision(revision: str | None) -> bool:
    from alembic.script import ScriptDirectory

    from engine.store.migrate import MIGRATIONS

    return revision in {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
