"""axe-core scans every page of UI.md that is built so far, at desktop and phone size, once it
shows its content: no violation of serious or critical impact. Every violation found, of any
impact, is printed (pytest -s) and named in a failure."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.web.browser.conftest import (
    SEVERE,
    Page,
    api_call,
    axe_violations,
    demo_case,
    describe_violations,
    expect,
    log_in,
    ready_task,
)


@dataclass(frozen=True)
class Scan:
    """A page to scan: who is logged in (None: nobody), where it is, what shows it has loaded."""

    user: str | None
    path: Callable[[object], str]
    loaded: Callable[[Page], None]


def _public_receipt(live_server) -> str:
    status, body = api_call(live_server, "POST", "/api/v1/public/intake",
                            {"org_unit": "grid-a1", "data": {"dispute_type": "in_laws",
                                                             "summary": "婆媳因照看孩子的方式多次争吵，希望有人调解。"}},
                            headers={"Idempotency-Key": "a11y-receipt"})
    assert status in (200, 201), body
    return body["receipt"]


def _case_id(live_server) -> str:
    return demo_case(live_server, "demo:4").id


def _task_id(live_server) -> str:
    return ready_task(live_server, "demo:4", "mediate").id  # village mediation: mediator_a's


SCANS = {
    "login": Scan(None, lambda s: "/login", lambda p: expect(p.get_by_role("button", name="登录")).to_be_visible()),
    # grid_a1's offered tasks show risk colours and a deadline close at hand (warning colour).
    "tasks": Scan("grid_a1", lambda s: "/tasks?tab=group",
                  lambda p: expect(p.get_by_role("link", name="网格员现场调解").first).to_be_visible()),
    "task": Scan("mediator_a", lambda s: f"/tasks/{_task_id(s)}",
                 lambda p: expect(p.get_by_role("button", name="提交")).to_be_visible()),
    "cases": Scan("clerk", lambda s: "/cases",
                  lambda p: expect(p.get_by_text("JH-2026-000004").first).to_be_visible()),
    "case": Scan("mediator_a", lambda s: f"/cases/{_case_id(s)}",
                 lambda p: expect(p.locator("[data-element-id='mediate']").first).to_be_visible()),
    "new case": Scan("clerk", lambda s: "/cases/new",
                     lambda p: expect(p.get_by_label("事由摘要")).to_be_visible()),
    "intake": Scan(None, lambda s: "/intake", lambda p: expect(p.get_by_label("事由摘要")).to_be_visible()),
    "receipt": Scan(None, lambda s: f"/intake/{_public_receipt(s)}",
                    lambda p: expect(p.get_by_text(re.compile(r"JH-\d{4}-\d{6}")).first).to_be_visible()),
}


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("name", list(SCANS))
def test_the_page_has_no_serious_or_critical_accessibility_violation(name, device, new_page, live_server):
    scan = SCANS[name]
    page = new_page(device)
    if scan.user:
        log_in(page, scan.user)
    page.goto(scan.path(live_server))
    scan.loaded(page)

    violations = axe_violations(page)
    report = describe_violations(f"{name} ({device})", violations)
    print(report)
    severe = [v for v in violations if v["impact"] in SEVERE]
    assert not severe, report
