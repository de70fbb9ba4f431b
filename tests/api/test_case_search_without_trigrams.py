"""On a PostgreSQL database where pg_trgm is not installed and the user may not create it, the
schema is still built (without the trigram index of case search) and a text search still finds
its cases, by reading them."""
from __future__ import annotations

import uuid

import psycopg
import pytest

from engine.store import Store
from tests.api.cases_support import listed, new_case
from tests.databases import _libpq, postgres_unavailable_reason, postgres_url

pytestmark = pytest.mark.postgres


def _as_admin(sql: str, database: str | None = None) -> None:
    url = _libpq(postgres_url())
    if database:
        url = url.rsplit("/", 1)[0] + "/" + database
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def store():
    """A fresh database owned by the administrator, and a user who may create tables in its
    public schema but not extensions (no CREATE on the database)."""
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    suffix = uuid.uuid4().hex[:12]
    database, user = f"jiahe_plain_{suffix}", f"jiahe_plain_{suffix}"
    _as_admin(f'CREATE DATABASE "{database}"')
    _as_admin(f'CREATE ROLE "{user}" LOGIN')
    s = None
    try:
        _as_admin(f'GRANT USAGE, CREATE ON SCHEMA public TO "{user}"', database)
        base = postgres_url().split("://", 1)[1].split("@", 1)[1].rsplit("/", 1)[0]
        s = Store(f"postgresql://{user}@{base}/{database}")
        s.upgrade()
        yield s
    finally:
        if s is not None:
            s.dispose()
        _as_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        _as_admin(f'DROP ROLE IF EXISTS "{user}"')


def test_the_schema_is_built_without_the_trigram_index(store):
    with store.engine.connect() as conn:
        extensions = conn.exec_driver_sql("SELECT extname FROM pg_extension").scalars().all()
        indexes = conn.exec_driver_sql(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'process_instance'").scalars().all()
    assert "pg_trgm" not in extensions
    assert "ix_process_instance_text" not in indexes and "ix_process_instance_listed" in indexes


def test_a_text_search_finds_its_cases_without_the_index(api):
    wanted = new_case(api, org_unit="grid-a1", summary="婆媳因赡养费争吵")
    new_case(api, org_unit="grid-a1", summary="邻里之间因宅基地纠纷")
    by_text = listed(api, "clerk", "q=赡养费")
    by_number = listed(api, "clerk", f"q={wanted['case_no'].lower()}")
    assert [c["id"] for c in by_text["items"]] == [wanted["id"]] and by_text["total"] == 1
    assert [c["id"] for c in by_number["items"]] == [wanted["id"]]
