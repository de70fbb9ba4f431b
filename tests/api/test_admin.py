"""Administration over HTTP: users, memberships, org units and org import, each within the
admin's jurisdiction and each audited."""
from __future__ import annotations

import io

import pytest

from engine.store import repository as repo
from tests.api.conftest import PASSWORD

USERS = "/api/v1/admin/users"
UNITS = "/api/v1/admin/org-units"


def new_user(username="grid_a2", role="grid_worker", org_unit="grid-a2", **extra) -> dict:
    return {"username": username, "display_name": "新网格", "password": PASSWORD,
            "memberships": [{"role": role, "org_unit": org_unit}], **extra}


def patch(api, url, user, json):
    return api.client.patch(url, json=json, headers=api.as_(user))


def delete(api, url, user, json):
    return api.client.delete(url, json=json, headers=api.as_(user))


def system_events(api) -> list:
    with api.services.store.read() as session:
        return repo.audit_records(session, "system")


def field_errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.get_json()["error"]["field_errors"]}


@pytest.fixture
def county_admin(api):
    """An admin of the county only: the city, its admin and the city's other counties are not hers."""
    body = new_user("county_admin", role="admin", org_unit="county")
    assert api.post(USERS, "admin", json=body).status_code == 201
    return "county_admin"


# -- users ---------------------------------------------------------------------------------------

def test_an_admin_creates_a_user_who_can_then_log_in(api):
    response = api.post(USERS, "admin", json=new_user())
    assert response.status_code == 201
    assert response.get_json() == {"username": "grid_a2", "display_name": "新网格", "active": True,
                                   "memberships": [{"role": "grid_worker", "org_unit": "grid-a2"}]}
    me = api.get("/api/v1/me", "grid_a2").get_json()
    assert me["memberships"] == [{"role": "grid_worker", "org_unit": "grid-a2"}]
    created = [e for e in system_events(api) if e.type == "user_created"]
    assert created[-1].actor == "admin" and created[-1].data["username"] == "grid_a2"
    assert "password" not in created[-1].data


def test_a_taken_username_is_409(api):
    response = api.post(USERS, "admin", json=new_user("grid_a1"))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"


def test_an_unknown_role_is_422_naming_the_membership(api):
    response = api.post(USERS, "admin", json=new_user(role="janitor"))
    assert response.status_code == 422
    assert "memberships.0.role" in field_errors(response)


def test_an_unknown_unit_or_a_weak_password_is_422_with_field_errors(api):
    unknown = api.post(USERS, "admin", json=new_user(org_unit="grid-zz"))
    assert unknown.status_code == 422 and "memberships.0.org_unit" in field_errors(unknown)
    weak = api.post(USERS, "admin", json=new_user(password="short"))
    assert weak.status_code == 422 and "password" in field_errors(weak)
    empty = api.post(USERS, "admin", json=new_user(password=""))
    assert empty.status_code == 422 and "password" in field_errors(empty)


@pytest.mark.parametrize("user", ["designer", "grid_a1", "supervisor_county"])
def test_only_admins_reach_the_admin_api(api, user):
    assert api.get(USERS, user).status_code == 403
    assert api.post(USERS, user, json=new_user()).status_code == 403
    assert api.get(UNITS, user).status_code == 403
    assert api.post("/api/v1/admin/org/import", user, data="units: []").status_code == 403


def test_users_are_searched_and_paged(api):
    page = api.get(f"{USERS}?per_page=5&page=2", "admin").get_json()
    assert page["total"] == 16 and page["page"] == 2 and len(page["items"]) == 5  # processes/org/demo.yaml
    found = api.get(f"{USERS}?q=调解", "admin").get_json()["items"]
    assert sorted(u["username"] for u in found) == ["mediator_a", "mediator_b", "town_mediator"]
    assert api.get(f"{USERS}?q=%25", "admin").get_json()["total"] == 0  # a literal %, not a wildcard


