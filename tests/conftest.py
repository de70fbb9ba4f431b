from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from engine.clock import ManualClock
from tests.databases import PostgresSchema, postgres_unavailable_reason, sqlite_store

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT_ROOT = Path(__file__).parent.parent

_pg_reason: list = []


@pytest.fixture(autouse=True, scope="session")
def key_dir(tmp_path_factory):
    """Keys (audit HMAC, checkpoint signing, app secret) for this run, never the developer's var/keys."""
    path = tmp_path_factory.mktemp("keys")
    previous = os.environ.get("JIAHE_KEY_DIR")
    os.environ["JIAHE_KEY_DIR"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("JIAHE_KEY_DIR", None)
    else:
        os.environ["JIAHE_KEY_DIR"] = previous


@pytest.fixture(autouse=True, scope="session")
def files_dir(tmp_path_factory):
    """The file store (case documents, scans) for this run, never the developer's var/files."""
    path = tmp_path_factory.mktemp("files")
    previous = os.environ.get("JIAHE_FILES_DIR")
    os.environ["JIAHE_FILES_DIR"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("JIAHE_FILES_DIR", None)
    else:
        os.environ["JIAHE_FILES_DIR"] = previous


@pytest.fixture(autouse=True, scope="session")
def audit_checkpoints_dir(tmp_path_factory):
    """Where audit checkpoints go and evidence packages look for them in this run, never var/."""
    path = tmp_path_factory.mktemp("audit-checkpoints")
    previous = os.environ.get("JIAHE_CHECKPOINT_DIR")
    os.environ["JIAHE_CHECKPOINT_DIR"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("JIAHE_CHECKPOINT_DIR", None)
    else:
        os.environ["JIAHE_CHECKPOINT_DIR"] = previous


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
