"""One dispute carried through the pages alone, as the network handles it: the clerk registers
a phoned-in matter, screens it (low risk) and accepts it; the grid worker claims the on-site
mediation on her phone and records the agreement; the clerk records the outcome and tells the
party (有来必受、有受必理、有理必果、有果必公)."""
from __future__ import annotations

import re

from engine.runtime.auditing import timeline
from tests.web.browser.conftest import api_call, api_token, choose, expect, log_in, type_date

SUMMARY = "妻子来电反映夫妻因家务分工和孩子上学接送多次争吵，希望网格员上门调解。"


def test_a_dispute_goes_from_registration_through_mediation_to_the_partys_feedback(new_page, live_server):
    clerk = new_page()
    log_in(clerk, "clerk")
    number = _register(clerk)
    _screen_as_low_risk(clerk)
    clerk.get_by_role("button", name="继续办理：受理审查").click()
    clerk.get_by_role("radio", name="受理", exact=True).check()
    clerk.get_by_role("button", name="提交").click()
    expect(clerk.get_by_text(f"案件 {number} 已进入下一步。")).to_be_visible()

    grid_worker = new_page("phone")
    log_in(grid_worker, "grid_a1")
    grid_worker.get_by_role("tab", name=re.compile(r"^待认领")).click()
    grid_worker.get_by_role("listitem").filter(has_text=number).get_by_role("link", name="网格员现场调解").click()
    grid_worker.get_by_role("button", name="认领").click()
    expect(grid_worker.get_by_text("由我办理")).to_be_visible()
    grid_worker.get_by_role("radio", name="调解成功").check()
    type_date(grid_worker, "调解日期", "2026-03-03")
    grid_worker.get_by_label("调解经过").fill("上门调解，双方约定家务轮流分担、孩子接送按周轮换。")
    grid_worker.get_by_label("纠纷主要事实、争议事项及各方责任").fill("夫妻因家务和接送孩子争吵，双方都有责任。")
    grid_worker.get_by_label("调解协议内容").fill("一、家务轮流分担；二、孩子接送按周轮换。")
    grid_worker.get_by_label("履行方式、期限").fill("自即日起履行")
    grid_worker.get_by_role("button", name="提交").click()
    expect(grid_worker.get_by_text(f"案件 {number} 已进入下一步。")).to_be_visible()

    clerk.goto("/tasks")
    clerk.get_by_role("tab", name=re.compile(r"^待认领")).click()
    clerk.get_by_role("row").filter(has_text=number).get_by_role("link", name="记录处理结果").click()
    choose(clerk, "处理结果", "调解达成协议")
    clerk.get_by_label("结果说明").fill("达成书面调解协议，双方签字")
    choose(clerk, "协议形式", "书面协议")
    clerk.get_by_label("协议内容").fill("家务轮流分担，孩子接送按周轮换，每月共同商量家庭开支。")
    # A written agreement is signed by the parties and the mediator and sealed (人民调解法 Art. 29).
    clerk.get_by_role("checkbox", name="当事人已签名或盖章").check()
    clerk.get_by_label("调解员").fill("李网格")
    clerk.get_by_role("checkbox", name="已加盖调解委员会印章").check()
    clerk.get_by_role("button", name="提交").click()
    expect(clerk.get_by_text(f"案件 {number} 已进入下一步。")).to_be_visible()
    clerk.get_by_role("button", name=re.compile("^继续办理：")).click()

    choose(clerk, "告知方式", "电话")
    type_date(clerk, "告知时间", "2026-03-04 10:00:00")
    clerk.get_by_role("radio", name="满意", exact=True).check()
    clerk.get_by_role("button", name="提交").click()
    expect(clerk.get_by_text(f"案件 {number} 已进入下一步。")).to_be_visible()

    status, found = api_call(live_server, "GET", f"/api/v1/cases?q={number}", token=api_token(live_server, "clerk"))
    case = live_server.services.runtime.instance(found["items"][0]["id"])
    assert case.data["outcome"] == "mediated_agreement" and case.data["party_satisfaction"] == "satisfied"
    kinds = {e.data.get("kind") for e in timeline(live_server.services.store, case.id) if e.type == "commitment"}
    assert {"received", "accepted", "handler_assigned", "outcome_recorded", "feedback_given"} <= kinds


def _register(page) -> str:
    page.goto("/cases/new")
    choose(page, "所属单位", "东村第一网格")
    choose(page, "来件渠道", "来电")
    choose(page, "纠纷类型", "夫妻矛盾")
    page.get_by_label("事由摘要").fill(SUMMARY)
    page.get_by_role("button", name="登记").click()
    expect(page).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}$"))
    case_no = page.get_by_text(re.compile(r"^JH-\d{4}-\d{6}$")).first
    expect(case_no).to_be_visible()
    return case_no.inner_text()


def _screen_as_low_risk(page) -> None:
    page.get_by_role("link", name=re.compile("风险筛查")).click()
    expect(page.get_by_role("heading", name="风险筛查")).to_be_visible()
    page.get_by_label("近12个月报警次数").fill("0")
    page.get_by_role("radio", name="轻微").check()
    page.get_by_role("checkbox", name="受害人当前是否安全").check()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已提交")).to_be_visible()

