"""One task: its page, claiming and assigning, drafts, completion, comments; and who may do which."""
from __future__ import annotations

import threading

from engine.store import repository
from engine.store.models import TaskDraft
from tests.api.task_support import (
    ACCEPT,
    LEGAL_OPINION,
    MEDIATION_FAILED,
    PSYCH_ASSESSMENT,
    SCREENING,
    add_user,
    case_at,
    start_case,
    task_id,
)

TASKS = "/api/v1/tasks"


def screening_task(api) -> tuple[str, str]:
    case = start_case(api)
    return case.id, task_id(api, case.id, "screen_risk")


def error_fields(response) -> list[str]:
    return [e["field"] for e in response.get_json()["error"].get("field_errors", [])]


# -- the task page ----------------------------------------------------------------------------

def test_the_task_page_has_the_form_rendered_instructions_data_and_case(api):
    case_id, task = screening_task(api)
    page = api.get(f"{TASKS}/{task}", "clerk").get_json()
    assert page["id"] == task and page["name"] == "screen_risk" and page["state"] == "ready"
    assert page["form"]["schema"]["$id"] == "jiahe:forms/risk_screening.schema.json"
    assert page["form"]["ui_schema"]["ui:order"][0] == "current_injury"
    assert page["instructions"].startswith("调解之前先筛查家庭暴力风险") and page["instructions_note"] is None
    assert page["data"]["summary"] == "夫妻因家务多次争吵"
    assert page["draft"] is None and page["comments"] == []
    assert page["case"] == {"id": case_id, "case_no": "JH-2026-000001", "status": "running",
                            "risk_colour": None, "org_unit": "grid-a1", "row_version": page["case"]["row_version"]}


def test_the_victims_phone_and_address_are_clear_to_the_clerk(api):
    _, task = screening_task(api)
    page = api.get(f"{TASKS}/{task}", "clerk").get_json()
    assert page["data"]["parties"][0]["phone"] == "13800000001"
    assert page["data"]["parties"][0]["address"] == "东村3组12号"
    assert page["masked_fields"] == []


def test_a_town_mediator_sees_the_victims_phone_and_address_masked(api):
    _, task = case_at(api, "orange", "mediate")
    page = api.get(f"{TASKS}/{task}", "town_mediator").get_json()
    party = page["data"]["parties"][0]
    assert party["phone"] == "138****0001" and party["address"] == "东***" and party["name"] == "刘芳"
    assert page["masked_fields"] == ["parties[0].address", "parties[0].phone"]


def test_the_lawyer_serving_the_victim_sees_her_contact_in_clear(api):
    _, opinion = case_at(api, "orange", "legal_opinion")
    assert api.get(f"{TASKS}/{opinion}", "lawyer").get_json()["data"]["parties"][0]["phone"] == "13800000001"


def test_a_task_outside_the_callers_jurisdiction_or_role_does_not_exist_for_her(api):
    _, task = screening_task(api)
    for user in ("grid_b1", "mediator_b", "town_mediator", "lawyer"):
        for response in (api.get(f"{TASKS}/{task}", user), api.post(f"{TASKS}/{task}/claim", user),
                         api.post(f"{TASKS}/{task}/complete", user, json={"data": {}}),
                         api.get(f"{TASKS}/{task}/comments", user)):
            assert response.status_code == 404, (user, response.request.path)
            assert response.get_json()["error"]["code"] == "not_found"
    assert api.get(f"{TASKS}/no-such-task", "clerk").status_code == 404


def test_a_supervisor_over_the_case_reads_the_task_but_may_not_work_on_it(api):
    _, task = screening_task(api)
    page = api.get(f"{TASKS}/{task}", "supervisor_town").get_json()
    assert page["data"]["parties"][0]["phone"] == "138****0001"
    assert api.post(f"{TASKS}/{task}/claim", "supervisor_town").status_code == 403
    assert api.post(f"{TASKS}/{task}/complete", "supervisor_town",
                    json={"data": SCREENING["blue"]}).status_code == 403


# -- claiming, unclaiming, assigning ------------------------------------------------------------

