"""The designer's studio over HTTP: versions with the cases on them, what changed between two
versions, roll back, migration preview and migration, trying scenarios on an upload, the guides.

The fixture has deployed the shipped files as version 1 of every process. `added_step`
deploys dispute_case version 2 with a step after the screening, so a case on version 2 has a
step ahead of it that versions 1 and 3 (a roll back to 1) do not.
"""
from __future__ import annotations

import dataclasses
import io

import pytest

from engine.definitions.bundle import ProjectFiles
from engine.runtime.deployment import deploy_project
from tests.api.cases_support import new_case
from tests.api.conftest import ROOT

PROCESS = "/api/v1/processes/dispute_case"


STEP_ADDED = ('<bpmn:sequenceFlow id="flow_screen_risk_score_risk" sourceRef="screen_risk" '
              'targetRef="screening_checked"/>'
              '<bpmn:intermediateThrowEvent id="screening_checked" name="筛查已复核">'
              '<bpmn:incoming>flow_screen_risk_score_risk</bpmn:incoming>'
              '<bpmn:outgoing>flow_checked_score_risk</bpmn:outgoing></bpmn:intermediateThrowEvent>'
              '<bpmn:sequenceFlow id="flow_checked_score_risk" sourceRef="screening_checked" targetRef="score_risk"/>')


def added_step(api) -> None:
    shipped = ProjectFiles.read(ROOT)
    text = shipped.bpmn["dispute_case.bpmn"]
    old_flow = '<bpmn:sequenceFlow id="flow_screen_risk_score_risk" sourceRef="screen_risk" targetRef="score_risk"/>'
    text = text.replace("<bpmn:incoming>flow_screen_risk_score_risk</bpmn:incoming>",
                        "<bpmn:incoming>flow_checked_score_risk</bpmn:incoming>").replace(old_flow, STEP_ADDED)
    bpmn = {**shipped.bpmn, "dispute_case.bpmn": text}
    deploy_project(api.services.runtime, dataclasses.replace(shipped, bpmn=bpmn), actor="admin")


def upload(api, url, user, files: dict[str, bytes], **form):
    data = {"files": [(io.BytesIO(content), name) for name, content in files.items()], **form}
    return api.client.post(url, data=data, content_type="multipart/form-data", headers=api.as_(user))


def shipped(name: str) -> bytes:
    return (ROOT / "processes" / "bpmn" / name).read_bytes()


# -- versions and their cases ---------------------------------------------------------------------

def test_versions_list_who_deployed_them_and_the_cases_on_each(api):
    new_case(api)
    added_step(api)
    new_case(api)
    new_case(api)
    answer = api.get(f"{PROCESS}/versions", "designer").get_json()
    assert answer["name"] == "婚姻家庭纠纷调处" and answer["latest_version"] == 2
    newest, oldest = answer["versions"]
    assert (newest["version"], newest["latest"], newest["deployed_by"]) == (2, True, "admin")
    assert (oldest["version"], oldest["latest"], oldest["deployed_by"]) == (1, False, "designer")
    assert newest["cases"] == {"running": 2, "suspended": 0, "incident": 0, "open": 2, "total": 2}
    assert oldest["cases"]["open"] == 1 and oldest["cases"]["total"] == 1
    assert api.get("/api/v1/processes/nothing/versions", "designer").status_code == 404


# -- what changed -----------------------------------------------------------------------------------

def test_the_diff_names_the_added_step_and_the_flow_it_redirects(api):
    added_step(api)
    diff = api.get(f"{PROCESS}/diff", "designer", query_string={"from": 1, "to": 2}).get_json()
    assert diff["same"] is False and (diff["from"], diff["to"]) == (1, 2)
    [added] = diff["elements"]["added"]
    assert (added["id"], added["type"], added["name"]) == ("screening_checked", "intermediateThrowEvent", "筛查已复核")
    assert diff["elements"]["removed"] == []
    assert [f["id"] for f in diff["flows"]["added"]] == ["flow_checked_score_risk"]
    [redirected] = diff["flows"]["changed"]
    assert redirected["changes"] == [{"field": "target", "old": "score_risk", "new": "screening_checked"}]
    assert diff["forms"] == [] and diff["decisions"] == []
    back = api.get(f"{PROCESS}/diff?from=2&to=1", "designer").get_json()
    assert [e["id"] for e in back["elements"]["removed"]] == ["screening_checked"]


