"""Idempotency keys: a retry gets the original answer, a different request under the same
key is refused (422 idempotency_key_reused), never silently taken for the first."""
from __future__ import annotations

import threading

from tests.api.cases_support import CASES, register
from tests.api.task_support import SCREENING, start_case, task_id

INTAKE = "/api/v1/public/intake"


def public(api, summary, key, address):
    body = {"org_unit": "grid-a1", "data": {"dispute_type": "marital_conflict", "summary": summary,
                                            "parties": [{"name": "赵梅", "role": "applicant"}]}}
    return api.client.post(INTAKE, json=body, headers={"Idempotency-Key": key}, environ_base={"REMOTE_ADDR": address})


def test_the_same_key_with_other_data_is_refused_and_registers_nothing(api):
    first = register(api, key="visit-1", summary="夫妻因家务多次争吵，请求调解")
    assert first.status_code == 201
    again = register(api, key="visit-1", summary="夫妻因家务多次争吵，请求调解")
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    other = register(api, key="visit-1", summary="婆媳矛盾，另一件事")
    assert other.status_code == 422
    error = other.get_json()["error"]
    assert error["code"] == "idempotency_key_reused" and error["field_errors"][0]["field"] == "Idempotency-Key"
    assert api.get(f"{CASES}?q=婆媳矛盾", "clerk").get_json()["total"] == 0


def test_two_people_behind_one_address_with_one_key_are_not_merged(api):
    first = public(api, "丈夫酒后打骂，希望妇联帮助", "1", "203.0.113.9")
    assert first.status_code == 201
    second = public(api, "父母不让我结婚，想咨询", "1", "203.0.113.9")
    assert second.status_code == 422 and second.get_json()["error"]["code"] == "idempotency_key_reused"
    retried = public(api, "丈夫酒后打骂，希望妇联帮助", "1", "203.0.113.9")
    assert retried.status_code == 200 and retried.get_json()["receipt"] == first.get_json()["receipt"]
    elsewhere = public(api, "父母不让我结婚，想咨询", "1", "198.51.100.4")
    assert elsewhere.status_code == 201 and elsewhere.get_json()["receipt"] != first.get_json()["receipt"]


def test_a_retried_completion_gets_the_original_200_not_a_conflict(api):
    case = start_case(api)
    task = task_id(api, case.id, "screen_risk")
    url, body = f"/api/v1/tasks/{task}/complete", {"data": SCREENING["blue"]}
    headers = {**api.as_("clerk"), "Idempotency-Key": "submit-7"}
    first = api.client.post(url, json=body, headers=headers)
    assert first.status_code == 200
    retry = api.client.post(url, json=body, headers=headers)
    assert retry.status_code == 200 and retry.get_json()["case"] == first.get_json()["case"]
    assert [t["name"] for t in retry.get_json()["next_tasks"]] == ["accept_case"]
    changed = api.client.post(url, json={"data": SCREENING["yellow"]}, headers=headers)
    assert changed.status_code == 422 and changed.get_json()["error"]["code"] == "idempotency_key_reused"
    assert api.post(url, "clerk", json=body).status_code == 409  # no key: a plain second completion
    completed = [e for e in api.get(f"{CASES}/{case.id}/timeline", "clerk").get_json()["items"]
                 if e["type"] == "task_completed"]
    assert len(completed) == 1


def test_a_key_is_the_callers_own(api):
    case = start_case(api)
    task = task_id(api, case.id, "screen_risk")
    url, body = f"/api/v1/tasks/{task}/complete", {"data": SCREENING["blue"]}
    assert api.client.post(url, json=body, headers={**api.as_("clerk"), "Idempotency-Key": "k"}).status_code == 200
    other = api.client.post(url, json=body, headers={**api.as_("supervisor_town"), "Idempotency-Key": "k"})
    assert other.status_code in (403, 409)


def test_two_retries_racing_with_one_key_both_get_200_and_complete_once(api):
    case = start_case(api)
    task = task_id(api, case.id, "screen_risk")
    url, body = f"/api/v1/tasks/{task}/complete", {"data": SCREENING["blue"]}
    headers = {**api.as_("clerk"), "Idempotency-Key": "double-tap"}
    statuses, barrier = [], threading.Barrier(2)

    def submit():
        client = api.app.test_client()
        barrier.wait()
        statuses.append(client.post(url, json=body, headers=headers).status_code)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    completed = [e for e in api.get(f"{CASES}/{case.id}/timeline", "clerk").get_json()["items"]
                 if e["type"] == "task_completed"]
    assert len(completed) == 1


def test_two_registrations_racing_with_one_key_make_one_case(api):
    """The key is claimed before the case starts: the second waits for the first and answers
    with its case (200), never a 409 or a second case."""
    body = {"process": "dispute_case", "org_unit": "grid-a1", "channel": "phone",
            "data": {"dispute_type": "marital_conflict", "summary": "夫妻因彩礼争吵，双方到访",
                     "parties": [{"name": "钱芳", "role": "applicant"}]}}
    headers = {**api.as_("clerk"), "Idempotency-Key": "visit-double-tap"}
    answers, barrier = [], threading.Barrier(2)

    def send():
        client = api.app.test_client()
        barrier.wait()
        response = client.post(CASES, json=body, headers=headers)
        answers.append((response.status_code, response.get_json()["id"]))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in answers) == [200, 201]
    assert answers[0][1] == answers[1][1]
    assert api.get(f"{CASES}?q=彩礼争吵", "clerk").get_json()["total"] == 1


def test_a_key_sent_again_for_another_task_is_refused_and_that_task_stays_open(api):
    """The key is stored with the change's own writes: the second change runs into it there
    and rolls back whole."""
    first, second = start_case(api), start_case(api)
    headers = {**api.as_("clerk"), "Idempotency-Key": "one-key"}
    body = {"data": SCREENING["blue"]}
    one = task_id(api, first.id, "screen_risk")
    assert api.client.post(f"/api/v1/tasks/{one}/complete", json=body, headers=headers).status_code == 200
    other = task_id(api, second.id, "screen_risk")
    refused = api.client.post(f"/api/v1/tasks/{other}/complete", json=body, headers=headers)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "idempotency_key_reused"
    assert api.get(f"/api/v1/tasks/{other}", "clerk").get_json()["state"] == "ready"
    assert [e["type"] for e in api.get(f"{CASES}/{second.id}/timeline", "clerk").get_json()["items"]
            if e["type"] == "task_completed"] == []
