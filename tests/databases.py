"""Test databases: a fresh SQLite file, and, where the server answers, a fresh PostgreSQL
schema; each is created for one test and dropped after it, so runs never see each other."""
from __future__ import annotations

import os
import uuid

from engine.store import Store

LOCAL_POSTGRES = "postgresql://root@127.0.0.1:5432/test"


def postgres_url() -> str:
    return os.environ.get("DATABASE_URL") or os.environ.get("JIAHE_TEST_POSTGRES") or LOCAL_POSTGRES


def postgres_unavailable_reason() -> str | None:
    """None when PostgreSQL answers; otherwise why the PostgreSQL part is skipped."""
    import psycopg

    url = postgres_url()
    if not url.startswith(("postgresql", "postgres")):
        return f"DATABASE_URL is not PostgreSQL ({url.split(':')[0]})"
    try:
        with psycopg.connect(_libpq(url), connect_timeout=3):
            return None
    except Exception as exc:  # any failure to connect means: skip, and say why
        return f"PostgreSQL not reachable at {url}: {exc.__class__.__name__}: {str(exc).strip()[:120]}"


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def sqlite_store(path) -> Store:
    store = Store(f"sqlite:///{path}")
    store.upgrade()
    return store


class PostgresSchema:
    """A throwaway schema in the test database."""

    def __init__(self):
        self.url = postgres_url()
        self.name = f"jiahe_test_{uuid.uuid4().hex[:12]}"

    def create(self) -> Store:
        self._execute(f'CREATE SCHEMA "{self.name}"')
        store = Store(self.url, schema=self.name)
        store.upgrade()
        return store

    def drop(self) -> None:
        self._execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')

    def _execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(_libpq(self.url), autocommit=True) as conn:
            conn.execute(sql)
