"""Rows read and written with Core statements straight on the driver.

A change reads and writes its instance row and task rows as plain Row objects: the ORM's
loading, attribute instrumentation and unit of work cost several times what SQLite spends on
these few statements, on every change. Everything else a change adds (incidents,
commitments, outbox messages, subscriptions) still goes through the session.
"""
from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Select, Table, bindparam, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.store.models import ProcessInstance


class Row:
    """One row of a table: its columns as attributes. Remembers which columns were assigned
    since it was read or last written; update_row() writes those."""

    __slots__ = ("_table", "_assigned", "__dict__")

    def __init__(self, table: Table, values: Iterable[tuple[str, Any]] | Mapping[str, Any]):
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "_assigned", set())
        self.__dict__.update(values)

    def __setattr__(self, name: str, value: Any) -> None:
        self.__dict__[name] = value
        self._assigned.add(name)

    def __repr__(self) -> str:
        return f"<Row {self._table.name} {getattr(self, 'id', '?')}>"


def new_row(table: Table, **values: Any) -> Row:
    """A row to insert. Unset columns get what an ORM insert would give them: their default
    (None when they have none), and 1 for a row version column."""
    for column in table.columns:
        if column.key not in values:
            values[column.key] = 1 if column is _VERSION_COLUMNS.get(table) else _default(column)
    return Row(table, values)


def insert_rows(session: Session, rows: Sequence[Row]) -> None:
    """INSERT rows of one table (insert_many)."""
    if not rows:
        return
    insert_many(session, rows[0]._table, [_values(row) for row in rows])
    for row in rows:
        row._assigned.clear()


def insert_many(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT rows (each with the same columns) as multi-row VALUES, ROWS_PER_INSERT to a
    statement: SQLite's driver runs executemany as one statement per row."""
    keys = tuple(sorted(rows[0]))
    for start in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[start:start + ROWS_PER_INSERT]
        values = {f"{key}_{i}": row[key] for i, row in enumerate(chunk) for key in keys}
        send_statement(session, _multi_row_insert(table, keys, len(chunk)), values)


# Rows in one multi-row INSERT: its parameters stay far below SQLite's limit (32,766) and
# PostgreSQL's (65,535) for any of our tables.
ROWS_PER_INSERT = 100


@functools.lru_cache(maxsize=256)
def _multi_row_insert(table: Table, keys: tuple[str, ...], n: int):
    return table.insert().values([{key: bindparam(f"{key}_{i}", type_=table.c[key].type) for key in keys}
                                  for i in range(n)])


def update_row(session: Session, row: Row) -> None:
    """UPDATE the columns assigned since the row was read or written. The instance row also
    checks and moves on its row version, as the ORM does for it: a writer that read an older
    version updates nothing and gets StaleDataError (a Conflict)."""
    table, columns = row._table, row._table.columns
    params = {name: row.__dict__[name] for name in row._assigned if name in columns}
    if not params:
        return
    params["where_pk"] = row.id
    version = _VERSION_COLUMNS.get(table)
    if version is not None:
        params["where_version"] = row.__dict__[version.key]
        params[version.key] = params["where_version"] + 1
    send_statement(session, _update_statement(table), params, check=functools.partial(_matched_one, table.name))
    if version is not None:
        row.__dict__[version.key] = params[version.key]
    row._assigned.clear()


_VERSION_COLUMNS = {ProcessInstance.__table__: ProcessInstance.__mapper__.version_id_col}


def _values(row: Row) -> dict:
    return {column.key: row.__dict__[column.key] for column in row._table.columns}


def from_values(table: Table, values: Sequence) -> Row:
    return Row(table, zip(table.columns.keys(), values, strict=True))


def _default(column) -> Any:
    default = column.default
    if default is None:
        return None
    if default.is_scalar:
        return default.arg
    if default.is_callable:
        return default.arg(None)  # SQLAlchemy wraps a plain callable such as list to take a context
    raise ValueError(f"{column.table.name}.{column.key} has a default that a Row cannot compute")


@functools.cache
def _update_statement(table: Table):
    """UPDATE by primary key (and row version); the SET clause follows the parameters' keys."""
    (pk,) = table.primary_key.columns
    stmt = table.update().where(pk == bindparam("where_pk"))
    version = _VERSION_COLUMNS.get(table)
    if version is not None:
        stmt = stmt.where(version == bindparam("where_version"))
    return stmt


# -- statements run on the driver ---------------------------------------------------------
# Connection.execute() spends ~50 µs per statement on cache lookups, an execution context and
# result objects, several times what SQLite needs to run the statement, and every change runs
# five. These few are compiled once with SQLAlchemy for the session's dialect (so the SQL and
# the type processing of UTC datetimes, JSON and binary columns are exactly what execute()
# would use) and then run on the DBAPI cursor of the session's connection, inside its
# transaction. Driver errors come back as SQLAlchemy's exceptions, as from execute(). Not
# shown by echo=True.

@dataclass(frozen=True)
class _Compiled:
    sql: str
    order: tuple[str, ...] | None  # parameter names in order, for positional paramstyles
    processors: tuple[tuple[str, Callable], ...]  # parameter -> bind processor, where one applies
    results: tuple[Callable | None, ...]  # SELECT: result processor per column

    def parameters(self, values: Mapping[str, Any]):
        values = dict(values)
        for name, process in self.processors:
            if name in values:
                values[name] = process(values[name])
        return values if self.order is None else tuple(values[name] for name in self.order)

    def processed(self, values: Sequence) -> tuple:
        return tuple(v if process is None else process(v)
                     for process, v in zip(self.results, values, strict=True))


@functools.lru_cache(maxsize=256)
def _compile(dialect, stmt, keys: tuple[str, ...]) -> _Compiled:
    # for_executemany: compile as execute() does for a list of rows, without RETURNING.
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys), for_executemany=True)
    if compiled.escaped_bind_names:
        raise ValueError(f"parameter names need escaping: {dict(compiled.escaped_bind_names)}")
    processors = tuple((name, process) for name, bind in compiled.binds.items()
                       if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None)
    results = ()
    if isinstance(stmt, Select):
        results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                        for column in stmt.selected_columns)
    order = tuple(compiled.positiontup) if compiled.positional else None
    return _Compiled(compiled.string, order, processors, results)


