"""The in-app inbox (通知): written by the rules of processes/notifications.yaml in the
transaction of the change that causes it, read and marked by its owner only."""
from __future__ import annotations

import pytest

from tests.api.cases_support import INTAKE, NO_RISK, accept, new_case, screen
from tests.api.task_support import task_id

INBOX = "/api/v1/notifications"
RED = {"weapon_used": True, "threats_to_kill": True, "victim_frightened": True, "police_callouts_12m": 2,
       "complexity": "complex", "victim_safe_now": False}


def inbox(api, user: str, query: str = "") -> dict:
    response = api.get(f"{INBOX}{query}", user)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_task_offered_to_her_grid_reaches_the_grid_worker_with_case_number_task_and_deadline(api):
    case = new_case(api)
    screen(api, case["id"])
    accept(api, case["id"])
    mediation = task_id(api, case["id"], "mediate")
    found = inbox(api, "grid_a1")
    assert found["unread"] == 1
    note = found["items"][0]
    assert note["kind"] == "task_ready" and note["task_id"] == mediation and note["link"] == f"/tasks/{mediation}"
    assert case["case_no"] in note["body"] and note["title"].startswith("新待办")
    assert "期限 20" in note["body"]
    # the other branch's grid worker is not told
    assert inbox(api, "grid_b1")["total"] == 0


def test_nobody_is_told_of_her_own_action_and_no_party_detail_is_ever_written(api):
    case = new_case(api)  # the clerk registers: screening is offered to the clerk herself
    assert inbox(api, "clerk")["total"] == 0
    screen(api, case["id"])
    accept(api, case["id"])
    with api.services.store.read() as session:
        from engine.store.models import Notification

        texts = [n.title + n.body for n in session.query(Notification)]
    assert texts
    party = INTAKE["parties"][0]
    assert not any(party["name"] in t or party["phone"] in t or party["address"] in t or INTAKE["summary"] in t
                   for t in texts)


def test_a_red_case_alerts_the_supervisors_and_rights_officers_above_it_at_once(api):
    case = new_case(api)
    screen(api, case["id"], **RED)
    for user in ("supervisor_a", "supervisor_town", "supervisor_county", "rights_officer", "city_rights"):
        urgent = [n for n in inbox(api, user)["items"] if n["urgent"]]
        assert len(urgent) == 1, user
        assert urgent[0]["title"] == f"红色预警：{case['case_no']}"
        assert urgent[0]["link"] == f"/cases/{case['id']}"
    assert not any(n["urgent"] for n in inbox(api, "grid_a1")["items"])


def test_a_step_that_fails_writes_no_notification(api):
    case = new_case(api)
    screening = task_id(api, case["id"], "screen_risk")
    before = {u: inbox(api, u)["total"] for u in ("clerk", "supervisor_town")}
    response = api.post(f"/api/v1/tasks/{screening}/complete", "clerk", json={"data": {**NO_RISK, "complexity": 7}})
    assert response.status_code == 422
    assert {u: inbox(api, u)["total"] for u in before} == before


def test_an_assignment_tells_the_assignee(api):
    case = new_case(api)
    screen(api, case["id"])
    accept(api, case["id"])
    mediation = task_id(api, case["id"], "mediate")
    response = api.post(f"/api/v1/tasks/{mediation}/assign", "supervisor_town", json={"user": "grid_a1"})
    assert response.status_code == 200, response.get_json()
    kinds = [n["kind"] for n in inbox(api, "grid_a1")["items"]]
    assert kinds == ["task_assigned", "task_ready"]


def test_she_marks_her_own_notifications_read_and_never_another_users(api):
    case = new_case(api)
    screen(api, case["id"], **RED)
    mine = inbox(api, "supervisor_town")["items"][0]
    theirs = inbox(api, "supervisor_county")["items"][0]
    assert api.post(f"{INBOX}/{theirs['id']}/read", "supervisor_town").status_code == 404
    read = api.post(f"{INBOX}/{mine['id']}/read", "supervisor_town")
    assert read.status_code == 200 and read.get_json()["read_at"]
    assert inbox(api, "supervisor_town", "?unread=true")["total"] == 0
    assert inbox(api, "supervisor_county")["unread"] == 1
    marked = api.post(f"{INBOX}/read-all", "supervisor_county").get_json()
    assert marked == {"marked": 1}
    assert api.get(f"{INBOX}/state", "supervisor_county").get_json()["unread"] == 0


def test_the_stream_sends_the_unread_count_as_an_event(api):
    case = new_case(api)
    screen(api, case["id"], **RED)
    response = api.get(f"{INBOX}/stream?seconds=0", "supervisor_town")
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    body = response.get_data(as_text=True)
    assert "event: inbox\ndata: {\"unread\": 1, \"newest\": " in body


def test_the_inbox_needs_a_login(api):
    assert api.get(INBOX).status_code == 401


@pytest.mark.parametrize("user", ["grid_a1", "admin"])
def test_an_empty_inbox_says_so(api, user):
    assert inbox(api, user) == {"items": [], "total": 0, "page": 1, "per_page": 20, "unread": 0}


def test_she_sets_her_quiet_hours_and_what_is_kept_from_her_outside_channels(api):
    settings = api.get(f"{INBOX}/settings", "grid_a1").get_json()
    assert settings == {"quiet_hours": None, "outside": True, "muted": [], "mutable_kinds": settings["mutable_kinds"]}
    body = {"quiet_hours": {"start": "22:00", "end": "07:00"}, "outside": True, "muted": ["task_due_soon"]}
    response = api.client.put(f"{INBOX}/settings", json=body, headers=api.as_("grid_a1"))
    assert response.status_code == 200, response.get_json()
    assert api.get(f"{INBOX}/settings", "grid_a1").get_json()["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert api.get(f"{INBOX}/settings", "clerk").get_json()["muted"] == []


def test_red_alerts_cannot_be_kept_back_and_bad_times_are_refused_in_chinese(api):
    body = {"quiet_hours": {"start": "25:00", "end": "07:00"}, "muted": ["risk_triaged", "nonsense"]}
    response = api.client.put(f"{INBOX}/settings", json=body, headers=api.as_("grid_a1"))
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.get_json()["error"]["field_errors"]}
    assert errors == {"muted.0": "红色预警总会立即送达，不能关闭", "muted.1": "未知的通知类型「nonsense」",
                      "quiet_hours": "免打扰时段的开始和结束须为 HH:MM 格式的时间"}