def test_claiming_a_task_someone_else_holds_is_a_conflict(api):
    _, task = screening_task(api)
    add_user(api, "clerk_county", "intake_clerk", "county")
    claimed = api.post(f"{TASKS}/{task}/claim", "clerk")
    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == "clerk"
    second = api.post(f"{TASKS}/{task}/claim", "clerk_county")
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "conflict"
    completing = api.post(f"{TASKS}/{task}/complete", "clerk_county", json={"data": SCREENING["blue"]})
    assert completing.status_code == 409


def test_the_assignee_gives_a_task_back_and_others_cannot(api):
    _, task = screening_task(api)
    add_user(api, "clerk_county", "intake_clerk", "county")
    api.post(f"{TASKS}/{task}/claim", "clerk")
    assert api.post(f"{TASKS}/{task}/unclaim", "clerk_county").status_code == 409
    released = api.post(f"{TASKS}/{task}/unclaim", "clerk")
    assert released.status_code == 200 and released.get_json()["assignee"] is None
    assert api.post(f"{TASKS}/{task}/claim", "clerk_county").get_json()["assignee"] == "clerk_county"


def test_a_supervisor_over_the_task_takes_it_back_from_its_assignee(api):
    case_id, task = case_at(api, "yellow", "mediate")
    api.post(f"{TASKS}/{task}/claim", "mediator_a")
    released = api.post(f"{TASKS}/{task}/unclaim", "supervisor_a")
    assert released.status_code == 200 and released.get_json()["assignee"] is None
    with api.services.store.read() as session:
        last = repository.audit_records(session, case_id)[-1]
    assert (last.type, last.actor, last.data["previous"]) == ("task_unclaimed", "supervisor_a", "mediator_a")


def test_a_supervisor_assigns_only_to_someone_holding_the_role_there(api):
    _, task = case_at(api, "yellow", "mediate")
    assigned = api.post(f"{TASKS}/{task}/assign", "supervisor_a", json={"user": "mediator_a"})
    assert assigned.status_code == 200 and assigned.get_json()["assignee"] == "mediator_a"
    for user in ("mediator_b", "grid_a1", "nobody"):
        refused = api.post(f"{TASKS}/{task}/assign", "supervisor_a", json={"user": user})
        assert refused.status_code == 422 and error_fields(refused) == ["user"], user
    assert api.get(f"{TASKS}/{task}", "mediator_a").get_json()["assignee"] == "mediator_a"


def test_a_worker_may_assign_the_task_to_herself_but_not_to_others(api):
    _, task = screening_task(api)
    add_user(api, "clerk_county", "intake_clerk", "county")
    assert api.post(f"{TASKS}/{task}/assign", "clerk", json={"user": "clerk_county"}).status_code == 403
    taken = api.post(f"{TASKS}/{task}/assign", "clerk", json={"user": "clerk"})
    assert taken.status_code == 200 and taken.get_json()["assignee"] == "clerk"
    assert api.post(f"{TASKS}/{task}/assign", "clerk_county", json={"user": "clerk_county"}).status_code == 409


def test_assign_needs_a_user(api):
    _, task = screening_task(api)
    response = api.post(f"{TASKS}/{task}/assign", "supervisor_town", json={})
    assert response.status_code == 422 and error_fields(response) == ["user"]


# -- drafts ----------------------------------------------------------------------------------

def test_a_draft_is_kept_per_user_and_comes_back_with_the_task(api):
    _, task = screening_task(api)
    add_user(api, "clerk_county", "intake_clerk", "county")
    half_done = {"current_injury": False, "screening_notes": "当事人不愿回答第5项"}
    saved = api.put(f"{TASKS}/{task}/draft", "clerk", json={"data": half_done})
    assert saved.status_code == 200 and saved.get_json()["data"] == half_done
    assert api.get(f"{TASKS}/{task}", "clerk").get_json()["draft"]["data"] == half_done
    assert api.get(f"{TASKS}/{task}", "clerk_county").get_json()["draft"] is None
    api.put(f"{TASKS}/{task}/draft", "clerk", json={"data": {"weapon_used": True}})
    assert api.get(f"{TASKS}/{task}", "clerk").get_json()["draft"]["data"] == {"weapon_used": True}


