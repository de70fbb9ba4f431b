"""Login limits: counted in the database (shared by every API process), per address, per
username for strangers, per known device for her usual browser; behind a trusted proxy the
address is the client's."""
from __future__ import annotations

import pytest

from api import create_app
from tests.api.conftest import PASSWORD, ROOT

LIMITS = {"LOGIN_LIMIT_PER_SOURCE": "100 per minute", "LOGIN_FAILURES_PER_SOURCE": "8 per 15 minutes",
          "LOGIN_FAILURES_PER_USER": "5 per 15 minutes", "LOGIN_FAILURES_PER_DEVICE": "5 per 15 minutes"}


@pytest.fixture
def limited(api):
    api.app.config.update(LIMITS)
    return api


def login(client, username, password, address="198.51.100.7"):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_guessing_one_password_is_stopped_with_retry_after(limited):
    for _ in range(5):
        assert login(limited.client, "clerk", "wrong").status_code == 401
    refused = login(limited.client, "clerk", PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["error"]["code"] == "too_many_requests"


def test_a_stranger_cannot_lock_her_out_of_the_browser_she_logs_in_from(limited):
    her_browser = limited.app.test_client()
    assert login(her_browser, "admin", PASSWORD, "203.0.113.5").status_code == 200
    stranger = limited.app.test_client()
    for _ in range(5):
        login(stranger, "admin", "guess", "192.0.2.66")
    assert login(stranger, "admin", PASSWORD, "192.0.2.66").status_code == 429
    assert login(limited.app.test_client(), "admin", PASSWORD, "203.0.113.5").status_code == 429  # a new client
    assert login(her_browser, "admin", PASSWORD, "203.0.113.5").status_code == 200


def test_spraying_many_usernames_from_one_address_is_stopped(limited):
    names = ["clerk", "admin", "lawyer", "grid_a1", "mediator_a", "designer", "town_mediator", "psychologist"]
    for name in names:
        assert login(limited.client, name, "Winter2026!").status_code == 401
    assert login(limited.client, "supervisor_a", PASSWORD).status_code == 429
    assert login(limited.client, "supervisor_a", PASSWORD, "198.51.100.8").status_code == 200


def test_a_forged_device_cookie_counts_as_a_stranger(limited):
    client = limited.app.test_client()
    client.set_cookie("jiahe_device", "eyJpZCI6ImZvcmdlZCIsInVzZXJzIjpbImFkbWluIl19.x.y", path="/api/v1/auth")
    for _ in range(5):
        login(client, "admin", "guess")
    assert login(client, "admin", PASSWORD).status_code == 429


def test_two_api_processes_share_one_count(limited, store):
    second = create_app({"TESTING": True, "JIAHE_PROJECT_ROOT": str(ROOT), "START_TIMER_WORKER": False, **LIMITS},
                        clock=limited.clock, store=store)
    for index in range(5):
        app = limited.app if index % 2 else second
        login(app.test_client(), "lawyer", "wrong")
    assert login(second.test_client(), "lawyer", PASSWORD).status_code == 429
    assert login(limited.app.test_client(), "lawyer", PASSWORD).status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(limited, store):
    proxied = create_app({"TESTING": True, "JIAHE_PROJECT_ROOT": str(ROOT), "START_TIMER_WORKER": False,
                          "TRUSTED_PROXIES": 1, **LIMITS}, clock=limited.clock, store=store)
    client = proxied.test_client()
    for index in range(8):
        client.post("/api/v1/auth/login", json={"username": f"nobody{index}", "password": "x"},
                    headers={"X-Forwarded-For": "192.0.2.10"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    behind_same_proxy = client.post("/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD},
                                    headers={"X-Forwarded-For": "192.0.2.11"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert behind_same_proxy.status_code == 200
    sprayer = proxied.test_client().post("/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD},
                          headers={"X-Forwarded-For": "192.0.2.10"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert sprayer.status_code == 429


def test_without_trusted_proxies_a_forwarded_header_is_ignored(limited):
    for index in range(8):
        limited.client.post("/api/v1/auth/login", json={"username": f"nobody{index}", "password": "x"},
                            headers={"X-Forwarded-For": f"192.0.2.{index}"})
    assert login(limited.client, "clerk", PASSWORD, "127.0.0.1").status_code == 429