def test_a_version_compared_with_itself_is_the_same(api):
    diff = api.get(f"{PROCESS}/diff?from=1&to=1", "designer").get_json()
    assert diff["same"] is True and diff["elements"] == {"added": [], "removed": [], "changed": []}


def test_a_diff_needs_two_existing_versions(api):
    assert api.get(f"{PROCESS}/diff?from=1&to=7", "designer").status_code == 404
    assert api.get(f"{PROCESS}/diff?from=1", "designer").status_code == 422


# -- roll back ----------------------------------------------------------------------------------------

def test_a_roll_back_deploys_the_old_files_as_a_new_version_and_cases_keep_running(api):
    added_step(api)
    on_two = new_case(api)
    answer = api.post(f"{PROCESS}/rollback", "designer", json={"version": 1}).get_json()
    assert answer == {"key": "dispute_case", "version": 3, "from_version": 1, "replaced_version": 2, "created": True}
    versions = api.get(f"{PROCESS}/versions", "designer").get_json()["versions"]
    assert (versions[0]["version"], versions[0]["same_as_version"], versions[0]["deployed_by"]) == (3, 1, "designer")
    assert versions[0]["content_hash"] == versions[2]["content_hash"]
    assert api.get(f"{PROCESS}/diff?from=1&to=3", "designer").get_json()["same"] is True
    still = api.get(f"/api/v1/cases/{on_two['id']}", "clerk").get_json()
    assert still["status"] == "running" and still["version"] == 2
    assert new_case(api)["version"] == 3


def test_rolling_back_to_the_latest_files_creates_nothing(api):
    answer = api.post(f"{PROCESS}/rollback", "designer", json={"version": 1}).get_json()
    assert answer["created"] is False and answer["version"] == 1
    assert api.post(f"{PROCESS}/rollback", "designer", json={"version": 5}).status_code == 404


def test_the_roll_back_is_on_the_audit_trail_with_who_and_from_which_version(api):
    from engine.store import repository as repo

    added_step(api)
    api.post(f"{PROCESS}/rollback", "admin", json={"version": 1})
    with api.services.store.read() as session:
        event = repo.audit_records(session, "system")[-1]
    assert event.type == "process_deployed" and event.actor == "admin"
    assert event.data["rollback"] is True and event.data["same_as_version"] == 1
    assert event.data["replaced_version"] == 2 and event.data["version"] == 3


# -- migration ------------------------------------------------------------------------------------------

def test_the_preview_tells_which_open_cases_can_move_and_why_the_others_cannot(api):
    on_one = new_case(api)
    added_step(api)
    on_two = new_case(api)
    api.post(f"{PROCESS}/rollback", "designer", json={"version": 1})
    preview = api.get(f"{PROCESS}/migration-preview", "designer").get_json()
    assert preview["latest_version"] == 3 and preview["total"] == 2
    cases = {c["case_id"]: c for c in preview["cases"]}
    movable, stuck = cases[on_one["id"]], cases[on_two["id"]]
    assert movable["can_move"] is True and movable["version"] == 1 and movable["case_no"] == on_one["case_no"]
    assert {"id": "screen_risk", "name": "风险筛查"} in movable["current_steps"]
    assert stuck["can_move"] is False and stuck["version"] == 2
    assert stuck["missing_steps"] == [{"id": "screening_checked", "name": "筛查已复核"}]
    assert "筛查已复核（screening_checked）" in stuck["reason_zh"] and "screening_checked" in stuck["reason_en"]
    assert stuck["reason"] == stuck["reason_zh"]
    english = api.client.get(f"{PROCESS}/migration-preview",
                             headers={**api.as_("designer"), "Accept-Language": "en"}).get_json()
    assert next(c for c in english["cases"] if not c["can_move"])["reason"].startswith("version 3 lacks")


