"""A supervisor gives a task to a colleague from its page (指派); a handler reads a masked
field of a case only by asking, with a reason, and the supervisor sees who read what."""
from __future__ import annotations

import re

from tests.web.browser.conftest import choose, demo_case, expect, log_in


def test_a_supervisor_assigns_a_village_mediation_to_the_mediator(desktop, live_server):
    # Demo case 4 waits in village-a's mediation (`mediate` at the village tier), offered to its mediators.
    case = demo_case(live_server, "demo:4")
    task = next(t for t in case.tasks if t.name == "mediate" and t.state == "ready")
    assert (task.role, task.org_unit) == ("village_mediator", "village-a")
    log_in(desktop, "supervisor_town")
    desktop.goto(f"/tasks/{task.id}")
    desktop.get_by_role("button", name="指派").click()
    dialog = desktop.get_by_role("dialog", name="指派给同事")
    choose(desktop, "指派给", "陈调解（东村）")
    dialog.get_by_role("button", name="指派").click()
    expect(desktop.get_by_text("已指派")).to_be_visible()
    assigned = live_server.services.runtime.task(task.id)
    assert assigned.assignee == "mediator_a"


def test_a_masked_phone_is_read_with_a_reason_and_the_read_is_on_record(new_page, live_server):
    case = demo_case(live_server, "demo:1")
    clerk = new_page()
    log_in(clerk, "clerk")
    clerk.goto(f"/cases/{case.id}")
    reveal = clerk.get_by_role("button", name=re.compile(r"^查看.*电话")).first
    expect(reveal).to_be_visible()
    reveal.click()
    dialog = clerk.get_by_role("dialog")
    dialog.get_by_label("查看理由").fill("回电核实当事人安全状况")
    dialog.get_by_role("button", name="查看").click()
    expect(clerk.get_by_text("已查看，已记录").first).to_be_visible()

    supervisor = new_page()
    log_in(supervisor, "supervisor_town")
    supervisor.goto(f"/cases/{case.id}")
    supervisor.get_by_role("button", name="查看记录").click()
    record = supervisor.get_by_role("dialog")
    expect(record.get_by_text("理由：回电核实当事人安全状况")).to_be_visible()
    expect(record.get_by_text(re.compile(r"张受理 · 申请查看"))).to_be_visible()