def test_drafts_are_deleted_when_the_task_completes(api):
    _, task = screening_task(api)
    api.put(f"{TASKS}/{task}/draft", "clerk", json={"data": {"current_injury": False}})
    assert api.post(f"{TASKS}/{task}/complete", "clerk", json={"data": SCREENING["blue"]}).status_code == 200
    with api.services.store.read() as session:
        assert session.get(TaskDraft, (task, "clerk")) is None
    assert api.put(f"{TASKS}/{task}/draft", "clerk", json={"data": {}}).status_code == 409


def test_a_draft_needs_a_data_object_and_the_right_to_work_on_the_task(api):
    _, task = screening_task(api)
    assert error_fields(api.put(f"{TASKS}/{task}/draft", "clerk", json={"data": [1]})) == ["data"]
    assert api.put(f"{TASKS}/{task}/draft", "supervisor_town", json={"data": {}}).status_code == 403
    assert api.put(f"{TASKS}/{task}/draft", "grid_b1", json={"data": {}}).status_code == 404


def test_an_oversized_draft_is_refused(api):
    _, task = screening_task(api)
    api.app.config["MAX_CONTENT_LENGTH"] = 1024
    response = api.put(f"{TASKS}/{task}/draft", "clerk", json={"data": {"screening_notes": "很" * 2000}})
    assert response.status_code == 413 and response.get_json()["error"]["status"] == 413


# -- completing --------------------------------------------------------------------------------

