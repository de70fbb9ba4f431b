"""Hostile or careless input gets a 422 (or a 404 for an id that cannot exist) with the
field's path, never a 500, and nothing is stored: U+0000, lone surrogates, NaN and Infinity,
deep nesting, integers out of range, in bodies, queries and paths, with and without login."""
from __future__ import annotations

import json

import pytest

from tests.api.task_support import start_case, task_id

LOGIN = "/api/v1/auth/login"


def send(api, method, url, text, user=None):
    headers = {"Content-Type": "application/json", **(api.as_(user) if user else {})}
    return api.client.open(url, method=method, data=text.encode("utf-8", "surrogatepass"), headers=headers)


def field_errors(response):
    return [(e["field"], e["validator"]) for e in response.get_json()["error"]["field_errors"]]


@pytest.mark.parametrize("text, field, validator", [
    ('{"username": "a\\u0000b", "password": "x"}', "username", "characters"),
    ('{"username": "\\ud800", "password": "x"}', "username", "characters"),
    ('{"username": "clerk", "password": NaN}', "(body)", "type"),
    ('{"username": "clerk", "password": -Infinity}', "(body)", "type"),
    ('{"username": "clerk", "password": "x", "\\u0000": 1}', "(body)", "characters"),
])
def test_login_refuses_what_no_column_can_hold_without_a_token(api, text, field, validator):
    response = send(api, "POST", LOGIN, text)
    assert response.status_code == 422 and field_errors(response) == [(field, validator)]


def test_json_nested_thousands_deep_is_422_not_a_recursion_error(api):
    deep = '{"data": ' + "[" * 5000 + "]" * 5000 + "}"
    response = send(api, "POST", LOGIN, deep)
    assert response.status_code == 422 and field_errors(response)[0][1] == "maxDepth"
    shallow_but_too_deep = {"data": {}}
    node = shallow_but_too_deep["data"]
    for _ in range(40):
        node["x"] = {}
        node = node["x"]
    response = send(api, "POST", LOGIN, json.dumps(shallow_but_too_deep))
    assert response.status_code == 422 and field_errors(response)[0][1] == "maxDepth"


def test_a_task_submission_with_a_bad_string_names_its_path_and_changes_nothing(api):
    case = start_case(api)
    task = task_id(api, case.id, "screen_risk")
    body = '{"data": {"parties": [{"name": "\\ud83d"}], "summary": "ok"}}'
    response = send(api, "POST", f"/api/v1/tasks/{task}/complete", body, "clerk")
    assert response.status_code == 422 and field_errors(response) == [("data.parties.0.name", "characters")]
    draft = send(api, "PUT", f"/api/v1/tasks/{task}/draft", '{"data": {"summary": "a\\u0000"}}', "clerk")
    assert draft.status_code == 422 and field_errors(draft) == [("data.summary", "characters")]
    page = api.get(f"/api/v1/tasks/{task}", "clerk")
    assert page.status_code == 200 and page.get_json()["draft"] is None and page.get_json()["state"] == "ready"


def test_huge_integers_in_bodies_are_422_and_in_paths_404(api):
    case = start_case(api)
    too_big = send(api, "POST", f"/api/v1/cases/{case.id}/migrate", '{"version": 2147483648}', "admin")
    assert too_big.status_code == 422
    huge = send(api, "POST", f"/api/v1/cases/{case.id}/migrate", '{"version": 1' + "0" * 30 + "}", "admin")
    assert huge.status_code == 422 and field_errors(huge) == [("version", "maximum")]
    path = api.get("/api/v1/processes/dispute_case/versions/2147483648/bpmn", "designer")
    assert path.status_code == 404 and path.get_json()["error"]["code"] == "not_found"


def test_nul_or_surrogates_in_paths_are_not_found_and_in_queries_422(api):
    assert api.get("/api/v1/public/intake/abc%00def").status_code == 404
    assert api.get("/api/v1/cases/x%00y", "clerk").status_code == 404
    assert api.get("/api/v1/tasks/%ED%A0%80", "clerk").status_code == 404
    query = api.get("/api/v1/cases?q=a%00b", "clerk")
    assert query.status_code == 422 and field_errors(query) == [("q", "characters")]


def test_malformed_json_is_a_client_error_in_the_error_shape(api):
    response = send(api, "POST", LOGIN, '{"username": ')
    assert 400 <= response.status_code < 500 and "error" in response.get_json()
