"""Rows written and read straight on the driver (engine.store.rows) behave as the ORM did:
the same defaults, the same stored values, the row version check, and SQLAlchemy's exceptions,
which the store turns into conflicts."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import bindparam, select, update

from engine.errors import Conflict
from engine.store import repository as repo
from engine.store import rows
from engine.store.models import ProcessInstance, ProcessVersion

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


def _version(session) -> int:
    version = ProcessVersion(process_key="p", version=1, name="p", content_hash="h" * 64, bundle={},
                             deployed_at=NOW, deployed_by="test")
    session.add(version)
    session.flush()
    return version.id


def _instance(version_id: int, **values) -> rows.Row:
    return rows.new_row(ProcessInstance.__table__, id=values.pop("id", "i-1"), process_key="p",
                        version_id=version_id, status="running", serialized=b"\x1f\x8b blob",
                        created_at=NOW, updated_at=NOW, created_by="test", **values)


def test_an_inserted_row_reads_back_as_the_orm_sees_it(store):
    with store.write() as session:
        row = _instance(_version(session), open_task_ids=["t-1"])
        rows.insert_rows(session, [row])
    with store.read() as session:
        loaded = session.get(ProcessInstance, "i-1")
        assert loaded.row_version == 1
        assert loaded.serialized == b"\x1f\x8b blob"
        assert loaded.open_task_ids == ["t-1"]
        assert loaded.created_at == NOW


def test_an_update_writes_only_the_assigned_columns_and_moves_the_row_version(store):
    with store.write() as session:
        rows.insert_rows(session, [_instance(_version(session))])
    with store.write() as session:
        row = repo.instance_row_for_update(session, "i-1", store.is_postgres)
        row.status = "suspended"
        rows.update_row(session, row)
        assert row.row_version == 2
    with store.read() as session:
        loaded = session.get(ProcessInstance, "i-1")
        assert (loaded.status, loaded.row_version, loaded.serialized) == ("suspended", 2, b"\x1f\x8b blob")


def _read_before_another_writer_completed_it(store) -> rows.Row:
    """Instance i-1 as read before another writer completed it (row version 1, now 2)."""
    with store.write() as session:
        rows.insert_rows(session, [_instance(_version(session))])
    with store.write() as session:
        stale = repo.instance_row_for_update(session, "i-1", store.is_postgres)
    with store.write() as session:
        fresh = repo.instance_row_for_update(session, "i-1", store.is_postgres)
        fresh.status = "completed"
        rows.update_row(session, fresh)
    return stale


def test_a_writer_holding_an_older_row_version_gets_a_conflict(store):
    stale = _read_before_another_writer_completed_it(store)
    with pytest.raises(Conflict, match="changed by someone else"), store.write() as session:
        stale.status = "terminated"
        rows.update_row(session, stale)
    with store.read() as session:
        assert session.get(ProcessInstance, "i-1").status == "completed"


def test_a_driver_error_comes_back_as_the_conflict_an_orm_insert_gives(store):
    with store.write() as session:
        rows.insert_rows(session, [_instance(_version(session))])
    with pytest.raises(Conflict, match="conflicting write"), store.write() as session:
        version_id = session.get(ProcessInstance, "i-1").version_id
        rows.insert_rows(session, [_instance(version_id)])  # the same primary key again


# -- pipelined writes (one round trip on PostgreSQL; one at a time elsewhere) ----------------------

def test_pipelined_writes_land_and_reads_inside_see_them(store):
    with store.write() as session:
        version_id = _version(session)
    with store.write() as session, rows.pipelined(session):
        rows.insert_rows(session, [_instance(version_id, id="i-1"), _instance(version_id, id="i-2")])
        found = repo.task_rows(session, [])  # nothing to read: no statement
        [[status]] = rows.fetch(session, select(ProcessInstance.status).where(ProcessInstance.id == bindparam("id")),
                                {"id": "i-2"})  # a read inside waits for what was sent before it
        matched = rows.run_statement(session, update(ProcessInstance).where(ProcessInstance.id == bindparam("i"))
                                     .values(title=bindparam("t")), [{"i": "i-1", "t": "改过"}])
    assert (found, status, matched) == ([], "running", 1)
    with store.read() as session:
        assert {i.id: i.title for i in session.scalars(select(ProcessInstance))} == {"i-1": "改过", "i-2": ""}


def test_a_stale_row_version_in_a_pipeline_is_a_conflict_and_nothing_of_it_lands(store):
    stale = _read_before_another_writer_completed_it(store)
    with pytest.raises(Conflict, match="changed by someone else"), store.write() as session, \
            rows.pipelined(session):
        rows.insert_rows(session, [_instance(stale.version_id, id="i-2")])
        stale.status = "terminated"
        rows.update_row(session, stale)
    with store.read() as session:
        assert [(i.id, i.status) for i in session.scalars(select(ProcessInstance))] == [("i-1", "completed")]


def test_a_driver_error_in_a_pipeline_is_the_conflict_it_would_be_alone(store):
    with store.write() as session:
        rows.insert_rows(session, [_instance(_version(session))])
    with pytest.raises(Conflict, match="conflicting write"), store.write() as session:
        version_id = session.get(ProcessInstance, "i-1").version_id
        with rows.pipelined(session):
            rows.insert_rows(session, [_instance(version_id, id="i-2")])
            rows.insert_rows(session, [_instance(version_id)])  # the same primary key again
    with store.read() as session:
        assert [i.id for i in session.scalars(select(ProcessInstance))] == ["i-1"]


def test_a_statement_through_sqlalchemy_inside_a_pipeline_is_refused(store):
    """SQLAlchemy would read rows and row counts that have not arrived (PostgreSQL)."""
    with store.write() as session:
        rows.insert_rows(session, [_instance(_version(session))])
    if not store.is_postgres:  # no pipeline there: everything runs one at a time, as always
        with store.write() as session, rows.pipelined(session):
            assert session.scalar(select(ProcessInstance.status)) == "running"
        return
    with pytest.raises(RuntimeError, match="through SQLAlchemy inside rows.pipelined"), store.write() as session, \
            rows.pipelined(session):
        session.scalar(select(ProcessInstance.status))
    with store.write() as session:  # the connection went back to the pool fit for use
        assert session.scalar(select(ProcessInstance.status)) == "running"
