"""Alembic migrations build exactly the schema the models describe, on both databases."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import engine.store.org_models  # noqa: F401 - registers the organisation tables
from engine.store.migrate import current_revision
from engine.store.models import Base


def test_upgraded_database_matches_the_models(store):
    with store.engine.connect() as conn:
        if store.schema:
            conn.exec_driver_sql(f'SET search_path TO "{store.schema}"')
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


def test_upgrading_twice_changes_nothing(store):
    before = current_revision(store)
    store.upgrade()
    assert current_revision(store) == before is not None