def test_a_deactivated_user_is_logged_out_at_once_and_cannot_log_in(api):
    headers = api.as_("clerk")
    assert api.client.get("/api/v1/me", headers=headers).status_code == 200
    response = patch(api, f"{USERS}/clerk", "admin", {"active": False})
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401
    login = api.post("/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD})
    assert login.status_code == 401
    patch(api, f"{USERS}/clerk", "admin", {"active": True})
    assert api.post("/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD}).status_code == 200


def test_a_new_password_replaces_the_old_one_and_ends_her_sessions(api):
    headers = api.as_("clerk")
    assert patch(api, f"{USERS}/clerk", "admin", {"password": "a-new-passphrase"}).status_code == 200
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401
    assert api.post("/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD}).status_code == 401
    login = api.post("/api/v1/auth/login", json={"username": "clerk", "password": "a-new-passphrase"})
    assert login.status_code == 200
    assert patch(api, f"{USERS}/clerk", "admin", {"password": "short"}).status_code == 422


def test_an_admin_cannot_lock_herself_out(api):
    assert patch(api, f"{USERS}/admin", "admin", {"active": False}).status_code == 409
    mine = {"role": "admin", "org_unit": "city"}
    assert delete(api, f"{USERS}/admin/memberships", "admin", mine).status_code == 409


def test_granting_and_revoking_a_membership_changes_what_she_is(api):
    url = f"{USERS}/grid_a1/memberships"
    granted = api.post(url, "admin", json={"role": "intake_clerk", "org_unit": "village-a"})
    assert granted.status_code == 201
    me = api.get("/api/v1/me", "grid_a1").get_json()["memberships"]
    assert {"role": "intake_clerk", "org_unit": "village-a"} in me
    assert api.post(url, "admin", json={"role": "intake_clerk", "org_unit": "village-a"}).status_code == 409
    revoked = delete(api, url, "admin", {"role": "grid_worker", "org_unit": "grid-a1"})
    assert revoked.status_code == 200
    assert api.get("/api/v1/me", "grid_a1").get_json()["memberships"] == [
        {"role": "intake_clerk", "org_unit": "village-a"}]
    assert delete(api, url, "admin", {"role": "grid_worker", "org_unit": "grid-a1"}).status_code == 404
    types = [e.type for e in system_events(api)]
    assert "membership_granted" in types and "membership_revoked" in types


def test_a_county_admin_administers_only_her_county(api, county_admin):
    listed = {u["username"] for u in api.get(f"{USERS}?per_page=100", county_admin).get_json()["items"]}
    assert "grid_a1" in listed and "admin" not in listed and "designer" not in listed
    assert patch(api, f"{USERS}/admin", county_admin, {"display_name": "x"}).status_code == 404
    city = api.post(f"{USERS}/grid_a1/memberships", county_admin, json={"role": "supervisor", "org_unit": "city"})
    assert city.status_code == 422 and "org_unit" in field_errors(city)
    units = [u["id"] for u in api.get(UNITS, county_admin).get_json()]
    assert units[0] == "county" and "city" not in units


def test_an_account_that_reaches_above_her_is_not_hers_to_change(api, county_admin):
    # The designer works at the city; a county membership does not hand her account to the county admin.
    assert api.post(f"{USERS}/designer/memberships", "admin",
                    json={"role": "intake_clerk", "org_unit": "county"}).status_code == 201
    assert patch(api, f"{USERS}/designer", county_admin, {"password": "taken-over!"}).status_code == 403
    takeover = "users:\n  - {username: designer, password: taken-over!}\n"
    response = api.post("/api/v1/admin/org/import", county_admin, data=takeover)
    assert response.status_code == 422 and "users.0.username" in field_errors(response)
    seen = api.get(f"{USERS}?q=designer", county_admin).get_json()["items"]
    assert seen == [{"username": "designer", "display_name": "钱设计", "active": True,
                     "memberships": [{"role": "intake_clerk", "org_unit": "county"}]}]
    revoked = delete(api, f"{USERS}/designer/memberships", county_admin, {"role": "intake_clerk", "org_unit": "county"})
    assert revoked.status_code == 200


# -- org units ----------------------------------------------------------------------------------

def test_a_new_grid_appears_for_the_village_mediator(api):
    body = {"id": "grid-a3", "name": "东村第三网格", "level": "grid", "parent": "village-a"}
    response = api.post(UNITS, "admin", json=body)
    assert response.status_code == 201 and response.get_json() == body
    assert "grid-a3" in [u["id"] for u in api.get("/api/v1/org-units", "mediator_a").get_json()]
    listed = {u["id"]: u for u in api.get(UNITS, "admin").get_json()}
    assert listed["grid-a3"] == body and listed["city"]["parent"] is None
    assert any(e.type == "org_unit_added" and e.data["id"] == "grid-a3" for e in system_events(api))


def test_a_unit_under_a_grid_or_at_a_wrong_level_is_422(api):
    under_grid = api.post(UNITS, "admin", json={"id": "x", "name": "x", "level": "grid", "parent": "grid-a1"})
    assert under_grid.status_code == 422 and "level" in field_errors(under_grid)
    skipped = api.post(UNITS, "admin", json={"id": "x", "name": "x", "level": "grid", "parent": "town"})
    assert skipped.status_code == 422 and "level" in field_errors(skipped)
    orphan = api.post(UNITS, "admin", json={"id": "x", "name": "x", "level": "grid", "parent": "nowhere"})
    assert orphan.status_code == 422 and "parent" in field_errors(orphan)
    taken = api.post(UNITS, "admin", json={"id": "grid-a1", "name": "x", "level": "grid", "parent": "village-a"})
    assert taken.status_code == 409


def test_renaming_a_unit_shows_at_once(api, county_admin):
    response = patch(api, f"{UNITS}/village-a", "admin", {"name": "东村社区"})
    assert response.status_code == 200 and response.get_json()["name"] == "东村社区"
    names = {u["id"]: u["name"] for u in api.get("/api/v1/org-units", "mediator_a").get_json()}
    assert names["village-a"] == "东村社区"
    assert patch(api, f"{UNITS}/city", county_admin, {"name": "x"}).status_code == 404
    assert any(e.type == "org_unit_renamed" for e in system_events(api))


# -- org import -----------------------------------------------------------------------------------

ORG_FILE = """
units:
  - {id: village-c, name: 南村, level: village, parent: town}
  - {id: grid-c1, name: 南村第一网格, level: grid, parent: village-c}
users:
  - username: grid_c1
    display_name: 南网格
    password: jiahe-demo
    memberships:
      - {role: grid_worker, org_unit: grid-c1}
"""


def test_an_org_file_is_imported_from_the_body_or_as_a_file(api):
    response = api.post("/api/v1/admin/org/import", "admin", data=ORG_FILE.encode(),
                        headers={"Content-Type": "application/yaml"})
    assert response.status_code == 200
    assert response.get_json() == {"units_added": 2, "units_updated": 0, "users_added": 1, "users_updated": 0,
                                   "memberships_added": 1}
    assert "grid-c1" in [u["id"] for u in api.get("/api/v1/org-units", "town_mediator").get_json()]
    again = api.post("/api/v1/admin/org/import", "admin", data={"file": (io.BytesIO(ORG_FILE.encode()), "org.yaml")},
                     content_type="multipart/form-data")
    assert again.status_code == 200 and not any(again.get_json().values())


def test_an_org_file_reaching_outside_her_jurisdiction_is_refused(api, county_admin):
    beside = "units:\n  - {id: county-2, name: 邻县, level: county, parent: city}\n"
    response = api.post("/api/v1/admin/org/import", county_admin, data=beside)
    assert response.status_code == 422 and "units.0" in field_errors(response)
    takeover = "users:\n  - {username: admin, password: hijacked-password}\n"
    response = api.post("/api/v1/admin/org/import", county_admin, data=takeover)
    assert response.status_code == 422 and "users.0.username" in field_errors(response)
    assert api.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD}).status_code == 200


def test_a_broken_org_file_is_422_not_a_crash(api):
    for body in ["units: [", "- just a list", "units:\n  - {id: g, name: g, level: grid, parent: grid-a1}\n"]:
        response = api.post("/api/v1/admin/org/import", "admin", data=body)
        assert response.status_code == 422, body
