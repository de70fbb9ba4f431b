"""Login, identity, and the one error shape."""
from __future__ import annotations

from datetime import timedelta


def test_a_user_logs_in_and_sees_herself_and_her_org_units(api):
    me = api.get("/api/v1/me", "mediator_a").get_json()
    assert me == {"username": "mediator_a", "display_name": me["display_name"],
                  "memberships": [{"role": "village_mediator", "org_unit": "village-a"}]}
    units = [u["id"] for u in api.get("/api/v1/org-units", "mediator_a").get_json()]
    assert units == ["village-a", "grid-a1", "grid-a2"]


def test_wrong_password_is_401_in_the_error_shape_in_chinese_unless_english_is_asked_for(api):
    response = api.post("/api/v1/auth/login", json={"username": "clerk", "password": "wrong"})
    assert response.status_code == 401
    assert response.get_json() == {"error": {"status": 401, "code": "unauthorized", "message": "用户名或密码错误"}}
    english = api.post("/api/v1/auth/login", json={"username": "clerk", "password": "wrong"},
                       headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.get_json()["error"] == {"status": 401, "code": "unauthorized",
                                           "message": "wrong username or password"}


def test_missing_field_is_422_with_field_errors(api):
    response = api.post("/api/v1/auth/login", json={"username": "clerk"})
    assert response.status_code == 422
    assert response.get_json()["error"]["field_errors"][0]["field"] == "password"


def test_missing_field_says_so_in_chinese(api):
    error = api.post("/api/v1/auth/login", json={"username": "clerk"}).get_json()["error"]
    assert error["code"] == "validation_failed" and error["message"] == "请求内容不符合要求"
    assert error["field_errors"] == [{"field": "password", "message": "为必填项", "validator": "schema"}]


def test_a_revoked_or_expired_token_is_refused(api):
    headers = api.as_("clerk")
    assert api.client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401
    api.tokens.clear()
    headers = api.as_("clerk")
    api.clock.advance(timedelta(hours=13))
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401


def test_no_token_is_401_and_unknown_url_is_404_in_the_same_shape(api):
    assert api.get("/api/v1/me").get_json()["error"]["code"] == "unauthorized"
    missing = api.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_werkzeugs_own_errors_use_the_error_shape(api):
    wrong_method = api.client.delete("/api/v1/auth/login")
    assert wrong_method.status_code == 405 and wrong_method.get_json()["error"]["code"] == "method_not_allowed"
    assert "POST" in wrong_method.headers["Allow"]
    too_big = api.client.post("/api/v1/auth/login", data=b"x" * (api.app.config["MAX_CONTENT_LENGTH"] + 1),
                              content_type="application/json")
    assert too_big.status_code == 413
    assert too_big.get_json()["error"] == {"status": 413, "code": "request_entity_too_large",
                                           "message": "请求内容过大"}
    long_url = api.client.get("/api/v1/me?q=" + "x" * 9000)
    assert long_url.status_code == 414 and long_url.get_json()["error"]["code"] == "request_uri_too_long"
    big_headers = api.client.get("/api/v1/me", headers={f"X-Filler-{i}": "y" * 1000 for i in range(40)})
    assert big_headers.status_code == 431 and big_headers.get_json()["error"]["message"] == "请求头过大"


def test_openapi_and_docs_are_served(api):
    spec = api.get("/api/openapi.json").get_json()
    assert spec["info"]["title"].startswith("家和") and "/api/v1/auth/login" in spec["paths"]
    assert api.get("/api/docs").status_code == 200
    assert api.get("/api/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_health_needs_no_login_and_metrics_need_the_metrics_token(api):
    api.app.config["METRICS_TOKEN"] = "scrape-secret"
    assert api.get("/healthz").get_json() == {"status": "ok"}
    assert api.get("/metrics").status_code == 401
    assert b"jiahe_open_tasks" in api.client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"}).data


def test_engine_context_never_collides_with_the_error_shape(api):
    from engine.errors import Conflict

    with api.app.test_request_context():
        from api.errors import jiahe_error

        response = jiahe_error(Conflict("instance x is suspended", status="suspended", task="t-1"))
    body = response.get_json()["error"]
    assert response.status_code == 409 and body["status"] == 409
    assert body["details"] == {"status": "suspended", "task": "t-1"}


def test_the_catalog_names_processes_and_roles_in_chinese(api):
    catalog = api.get("/api/v1/catalog", "grid_a1").get_json()
    assert {"key": "dispute_case", "name": "婚姻家庭纠纷调处"} in catalog["processes"]
    assert {"key": "grid_worker", "name": "网格员"} in catalog["roles"]
