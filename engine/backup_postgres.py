"""PostgreSQL's part of a backup (engine/backup.py): pg_dump of the schema Jiahe's tables are in,
and loading such a dump into the schema a DATABASE_URL names.

The dump is pg_dump's custom format, taken in a snapshot the row counts of the manifest were
read in, so the two agree. pg_dump names every object with its schema, and pg_restore has no
way to put them in another one, so restoring goes through pg_restore's SQL: the dump's schema
name is replaced by the target's outside the COPY data, the target schema's old tables are
dropped first, and psql runs the whole of it as one transaction: either the archive is in, or
nothing changed. The schema itself (its owner, its grants) is left as it is; the tables belong
to DATABASE_URL's user (--no-owner, --no-acl).
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from engine.errors import JiaheError

PG_BIN_ENV = "JIAHE_PG_BIN"
MEMBER = "database.pgdump"
# Entries of the schema itself (and its comment and grants): the target schema stays as it is.
_SCHEMA_ENTRY = re.compile(rb"^\d+; \d+ \d+ (SCHEMA - |(COMMENT|ACL) - SCHEMA )")
_DROPPED_FIRST = (("r", "TABLE"), ("p", "TABLE"), ("m", "MATERIALIZED VIEW"), ("v", "VIEW"), ("S", "SEQUENCE"))


class BackupFailed(JiaheError):
    """A backup or restore could not be done; nothing was restored half-way."""

    code = "backup_failed"


class PostgresDatabase:
    """The schema of a PostgreSQL database that DATABASE_URL's search_path points at."""

    dialect, member = "postgresql", MEMBER

    def __init__(self, url: str):
        self.url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.schema: str | None = None  # known once connected

    def describe(self) -> str:
        from psycopg.conninfo import conninfo_to_dict

        params = conninfo_to_dict(self.url)
        where = f"database {params.get('dbname', '')} on {params.get('host', 'localhost')}:{params.get('port', 5432)}"
        return f"PostgreSQL {where}" + (f", schema {self.schema}" if self.schema else "")

    def dump(self, into: Path) -> dict:
        """Write the dump to `into` and say what it holds (schema, revision, rows per table)."""
        pg_dump = tool("pg_dump")
        with self._connect() as conn:
            conn.isolation_level = _repeatable_read()
            schema = self.schema = _schema(conn)
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            described = {"dialect": self.dialect, "member": self.member, "schema": schema,
                         "server_version": conn.info.server_version, "revision": _revision(conn, schema),
                         "tables": _row_counts(conn, schema)}
            # While this transaction is open, pg_dump can take its snapshot.
            run([pg_dump, "--format=custom", f"--schema={_pattern(schema)}", f"--snapshot={snapshot}",
                 f"--file={into}", f"--dbname={self._conninfo()}"], self._env(), conn.info.server_version)
        return described

    def row_counts(self) -> dict[str, int]:
        with self._connect() as conn:
            self.schema = _schema(conn)
            return _row_counts(conn, self.schema)

    def load(self, dump: Path, archived: dict) -> None:
        """Replace the target schema's tables with the dump's, in one transaction."""
        pg_restore, psql = tool("pg_restore"), tool("psql")
        with self._connect() as conn:
            target = self.schema = _schema(conn)
            server = conn.info.server_version
            prelude = _drop_statements(conn, target)
        with tempfile.TemporaryDirectory(prefix="jiahe-pgrestore-") as scratch:
            listing = Path(scratch) / "toc.list"
            listing.write_bytes(_without_schema_entries(run([pg_restore, "--list", str(dump)], self._env(), server)))
            script = [pg_restore, "--no-owner", "--no-acl", f"--use-list={listing}", "--file=-", str(dump)]
            loader = [psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", f"--dbname={self._conninfo()}",
                      "--file=-"]
            _pipe(script, loader, prelude, archived["schema"], target, self._env(), Path(scratch), server)

    def _connect(self):
        import psycopg

        try:
            return psycopg.connect(self.url, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise BackupFailed(f"cannot connect to {self.describe()}: {str(exc).strip()}",
                               zh=f"无法连接数据库 {self.describe()}") from None

    def _conninfo(self) -> str:
        """The URL for the client tools without its password: a command line is visible to all."""
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        params = conninfo_to_dict(self.url)
        params.pop("password", None)
        return make_conninfo(**params)

    def _env(self) -> dict[str, str]:
        from psycopg.conninfo import conninfo_to_dict

        password = conninfo_to_dict(self.url).get("password")
        return {**os.environ, **({"PGPASSWORD": str(password)} if password else {})}


# -- the client tools ---------------------------------------------------------------------------

def tool(name: str) -> str:
    """pg_dump, pg_restore or psql: from JIAHE_PG_BIN when set, else from PATH."""
    directory = os.environ.get(PG_BIN_ENV)
    found = str(Path(directory) / name) if directory else shutil.which(name)
    if found and os.access(found, os.X_OK):
        return found
    where = f"in {PG_BIN_ENV}={directory}" if directory else "in PATH"
    raise BackupFailed(f"{name} was not found {where}: install the PostgreSQL client tools of the server's "
                       f"major version (Debian: apt-get install postgresql-client-15, or -16, ...) or set "
                       f"{PG_BIN_ENV} to the directory holding them (e.g. /usr/lib/postgresql/16/bin)",
                       zh=f"找不到 {name}：请安装与数据库服务器主版本相同的 PostgreSQL 客户端工具，或设置 {PG_BIN_ENV}")


def run(command: list[str], env: dict[str, str], server_version: int) -> bytes:
    """Run a client tool; its standard output, or BackupFailed saying why it failed."""
    done = subprocess.run(command, env=env, capture_output=True)
    if done.returncode != 0:
        raise failure(Path(command[0]).name, done.stderr.decode("utf-8", "replace"), server_version)
    return done.stdout


def failure(name: str, stderr: str, server_version: int) -> BackupFailed:
    server = f"{server_version // 10000}.{server_version % 10000}"
    said = " ".join(stderr.split())[-600:]
    if "server version mismatch" in stderr:
        return BackupFailed(f"{name} is older than the database server (PostgreSQL {server}) and refuses to "
                            f"dump it: install the client tools of version {server_version // 10000} (Debian: "
                            f"postgresql-client-{server_version // 10000}) and set {PG_BIN_ENV} to their "
                            f"directory, e.g. /usr/lib/postgresql/{server_version // 10000}/bin ({said})",
                            zh=f"{name} 的版本低于数据库服务器（PostgreSQL {server}）：请安装同一主版本的客户端工具并设置 {PG_BIN_ENV}")
    if "unsupported version" in stderr:
        return BackupFailed(f"{name} cannot read this dump: it was made by a newer pg_dump; use the client "
                            f"tools of that version ({PG_BIN_ENV}) ({said})",
                            zh=f"{name} 无法读取该转储：它由更新版本的 pg_dump 生成")
    return BackupFailed(f"{name} failed: {said or 'no message'}", zh=f"{name} 执行失败：{said}")


def _pipe(script: list[str], loader: list[str], prelude: bytes, source: str, target: str,
          env: dict[str, str], scratch: Path, server: int) -> None:
    """pg_restore's SQL, its schema renamed, into psql between BEGIN and a COMMIT sent only
    once pg_restore has succeeded: stopped any earlier, psql's session ends and rolls back."""
    with open(scratch / "pg_restore.err", "w+b") as restore_err, open(scratch / "psql.out", "w+b") as psql_out:
        producer = subprocess.Popen(script, env=env, stdout=subprocess.PIPE, stderr=restore_err)
        consumer = subprocess.Popen(loader, env=env, stdin=subprocess.PIPE, stdout=psql_out,
                                    stderr=subprocess.STDOUT)
        try:
            _feed(consumer.stdin, b"BEGIN;\n" + prelude, renamed(producer.stdout, source, target))
            if producer.wait() != 0:
                raise failure("pg_restore", _text(restore_err), server)
            _feed(consumer.stdin, b"COMMIT;\n", [])
        except BaseException:
            consumer.kill()  # before its input ends: no COMMIT
            raise
        finally:
            with contextlib.suppress(BrokenPipeError):
                consumer.stdin.close()
            producer.stdout.close()
            if producer.poll() is None:
                producer.kill()
            producer.wait()
            loaded = consumer.wait()
        if loaded != 0:
            raise failure("psql", _text(psql_out) + " (the restore was rolled back: nothing changed)", server)


def _feed(stdin, first: bytes, lines: Iterable[bytes]) -> None:
    """Write `first` and `lines`; once psql has stopped (at an error, which its output names),
    read the rest without writing it, so that pg_restore can finish."""
    lines = iter(lines)
    try:
        stdin.write(first)
        for line in lines:
            stdin.write(line)
    except BrokenPipeError:
        for _ in lines:
            pass


def _text(handle) -> str:
    handle.seek(0)
    return handle.read().decode("utf-8", "replace")


# -- the SQL ------------------------------------------------------------------------------------

def renamed(lines: Iterable[bytes], source: str, target: str) -> Iterator[bytes]:
    """pg_restore's SQL with schema `source` in names replaced by `target`; the rows of COPY
    blocks (case data) are passed on untouched."""
    if source == target:
        yield from lines
        return
    name = re.compile(rb'(?<![\w$".])(' + re.escape(source.encode()) + rb'|' +
                      re.escape(_quoted(source).encode()) + rb')\.')
    replacement = _quoted(target).encode().replace(b"\\", b"\\\\") + b"."
    in_copy = False
    for line in lines:
        if in_copy:
            in_copy = line.rstrip(b"\r\n") != b"\\."
            yield line
            continue
        if line.startswith(b"COPY ") and line.rstrip().endswith(b"FROM stdin;"):
            in_copy = True
        yield name.sub(replacement, line)


def _without_schema_entries(listing: bytes) -> bytes:
    return b"".join(line for line in listing.splitlines(keepends=True) if not _SCHEMA_ENTRY.match(line))


def _drop_statements(conn, schema: str) -> bytes:
    """SQL dropping the tables, views and sequences in `schema`: the dump brings its own."""
    found = conn.execute("SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE n.nspname = %s", (schema,)).fetchall()
    statements = [f"DROP {kind} IF EXISTS {_quoted(schema)}.{_quoted(relname)} CASCADE;\n"
                  for relkind, kind in _DROPPED_FIRST for relname, found_kind in found if found_kind == relkind]
    return "".join(statements).encode()


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _pattern(schema: str) -> str:
    """pg_dump reads --schema as a pattern: quoted, the name is taken literally."""
    return _quoted(schema)


def _schema(conn) -> str:
    """The schema Jiahe's tables are in: the first of the search_path that exists."""
    schema = conn.execute("SELECT current_schema()").fetchone()[0]
    if schema is None:
        raise BackupFailed("no schema of the search_path exists in the database: create it (CREATE SCHEMA ...) "
                           "or set the search_path in DATABASE_URL (?options=-csearch_path%3D<schema>)",
                           zh="search_path 中的模式在数据库中都不存在")
    return schema


def _repeatable_read():
    from psycopg import IsolationLevel

    return IsolationLevel.REPEATABLE_READ


def _row_counts(conn, schema: str) -> dict[str, int]:
    from psycopg import sql

    tables = [row[0] for row in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", (schema,)).fetchall()]
    return {table: conn.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(
        sql.Identifier(schema), sql.Identifier(table))).fetchone()[0] for table in tables}


def _revision(conn, schema: str) -> str | None:
    from psycopg import sql

    exists = conn.execute("SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = 'alembic_version'",
                          (schema,)).fetchone()
    if not exists:
        return None
    row = conn.execute(sql.SQL("SELECT version_num FROM {}.alembic_version").format(sql.Identifier(schema))).fetchone()
    return row[0] if row else None
