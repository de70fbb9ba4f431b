"""A clerk at the reception desk registers a matter that came in by phone, screens its risk,
and the case moves on to the acceptance review (受理审查)."""
from __future__ import annotations

import re

from tests.web.browser.conftest import choose, expect, log_in


def test_a_clerk_registers_a_phoned_in_dispute_screens_it_and_the_acceptance_review_follows(desktop, live_server):
    log_in(desktop, "clerk")
    desktop.goto("/cases/new")
    expect(desktop.get_by_role("heading", name="案件登记")).to_be_visible()
    choose(desktop, "所属单位", "东村第一网格")
    choose(desktop, "来件渠道", "来电")
    choose(desktop, "纠纷类型", "夫妻矛盾")
    desktop.get_by_label("事由摘要").fill("妻子来电反映丈夫长期酗酒后摔东西，夫妻争吵频繁，希望妇联帮助调解。")
    desktop.get_by_role("button", name="登记").click()

    expect(desktop).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}$"))
    case_no = desktop.get_by_text(re.compile(r"^JH-\d{4}-\d{6}$")).first
    expect(case_no).to_be_visible()
    number = case_no.inner_text()
    desktop.get_by_role("link", name=re.compile("风险筛查")).click()

    expect(desktop).to_have_url(re.compile(r"/tasks/[0-9a-f-]{36}$"))
    expect(desktop.get_by_role("heading", name="风险筛查")).to_be_visible()
    expect(desktop.get_by_text(number).first).to_be_visible()
    desktop.get_by_role("checkbox", name="施暴人酗酒或吸毒").check()
    desktop.get_by_label("近12个月报警次数").fill("0")
    desktop.get_by_role("radio", name="一般").check()
    desktop.get_by_role("checkbox", name="受害人当前是否安全").check()
    desktop.get_by_label("筛查备注").fill("丈夫酒后摔东西，未动手打人")
    desktop.get_by_role("button", name="提交").click()

    expect(desktop.get_by_text("已提交")).to_be_visible()
    expect(desktop.get_by_text(f"案件 {number} 已进入下一步。")).to_be_visible()
    desktop.get_by_role("button", name="继续办理：受理审查").click()
    expect(desktop.get_by_role("heading", name="受理审查")).to_be_visible()
    expect(desktop.get_by_role("radio", name="受理", exact=True)).to_be_enabled()
