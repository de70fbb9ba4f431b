"""`jiahe backup` and `jiahe restore` as an operator runs them (click's runner, real databases):
the demo's cases and a case document backed up, restored into an empty SQLite file or a fresh
PostgreSQL schema, and found there whole; damaged archives and databases that hold data are
refused before anything is written."""
from __future__ import annotations

import io
import json
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, inspect, select, table

from api.cli import cli
from engine.access import Principal
from engine.backup import head_revision
from engine.calendar import WorkingCalendar
from engine.demo import seed_demo
from engine.documents.service import CaseDocuments
from engine.org import HierarchyRouter, Membership
from engine.runtime.auditing import timeline
from engine.runtime.runtime import Runtime
from engine.store import Store, org_repository
from engine.store import repository as repo
from engine.store.files import FileStore, sha256_of
from engine.store.models import ProcessInstance
from engine.store.org_repository import ChartCache, import_org
from tests.conftest import PROJECT_ROOT
from tests.databases import PostgresSchema, postgres_unavailable_reason, sqlite_store

SCAN = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<< /Title (signed agreement) >>\nendobj\n"


@dataclass
class Site:
    """One deployment: its database (as the command line finds it) and its file store."""

    store: Store | None
    env: dict
    files: Path

    def jiahe(self, *args: str):
        return CliRunner().invoke(cli, list(args), env={**self.env, "JIAHE_FILES_DIR": str(self.files)},
                                  catch_exceptions=False)


class Sites:
    """Makes sites on one kind of database, and drops them after the test."""

    def __init__(self, kind: str, tmp_path: Path):
        self.kind, self.tmp_path, self.made = kind, tmp_path, []

    def new(self, name: str, *, migrated: bool = True) -> Site:
        files = self.tmp_path / f"{name}-files"
        if self.kind == "sqlite":
            path = self.tmp_path / f"{name}.sqlite3"
            store = sqlite_store(path) if migrated else None
            site = Site(store, {"DATABASE_URL": None, "JIAHE_DB_PATH": str(path)}, files)
        else:
            schema = PostgresSchema()
            store = schema.create()  # a fresh schema: migrated, as the API's start leaves it, no rows
            url = f"{schema.url}?options=-csearch_path%3D{schema.name}"
            site = Site(store, {"DATABASE_URL": url, "JIAHE_DB_PATH": None}, files)
            self.made.append(schema)
        if store is not None:
            self.made.append(store)
        return site

    def open(self, site: Site) -> Store:
        """A store on a site the test did not open one on (a restored SQLite file)."""
        site.store = site.store or sqlite_store(Path(site.env["JIAHE_DB_PATH"]))
        self.made.append(site.store)
        return site.store

    def close(self) -> None:
        for made in reversed(self.made):
            if isinstance(made, Store):
                made.dispose()
            else:
                made.drop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def sites(request, tmp_path, monkeypatch):
    if request.param == "postgresql" and postgres_unavailable_reason():
        pytest.skip(postgres_unavailable_reason())
    monkeypatch.setattr(org_repository, "SCRYPT_N", 2**8)  # demo users hash fast (the cost is in each hash)
    made = Sites(request.param, tmp_path)
    yield made
    made.close()


@pytest.fixture
def sqlite_sites(tmp_path, monkeypatch):
    monkeypatch.setattr(org_repository, "SCRYPT_N", 2**8)
    made = Sites("sqlite", tmp_path)
    yield made
    made.close()


def _runtime(store: Store, clock) -> Runtime:
    return Runtime(store, clock=clock, router=HierarchyRouter(ChartCache(store).get),
                   calendar=WorkingCalendar.from_file(PROJECT_ROOT / "processes" / "calendar.yaml"))


