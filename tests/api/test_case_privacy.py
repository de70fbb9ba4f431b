"""Sensitive personal information in cases: masked except for those who handle the victim,
and every explicit reveal on the case's audit trail (DOMAIN.md, privacy)."""
from __future__ import annotations

from tests.api.cases_support import CASES, complete, new_case, screen


def _detail(api, case_id, user):
    response = api.get(f"{CASES}/{case_id}", user)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _reveal(api, case_id, user, fields, reason="上门走访需要联系当事人"):
    return api.post(f"{CASES}/{case_id}/reveal", user, json={"fields": fields, "reason": reason})


def _events(api, case_id, type_=None):
    items = api.get(f"{CASES}/{case_id}/timeline", "supervisor_county").get_json()["items"]
    return [e for e in items if type_ is None or e["type"] == type_]


def test_the_detail_masks_the_victims_phone_address_and_the_reporter(api):
    case = new_case(api, reporter_name="王邻居", reporter_phone="13900000002")
    detail = _detail(api, case["id"], "mediator_a")
    victim = detail["data"]["parties"][0]
    assert victim["phone"] == "138****0001" and victim["address"] != "东村3组12号"
    assert victim["name"] == "刘芳"  # names are not marked sensitive in the intake form
    assert detail["data"]["reporter_phone"] == "139****0002" and detail["data"]["reporter_name"] != "王邻居"
    assert sorted(detail["masked_fields"]) == ["parties[0].address", "parties[0].phone", "reporter_name",
                                                "reporter_phone"]
    assert detail["can_reveal"] is False


def test_those_who_handle_the_victim_see_it_masked_too_and_may_reveal_it(api):
    case = new_case(api, reporter_name="王邻居")
    for user in ("grid_a1", "clerk", "rights_officer"):
        detail = _detail(api, case["id"], user)
        assert detail["data"]["parties"][0]["phone"] == "138****0001", user
        assert detail["data"]["reporter_name"] != "王邻居"
        assert "parties[0].phone" in detail["masked_fields"] and detail["can_reveal"] is True
    assert _events(api, case["id"], "sensitive_field_read") == []  # opening a case is not a reveal
    timeline = api.get(f"{CASES}/{case['id']}/timeline", "clerk").get_json()["items"]
    assert timeline[0]["data"]["data"]["parties"][0]["phone"] == "138****0001"


def test_a_sensitive_role_elsewhere_does_not_open_the_case(api):
    case = new_case(api, org_unit="grid-b1")
    assert api.get(f"{CASES}/{case['id']}", "grid_a1").status_code == 404
    detail = _detail(api, case["id"], "supervisor_town")  # sees the case, handles no victim
    assert detail["data"]["parties"][0]["phone"] == "138****0001" and detail["can_reveal"] is False


def test_a_reveal_returns_clear_values_and_is_audited_with_fields_and_reason(api):
    case = new_case(api)
    response = _reveal(api, case["id"], "grid_a1", ["parties[0].phone", "parties[0].address"])
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["values"] == {"parties[0].phone": "13800000001", "parties[0].address": "东村3组12号"}
    [event] = _events(api, case["id"], "sensitive_field_read")
    assert event["actor"] == "grid_a1"
    assert event["data"] == {"fields": ["parties[0].phone", "parties[0].address"], "reason": "上门走访需要联系当事人"}


def test_a_reveal_is_refused_to_roles_that_do_not_handle_the_victim(api):
    case = new_case(api)
    for user in ("supervisor_a", "mediator_a", "town_mediator"):
        response = _reveal(api, case["id"], user, ["parties[0].phone"])
        assert response.status_code == 403, (user, response.get_json())
    assert _reveal(api, case["id"], "mediator_b", ["parties[0].phone"]).status_code == 404
    assert _reveal(api, case["id"], "rights_officer", ["parties[0].phone"]).status_code == 200
    assert [e["actor"] for e in _events(api, case["id"], "sensitive_field_read")] == ["rights_officer"]


