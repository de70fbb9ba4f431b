"""Registering cases, finding them, and supervising them through the HTTP API."""
from __future__ import annotations

import threading
from datetime import timedelta

from tests.api.cases_support import (
    CASES,
    INTAKE,
    accept,
    case_nos,
    complete,
    listed,
    new_case,
    register,
    screen,
    to_level1_mediation,
)

# -- intake -----------------------------------------------------------------------------------------


def test_a_clerk_registers_a_case_and_its_first_task_is_risk_screening(api):
    response = register(api, "clerk", key="k-1")
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["case_no"] == "JH-2026-000001"
    assert (case["status"], case["process"], case["org_unit"], case["channel"]) == \
        ("running", "dispute_case", "grid-a1", "phone")
    assert case["created_at"].startswith("2026-03-02T01:00:00")
    assert [t["name"] for t in case["tasks"]] == ["screen_risk"]
    assert case["tasks"][0]["role"] == "intake_clerk"


def test_a_retry_with_the_same_key_returns_the_same_case_with_200(api):
    first = register(api, "clerk", key="retry-me")
    again = register(api, "clerk", key="retry-me")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert register(api, "clerk", key="another").get_json()["case_no"] == "JH-2026-000002"


def test_the_same_key_from_another_user_is_another_case(api):
    mine = register(api, "clerk", key="shared")
    theirs = register(api, "grid_a1", key="shared")
    assert theirs.status_code == 201 and theirs.get_json()["id"] != mine.get_json()["id"]


def test_reusing_a_key_for_a_different_unit_is_refused(api):
    register(api, "clerk", key="k")
    response = register(api, "clerk", key="k", org_unit="grid-b1")
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "idempotency_key_reused"


