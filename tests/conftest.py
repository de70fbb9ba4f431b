from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest

from engine.clock import ManualClock
from tests.databases import PostgresSchema, postgres_unavailable_reason, sqlite_store

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT_ROOT = Path(__file__).parent.parent

_pg_reason: list = []


@contextmanager
def _run_directory(tmp_path_factory, variable: str, name: str):
    """A directory of this run's own in the environment variable, the old value put back after."""
    path = tmp_path_factory.mktemp(name)
    previous = os.environ.get(variable)
    os.environ[variable] = str(path)
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop(variable, None)
        else:
            os.environ[variable] = previous


@pytest.fixture(autouse=True, scope="session")
def key_dir(tmp_path_factory):
    """Keys (audit HMAC, checkpoint signing, app secret) for this run, never the developer's var/keys."""
    with _run_directory(tmp_path_factory, "JIAHE_KEY_DIR", "keys") as path:
        yield path


@pytest.fixture(autouse=True, scope="session")
def files_dir(tmp_path_factory):
    """The file store (case documents, scans) for this run, never the developer's var/files."""
    with _run_directory(tmp_path_factory, "JIAHE_FILES_DIR", "files") as path:
        yield path


@pytest.fixture(autouse=True, scope="session")
def audit_checkpoints_dir(tmp_path_factory):
    """Where audit checkpoints go and evidence packages look for them in this run, never var/."""
    with _run_directory(tmp_path_factory, "JIAHE_CHECKPOINT_DIR", "audit-checkpoints") as path:
        yield path


def _postgres_reason() -> str | None:
    if not _pg_reason:
        _pg_reason.append(postgres_unavailable_reason())
    return _pg_reason[0]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    """A migrated, empty database: a SQLite file, and PostgreSQL where it answers."""
    if request.param == "sqlite":
        s = sqlite_store(tmp_path / "jiahe.sqlite3")
        yield s
        s.dispose()
        return
    reason = _postgres_reason()
    if reason:
        pytest.skip(reason)
    schema = PostgresSchema()
    s = schema.create()
    try:
        yield s
    finally:
        s.dispose()
        schema.drop()


@pytest.fixture
def sqlite_only_store(tmp_path):
    s = sqlite_store(tmp_path / "jiahe.sqlite3")
    yield s
    s.dispose()


@pytest.fixture
def clock():
    return ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))