def run_statement(session: Session, stmt, rows: Sequence[Mapping[str, Any]]) -> int:
    """Execute an INSERT, UPDATE or DELETE for each of `rows` (at least one); the rows matched."""
    connection = session.connection()
    compiled = _compile(connection.dialect, stmt, tuple(sorted(rows[0])))
    with _driver_errors(connection, compiled.sql, rows) as cursor:
        if len(rows) == 1:
            cursor.execute(compiled.sql, compiled.parameters(rows[0]))
        else:
            cursor.executemany(compiled.sql, [compiled.parameters(row) for row in rows])
        pipeline = session.info.get(_PIPELINE)
        if pipeline is not None:  # the row count comes with the results
            pipeline.driver.sync()
        return cursor.rowcount


def send_statement(session: Session, stmt, params: Mapping[str, Any], *,
                   check: Callable[[int], None] | None = None) -> None:
    """Execute an INSERT, UPDATE or DELETE whose outcome the change does not read: inside
    pipelined(), sent without waiting for its answer (its errors, and `check`, come when the
    pipeline ends); else run at once. `check` gets the rows it matched and may raise."""
    pipeline = session.info.get(_PIPELINE)
    if pipeline is None:
        matched = run_statement(session, stmt, [params])
        if check is not None:
            check(matched)
        return
    connection = session.connection()
    compiled = _compile(connection.dialect, stmt, tuple(sorted(params)))
    cursor = connection.connection.cursor()
    pipeline.sent.append(_Sent(cursor, compiled.sql, check))
    cursor.execute(compiled.sql, compiled.parameters(params))


def _matched_one(table: str, matched: int) -> None:
    """An UPDATE of a row by its key (and version) must match it: else StaleDataError, as the
    ORM's version check raises."""
    if matched != 1:
        raise StaleDataError(f"UPDATE statement on table '{table}' expected to update 1 row(s); "
                             f"{matched} were matched.")


