"""The case page (/cases/{id}): the case's BPMN diagram, drawn by bpmn-js, with what the case
has done and what is open marked on it, and the page readable on a phone."""
from __future__ import annotations

import re

import pytest

from tests.web.browser.conftest import demo_case, expect, log_in, page_width


def marked(*classes: str) -> re.Pattern:
    """One of the classes the page adds to a drawn element (web/src/features/cases/lib/diagram-marks.ts)."""
    return re.compile(rf"(^|\s)({'|'.join(classes)})(\s|$)")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_case_page_marks_the_done_steps_the_open_step_and_the_path_taken_on_the_diagram(device, new_page,
                                                                                             live_server):
    # Demo case 4: screened, accepted, now in village mediation (`mediate` at the ladder's village tier).
    case = demo_case(live_server, "demo:4")
    assert [t.role for t in case.tasks if t.name == "mediate" and t.state == "ready"] == ["village_mediator"]
    page = new_page(device)
    log_in(page, "clerk")
    page.goto(f"/cases/{case.id}")
    expect(page.get_by_text("JH-2026-000004").first).to_be_visible()

    def element(bpmn_id: str):
        return page.locator(f".djs-element[data-element-id='{bpmn_id}']")

    expect(element("mediate")).to_have_class(marked("case-step-active"))
    for done in ("screen_risk", "accept_case"):
        expect(element(done)).to_have_class(marked("case-step-completed"))
    expect(element("flow_start_register_matter")).to_have_class(marked("case-flow-taken"))
    unmarked = marked("case-step-completed", "case-step-active", "case-step-overdue", "case-step-incident")
    for ahead in ("record_outcome", "feedback_to_party"):
        expect(element(ahead)).not_to_have_class(unmarked)
    expect(element("mediate")).to_be_visible()
    if device == "phone":
        assert page_width(page) <= 390


def test_a_case_list_longer_than_its_count_says_more_than(desktop, live_server, monkeypatch):
    """Totals are counted only so far (page_totals.TOTAL_CAP, 1,000 in service): the pager then
    says "more than", not a number it did not count. The cap is lowered here so that the demo's
    cases pass it."""
    from engine.store import case_queries, page_totals

    monkeypatch.setattr(page_totals, "TOTAL_CAP", 5)
    case_queries._page_statement.cache_clear()  # its statements count up to the cap they were built with
    case_queries._count_statement.cache_clear()
    try:
        log_in(desktop, "clerk", then="/cases")
        expect(desktop.get_by_text(re.compile(r"^超过 5 件$"))).to_be_visible()
    finally:
        case_queries._page_statement.cache_clear()
        case_queries._count_statement.cache_clear()