def test_concurrent_retries_with_one_key_register_one_case(api):
    api.token("clerk")  # log in before the race
    results, barrier = [None] * 4, threading.Barrier(4)

    def post(i):
        barrier.wait()
        results[i] = register(api, "clerk", key="racing")

    threads = [threading.Thread(target=post, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(r.status_code for r in results) == [200, 200, 200, 201], [r.get_json() for r in results]
    assert len({r.get_json()["id"] for r in results}) == 1
    assert listed(api, "clerk")["total"] == 1


def test_bad_start_data_is_422_with_the_field_names(api):
    response = register(api, "clerk", summary="短", dispute_type="bogus")
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["error"]["field_errors"]}
    assert {"summary", "dispute_type"} <= fields
    assert listed(api, "clerk")["total"] == 0


def test_fields_the_start_form_does_not_define_are_refused(api):
    response = register(api, "clerk", handling_level="county")
    assert response.status_code == 422
    assert response.get_json()["error"]["field_errors"][0]["field"] == "handling_level"


def test_an_unknown_process_or_missing_body_field_is_422(api):
    unknown = api.post(CASES, "clerk", json={"process": "nope", "org_unit": "grid-a1", "channel": "phone", "data": {}})
    assert unknown.status_code == 422 and unknown.get_json()["error"]["field_errors"][0]["field"] == "process"
    missing = api.post(CASES, "clerk", json={"process": "dispute_case", "channel": "phone"})
    assert missing.status_code == 422 and missing.get_json()["error"]["field_errors"][0]["field"] == "org_unit"


def test_intake_outside_her_jurisdiction_is_404_and_without_an_intake_role_403(api):
    assert register(api, "grid_b1", org_unit="grid-a1").status_code == 404
    assert register(api, "grid_a1", org_unit="no-such-unit").status_code == 404
    assert register(api, "mediator_a").status_code == 403
    assert register(api).status_code == 201  # the clerk sits at the town, above grid-a1


def test_intake_needs_a_login(api):
    response = api.post(CASES, json={"process": "dispute_case", "org_unit": "grid-a1", "channel": "phone",
                                     "data": {}})
    assert response.status_code == 401


# -- reading ---------------------------------------------------------------------------------------


def test_a_case_outside_her_jurisdiction_is_not_found(api):
    case = new_case(api, org_unit="grid-a1")
    village_b_case = new_case(api, org_unit="village-a")
    assert api.get(f"{CASES}/{case['id']}", "grid_b1").status_code == 404
    assert api.get(f"{CASES}/{village_b_case['id']}", "mediator_b").status_code == 404
    assert api.get(f"{CASES}/{case['id']}/timeline", "grid_b1").status_code == 404
    assert api.get(f"{CASES}/no-such-case", "clerk").status_code == 404
    assert api.get(f"{CASES}/{case['id']}", "mediator_a").status_code == 200


def test_lists_hold_only_cases_in_her_jurisdiction(api):
    a1 = new_case(api, org_unit="grid-a1")["case_no"]
    b1 = new_case(api, org_unit="grid-b1")["case_no"]
    assert case_nos(listed(api, "grid_a1")) == [a1]
    assert case_nos(listed(api, "mediator_b")) == [b1]
    assert case_nos(listed(api, "clerk")) == [b1, a1]  # newest first
    assert listed(api, "designer")["total"] == 0  # designers do not handle cases


def test_list_filter_by_org_unit_takes_the_unit_and_below(api):
    a1 = new_case(api, org_unit="grid-a1")["case_no"]
    a2 = new_case(api, org_unit="grid-a2")["case_no"]
    new_case(api, org_unit="grid-b1")
    assert sorted(case_nos(listed(api, "clerk", "org_unit=village-a"))) == [a1, a2]
    assert case_nos(listed(api, "clerk", "org_unit=grid-a2")) == [a2]
    assert api.get(f"{CASES}?org_unit=village-b", "mediator_a").status_code == 404


def test_list_filter_by_status_and_process(api):
    running = new_case(api)["case_no"]
    stopped = new_case(api)
    api.post(f"{CASES}/{stopped['id']}/terminate", "supervisor_town", json={"reason": "重复登记"})
    assert case_nos(listed(api, "clerk", "status=terminated")) == [stopped["case_no"]]
    assert case_nos(listed(api, "clerk", "status=running")) == [running]
    assert listed(api, "clerk", "status=running,terminated")["total"] == 2
    assert listed(api, "clerk", "process=dispute_case")["total"] == 2
    assert listed(api, "clerk", "process=petition")["total"] == 0
    assert api.get(f"{CASES}?status=bogus", "clerk").status_code == 422


def test_list_filter_by_risk_after_screening_and_sort_by_risk(api):
    blue = new_case(api)
    red = new_case(api)
    screen(api, blue["id"])
    screen(api, red["id"], weapon_used=True)
    assert case_nos(listed(api, "clerk", "risk=red")) == [red["case_no"]]
    assert case_nos(listed(api, "clerk", "risk=blue")) == [blue["case_no"]]
    third = new_case(api)  # not yet screened: no colour, sorted last
    assert case_nos(listed(api, "clerk", "sort=risk")) == [red["case_no"], blue["case_no"], third["case_no"]]
    item = listed(api, "clerk", "risk=red")["items"][0]
    assert (item["risk_colour"], item["level"]) == ("red", 3)


def test_list_filter_by_channel_and_text_search(api):
    phone = new_case(api, channel="phone", summary="因赡养老人问题发生争执")
    visit = new_case(api, channel="visit", summary="夫妻因财产分割闹矛盾")
    assert case_nos(listed(api, "clerk", "channel=visit")) == [visit["case_no"]]
    assert case_nos(listed(api, "clerk", "q=赡养")) == [phone["case_no"]]
    assert case_nos(listed(api, "clerk", f"q={visit['case_no'].lower()}")) == [visit["case_no"]]
    assert listed(api, "clerk", "q=100%25")["total"] == 0  # LIKE wildcards are literal
    assert listed(api, "clerk", "q=&org_unit=&status=&risk=")["total"] == 2  # empty filters mean "any"


def test_paging_gives_totals_and_pages(api):
    numbers = [new_case(api)["case_no"] for _ in range(5)]
    first = listed(api, "clerk", "per_page=2")
    last = listed(api, "clerk", "per_page=2&page=3")
    assert (first["total"], first["page"], first["per_page"]) == (5, 1, 2)
    assert case_nos(first) == numbers[::-1][:2]
    assert case_nos(last) == [numbers[0]]
    assert listed(api, "clerk", "per_page=2&page=9")["items"] == []


def test_overdue_cases_are_those_with_a_ready_task_past_its_due_time(api):
    late = new_case(api)
    screen(api, late["id"])  # accept_case now waits, with a deadline
    on_time = new_case(api)
    assert listed(api, "clerk", "overdue=true")["total"] == 0
    api.clock.advance(timedelta(days=30))
    api.tokens.clear()  # tokens live 12 hours
    page = listed(api, "clerk", "overdue=true")
    assert case_nos(page) == [late["case_no"]]
    assert page["items"][0]["overdue"] is True and page["items"][0]["open_tasks"] == 1
    assert case_nos(listed(api, "clerk", "overdue=false")) == [on_time["case_no"]]
    assert case_nos(listed(api, "clerk", "sort=due_at"))[0] == late["case_no"]


def test_list_items_carry_the_case_facts(api):
    new_case(api, summary="很长的摘要" * 40)
    item = listed(api, "clerk")["items"][0]
    assert set(item) >= {"id", "case_no", "process", "status", "org_unit", "channel", "dispute_type", "risk_colour",
                         "level", "outcome", "created_at", "updated_at", "next_due_at", "summary", "open_tasks",
                         "overdue"}
    assert item["dispute_type"] == "marital_conflict" and len(item["summary"]) <= 80


def test_the_timeline_lists_the_events_in_order(api):
    case = new_case(api)
    screen(api, case["id"])
    items = api.get(f"{CASES}/{case['id']}/timeline", "clerk").get_json()["items"]
    assert [e["seq"] for e in items] == list(range(1, len(items) + 1))
    assert items[0]["type"] == "instance_started" and items[0]["actor"] == "clerk"
    assert {"task_completed", "risk_triaged"} <= {e["type"] for e in items}
    assert set(items[0]) == {"seq", "at", "type", "actor", "actor_name", "task", "data", "hash"}


# -- supervision -----------------------------------------------------------------------------------


def test_a_supervisor_suspends_resumes_and_terminates_a_case(api):
    case = new_case(api)
    url = f"{CASES}/{case['id']}"
    suspended = api.post(f"{url}/suspend", "supervisor_a", json={"reason": "当事人住院，暂停处理"})
    assert suspended.status_code == 200 and suspended.get_json()["status"] == "suspended"
    assert suspended.get_json()["tasks"][0]["state"] == "suspended"
    assert api.post(f"{url}/suspend", "supervisor_a", json={"reason": "again"}).status_code == 409
    resumed = api.post(f"{url}/resume", "supervisor_a")  # the reason is optional, so is the body
    assert resumed.get_json()["status"] == "running" and resumed.get_json()["tasks"][0]["state"] == "ready"
    ended = api.post(f"{url}/terminate", "supervisor_a", json={"reason": "当事人撤回，经核实结案"})
    assert ended.get_json()["status"] == "terminated" and ended.get_json()["tasks"] == []
    types = [e["type"] for e in api.get(f"{url}/timeline", "supervisor_a").get_json()["items"]]
    assert ["suspended", "resumed", "terminated"] == [t for t in types if t in ("suspended", "resumed", "terminated")]


def test_supervisor_actions_need_the_role_the_jurisdiction_and_a_reason(api):
    case = new_case(api, org_unit="grid-a1")
    url = f"{CASES}/{case['id']}"
    assert api.post(f"{url}/suspend", "grid_a1", json={"reason": "x"}).status_code == 403
    other = new_case(api, org_unit="grid-b1")
    assert api.post(f"{CASES}/{other['id']}/suspend", "supervisor_a", json={"reason": "x"}).status_code == 404
    missing = api.post(f"{url}/suspend", "supervisor_a", json={})
    assert missing.status_code == 422 and missing.get_json()["error"]["field_errors"][0]["field"] == "reason"
    assert api.post(f"{url}/terminate", "supervisor_a", json={"reason": "   "}).status_code == 422
    assert api.post(f"{url}/suspend", "rights_officer", json={"reason": "联合处置"}).status_code == 200


def test_migrating_to_the_version_it_runs_is_refused_with_409(api):
    case = new_case(api)
    response = api.post(f"{CASES}/{case['id']}/migrate", "supervisor_county")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "migration_refused"


def test_a_supervisor_escalates_a_level1_case_to_the_village(api):
    case = new_case(api)
    to_level1_mediation(api, case["id"])
    response = api.post(f"{CASES}/{case['id']}/escalate", "supervisor_a", json={"reason": "网格员调解无进展，当事人要求上级介入"})
    assert response.status_code == 200, response.get_json()
    escalated = response.get_json()
    assert [(t["name"], t["role"], t["title"]) for t in escalated["tasks"]] == [
        ("mediate", "village_mediator", "村（社区）调解")]
    assert escalated["tasks"][0]["org_unit"] == "village-a" and escalated["level"] == 2
    events = api.get(f"{CASES}/{case['id']}/timeline", "supervisor_a").get_json()["items"]
    done = [e for e in events if e["type"] == "task_completed"][-1]
    assert done["actor"] == "supervisor_a" and done["data"]["data"]["result"] == "failed"
    assert "当事人要求上级介入" in done["data"]["data"]["mediation_summary"]
    assert done["data"]["data"]["move_up"] is True
    [moved] = [e for e in events if e["type"] == "escalated"]
    assert {k: moved["data"][k] for k in ("from_level", "to_level", "from_tier", "to_tier")} == {
        "from_level": 1, "to_level": 2, "from_tier": "grid", "to_tier": "village"}


def test_escalation_takes_over_a_claimed_mediation(api):
    case = new_case(api)
    view = to_level1_mediation(api, case["id"])
    api.services.runtime.claim(view.ready_task("mediate").id, actor="grid_a1")
    response = api.post(f"{CASES}/{case['id']}/escalate", "supervisor_a", json={"reason": "超期未调解"})
    assert response.status_code == 200
    assert [(t["name"], t["role"], t["assignee"]) for t in response.get_json()["tasks"]] == [
        ("mediate", "village_mediator", None)]


def test_escalation_outside_mediation_is_409(api):
    case = new_case(api)
    response = api.post(f"{CASES}/{case['id']}/escalate", "supervisor_a", json={"reason": "尚未筛查"})
    assert response.status_code == 409 and "调解阶段" in response.get_json()["error"]["message"]
    screen(api, case["id"])
    accept(api, case["id"])
    assert api.post(f"{CASES}/{case['id']}/escalate", "grid_a1", json={"reason": "x"}).status_code == 403


def test_escalation_from_the_last_tier_is_409_and_leaves_the_mediation_open(api):
    """Town mediation is the default ladder's last tier: its failure leads to litigation, so
    there is no tier to push the case up to."""
    case = new_case(api)
    url = f"{CASES}/{case['id']}/escalate"
    to_level1_mediation(api, case["id"])
    for reason in ("网格员调解无进展", "村级调解无进展"):
        assert api.post(url, "supervisor_a", json={"reason": reason}).status_code == 200
    during_consultation = api.post(url, "supervisor_a", json={"reason": "专家会商中"})
    assert during_consultation.status_code == 409
    complete(api, case["id"], "legal_opinion", {"opinion": "财产分割需通过诉讼确认"}, actor="lawyer")
    complete(api, case["id"], "psych_assessment", {"assessment": "申请人焦虑，需持续支持"}, actor="psychologist")
    town = api.services.runtime.instance(case["id"]).ready_task("mediate")
    assert town is not None and town.role == "town_mediator"
    response = api.post(url, "supervisor_a", json={"reason": "乡镇调解无进展"})
    assert response.status_code == 409 and "最后一级" in response.get_json()["error"]["message"]
    assert api.services.runtime.instance(case["id"]).ready_task("mediate").id == town.id


def test_those_who_register_get_each_processs_start_form_and_channels(api):
    processes = {p["key"]: p for p in api.get("/api/v1/intake/processes", "clerk").get_json()}
    dispute = processes["dispute_case"]
    assert dispute["name"] and dispute["start_form"]["schema"]["title"]
    assert {"value": "hotline_12338", "label": "12338热线"} in dispute["channels"]
    assert all(p["channels"] for p in processes.values())
    assert api.get("/api/v1/intake/processes", "designer").status_code == 403


def test_the_case_comes_with_the_labels_of_its_fields_and_coded_values(api):
    case = new_case(api)
    labels = api.get(f"{CASES}/{case['id']}", "clerk").get_json()["labels"]
    assert labels["dispute_type"]["title"] and labels["dispute_type"]["choices"]["marital_conflict"]
    assert labels["channel"]["choices"]["hotline_12338"] == "12338热线"
    assert labels["parties[].phone"]["title"] and labels["risk_colour"]["title"] == "风险颜色"


def test_the_timeline_names_each_user_who_acted(api):
    case = new_case(api)
    items = api.get(f"{CASES}/{case['id']}/timeline", "clerk").get_json()["items"]
    started = items[0]
    assert started["actor"] == "clerk" and started["actor_name"] and started["actor_name"] != "clerk"


def test_recording_a_mediation_keeps_the_cases_own_summary(api):
    case = new_case(api)
    screen(api, case["id"])
    accept(api, case["id"])
    complete(api, case["id"], "mediate", {"result": "failed", "mediated_on": "2026-03-05",
                                          "mediation_summary": "双方分歧较大，未能达成一致"}, actor="grid_a1")
    detail = api.get(f"{CASES}/{case['id']}", "clerk").get_json()
    assert detail["summary"] == INTAKE["summary"] and detail["data"]["summary"] == INTAKE["summary"]
    assert detail["data"]["mediation_summary"] == "双方分歧较大，未能达成一致"
