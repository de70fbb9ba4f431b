"""Alembic migrations build exactly the schema the models describe, on both databases."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import engine.store.org_models  # noqa: F401 - registers the organisation tables
from engine.store.migrate import current_revision
from engine.store.models import OPTIONAL_INDEXES, Base


def test_upgraded_database_matches_the_models(store):
    with store.engine.connect() as conn:
        if store.schema:
            conn.exec_driver_sql(f'SET search_path TO "{store.schema}"')
        modelled = lambda obj, name, type_, *_: not (type_ == "index" and name in OPTIONAL_INDEXES)  # noqa: E731
        differences = compare_metadata(MigrationContext.configure(conn, opts={"include_object": modelled}),
                                       Base.metadata)
        indexes = {index["name"] for index in inspect(conn).get_indexes("process_instance")}
    assert differences == []
    # the test databases allow it: case search has its index on both
    assert OPTIONAL_INDEXES <= indexes


def test_upgrading_twice_changes_nothing(store):
    before = current_revision(store)
    store.upgrade()
    assert current_revision(store) == before is not None


def test_a_database_with_cases_upgrades_from_every_earlier_revision(tmp_path, clock):
    """Migrations that rebuild a table (SQLite's batch mode) must keep the rows that point at
    it: the demo's database has deployed versions and cases before it is upgraded."""
    from engine.runtime.deployment import deploy_project
    from engine.runtime.runtime import Runtime
    from engine.store import Store
    from engine.store.migrate import upgrade
    from tests.conftest import FIXTURES

    for revision in ("0008", "0010"):
        store = Store(f"sqlite:///{tmp_path / f'from-{revision}.sqlite3'}")
        upgrade(store, revision)
        runtime = Runtime(store, clock=clock)
        with store.engine.begin() as conn:  # a version and a case, as that revision stored them
            conn.exec_driver_sql(
                "INSERT INTO process_version (process_key, version, name, content_hash, bundle, deployed_at, "
                "deployed_by) VALUES ('five_steps', 1, '五步', 'abc', '{}', '2026-03-01 00:00:00', 'designer')")
            conn.exec_driver_sql(
                "INSERT INTO process_instance (id, process_key, version_id, status, title, serialized, row_version, "
                "waits_signature, open_task_ids, commitments, audit_seq, audit_hash, created_at, updated_at, "
                "created_by) VALUES ('case-1', 'five_steps', 1, 'running', '', x'00', 1, '', '[]', '[]', 0, '', "
                "'2026-03-01 00:00:00', '2026-03-01 00:00:00', 'clerk')")
        store.upgrade()
        assert current_revision(store) is not None
        deploy_project(runtime, FIXTURES, actor="designer")
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_id FROM process_instance").scalar() == 1
        store.dispose()
