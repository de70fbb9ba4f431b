"""A grid worker on her phone (390x844): from her task list to a submitted mediation record."""
from __future__ import annotations

import re

from tests.web.browser.conftest import demo_case, expect, log_in, page_width, type_date

PHONE_WIDTH = 390


def test_a_grid_worker_claims_mediates_and_submits_on_a_phone_without_sideways_scrolling(phone, live_server):
    # grid_a1's demo case 6 waits for her on-site mediation (网格员现场调解), offered to her grid.
    log_in(phone, "grid_a1")
    expect(phone.get_by_role("tab", name=re.compile(r"^我的待办 \d+$"))).to_be_visible()
    group_tab = phone.get_by_role("tab", name=re.compile(r"^待认领 \d+$"))
    expect(group_tab).to_be_visible()
    assert page_width(phone) <= PHONE_WIDTH

    group_tab.click()
    expect(group_tab).to_have_attribute("aria-selected", "true")
    offered = phone.get_by_role("listitem").filter(has_text="JH-2026-000006")
    expect(offered.get_by_role("link", name="网格员现场调解")).to_be_visible()
    groups_before = _count(group_tab)
    assert page_width(phone) <= PHONE_WIDTH

    offered.get_by_role("link", name="网格员现场调解").click()
    expect(phone).to_have_url(re.compile(r"/tasks/[0-9a-f-]{36}$"))
    expect(phone.get_by_role("heading", name="网格员现场调解")).to_be_visible()
    phone.get_by_role("button", name="认领").click()
    expect(phone.get_by_text("由我办理")).to_be_visible()
    expect(phone.get_by_role("button", name="认领")).to_have_count(0)

    phone.get_by_role("radio", name="调解成功").check()
    type_date(phone, "调解日期", "2026-03-02")
    phone.get_by_role("radio", name="现场").check()
    phone.get_by_label("参加人员").fill("林娜、谢磊、李网格")
    phone.get_by_label("调解经过").fill("双方约定家务轮流分担，每月开支共同记账。")
    phone.get_by_label("纠纷主要事实、争议事项及各方责任").fill("夫妻因家务分担和花钱习惯经常争吵，双方都有责任。")
    phone.get_by_label("调解协议内容").fill("一、家务轮流分担；二、每月开支共同记账。")
    phone.get_by_label("履行方式、期限").fill("自即日起履行")
    assert page_width(phone) <= PHONE_WIDTH
    submit = phone.get_by_role("button", name="提交")
    submit.scroll_into_view_if_needed()
    expect(submit).to_be_in_viewport()
    submit.click()

    expect(phone.get_by_text("已提交")).to_be_visible()
    expect(phone.get_by_text("案件 JH-2026-000006 已进入下一步。")).to_be_visible()
    phone.get_by_role("button", name="返回待办").click()
    expect(phone).to_have_url(re.compile(r"/tasks$"))
    expect(phone.get_by_role("link", name="网格员现场调解")).to_have_count(0)
    phone.get_by_role("tab", name=re.compile(r"^待认领")).click()
    expect(phone.get_by_role("tab", name=re.compile(r"^待认领"))).to_have_attribute("aria-selected", "true")
    expect(phone.get_by_role("listitem").filter(has_text="JH-2026-000006")).to_have_count(0)
    expect(phone.get_by_role("tab", name=f"待认领 {groups_before - 1}")).to_be_visible()
    assert {t.name for t in demo_case(live_server, "demo:6").tasks if t.state == "ready"} == {"record_outcome"}


def _count(tab) -> int:
    return int(re.search(r"\d+", tab.inner_text()).group())

