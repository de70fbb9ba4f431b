"""When a submit does not go through: a missing or refused field is named at that field, and a
colleague who got there first is explained, with the task as it stands now."""
from __future__ import annotations

import json
import re

from tests.web.browser.conftest import api_call, api_token, demo_case, expect, log_in, ready_task


def test_a_required_field_left_empty_is_named_at_that_field_and_nothing_is_sent(desktop, live_server):
    # Demo case 2 waits for acceptance (受理审查); 不予受理 needs its reason (a conditional part).
    task = ready_task(live_server, "demo:2", "accept_case")
    log_in(desktop, "clerk")
    desktop.goto(f"/tasks/{task.id}")
    completions = []
    desktop.on("request", lambda request: completions.append(request.url) if request.url.endswith("/complete") else None)

    desktop.get_by_role("radio", name="不予受理").check()
    reason = desktop.get_by_label("不予受理理由")
    expect(reason).to_be_visible()
    desktop.get_by_role("button", name="提交").click()

    expect(reason).to_have_accessible_description(re.compile("必填"))
    expect(reason).to_be_focused()
    expect(desktop.get_by_text("必填", exact=True)).to_have_count(1)
    assert completions == []
    assert ready_task(live_server, "demo:2", "accept_case").id == task.id


def test_a_field_the_server_refuses_is_shown_at_that_field_and_the_task_stays_open(desktop, live_server):
    # Demo case 4 is in village mediation (村（社区）调解) with mediator_a. The page checks the
    # form as the server does, so to meet the server's 422 the submitted text is cut short on
    # its way, as a page older than the server's form would send it.
    task = ready_task(live_server, "demo:4", "mediate")
    assert task.role == "village_mediator"
    log_in(desktop, "mediator_a")
    desktop.goto(f"/tasks/{task.id}")

    account = "双方同意由三个子女按月平均分摊母亲的赡养费。"

    def cut_short(route):
        body = route.request.post_data_json
        body["data"] = {key: "已调解" if value == account else value for key, value in body["data"].items()}
        route.continue_(post_data=json.dumps(body, ensure_ascii=False))

    desktop.route(re.compile(r"/api/v1/tasks/[^/]+/complete$"), cut_short)
    desktop.get_by_role("radio", name="调解成功").check()
    date = desktop.get_by_label("调解日期")
    date.fill("2026-03-02")
    date.press("Enter")
    summary = desktop.get_by_label("调解经过")
    summary.fill(account)
    desktop.get_by_label("纠纷主要事实、争议事项及各方责任").fill("三个子女对母亲赡养费的分摊意见不一。")
    desktop.get_by_label("调解协议内容").fill("三个子女每月各给付母亲赡养费五百元。")
    desktop.get_by_label("履行方式、期限").fill("每月五日前转账")
    with desktop.expect_response(re.compile(r"/complete$")) as answer:
        desktop.get_by_role("button", name="提交").click()
    assert answer.value.status == 422

    expect(desktop.get_by_role("alert").filter(has_text="请修改以下内容后再提交")).to_be_visible()
    expect(summary).to_have_accessible_description(re.compile("「调解经过」太短（至少 5 个字符）"))
    expect(desktop.get_by_role("button", name="提交")).to_be_enabled()
    assert demo_case(live_server, "demo:4").status == "running"
    assert ready_task(live_server, "demo:4", "mediate").id == task.id


def test_a_colleague_who_finished_the_task_first_is_explained_in_chinese_with_the_fresh_state(desktop, live_server):
    # The clerk has demo case 2's acceptance open; the county's clerk (who sees the town's
    # work too) accepts the case from her own client meanwhile.
    task = ready_task(live_server, "demo:2", "accept_case")
    log_in(desktop, "clerk")
    desktop.goto(f"/tasks/{task.id}")
    desktop.get_by_role("radio", name="受理", exact=True).check()
    desktop.get_by_label("受理说明").fill("符合受理条件，转村（社区）调解")

    status, body = api_call(live_server, "POST", f"/api/v1/tasks/{task.id}/complete", {"data": {"decision": "accept"}},
                            token=api_token(live_server, "county_clerk"))
    assert status == 200, body
    with desktop.expect_response(re.compile(r"/complete$")) as answer:
        desktop.get_by_role("button", name="提交").click()
    assert answer.value.status == 409

    conflict = desktop.get_by_role("alert").filter(has_text="提交未成功：任务状态已变化")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text(re.compile(r"此任务已由 \S+ 办结，无需再次提交。页面已更新为最新状态。"))
    expect(desktop.get_by_text("此任务已结束，仅供查看。")).to_be_visible()
    expect(desktop.get_by_role("button", name="提交")).to_have_count(0)
    case = demo_case(live_server, "demo:2")
    accepted = [t for t in live_server.services.runtime.task_history(case.id) if t.name == "accept_case"]
    assert [(t.state, t.ended_by) for t in accepted] == [("completed", "county_clerk")]
