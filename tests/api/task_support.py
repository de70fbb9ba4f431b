"""Cases in known states for the task API tests: start a dispute case and walk it to a task.

Form data follows tests/processes/dispute_case/*.yaml."""
from __future__ import annotations

from engine.store import org_repository
from tests.api.conftest import PASSWORD

INTAKE = {
    "channel": "phone", "dispute_type": "marital_conflict", "summary": "夫妻因家务多次争吵",
    "parties": [{"name": "刘芳", "role": "applicant", "sex": "female", "phone": "13800000001", "address": "东村3组12号"},
                {"name": "陈强", "role": "respondent", "sex": "male"}],
}

_NO_FLAGS = {flag: False for flag in (
    "current_injury", "weapon_used", "threats_to_kill", "strangulation", "stalking", "recent_separation",
    "pregnancy_or_new_baby", "child_abuse", "victim_frightened", "escalation", "substance_abuse",
    "abuser_suicide_threats")}
# blue / level 1 (grid), yellow / level 2 (village), orange / level 3 (town)
SCREENING = {
    "blue": {**_NO_FLAGS, "police_callouts_12m": 0, "complexity": "minor", "victim_safe_now": True},
    "yellow": {**_NO_FLAGS, "recent_separation": True, "police_callouts_12m": 0, "complexity": "general",
               "victim_safe_now": True},
    "orange": {**_NO_FLAGS, "stalking": True, "victim_frightened": True, "escalation": True,
               "police_callouts_12m": 1, "complexity": "complex", "victim_safe_now": True},
}
ACCEPT = {"decision": "accept"}
MEDIATION_FAILED = {"result": "failed", "mediated_on": "2026-03-05", "mediation_summary": "双方分歧较大，未能达成一致"}
LEGAL_OPINION = {"opinion": "财产分割需通过诉讼确认"}
PSYCH_ASSESSMENT = {"assessment": "申请人焦虑，需持续支持"}


def start_case(api, org_unit: str = "grid-a1", **data):
    return api.services.runtime.start("dispute_case", actor="clerk", org_unit=org_unit, data={**INTAKE, **data})


def task_id(api, case_id: str, name: str) -> str:
    task = api.services.runtime.instance(case_id).ready_task(name)
    assert task is not None, f"{name} is not ready in case {case_id}"
    return task.id


def complete(api, case_id: str, name: str, data: dict, actor: str = "clerk"):
    return api.services.runtime.complete(task_id(api, case_id, name), data, actor=actor)


def case_at(api, colour: str, step: str, org_unit: str = "grid-a1"):
    """A case screened as `colour` and walked until `step` is ready; returns (case id, task id).
    `mediate` is offered by the tier the colour enters the ladder at (processes/ladders/three_tier.yaml):
    blue the grid worker's, yellow the village mediator's, orange the town mediator's after the
    expert consultation."""
    case = start_case(api, org_unit)
    complete(api, case.id, "screen_risk", SCREENING[colour])
    if step != "accept_case":
        complete(api, case.id, "accept_case", ACCEPT)
    if step == "mediate" and colour == "orange":  # the town tier consults experts first
        complete(api, case.id, "legal_opinion", LEGAL_OPINION, actor="lawyer")
        complete(api, case.id, "psych_assessment", PSYCH_ASSESSMENT, actor="psychologist")
    return case.id, task_id(api, case.id, step)


def add_user(api, username: str, role: str, org_unit: str) -> str:
    with api.services.store.write() as session:
        org_repository.add_user(session, username, role=role, org_unit=org_unit, password=PASSWORD)
    return username
