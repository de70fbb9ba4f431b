"""The case page's diagram: the BPMN of the case's version with what the case did at each
element and the flows it took; a called process's steps stay out of it."""
from __future__ import annotations

from datetime import timedelta

from tests.api.cases_support import CASES, accept, new_case, screen


def _diagram(api, case_id, user="clerk"):
    response = api.get(f"{CASES}/{case_id}/diagram", user)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return body, {e["id"]: e for e in body["elements"]}


def test_a_new_case_shows_its_path_so_far_and_the_open_step(api):
    case = new_case(api)
    body, elements = _diagram(api, case["id"])
    assert body["process"] == "dispute_case" and body["version"] == case["version"]
    assert '<bpmn:userTask id="screen_risk"' in body["bpmn"]
    assert elements["start"]["state"] == "completed" and elements["start"]["completed"] == 1
    assert elements["screen_risk"]["state"] == "active" and elements["screen_risk"]["active"] == 1
    assert "accept_case" not in elements
    assert body["flows"] and all(f in body["bpmn"] for f in body["flows"])


def test_completed_steps_taken_flows_and_an_overdue_step_are_marked(api):
    case = new_case(api)
    screen(api, case["id"])
    accept(api, case["id"])
    body, elements = _diagram(api, case["id"])
    assert {elements[n]["state"] for n in ("screen_risk", "risk_triage", "accept_case")} == {"completed"}
    assert elements["mediate"]["state"] == "active" and elements["mediate"]["due_at"]
    api.clock.advance(timedelta(days=40))
    api.tokens.clear()  # they expired meanwhile
    _, later = _diagram(api, case["id"])
    assert later["mediate"]["state"] == "overdue"


def test_a_case_outside_her_jurisdiction_has_no_diagram_for_her(api):
    case = new_case(api, org_unit="grid-b1")
    assert api.get(f"{CASES}/{case['id']}/diagram", "grid_a1").status_code == 404


def test_the_red_cases_diagram_leaves_out_the_steps_of_the_processes_it_calls(api):
    from tests.api.task_support import SCREENING

    red = {**SCREENING["blue"], "current_injury": True, "weapon_used": True, "threats_to_kill": True,
           "victim_safe_now": False}
    case = new_case(api)
    screen(api, case["id"], **red)
    accept(api, case["id"])
    body, elements = _diagram(api, case["id"])
    assert "call_legal_aid" in body["bpmn"] and api.get(f"{CASES}/{case['id']}", "clerk").get_json()["risk_colour"] == "red"
    assert any(e["state"] == "active" for e in elements.values())
    assert not {"accept_referral", "file_application", "record_ruling", "accept_request"} & set(elements)
    assert set(elements) <= {e for e in elements if f'id="{e}"' in body["bpmn"]}
