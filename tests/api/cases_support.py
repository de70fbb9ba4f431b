"""Helpers for the case API tests: an intake, and moving a case on through the runtime
(so these tests do not depend on the tasks API)."""
from __future__ import annotations

CASES = "/api/v1/cases"

INTAKE = {
    "dispute_type": "marital_conflict",
    "summary": "夫妻因家务分工长期争吵，妻子要求调解",
    "parties": [
        {"name": "刘芳", "role": "applicant", "sex": "female", "phone": "13800000001", "address": "东村3组12号"},
        {"name": "陈强", "role": "respondent", "sex": "male"},
    ],
}

NO_RISK = {
    "current_injury": False, "weapon_used": False, "threats_to_kill": False, "strangulation": False,
    "stalking": False, "recent_separation": False, "pregnancy_or_new_baby": False, "child_abuse": False,
    "victim_frightened": False, "escalation": False, "substance_abuse": False, "abuser_suicide_threats": False,
    "police_callouts_12m": 0, "complexity": "minor", "victim_safe_now": True,
}


def register(api, user="clerk", org_unit="grid-a1", key=None, channel="phone", **data):
    headers = {"Idempotency-Key": key} if key else {}
    body = {"process": "dispute_case", "org_unit": org_unit, "channel": channel, "data": {**INTAKE, **data}}
    return api.post(CASES, user, json=body, headers=headers)


def new_case(api, **kw) -> dict:
    response = register(api, **kw)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def complete(api, case_id: str, task_name: str, data: dict, actor: str = "clerk"):
    view = api.services.runtime.instance(case_id)
    task = view.ready_task(task_name)
    assert task is not None, [t.name for t in view.tasks]
    return api.services.runtime.complete(task.id, data, actor=actor)


def screen(api, case_id: str, **answers):
    return complete(api, case_id, "screen_risk", {**NO_RISK, **answers})


def accept(api, case_id: str):
    return complete(api, case_id, "accept_case", {"decision": "accept"})


def to_level1_mediation(api, case_id: str):
    screen(api, case_id)
    return accept(api, case_id)


def listed(api, user: str, query: str = "") -> dict:
    response = api.get(f"{CASES}?{query}", user)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def case_nos(page: dict) -> list[str]:
    return [item["case_no"] for item in page["items"]]
