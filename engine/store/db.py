"""Database connection, transactions and migrations.

SQLite: write transactions start with BEGIN IMMEDIATE so two writers queue instead of one
failing half-way; WAL lets readers go on meanwhile. PostgreSQL: rows are locked with
SELECT ... FOR UPDATE by the repositories.

Sessions run on an engine without connection event listeners: with one attached, SQLAlchemy
dispatches events around every statement, which costs more than SQLite takes to run most of
ours. Their transactions say BEGIN from a session event instead. `Store.engine`, for everyone
else (migrations, scripts), says BEGIN from a connection event as before.
"""
from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine import keys
from engine.errors import Conflict

DEFAULT_SQLITE_PATH = Path("var") / "jiahe.sqlite3"
# A pooled PostgreSQL connection idle this long is tried before use (see _ping_when_idle).
PING_AFTER_IDLE_SECONDS = 10.0


def database_url_from_env(default_path: Path | None = None) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalise_url(url)
    path = Path(default_path or os.environ.get("JIAHE_DB_PATH") or DEFAULT_SQLITE_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.resolve()}"


def normalise_url(url: str) -> str:
    """Let users write postgresql://; we drive it with psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Store:
    """Owns the SQLAlchemy engine and hands out transactions."""

    def __init__(self, url: str, *, schema: str | None = None, echo: bool = False, audit_key: bytes | None = None):
        self.url = normalise_url(url)
        self.schema = schema
        # The audit chain's HMAC key: from outside the database (engine.keys), never in it.
        self.audit_key = audit_key or keys.audit_key()
        self._sessions_engine = _make_engine(self.url, schema, echo)
        self.engine = self._sessions_engine
        info = {"audit_key": self.audit_key}
        self._reader = sessionmaker(_reading(self._sessions_engine), expire_on_commit=False, info=info)
        self._writer = sessionmaker(self._sessions_engine, expire_on_commit=False, info=info)
        if self._sessions_engine.dialect.name == "sqlite":
            self.engine = _sqlite_begin_on_connections(self._sessions_engine)
            _sqlite_begin_on_sessions(self._reader, "DEFERRED")
            _sqlite_begin_on_sessions(self._writer, "IMMEDIATE")

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One atomic unit of work: commits at the end, rolls back on any error."""
        with translate_db_errors(), self._writer() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def write_alone(self) -> Iterator[Session]:
        """A write of one statement that reads nothing first (a row of the sensitive-read log,
        say): on PostgreSQL in autocommit, where one statement is atomic by itself and BEGIN and
        COMMIT would be two more round trips; on SQLite a write() like any other."""
        if not self.is_postgres:
            with self.write() as session:
                yield session
            return
        with translate_db_errors(), self._reader() as session:
            yield session
            session.commit()

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read. On SQLite one transaction (BEGIN DEFERRED): its statements see one snapshot.
        On PostgreSQL in autocommit (_reading). It ends with COMMIT, not the ROLLBACK that
        closing a session says: psycopg forgets every statement it prepared on a connection at
        a ROLLBACK, and PostgreSQL would then parse and plan the hot reads (task lists, the
        caller's token) afresh on every request. Reads never write: one that left changes in
        the session is rolled back."""
        with self._reader() as session:
            yield session
            if session.in_transaction():
                if session.new or session.dirty or session.deleted:
                    session.rollback()
                else:
                    session.commit()

    def upgrade(self) -> None:
        from engine.store.migrate import upgrade

        upgrade(self)

    def dispose(self) -> None:
        self._sessions_engine.dispose()


@contextlib.contextmanager
def translate_db_errors() -> Iterator[None]:
    try:
        yield
    except StaleDataError as exc:
        raise Conflict("the record was changed by someone else; reload and try again",
                       zh="记录已被他人修改，请刷新后重试") from exc
    except IntegrityError as exc:
        raise Conflict(f"conflicting write: {exc.orig}", zh=f"写入冲突：{exc.orig}") from exc
    except OperationalError as exc:
        if "locked" in str(exc.orig).lower() or "could not obtain lock" in str(exc.orig).lower():
            raise Conflict("the database is busy with a conflicting change; try again",
                           zh="数据库正在处理与此冲突的修改，请重试") from exc
        raise


def _reading(engine: Engine) -> Engine:
    """The engine reads run on: on PostgreSQL, the same pool in autocommit. Under READ
    COMMITTED, PostgreSQL's default and ours, each statement of a read takes its own snapshot
    whether or not a transaction holds them, so BEGIN and COMMIT bought nothing but two round
    trips per read (psycopg sends each on its own): two of a task page's five. The connection
    leaves autocommit when it goes back to the pool."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _make_engine(url: str, schema: str | None, echo: bool) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, echo=echo, future=True)
    _ping_when_idle(engine)
    if schema:
        _pin_search_path(engine, schema)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Try a pooled connection before use only when it sat idle for a while.

    SQLAlchemy's pool_pre_ping says SELECT 1 at every checkout: one round trip more for every
    transaction, a sixth of a task page's and submit's. A connection in steady use is known to
    be alive; one idle long enough for a restart or a firewall to have dropped it is tried, and
    a dead one is replaced before the transaction starts (DisconnectionError: the pool takes a
    new connection). One that dies in use fails its transaction: the pool discards it and the
    next transaction gets a fresh one (the API answers 503 database_unavailable meanwhile)."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.commit()
        except Exception as exc:  # the driver's own error: this connection is gone
            raise DisconnectionError(f"an idle connection was dropped: {exc}") from exc


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control from pysqlite so that we can say BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def _sqlite_begin_on_connections(engine: Engine) -> Engine:
    """The same engine and pool, but its connections say BEGIN (execution option sqlite_begin,
    DEFERRED by default) whenever they start a transaction."""
    with_begin = engine.execution_options()

    @event.listens_for(with_begin, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return with_begin


def _sqlite_begin_on_sessions(sessions: sessionmaker, mode: str) -> None:
    """Sessions from `sessions` say BEGIN <mode> when their transaction takes its connection
    (a nested transaction is a SAVEPOINT inside it and says nothing)."""

    @event.listens_for(sessions, "after_begin")
    def _on_begin(_session, transaction, connection):
        if not transaction.nested:
            connection.exec_driver_sql(f"BEGIN {mode}")


def _pin_search_path(engine: Engine, schema: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f'SET search_path TO "{schema}"')
        dbapi_connection.commit()
