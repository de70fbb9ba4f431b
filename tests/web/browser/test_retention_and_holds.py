"""保管期限 on the case page: how long a closed case keeps its personal information, a
supervisor's legal hold placed and released (both on the timeline), and the cockpit's list of
what comes due; on a phone too."""
from __future__ import annotations

import pytest

from tests.web.browser.conftest import demo_case, expect, log_in, page_width


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_supervisor_places_and_releases_a_legal_hold_on_a_closed_case(device, new_page, live_server):
    case = demo_case(live_server, "demo:8")  # closed, follow-up visit done
    with live_server.services.store.read() as session:
        from engine.store.models import ProcessInstance
        retain_until = session.get(ProcessInstance, case.id).retain_until
    assert retain_until
    page = new_page(device)
    log_in(page, "supervisor_county")
    page.goto(f"/cases/{case.id}")
    card = page.get_by_role("region", name="保管期限与证据")
    expect(card.get_by_text(retain_until)).to_be_visible()
    expect(card.get_by_role("button", name="导出证据包")).to_be_visible()

    reason = f"当事人已起诉，法院调取调解材料（{device}）"  # one server serves both devices
    card.get_by_role("button", name="法律保全").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("理由").fill(reason)
    dialog.get_by_role("button", name="法律保全").click()
    expect(card.get_by_text("法律保全中")).to_be_visible()
    expect(card.get_by_text(reason)).to_be_visible()

    card.get_by_role("button", name="解除保全").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("理由").fill(f"判决已生效（{device}）")
    dialog.get_by_role("button", name="解除保全").click()
    expect(card.get_by_text("法律保全中")).to_have_count(0)
    expect(card.get_by_text(f"判决已生效（{device}）", exact=False)).to_be_visible()
    expect(page.get_by_text("解除法律保全").first).to_be_visible()  # the timeline's event
    if device == "phone":
        assert page_width(page) <= 390


def test_a_mediator_reads_the_period_but_places_no_hold(new_page, live_server):
    case = demo_case(live_server, "demo:8")
    page = new_page()
    log_in(page, "mediator_a")
    page.goto(f"/cases/{case.id}")
    card = page.get_by_role("region", name="保管期限与证据")
    expect(card.get_by_text("保管期限至")).to_be_visible()
    expect(card.get_by_role("button", name="法律保全")).to_have_count(0)