@contextlib.contextmanager
def pipelined(session: Session) -> Iterator[None]:
    """Writes sent together: on PostgreSQL in psycopg's pipeline mode, so that a change's tail
    of writes (its audit events, task rows, instance row) costs one round trip instead of one
    each; elsewhere, and for a statement that reads its answer (run_statement, fetch), one at a
    time as usual. When the block ends the answers arrive: the first error is raised as
    execute() would raise it, then each UPDATE that had to match one row is checked."""
    connection = session.connection()
    if connection.dialect.name != "postgresql" or _PIPELINE in session.info:
        yield
        return
    driver, info = connection.connection.dbapi_connection, connection.info  # info: the pooled connection's
    pipeline = _Pipeline(None, [])
    session.info[_PIPELINE] = info[_PIPELINE] = pipeline
    try:
        with _pipeline_errors(connection, pipeline), driver.pipeline() as pipeline.driver:
            yield
        for sent in pipeline.sent:
            if sent.check is not None:
                sent.check(sent.cursor.rowcount)
    finally:
        del session.info[_PIPELINE], info[_PIPELINE]
        for sent in pipeline.sent:
            sent.cursor.close()


@event.listens_for(Engine, "before_cursor_execute")
def _not_in_a_pipeline(connection, cursor, statement, parameters, context, executemany) -> None:
    """SQLAlchemy reads a statement's rows and row count as soon as it executes it; in
    pipeline mode neither has arrived yet (it would see no rows, and an UPDATE would seem to
    match none). Inside pipelined() only this module's functions may run statements."""
    if _PIPELINE in connection.info:
        raise RuntimeError(f"a statement ran through SQLAlchemy inside rows.pipelined(): {statement[:200]}")


_PIPELINE = "jiahe.rows.pipeline"  # session.info: the pipeline a session's writes go through


@dataclass
class _Pipeline:
    driver: Any  # psycopg's Pipeline
    sent: list[_Sent]


@dataclass(frozen=True)
class _Sent:
    cursor: Any
    sql: str
    check: Callable[[int], None] | None


@contextlib.contextmanager
def _pipeline_errors(connection, pipeline: _Pipeline):
    """A driver error of a pipelined statement, raised as execute() raises it (which statement
    failed the driver does not say: the message names the constraint or the row)."""
    dialect = connection.dialect
    try:
        yield
    except dialect.loaded_dbapi.Error as exc:
        dbapi_connection = connection.connection.dbapi_connection
        invalidated = dialect.is_disconnect(exc, dbapi_connection, None)
        if invalidated:
            connection.invalidate(exc)
        sql = "; ".join(sent.sql for sent in pipeline.sent)
        raise DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error,
                                  connection_invalidated=invalidated, dialect=dialect) from exc


def fetch(session: Session, stmt: Select, params: Mapping[str, Any]) -> list[tuple]:
    connection = session.connection()
    compiled = _compile(connection.dialect, stmt, tuple(sorted(params)))
    with _driver_errors(connection, compiled.sql, params) as cursor:
        cursor.execute(compiled.sql, compiled.parameters(params))
        pipeline = session.info.get(_PIPELINE)
        if pipeline is not None:
            pipeline.driver.sync()
        found = cursor.fetchall()
    return [compiled.processed(values) for values in found]


@contextlib.contextmanager
def _driver_errors(connection, sql: str, params):
    """A cursor of the connection; driver errors raised as execute() raises them."""
    dialect = connection.dialect
    cursor = connection.connection.cursor()
    try:
        yield cursor
    except dialect.loaded_dbapi.Error as exc:
        invalidated = dialect.is_disconnect(exc, connection.connection.dbapi_connection, cursor)
        if invalidated:
            connection.invalidate(exc)
        raise DBAPIError.instance(sql, params, exc, dialect.loaded_dbapi.Error,
                                  connection_invalidated=invalidated, dialect=dialect) from exc
    finally:
        cursor.close()
