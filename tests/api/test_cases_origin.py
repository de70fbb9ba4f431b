"""A case a message started names its origin, and the origin lists the cases it started
(GET /cases/{id}: origin, derived_cases), each only within the viewer's jurisdiction.

The referring processes are the small fixture project tests/fixtures/referrals (a visit that
refers a case to the unit named in `refer_to`, and refers another at its follow-up)."""
from __future__ import annotations

from engine.runtime.deployment import deploy_project
from tests.api.cases_support import CASES, new_case
from tests.conftest import FIXTURES

REFERRALS = FIXTURES / "referrals"


def _visit(api, org_unit="grid-a1", refer_to="grid-b1") -> str:
    deploy_project(api.services.runtime, REFERRALS, actor="designer")
    response = api.post(CASES, "grid_a1", json={"process": "referral_source", "org_unit": org_unit,
                                                "channel": "visit", "data": {"household_id": "H-1",
                                                                             "refer_to": refer_to}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _complete(api, case_id, task_name, data):
    task = api.services.runtime.instance(case_id).ready_task(task_name)
    assert task is not None
    api.services.runtime.complete(task.id, data, actor="grid_a1")


def _detail(api, case_id, user):
    response = api.get(f"{CASES}/{case_id}", user)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _links(detail) -> list[tuple]:
    return [(c["process"], c["status"]) for c in detail["derived_cases"]]


def test_the_case_a_visit_referred_names_the_visit_and_the_visit_lists_what_it_started(api):
    visit_id = _visit(api)
    _complete(api, visit_id, "visit", {"summary": "走访发现家暴风险"})
    visit = _detail(api, visit_id, "supervisor_town")
    assert visit["origin"] is None
    assert _links(visit) == [("referral_case", "running"), ("referral_notice", "running")]
    derived = visit["derived_cases"][0]
    assert set(derived) == {"id", "case_no", "process", "status"}
    referred = _detail(api, derived["id"], "supervisor_town")
    assert referred["case_no"] == derived["case_no"] and referred["org_unit"] == "grid-b1"
    assert referred["origin"] == {"id": visit_id, "case_no": visit["case_no"], "process": "referral_source",
                                  "status": "running"}
    assert referred["derived_cases"] == []


def test_the_derived_cases_list_grows_oldest_first_and_shows_their_status(api):
    visit_id = _visit(api, refer_to="grid-a1")
    _complete(api, visit_id, "visit", {"summary": "第一次"})
    first = _detail(api, visit_id, "grid_a1")["derived_cases"]
    _complete(api, first[1]["id"], "tell_household", {})
    _complete(api, visit_id, "follow_up", {"summary": "第二次"})
    visit = _detail(api, visit_id, "grid_a1")
    assert (visit["status"], visit["origin"]) == ("completed", None)
    assert _links(visit) == [("referral_case", "running"), ("referral_notice", "completed"),
                             ("referral_case", "running"), ("referral_notice", "running")]
    assert visit["derived_cases"][:2] == [first[0], {**first[1], "status": "completed"}]


def test_a_derived_case_outside_the_viewers_jurisdiction_is_left_out(api):
    visit_id = _visit(api, refer_to="grid-b1")  # the visit in village-a refers to village-b
    _complete(api, visit_id, "visit", {"summary": "转到西村"})
    _complete(api, visit_id, "follow_up", {"summary": "回访转回东村", "refer_to": "grid-a1"})
    everything = _detail(api, visit_id, "supervisor_town")["derived_cases"]
    assert len(everything) == 4
    in_village_a = _detail(api, visit_id, "mediator_a")["derived_cases"]
    assert in_village_a == everything[2:]  # the two referred back to grid-a1 only
    assert _detail(api, visit_id, "grid_a1")["derived_cases"] == everything[2:]


def test_the_origin_outside_the_viewers_jurisdiction_is_not_named(api):
    visit_id = _visit(api, refer_to="grid-b1")
    _complete(api, visit_id, "visit", {"summary": "转到西村"})
    referred_id = _detail(api, visit_id, "supervisor_town")["derived_cases"][0]["id"]
    assert api.get(f"{CASES}/{visit_id}", "mediator_b").status_code == 404
    referred = _detail(api, referred_id, "mediator_b")
    assert (referred["origin"], referred["derived_cases"]) == (None, [])
    assert visit_id not in str(referred)
    assert _detail(api, referred_id, "supervisor_town")["origin"]["id"] == visit_id


def test_a_case_registered_directly_has_no_origin_and_no_derived_cases(api):
    case = new_case(api)
    assert (case["origin"], case["derived_cases"]) == (None, [])
    detail = _detail(api, case["id"], "clerk")
    assert (detail["origin"], detail["derived_cases"]) == (None, [])