def _demo_with_a_scan(site: Site, clock) -> str:
    """The demo's cases, and a signed agreement scanned onto the mediated one; its case id."""
    runtime = _runtime(site.store, clock)
    seed_demo(runtime, site.store, PROJECT_ROOT, clock, history=False)
    with site.store.read() as session:
        case_id = repo.instance_by_business_key(session, "demo:14").id
    admin = Principal("admin", "许管理", (Membership("admin", "city"),))
    CaseDocuments(runtime, ChartCache(site.store).get, FileStore(site.files), PROJECT_ROOT).attach(
        admin, case_id, title="调解协议书（签字扫描件）", content=SCAN)
    return case_id


def _org_only(site: Site) -> None:
    import_org(site.store, PROJECT_ROOT / "processes" / "org" / "demo.yaml", actor="admin")
    FileStore(site.files).put(SCAN)


def _backup(site: Site, where: Path) -> Path:
    done = site.jiahe("backup", "--output", str(where))
    assert done.exit_code == 0, done.output
    [archive] = where.glob("jiahe-backup-*.tar.gz")
    return archive


def _rows(store: Store) -> dict[str, int]:
    names = inspect(store.engine).get_table_names()
    with store.engine.connect() as conn:
        return {name: conn.scalar(select(func.count()).select_from(table(name))) for name in names}


def _cases(store: Store) -> list[tuple]:
    with store.read() as session:
        return [tuple(row) for row in session.execute(
            select(ProcessInstance.id, ProcessInstance.case_no, ProcessInstance.business_key, ProcessInstance.status,
                   ProcessInstance.audit_seq, ProcessInstance.audit_hash).order_by(ProcessInstance.id))]


def _stored(files: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in files.glob("*/*")}


# -- a round trip -------------------------------------------------------------------------------

