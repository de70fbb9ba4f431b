"""A PostgreSQL connection dropped under the API (the server restarted, a firewall cut it):
no connection is pinged before every transaction, yet none stays broken. One that sat idle is
tried first and replaced; one that dies in use costs that request a 503, never a 500, and the
next request is answered."""
from __future__ import annotations

import psycopg
import pytest

from engine.store import db
from tests.databases import postgres_url


def _pooled_backend_pids(store) -> list[int]:
    """The server pids of the connections waiting in the API's pool (checked out all at once)."""
    pool = store._sessions_engine.pool
    connections = [store._sessions_engine.raw_connection() for _ in range(pool.checkedin())]
    try:
        pids = []
        for connection in connections:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids.append(cursor.fetchone()[0])
            connection.commit()
        return pids
    finally:
        for connection in connections:
            connection.close()


def _drop(pids: list[int]) -> None:
    with psycopg.connect(postgres_url().replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        for pid in pids:
            conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


pytestmark = pytest.mark.parametrize("store", ["postgresql"], indirect=True)


def test_an_idle_connection_that_was_dropped_is_replaced_before_use(api, monkeypatch):
    assert api.get("/api/v1/tasks?scope=group", "clerk").status_code == 200
    pids = _pooled_backend_pids(api.services.store)
    assert pids
    _drop(pids)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # every pooled connection counts as idle

    response = api.get("/api/v1/tasks?scope=group", "clerk")

    assert response.status_code == 200, response.get_json()
    assert not set(_pooled_backend_pids(api.services.store)) & set(pids)


def test_a_connection_that_dies_in_use_costs_one_503_and_the_next_request_is_answered(api, monkeypatch):
    assert api.get("/api/v1/tasks?scope=group", "clerk").status_code == 200
    _drop(_pooled_backend_pids(api.services.store))
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 3600.0)  # in steady use: never tried first

    failed = api.get("/api/v1/tasks?scope=group", "clerk")
    answered = api.get("/api/v1/tasks?scope=group", "clerk")

    assert failed.status_code == 503
    error = failed.get_json()["error"]
    assert error["code"] == "database_unavailable" and "Traceback" not in failed.get_data(as_text=True)
    assert failed.headers["Retry-After"] == "1"
    assert answered.status_code == 200, answered.get_json()
