"""Process design over HTTP: deployed processes, start forms, BPMN download, lint and deploy of
uploaded files. The fixture has deployed processes/ and forms/ as version 1."""
from __future__ import annotations

import io
import json

import pytest

from tests.api.conftest import ROOT

PROCESS = "/api/v1/processes"
BROKEN = ROOT / "tests" / "fixtures" / "lint" / "broken"


def project_files() -> dict[str, bytes]:
    """The complete set the shipped processes deploy from: BPMN, DMN, forms and the catalog."""
    paths = [*sorted((ROOT / "processes" / "bpmn").iterdir()), *sorted((ROOT / "forms").glob("*.json")),
             ROOT / "processes" / "catalog.yaml"]
    return {p.name: p.read_bytes() for p in paths}


def upload(api, url, user, files: dict[str, bytes]):
    data = {"files": [(io.BytesIO(content), name) for name, content in files.items()]}
    return api.client.post(url, data=data, content_type="multipart/form-data", headers=api.as_(user))


def versions(api) -> list[int]:
    process = api.get(f"{PROCESS}/dispute_case", "designer").get_json()
    return [v["version"] for v in process["versions"]]


def test_a_designer_lists_the_deployed_processes(api):
    listed = api.get(PROCESS, "designer").get_json()
    case = next(p for p in listed if p["key"] == "dispute_case")
    assert case["name"] == "婚姻家庭纠纷调处" and case["latest_version"] == 1
    assert case["versions"][0]["version"] == 1 and case["versions"][0]["deployed_by"] == "designer"
    assert len(case["versions"][0]["content_hash"]) == 64 and case["versions"][0]["deployed_at"]


def test_anyone_logged_in_reads_a_process_with_its_start_form(api):
    process = api.get(f"{PROCESS}/dispute_case", "clerk").get_json()
    assert process["key"] == "dispute_case" and process["latest_version"] == 1
    form = process["start_form"]
    assert form["schema"] == json.loads((ROOT / "forms" / "intake.schema.json").read_text(encoding="utf-8"))
    assert form["ui_schema"] == json.loads((ROOT / "forms" / "intake.uischema.json").read_text(encoding="utf-8"))
    assert api.get(f"{PROCESS}/no_such_process", "clerk").status_code == 404
    assert api.get(f"{PROCESS}/dispute_case").status_code == 401


def test_the_bpmn_of_a_version_downloads_as_deployed(api):
    response = api.get(f"{PROCESS}/dispute_case/versions/1/bpmn", "designer")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.data == (ROOT / "processes" / "bpmn" / "dispute_case.bpmn").read_bytes()
    assert "dispute_case.bpmn" in response.headers["Content-Disposition"]
    assert api.get(f"{PROCESS}/dispute_case/versions/9/bpmn", "designer").status_code == 404


def test_lint_reports_a_broken_condition_where_it_is(api):
    response = upload(api, f"{PROCESS}/lint", "designer",
                      {"condition_syntax.bpmn": (BROKEN / "condition_syntax.bpmn").read_bytes()})
    assert response.status_code == 200
    finding = next(f for f in response.get_json()["findings"] if f["code"] == "condition-compile")
    assert finding == {"severity": "error", "code": "condition-compile", "file": "condition_syntax.bpmn",
                       "line": 10, "element_id": "Flow_high", "message": finding["message"]}


def test_lint_turns_garbage_into_findings(api):
    files = {"notes.txt": b"hello", "binary.bpmn": b"\xff\xfe\x00garbage", "empty.bpmn": b"",
             "catalog.yaml": b"processes: [", "evil.bpmn": b'<!DOCTYPE x [<!ENTITY e "e">]><x/>'}
    response = upload(api, f"{PROCESS}/lint", "designer", files)
    assert response.status_code == 200
    codes = {(f["file"], f["code"]) for f in response.get_json()["findings"]}
    assert {("notes.txt", "upload-ignored"), ("binary.bpmn", "file-encoding"), ("empty.bpmn", "xml-syntax"),
            ("catalog.yaml", "catalog-invalid"), ("evil.bpmn", "xml-doctype")} <= codes
    nothing = api.client.post(f"{PROCESS}/lint", headers=api.as_("designer"))
    assert nothing.status_code == 200 and nothing.get_json()["findings"]


