"""The web app's session: an HttpOnly cookie, a CSRF token for unsafe requests, logout on
the server; bearer tokens work as before."""
from __future__ import annotations

from tests.api.conftest import PASSWORD


def open_session(api, username="clerk"):
    response = api.client.post("/api/v1/auth/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return response


def test_a_session_is_an_httponly_samesite_cookie_with_a_csrf_token(api):
    response = open_session(api)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("jiahe_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    body = response.get_json()
    assert body["username"] == "clerk" and len(body["csrf_token"]) == 64
    assert "token" not in body
    again = api.client.get("/api/v1/auth/session").get_json()
    assert again["csrf_token"] == body["csrf_token"] and again["memberships"][0]["role"] == "intake_clerk"


def test_reads_need_only_the_cookie_and_writes_need_the_csrf_header(api):
    csrf = open_session(api, "grid_a1").get_json()["csrf_token"]
    assert api.client.get("/api/v1/me").get_json()["username"] == "grid_a1"
    case = {"process": "dispute_case", "org_unit": "grid-a1", "channel": "visit", "data": {}}
    refused = api.client.post("/api/v1/cases", json=case)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "csrf_failed"
    wrong = api.client.post("/api/v1/cases", json=case, headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    accepted = api.client.post("/api/v1/cases", json=case, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 422  # past the CSRF check, on to the start form's checks
    assert accepted.get_json()["error"]["code"] == "validation_failed"


def test_logout_ends_the_session_on_the_server(api):
    response = open_session(api)
    token = next(h for h in response.headers.getlist("Set-Cookie")
                 if h.startswith("jiahe_session=")).split(";")[0].split("=", 1)[1]
    csrf = response.get_json()["csrf_token"]
    assert api.client.delete("/api/v1/auth/session").status_code == 403  # no CSRF header
    assert api.client.delete("/api/v1/auth/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert api.client.get("/api/v1/auth/session").status_code == 401
    stolen = api.app.test_client()
    stolen.set_cookie("jiahe_session", token)
    assert stolen.get("/api/v1/me").status_code == 401


def test_without_a_session_the_session_endpoint_is_401(api):
    assert api.client.get("/api/v1/auth/session").status_code == 401


def test_bearer_tokens_need_no_csrf_header(api):
    created = api.post("/api/v1/cases", "grid_a1", json={"process": "dispute_case", "org_unit": "grid-a1",
                                                          "channel": "visit", "data": {}})
    assert created.status_code != 403