def test_the_assigned_handler_may_reveal(api):
    case = new_case(api)
    screen(api, case["id"], complexity="general")  # blue, level 2: mediated in the village
    view = complete(api, case["id"], "accept_case", {"decision": "accept"})
    task = view.ready_task("mediate")
    assert task.role == "village_mediator"
    assert _detail(api, case["id"], "mediator_a")["can_reveal"] is False
    api.services.runtime.claim(task.id, actor="mediator_a")
    assert _detail(api, case["id"], "mediator_a")["can_reveal"] is True
    assert _reveal(api, case["id"], "mediator_a", ["parties[0].address"]).status_code == 200


def test_a_reveal_needs_a_reason_and_sensitive_fields(api):
    case = new_case(api)
    no_reason = _reveal(api, case["id"], "grid_a1", ["parties[0].phone"], reason=" ")
    assert no_reason.status_code == 422 and no_reason.get_json()["error"]["field_errors"][0]["field"] == "reason"
    plain = _reveal(api, case["id"], "grid_a1", ["parties[0].name"])
    assert plain.status_code == 422 and plain.get_json()["error"]["field_errors"][0]["field"] == "fields.0"
    assert _reveal(api, case["id"], "grid_a1", []).status_code == 422
    assert _events(api, case["id"], "sensitive_field_read") == []


def test_the_timeline_masks_sensitive_values_in_event_data_the_same_way(api):
    case = new_case(api)
    started = _events(api, case["id"], "instance_started")[0]  # read by a supervisor
    assert started["data"]["data"]["parties"][0]["phone"] == "138****0001"
    for user in ("mediator_a", "grid_a1"):  # masked for those who may reveal, too
        assert "13800000001" not in api.get(f"{CASES}/{case['id']}/timeline", user).get_data(as_text=True)


def test_a_reveal_keeps_the_audit_chain_whole(api):
    from engine.runtime.auditing import verify_audit

    case = new_case(api)
    _reveal(api, case["id"], "grid_a1", ["parties[0].phone"])
    screen(api, case["id"])
    assert verify_audit(api.services.store, case["id"]).ok


def _access_log(api, case_id, user="supervisor_town"):
    response = api.get(f"{CASES}/{case_id}/access-log", user)
    assert response.status_code == 200, response.get_json()
    return [(e["username"], e["via"], e["fields"]) for e in response.get_json()["items"]]


def test_every_clear_read_of_sensitive_fields_is_logged_for_the_supervisor(api):
    case = new_case(api, reporter_name="王邻居")
    _detail(api, case["id"], "clerk")
    api.get(f"{CASES}/{case['id']}/timeline", "lawyer")
    task = next(t for t in _detail(api, case["id"], "clerk")["tasks"] if t["name"] == "screen_risk")
    assert api.get(f"/api/v1/tasks/{task['id']}", "clerk").status_code == 200
    _reveal(api, case["id"], "grid_a1", ["parties[0].phone"])
    fields = ["parties[0].address", "parties[0].phone", "reporter_name"]
    assert _access_log(api, case["id"]) == [("clerk", "task", fields), ("grid_a1", "reveal", ["parties[0].phone"])]
    entries = api.get(f"{CASES}/{case['id']}/access-log", "supervisor_town").get_json()["items"]
    assert entries[-1]["reason"] == "上门走访需要联系当事人" and entries[-1]["at"]
    assert entries[0]["display_name"] and entries[0]["display_name"] != "clerk"


def test_masked_reads_and_task_lists_log_nothing_and_only_supervisors_read_the_log(api):
    case = new_case(api)
    _detail(api, case["id"], "mediator_a")
    _detail(api, case["id"], "clerk")  # masked for her too, until she reveals
    api.get("/api/v1/tasks?scope=group", "clerk")
    assert _access_log(api, case["id"]) == []
    assert api.get(f"{CASES}/{case['id']}/access-log", "clerk").status_code == 403
    assert api.get(f"{CASES}/{case['id']}/access-log", "supervisor_a").status_code == 200