def test_the_shipped_project_lints_clean_when_uploaded(api):
    findings = upload(api, f"{PROCESS}/lint", "designer", project_files()).get_json()["findings"]
    assert [f for f in findings if f["severity"] == "error"] == []


def test_deploying_a_changed_copy_creates_version_2(api):
    files = project_files()
    files["dispute_case.bpmn"] += b"\n<!-- changed by the designer -->\n"
    response = upload(api, f"{PROCESS}/deploy", "designer", files)
    assert response.status_code == 200
    deployed = {d["key"]: d for d in response.get_json()["deployed"]}
    assert deployed.pop("dispute_case") == {"key": "dispute_case", "version": 2, "created": True}
    assert not any(d["created"] for d in deployed.values())  # the other processes did not change
    assert versions(api) == [2, 1]
    bpmn = api.get(f"{PROCESS}/dispute_case/versions/2/bpmn", "designer")
    assert bpmn.data == files["dispute_case.bpmn"]
    again = upload(api, f"{PROCESS}/deploy", "designer", files).get_json()["deployed"]
    assert {"key": "dispute_case", "version": 2, "created": False} in again


def test_a_lint_error_refuses_the_whole_deployment(api):
    files = {**project_files(), "condition_syntax.bpmn": (BROKEN / "condition_syntax.bpmn").read_bytes()}
    files["dispute_case.bpmn"] += b"<!-- changed -->"
    response = upload(api, f"{PROCESS}/deploy", "designer", files)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert any(f["code"] == "condition-compile" and f["file"] == "condition_syntax.bpmn" for f in error["findings"])
    assert versions(api) == [1]


def test_an_incomplete_upload_is_not_deployed(api):
    files = project_files()
    del files["catalog.yaml"]
    response = upload(api, f"{PROCESS}/deploy", "designer", files)
    assert response.status_code == 422
    assert "catalog-missing" in {f["code"] for f in response.get_json()["error"]["findings"]}
    del files["intake.schema.json"]
    files["catalog.yaml"] = (ROOT / "processes" / "catalog.yaml").read_bytes()
    files["dispute_case.bpmn"] += b"<!-- changed -->"
    assert upload(api, f"{PROCESS}/deploy", "designer", files).status_code == 422
    assert versions(api) == [1]


@pytest.mark.parametrize("user", ["grid_a1", "clerk"])
def test_only_designers_list_download_lint_and_deploy(api, user):
    assert api.get(PROCESS, user).status_code == 403
    assert api.get(f"{PROCESS}/dispute_case/versions/1/bpmn", user).status_code == 403
    assert upload(api, f"{PROCESS}/lint", user, {"a.bpmn": b"<x/>"}).status_code == 403
    assert upload(api, f"{PROCESS}/deploy", user, project_files()).status_code == 403


def test_an_admin_may_design_too(api):
    assert api.get(PROCESS, "admin").status_code == 200


def test_a_whole_project_may_exceed_the_limit_for_other_requests(api):
    api.app.config["MAX_CONTENT_LENGTH"] = 10_000
    assert upload(api, f"{PROCESS}/lint", "designer", project_files()).status_code == 200


def test_an_upload_over_the_project_size_limit_is_413_in_the_error_shape(api):
    api.app.config.update(MAX_PROJECT_UPLOAD_BYTES=10_000, MAX_CONTENT_LENGTH=10_000)
    response = upload(api, f"{PROCESS}/lint", "designer", project_files())
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"
    anonymous = api.client.post(f"{PROCESS}/deploy", data={"files": [(io.BytesIO(b"x" * 20_000), "a.bpmn")]},
                                content_type="multipart/form-data")
    assert anonymous.status_code == 401  # refused before its body is read
