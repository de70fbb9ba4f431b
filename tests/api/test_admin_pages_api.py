"""What the administration page relies on: accounts that stop working at once, the org file
exported and imported again unchanged, and every refusal in Chinese at its field's path."""
from __future__ import annotations

import yaml

from engine.store import org_repository
from engine.store.org_repository import load_chart
from tests.api.conftest import PASSWORD
from tests.api.test_admin import USERS, field_errors, new_user, patch
from tests.databases import sqlite_store

EXPORT = "/api/v1/admin/org/export"
IMPORT = "/api/v1/admin/org/import"
UNITS = "/api/v1/admin/org-units"


def log_in(api, username, password=PASSWORD):
    return api.post("/api/v1/auth/login", json={"username": username, "password": password})


def browser_session(api, username):
    """A second client logged in the way the web app is: a session cookie and its CSRF token."""
    client = api.app.test_client()
    response = client.post("/api/v1/auth/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return client


def exported(api, user="admin") -> dict:
    response = api.get(EXPORT, user)
    assert response.status_code == 200 and response.mimetype == "application/yaml"
    assert "attachment" in response.headers["Content-Disposition"]
    return yaml.safe_load(response.get_data(as_text=True))


def import_text(api, text, user="admin"):
    return api.post(IMPORT, user, data=text.encode(), headers={"Content-Type": "application/yaml"})


# -- accounts -------------------------------------------------------------------------------------

def test_a_deactivated_user_is_told_so_and_her_browser_session_ends(api):
    browser = browser_session(api, "grid_a1")
    assert browser.get("/api/v1/me").status_code == 200
    assert patch(api, f"{USERS}/grid_a1", "admin", {"active": False}).status_code == 200
    assert browser.get("/api/v1/me").status_code == 401
    refused = log_in(api, "grid_a1")
    assert refused.status_code == 401
    assert refused.get_json()["error"] | {"status": 401} == {
        "status": 401, "code": "account_deactivated", "message": "该账号已停用，请联系系统管理员"}


def test_a_wrong_password_for_a_deactivated_user_does_not_tell_that_she_exists(api):
    patch(api, f"{USERS}/grid_a1", "admin", {"active": False})
    wrong = log_in(api, "grid_a1", "not-her-password")
    assert wrong.get_json()["error"]["code"] == "unauthorized"
    assert wrong.get_json()["error"]["message"] == log_in(api, "nobody", "x" * 10).get_json()["error"]["message"]


def test_a_reactivated_user_logs_in_again(api):
    patch(api, f"{USERS}/grid_a1", "admin", {"active": False})
    assert patch(api, f"{USERS}/grid_a1", "admin", {"active": True}).get_json()["active"] is True
    assert log_in(api, "grid_a1").status_code == 200


def test_a_password_reset_ends_her_browser_session(api):
    browser = browser_session(api, "grid_a1")
    assert patch(api, f"{USERS}/grid_a1", "admin", {"password": "reset-by-admin"}).status_code == 200
    assert browser.get("/api/v1/me").status_code == 401
    assert log_in(api, "grid_a1").status_code == 401
    assert log_in(api, "grid_a1", "reset-by-admin").status_code == 200


# -- export and import --------------------------------------------------------------------------

def test_the_export_is_the_org_file_without_passwords(api):
    org = exported(api)
    assert org["units"][0] == {"id": "city", "name": "示范市", "level": "city"}
    assert {"id": "grid-a1", "name": "东村第一网格", "level": "grid", "parent": "village-a"} in org["units"]
    grid_a1 = next(u for u in org["users"] if u["username"] == "grid_a1")
    assert grid_a1 == {"username": "grid_a1", "display_name": "李网格",
                       "memberships": [{"role": "grid_worker", "org_unit": "grid-a1"}]}
    assert "scrypt$" not in api.get(EXPORT, "admin").get_data(as_text=True)  # nor their hashes
    assert all("password" not in user for user in org["users"])


def test_an_export_imported_again_changes_nothing(api):
    text = api.get(EXPORT, "admin").get_data(as_text=True)
    response = import_text(api, text)
    assert response.status_code == 200 and not any(response.get_json().values())
    assert log_in(api, "grid_a1").status_code == 200  # her password stayed


def test_an_export_imported_into_an_empty_database_rebuilds_the_same_chart(api, tmp_path):
    org = exported(api)
    elsewhere = sqlite_store(tmp_path / "elsewhere.sqlite3")
    summary = org_repository.import_org(elsewhere, org)
    assert summary.units_added == len(org["units"]) and summary.users_added == len(org["users"])
    with api.services.store.read() as here, elsewhere.read() as there:
        assert load_chart(there) == load_chart(here)
        assert _memberships(there) == _memberships(here)
        assert org_repository.verify_password(there, "grid_a1", PASSWORD) is False  # no password travelled


def _memberships(session) -> dict:
    return {u.username: (u.display_name, sorted((m.role, m.org_unit) for m in u.memberships))
            for u in org_repository.users(session)}


def test_a_county_admin_exports_her_county_and_imports_it_again(api):
    assert api.post(USERS, "admin", json=new_user("county_admin", role="admin", org_unit="county")).status_code == 201
    # The designer works at the city too: her county membership is exported, her account is not the county's.
    api.post(f"{USERS}/designer/memberships", "admin", json={"role": "intake_clerk", "org_unit": "county"})
    org = exported(api, "county_admin")
    assert [u["id"] for u in org["units"]][0] == "county" and "city" not in [u["id"] for u in org["units"]]
    designer = next(u for u in org["users"] if u["username"] == "designer")
    assert designer["memberships"] == [{"role": "intake_clerk", "org_unit": "county"}]
    assert "admin" not in [u["username"] for u in org["users"]]
    again = import_text(api, yaml.safe_dump(org, allow_unicode=True), "county_admin")
    assert again.status_code == 200, again.get_json()
    assert not any(again.get_json().values())


def test_renaming_someone_outside_her_accounts_by_import_is_still_refused(api):
    api.post(USERS, "admin", json=new_user("county_admin", role="admin", org_unit="county"))
    api.post(f"{USERS}/designer/memberships", "admin", json={"role": "intake_clerk", "org_unit": "county"})
    response = import_text(api, "users:\n  - {username: designer, display_name: 冒名}\n", "county_admin")
    assert response.status_code == 422 and "users.0.username" in field_errors(response)


def test_only_admins_export(api):
    for user in ["designer", "supervisor_county", "grid_a1"]:
        assert api.get(EXPORT, user).status_code == 403
    assert api.client.get(EXPORT).status_code == 401


# -- validation messages in Chinese at their paths ---------------------------------------------------

BROKEN_FILE = """
units:
  - {id: village-c, name: 南村, level: village, parent: town}
  - {id: grid-c1, name: 南村第一网格, level: village, parent: village-c}
  - {id: grid-c2, name: 南村第二网格, level: grid, parent: nowhere}
  - {id: village-c, name: 重复, level: village, parent: town}
  - {id: x, name: x, level: province}
users:
  - username: grid_c1
    memberships:
      - {role: janitor, org_unit: grid-zz}
"""


def test_a_broken_org_file_lists_every_problem_in_chinese_at_its_path(api):
    response = import_text(api, BROKEN_FILE)
    assert response.status_code == 422
    errors = field_errors(response)
    assert set(errors) == {"units.1.level", "units.2.parent", "units.3.id", "units.4.level",
                           "users.0.memberships.0.role", "users.0.memberships.0.org_unit"}
    assert errors["units.1.level"] == "上级单位「village-c」是村（社区），本单位的层级应为grid（网格）"
    assert errors["units.2.parent"] == "上级单位「nowhere」不存在"
    assert errors["units.3.id"] == "组织单位「village-c」重复定义"
    assert errors["users.0.memberships.0.org_unit"] == "组织单位「grid-zz」不存在"
    assert errors["users.0.memberships.0.role"].startswith("未知的角色「janitor」")
    assert response.get_json()["error"]["message"].startswith("组织文件有 6 处问题，未导入任何内容")
    assert "village-c" not in [u["id"] for u in api.get(UNITS, "admin").get_json()]


def test_an_org_file_problem_is_in_english_when_asked(api):
    response = api.post(IMPORT, "admin", data=b"units:\n  - {id: g, name: g, level: grid, parent: grid-a1}\n",
                        headers={"Content-Type": "application/yaml", "Accept-Language": "en"})
    assert field_errors(response) == {"units.0.parent": "a grid cannot have units below it"}


def test_a_unit_below_a_grid_or_a_loop_is_named_at_its_parent(api):
    loop = "units:\n  - {id: town, name: 和美镇, level: town, parent: grid-a1}\n"
    assert "units.0.parent" in field_errors(import_text(api, loop))
    under_grid = field_errors(import_text(api, "units:\n  - {id: g, name: g, level: grid, parent: grid-a1}\n"))
    assert under_grid == {"units.0.parent": "上级单位「grid-a1」是网格，网格之下不能再设单位"}


def test_user_creation_is_refused_in_chinese_field_by_field(api):
    body = new_user("bad/name", password="short", display_name="x" * 201)
    errors = field_errors(api.post(USERS, "admin", json=body))
    assert errors == {"username": "不能包含空格、/、?、# 或 %", "password": "应为 8 至 200 个字符",
                      "display_name": "不能多于 200 个字符"}
    unknown = field_errors(api.post(USERS, "admin", json=new_user(org_unit="grid-zz")))
    assert unknown == {"memberships.0.org_unit": "没有组织单位「grid-zz」"}


def test_a_membership_at_an_unknown_unit_or_role_is_refused_in_chinese(api):
    url = f"{USERS}/grid_a1/memberships"
    assert field_errors(api.post(url, "admin", json={"role": "grid_worker", "org_unit": "grid-zz"})) == {
        "org_unit": "没有组织单位「grid-zz」"}
    role = field_errors(api.post(url, "admin", json={"role": "janitor", "org_unit": "grid-a1"}))
    assert role["role"].startswith("取值不在允许范围内")


def test_a_unit_at_the_wrong_level_is_refused_with_the_level_names(api):
    response = api.post(UNITS, "admin", json={"id": "x", "name": "x", "level": "grid", "parent": "town"})
    assert field_errors(response) == {"level": "上级单位「和美镇」是乡镇（街道），下级单位的层级应为村（社区）"}