def test_a_restored_backup_holds_every_row_case_event_and_file_and_goes_on_from_there(sites, clock, tmp_path):
    source, target = sites.new("source"), sites.new("target")
    case_id = _demo_with_a_scan(source, clock)
    archive = _backup(source, tmp_path / "backups")

    restored = target.jiahe("restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert "database restored" in restored.output and "jiahe audit verify" in restored.output
    assert _rows(target.store) == _rows(source.store)
    assert _cases(target.store) == _cases(source.store)
    assert timeline(target.store, case_id) == timeline(source.store, case_id)
    assert _stored(target.files) == _stored(source.files) and len(_stored(target.files)) == 1
    assert FileStore(target.files).read(sha256_of(SCAN)) == SCAN
    verified = target.jiahe("audit", "verify")
    assert verified.exit_code == 0 and "all intact" in verified.output, verified.output

    # Sequences and chain heads came back too: the next case and its events follow on.
    _runtime(target.store, clock).start("dispute_case", actor="clerk", org_unit="grid-a1", data={
        "channel": "phone", "dispute_type": "divorce", "summary": "离婚财产分割争议"})
    assert len(_cases(target.store)) == len(_cases(source.store)) + 1
    assert target.jiahe("audit", "verify").exit_code == 0


def test_the_manifest_says_what_when_which_version_and_every_members_hash(sqlite_sites, tmp_path):
    source = sqlite_sites.new("source")
    _org_only(source)
    archive = _backup(source, tmp_path / "backups")
    with tarfile.open(archive) as tar:
        assert tar.getnames()[0] == "manifest.json"
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["format"] == "jiahe-backup" and manifest["jiahe_version"] and manifest["created_at"]
    assert manifest["database"]["revision"] == head_revision()
    assert manifest["database"]["tables"]["app_user"] == 16
    assert set(manifest["members"]) == {"database.sqlite3", f"files/{sha256_of(SCAN)[:2]}/{sha256_of(SCAN)}"}
    assert archive.stat().st_mode & 0o077 == 0  # personal data: the owner's only


# -- refusals -----------------------------------------------------------------------------------

def test_a_damaged_archive_is_refused_before_anything_is_written(sqlite_sites, tmp_path):
    source, target = sqlite_sites.new("source"), sqlite_sites.new("target", migrated=False)
    _org_only(source)
    archive = _backup(source, tmp_path / "backups")
    damaged = bytearray(archive.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    (tmp_path / "damaged.tar.gz").write_bytes(bytes(damaged))

    refused = target.jiahe("restore", str(tmp_path / "damaged.tar.gz"))
    assert refused.exit_code == 2, refused.output
    assert "nothing was restored" in refused.output and "Traceback" not in refused.output
    assert not Path(target.env["JIAHE_DB_PATH"]).exists() and not target.files.exists()


def test_an_archive_whose_member_differs_from_its_manifest_is_refused_naming_it(sqlite_sites, tmp_path):
    source, target = sqlite_sites.new("source"), sqlite_sites.new("target", migrated=False)
    _org_only(source)
    archive = _backup(source, tmp_path / "backups")
    altered = _repacked(archive, tmp_path / "altered.tar.gz", "database.sqlite3")

    refused = target.jiahe("restore", str(altered))
    assert refused.exit_code == 2
    assert "database.sqlite3 altered" in refused.output and "nothing was restored" in refused.output
    assert not Path(target.env["JIAHE_DB_PATH"]).exists() and not target.files.exists()


def _repacked(archive: Path, output: Path, member: str) -> Path:
    """The same archive (gzip intact) with one byte of `member` changed, its manifest as it was."""
    with tarfile.open(archive) as tar, tarfile.open(output, "w:gz") as out:
        for info in tar:
            content = bytearray(tar.extractfile(info).read())
            if info.name == member:
                content[len(content) // 2] ^= 0x01
            out.addfile(info, io.BytesIO(bytes(content)))
    return output


def test_restore_refuses_a_database_that_holds_data_unless_forced(sites, tmp_path):
    site = sites.new("site")
    _org_only(site)
    archive = _backup(site, tmp_path / "backups")
    before = _rows(site.store)

    refused = site.jiahe("restore", str(archive))
    assert refused.exit_code == 2 and "already holds data" in refused.output and "--force" in refused.output
    assert _rows(site.store) == before

    forced = site.jiahe("restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output
    assert _rows(site.store) == before and site.jiahe("audit", "verify").exit_code == 0


def test_an_archive_of_an_older_schema_is_restored_and_says_to_upgrade(sqlite_sites, tmp_path):
    from engine.store.migrate import upgrade

    path = tmp_path / "old.sqlite3"
    old = Store(f"sqlite:///{path}")
    upgrade(old, "0015")
    old.dispose()
    source = Site(None, {"DATABASE_URL": None, "JIAHE_DB_PATH": str(path)}, tmp_path / "old-files")
    target = sqlite_sites.new("target", migrated=False)

    restored = target.jiahe("restore", str(_backup(source, tmp_path / "backups")))
    assert restored.exit_code == 0, restored.output
    assert "revision 0015" in restored.output and "jiahe db upgrade" in restored.output
    assert target.jiahe("db", "upgrade").exit_code == 0
    assert "app_user" in _rows(sqlite_sites.open(target))


# -- keys ---------------------------------------------------------------------------------------

def test_the_keys_go_only_into_a_file_of_their_own_and_come_back_from_it(sqlite_sites, tmp_path, key_dir):
    source, target = sqlite_sites.new("source"), sqlite_sites.new("target", migrated=False)
    _org_only(source)
    keys_file = tmp_path / "keys" / "jiahe-keys.tar.gz"
    done = source.jiahe("backup", "--output", str(tmp_path / "backups"), "--with-keys", str(keys_file))
    assert done.exit_code == 0 and "audit.key" in done.output, done.output
    [archive] = (tmp_path / "backups").glob("*.tar.gz")
    with tarfile.open(archive) as tar:
        assert not [name for name in tar.getnames() if "key" in name]

    target.env["JIAHE_KEY_DIR"] = str(tmp_path / "restored-keys")
    restored = target.jiahe("restore", str(archive), "--keys", str(keys_file))
    assert restored.exit_code == 0, restored.output
    assert (tmp_path / "restored-keys" / "audit.key").read_bytes() == (key_dir / "audit.key").read_bytes()
    assert target.jiahe("audit", "verify").exit_code == 0


def test_restoring_keys_over_other_keys_is_refused_before_the_database_is_touched(sqlite_sites, tmp_path):
    source, target = sqlite_sites.new("source"), sqlite_sites.new("target", migrated=False)
    _org_only(source)
    keys_file = tmp_path / "jiahe-keys.tar.gz"
    assert source.jiahe("backup", "--output", str(tmp_path / "b"), "--with-keys", str(keys_file)).exit_code == 0
    other = tmp_path / "other-keys"
    other.mkdir()
    (other / "audit.key").write_bytes(b"another office's key")
    target.env["JIAHE_KEY_DIR"] = str(other)

    [archive] = (tmp_path / "b").glob("*.tar.gz")
    refused = target.jiahe("restore", str(archive), "--keys", str(keys_file))
    assert refused.exit_code == 2 and "already holds other keys" in refused.output
    assert (other / "audit.key").read_bytes() == b"another office's key"
    assert not Path(target.env["JIAHE_DB_PATH"]).exists()


# -- PostgreSQL's client tools --------------------------------------------------------------------

@pytest.mark.postgres
def test_a_missing_or_too_old_pg_dump_is_named_without_a_traceback(pg_schema, tmp_path):
    schema, _ = pg_schema
    site = Site(None, {"DATABASE_URL": f"{schema.url}?options=-csearch_path%3D{schema.name}"}, tmp_path / "files")
    site.env["JIAHE_PG_BIN"] = str(tmp_path / "bin")
    (tmp_path / "bin").mkdir()
    missing = site.jiahe("backup", "--output", str(tmp_path))
    assert missing.exit_code == 2 and "pg_dump was not found" in missing.output
    assert "JIAHE_PG_BIN" in missing.output and "Traceback" not in missing.output

    fake = tmp_path / "bin" / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump: error: aborting because of server version mismatch' >&2\n"
                    "echo 'pg_dump: detail: server version: 99.1; pg_dump version: 15.2' >&2\nexit 1\n")
    fake.chmod(0o755)
    mismatch = site.jiahe("backup", "--output", str(tmp_path))
    assert mismatch.exit_code == 2 and "older than the database server" in mismatch.output
    assert "server version: 99.1" in mismatch.output and "Traceback" not in mismatch.output
    assert not list(tmp_path.glob("*.tar.gz")) and not list(tmp_path.glob(".*partial"))


@pytest.mark.postgres
def test_a_restore_that_fails_half_way_leaves_the_postgresql_schema_as_it_was(pg_schema, tmp_path):
    """Its old tables are dropped in the same transaction that loads the archive's, so a
    pg_restore that stops half-way changes nothing, even with --force."""
    schema, store = pg_schema
    site = Site(store, {"DATABASE_URL": f"{schema.url}?options=-csearch_path%3D{schema.name}"}, tmp_path / "files")
    _org_only(site)
    archive = _backup(site, tmp_path / "backups")
    before = _rows(store)
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "psql").symlink_to(shutil.which("psql"))
    (tools / "pg_restore").write_text(f"#!/bin/sh\ncase \"$*\" in *--list*) exec {shutil.which('pg_restore')} \"$@\";; esac\n"
                                      f"{shutil.which('pg_restore')} \"$@\" | head -n 400\nexit 1\n")
    (tools / "pg_restore").chmod(0o755)
    site.env["JIAHE_PG_BIN"] = str(tools)

    failed = site.jiahe("restore", "--force", str(archive))
    assert failed.exit_code == 2 and "pg_restore failed" in failed.output and "Traceback" not in failed.output
    assert _rows(store) == before