def test_migrating_moves_the_movable_case_and_refuses_the_other_with_its_reason(api):
    on_one = new_case(api)
    added_step(api)
    on_two = new_case(api)
    api.post(f"{PROCESS}/rollback", "designer", json={"version": 1})
    answer = api.post(f"{PROCESS}/migrate", "designer",
                      json={"case_ids": [on_one["id"], on_two["id"], "no-such-case"]}).get_json()
    results = {r["case_id"]: r for r in answer["results"]}
    assert results[on_one["id"]]["moved"] is True and results[on_one["id"]]["version"] == 3
    assert results[on_two["id"]]["moved"] is False and "screening_checked" in results[on_two["id"]]["reason"]
    assert results["no-such-case"]["moved"] is False
    assert api.get(f"/api/v1/cases/{on_one['id']}", "clerk").get_json()["version"] == 3
    assert api.get(f"/api/v1/cases/{on_two['id']}", "clerk").get_json()["version"] == 2
    timeline = api.get(f"/api/v1/cases/{on_one['id']}/timeline", "supervisor_a").get_json()["items"]
    moved = [e for e in timeline if e["type"] == "migrated"]
    assert moved and moved[0]["actor"] == "designer"


# -- trying scenarios ---------------------------------------------------------------------------------------

def test_the_shipped_petition_passes_its_chosen_scenario(api):
    response = upload(api, "/api/v1/processes/test", "designer", {"petition.bpmn": shipped("petition.bpmn")},
                      scenarios="petition/not_accepted")
    assert response.status_code == 200, response.get_json()
    trial = response.get_json()
    assert trial["passed"] is True and trial["processes"] == ["petition"]
    [scenario] = trial["scenarios"]
    assert scenario["file"] == "not_accepted.yaml" and scenario["process"] == "petition"
    assert scenario["steps"] and all(s["status"] == "passed" for s in scenario["steps"])


def test_a_changed_condition_fails_the_scenario_at_its_step(api):
    text = shipped("petition.bpmn").decode()
    broken = text.replace('route == "not_accept"', 'route == "refuse"')
    assert broken != text
    response = upload(api, "/api/v1/processes/test", "designer", {"petition.bpmn": broken.encode()},
                      scenarios="petition/not_accepted")
    assert response.status_code == 200, response.get_json()
    [scenario] = response.get_json()["scenarios"]
    assert scenario["passed"] is False and scenario["message"]
    [failed] = [s for s in scenario["steps"] if s["status"] == "failed"]
    assert "notify_not_accepted" in failed["label"] + failed["message"]
    assert all(s["status"] == "passed" for s in scenario["steps"][:failed["index"] - 1])


def test_an_upload_with_lint_errors_is_refused_with_its_findings(api):
    broken = shipped("petition.bpmn").replace(b"</bpmn:process>", b"<bpmn:task id=\"orphan\"/></bpmn:process>", 1)
    broken = broken.replace(b'conditionExpression xsi:type="bpmn:tFormalExpression">',
                            b'conditionExpression xsi:type="bpmn:tFormalExpression">(((', 1)
    response = upload(api, "/api/v1/processes/test", "designer", {"petition.bpmn": broken})
    assert response.status_code == 422
    assert any(f["severity"] == "error" for f in response.get_json()["error"]["findings"])
    assert upload(api, "/api/v1/processes/test", "designer", {"notes.txt": b"x"}).status_code == 422


# -- guides and roles ------------------------------------------------------------------------------------------

def test_the_guides_are_served_from_the_allow_list_only(api):
    answer = api.get("/api/v1/guides/scenarios", "grid_a1")
    assert answer.status_code == 200 and answer.get_json()["markdown"].startswith("# ")
    assert api.get("/api/v1/guides/README", "designer").status_code == 404
    assert api.get("/api/v1/guides/..%2FREADME", "designer").status_code == 404
    assert api.get("/api/v1/guides/../README.md", "designer").status_code == 404
    assert api.get("/api/v1/guides/scenarios").status_code == 401


@pytest.mark.parametrize("method, url", [
    ("get", f"{PROCESS}/versions"), ("get", f"{PROCESS}/diff?from=1&to=1"), ("post", f"{PROCESS}/rollback"),
    ("get", f"{PROCESS}/migration-preview"), ("post", f"{PROCESS}/migrate"), ("post", "/api/v1/processes/test"),
])
def test_a_grid_worker_may_not_use_the_studio(api, method, url):
    response = getattr(api, method)(url, "grid_a1", **({"json": {"version": 1}} if method == "post" else {}))
    assert response.status_code == 403