def test_completing_returns_the_case_and_the_next_tasks_i_may_see(api):
    case_id, task = screening_task(api)
    response = api.post(f"{TASKS}/{task}/complete", "clerk", json={"data": SCREENING["yellow"]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["case"] == {"id": case_id, "case_no": "JH-2026-000001", "status": "running"}
    assert [(t["name"], t["risk"], t["role"]) for t in body["next_tasks"]] == [
        ("accept_case", "yellow", "intake_clerk")]
    assert api.get(f"{TASKS}/{task}", "clerk").get_json()["state"] == "completed"


def test_next_tasks_leave_out_what_the_caller_may_not_see(api):
    case_id, task = case_at(api, "yellow", "accept_case")
    body = api.post(f"{TASKS}/{task}/complete", "clerk", json={"data": ACCEPT}).get_json()
    assert body["next_tasks"] == []  # the yellow case's mediation is the village mediator's
    mediation = api.services.runtime.instance(case_id).ready_task("mediate")
    assert mediation is not None and mediation.role == "village_mediator"


def test_invalid_form_data_is_422_with_field_names_and_changes_nothing(api):
    case_id, task = screening_task(api)
    before = api.get(f"{TASKS}/{task}", "clerk").get_json()
    bad = {**SCREENING["blue"], "police_callouts_12m": -1, "complexity": "huge"}
    del bad["weapon_used"]
    response = api.post(f"{TASKS}/{task}/complete", "clerk", json={"data": bad})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert sorted(error_fields(response)) == ["complexity", "police_callouts_12m", "weapon_used"]
    after = api.get(f"{TASKS}/{task}", "clerk").get_json()
    assert after["state"] == "ready" and after["case"]["row_version"] == before["case"]["row_version"]


def test_unknown_fields_in_the_request_body_are_refused(api):
    _, task = screening_task(api)
    response = api.post(f"{TASKS}/{task}/complete", "clerk", json={"data": SCREENING["blue"], "extra": 1})
    assert response.status_code == 422 and error_fields(response) == ["extra"]
    response = api.post(f"{TASKS}/{task}/complete", "clerk", json={"data": "not an object"})
    assert response.status_code == 422 and error_fields(response) == ["data"]


def test_completing_twice_is_a_conflict(api):
    _, task = screening_task(api)
    assert api.post(f"{TASKS}/{task}/complete", "clerk", json={"data": SCREENING["blue"]}).status_code == 200
    again = api.post(f"{TASKS}/{task}/complete", "clerk", json={"data": SCREENING["blue"]})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_two_clients_completing_at_once_get_one_success_and_one_conflict(api):
    _, task = screening_task(api)
    headers = api.as_("clerk")
    barrier, statuses = threading.Barrier(2), []

    def submit():
        client = api.app.test_client()
        barrier.wait()
        response = client.post(f"{TASKS}/{task}/complete", json={"data": SCREENING["blue"]}, headers=headers)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200, 409]
    done = api.get(TASKS, "clerk", query_string={"scope": "done"}).get_json()
    assert [i["id"] for i in done["items"]] == [task]


def test_a_case_changed_since_it_was_loaded_is_a_conflict(api):
    case_id, task = case_at(api, "orange", "legal_opinion")
    loaded = api.get(f"{TASKS}/{task}", "lawyer").get_json()["case"]["row_version"]
    psych = task_id(api, case_id, "psych_assessment")
    api.services.runtime.complete(psych, PSYCH_ASSESSMENT, actor="psychologist")
    stale = api.post(f"{TASKS}/{task}/complete", "lawyer", json={"data": LEGAL_OPINION, "row_version": loaded})
    assert stale.status_code == 409
    fresh = api.get(f"{TASKS}/{task}", "lawyer").get_json()["case"]["row_version"]
    done = api.post(f"{TASKS}/{task}/complete", "lawyer", json={"data": LEGAL_OPINION, "row_version": fresh})
    assert done.status_code == 200
    assert [t["name"] for t in done.get_json()["next_tasks"]] == []  # the town mediator's mediation follows


def test_a_mediator_completes_her_mediation_and_the_case_escalates(api):
    case_id, task = case_at(api, "yellow", "mediate")
    response = api.post(f"{TASKS}/{task}/complete", "mediator_a", json={"data": MEDIATION_FAILED})
    assert response.status_code == 200
    instance = api.services.runtime.instance(case_id)
    assert {t.name for t in instance.tasks} == {"legal_opinion", "psych_assessment"}


# -- comments ------------------------------------------------------------------------------------

def test_comments_are_added_listed_and_shown_on_the_task_page(api):
    case_id, task = screening_task(api)
    posted = api.post(f"{TASKS}/{task}/comments", "clerk", json={"text": "  当事人下午方便接电话  "})
    assert posted.status_code == 201
    comment = posted.get_json()
    assert comment == {**comment, "username": "clerk", "display_name": "张受理", "text": "当事人下午方便接电话"}
    api.post(f"{TASKS}/{task}/comments", "supervisor_town", json={"text": "请今日内完成筛查"})
    listed = api.get(f"{TASKS}/{task}/comments", "clerk").get_json()
    assert listed["total"] == 2
    assert [c["username"] for c in listed["items"]] == ["clerk", "supervisor_town"]
    assert [c["text"] for c in api.get(f"{TASKS}/{task}", "clerk").get_json()["comments"]] == [
        "当事人下午方便接电话", "请今日内完成筛查"]


def test_comments_stay_out_of_the_case_audit_chain(api):
    case_id, task = screening_task(api)
    with api.services.store.read() as session:
        before = len(repository.audit_records(session, case_id))
    api.post(f"{TASKS}/{task}/comments", "clerk", json={"text": "备注"})
    with api.services.store.read() as session:
        assert len(repository.audit_records(session, case_id)) == before


def test_a_comment_has_1_to_2000_characters_and_needs_jurisdiction(api):
    _, task = screening_task(api)
    for text in ("", "   ", "字" * 2001):
        response = api.post(f"{TASKS}/{task}/comments", "clerk", json={"text": text})
        assert response.status_code == 422 and error_fields(response) == ["text"], len(text)
    assert api.post(f"{TASKS}/{task}/comments", "clerk", json={"text": "字" * 2000}).status_code == 201
    assert api.post(f"{TASKS}/{task}/comments", "grid_b1", json={"text": "看看"}).status_code == 404


def test_a_supervisor_is_offered_the_colleagues_who_may_take_the_task(api):
    _, task = case_at(api, "yellow", "mediate")
    candidates = api.get(f"{TASKS}/{task}/candidates", "supervisor_town").get_json()
    assert [(c["username"], c["org_unit"]) for c in candidates] == [("mediator_a", "village-a")]
    assert candidates[0]["display_name"] != "mediator_a"
    assert api.get(f"{TASKS}/{task}/candidates", "mediator_a").status_code == 403
    assert api.post(f"{TASKS}/{task}/assign", "supervisor_town", json={"user": "mediator_a"}).status_code == 200
