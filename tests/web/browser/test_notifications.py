"""The 通知 bell: a grid worker's open page counts a task a colleague's action offers her,
live, without reloading; choosing it opens the task."""
from __future__ import annotations

import re

from tests.web.browser.conftest import api_call, api_token, expect, log_in

NO_RISK = {
    "current_injury": False, "weapon_used": False, "threats_to_kill": False, "strangulation": False,
    "stalking": False, "recent_separation": False, "pregnancy_or_new_baby": False, "child_abuse": False,
    "victim_frightened": False, "escalation": False, "substance_abuse": False, "abuser_suicide_threats": False,
    "police_callouts_12m": 0, "complexity": "minor", "victim_safe_now": True,
}
INTAKE = {"dispute_type": "marital_conflict", "summary": "夫妻因家务分工争吵，妻子来电求助",
          "received_at": "2026-03-02T09:00:00+08:00",
          "parties": [{"name": "测试甲", "role": "applicant", "sex": "female"},
                      {"name": "测试乙", "role": "respondent", "sex": "male"}]}


def _unread(live_server, token: str) -> int:
    status, state = api_call(live_server, "GET", "/api/v1/notifications/state", token=token)
    assert status == 200, state
    return state["unread"]


def _offer_a_mediation_to_grid_a1(live_server) -> str:
    """The clerk registers a matter in grid-a1, screens it blue and accepts it: the grid
    mediation is offered to the grid's worker."""
    clerk = api_token(live_server, "clerk")
    status, case = api_call(live_server, "POST", "/api/v1/cases", {
        "process": "dispute_case", "org_unit": "grid-a1", "channel": "phone", "data": INTAKE},
        token=clerk, headers={"Idempotency-Key": "bell-test-case"})
    assert status == 201, case
    for step, data in (("screen_risk", NO_RISK), ("accept_case", {"decision": "accept"})):
        task = next(t for t in live_server.services.runtime.instance(case["id"]).tasks if t.name == step)
        status, body = api_call(live_server, "POST", f"/api/v1/tasks/{task.id}/complete", {"data": data}, token=clerk)
        assert status == 200, body
    mediation = next(t for t in live_server.services.runtime.instance(case["id"]).tasks if t.name == "mediate")
    assert mediation.role == "grid_worker"
    return mediation.id


def test_the_bell_counts_a_task_a_colleague_offers_her_live_and_opens_it(new_page, live_server):
    page = new_page("phone")
    log_in(page, "grid_a1")
    before = _unread(live_server, api_token(live_server, "grid_a1"))
    bell = page.get_by_role("button", name=re.compile("^通知(（.*）)?$"))
    expect(bell).to_be_visible()

    mediation = _offer_a_mediation_to_grid_a1(live_server)

    expect(bell).to_have_accessible_name(f"通知（{before + 1} 条未读）", timeout=15_000)
    bell.click()
    drawer = page.get_by_role("dialog", name="通知")
    newest = drawer.get_by_role("button", name=re.compile("新待办：网格员现场调解"))
    expect(newest.first).to_be_visible()
    expect(drawer).not_to_contain_text("测试甲")
    newest.first.click()
    expect(page).to_have_url(re.compile(f"/tasks/{mediation}$"))
    expect(bell).to_have_accessible_name(
        f"通知（{before} 条未读）" if before else "通知", timeout=15_000)


def test_she_sets_quiet_hours_and_keeps_due_soon_reminders_from_her_phone(new_page, live_server):
    page = new_page("phone")
    log_in(page, "mediator_b")
    page.get_by_role("button", name=re.compile("^通知(（.*）)?$")).click()
    page.get_by_role("button", name="通知设置").click()
    dialog = page.get_by_role("dialog", name="通知设置")
    # Her saved settings are in the form (outside channels on) before she changes anything.
    expect(dialog.get_by_role("switch", name="发送到我的外部渠道")).to_be_checked()
    due_soon = dialog.get_by_role("checkbox", name="即将到期")
    # Before the time fields, whose native pickers may cover the form on a phone. A tap, then
    # what she sees: the box ticked (Form re-renders it after the event, which check() does not wait for).
    due_soon.click()
    expect(due_soon).to_be_checked()
    dialog.get_by_label("免打扰开始时间").fill("22:00")
    dialog.get_by_label("免打扰结束时间").fill("07:00")
    dialog.get_by_label("免打扰结束时间").press("Tab")
    dialog.get_by_role("button", name="保存").click()
    expect(dialog).to_be_hidden()
    status, saved = api_call(live_server, "GET", "/api/v1/notifications/settings",
                             token=api_token(live_server, "mediator_b"))
    assert status == 200
    assert saved["quiet_hours"] == {"start": "22:00", "end": "07:00"} and saved["muted"] == ["task_due_soon"]
