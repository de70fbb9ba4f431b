from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.runtime.deployment import deploy_project
from engine.runtime.runtime import Runtime
from tests.conftest import FIXTURES
from tests.databases import PostgresSchema, postgres_unavailable_reason


@pytest.fixture
def runtime(store, clock):
    rt = Runtime(store, clock=clock)
    deploy_project(rt, FIXTURES, actor="designer")
    return rt


@pytest.fixture
def project_copy(tmp_path, monkeypatch):
    """A copy of the project's processes and forms as the current directory, with its own
    database file, for the command line (`jiahe lint`, `deploy`, `test-process`)."""
    root = Path(__file__).resolve().parents[2]
    for folder in ("processes", "forms"):
        shutil.copytree(root / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("JIAHE_DB_PATH", str(tmp_path / "jiahe.sqlite3"))
    return tmp_path


def ready(view, name):
    task = view.ready_task(name)
    assert task is not None, f"expected {name} ready; tasks: {[(t.name, t.state) for t in view.tasks]}"
    return task


@pytest.fixture
def pg_schema():
    """A fresh PostgreSQL schema and a store on it, for tests that start other processes on
    it; skipped, with the reason, where no server answers."""
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    schema = PostgresSchema()
    store = schema.create()
    try:
        yield schema, store
    finally:
        store.dispose()
        schema.drop()
