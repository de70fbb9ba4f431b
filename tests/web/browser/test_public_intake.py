"""A member of the public reports a matter online from her phone, without logging in, keeps the
receipt number and looks up the matter's progress with it."""
from __future__ import annotations

import re

from tests.web.browser.conftest import api_call, api_token, choose, expect, page_width


def test_a_member_of_the_public_reports_a_matter_on_her_phone_and_follows_it_by_receipt(phone, live_server):
    phone.goto("/intake")
    expect(phone).to_have_url(re.compile(r"/intake$"))
    expect(phone.get_by_role("heading", name="网上反映婚姻家庭矛盾纠纷")).to_be_visible()
    assert page_width(phone) <= 390
    choose(phone, "事发地点", "示范市", "示范县", "和美镇", "东村", "东村第一网格")
    phone.get_by_role("checkbox", name="反映人匿名").check()
    choose(phone, "纠纷类型", "婆媳、亲属矛盾")
    phone.get_by_label("事由摘要").fill("婆婆和我因为带孩子的方式经常吵架，丈夫不管，希望有人来调解。")
    phone.get_by_label("当事人诉求").fill("希望一家人坐下来好好谈")
    phone.get_by_role("button", name="提交").click()

    expect(phone.get_by_text("已收到您的反映")).to_be_visible()
    registered = phone.get_by_text(re.compile(r"登记编号 JH-\d{4}-\d{6}"))
    expect(registered).to_be_visible()
    case_no = re.search(r"JH-\d{4}-\d{6}", registered.inner_text()).group()
    status, found = api_call(live_server, "GET", f"/api/v1/cases?q={case_no}", token=api_token(live_server, "clerk"))
    assert status == 200 and [(c["org_unit"], c["channel"]) for c in found["items"]] == [("grid-a1", "online")], found
    expect(phone.get_by_text("回执号").first).to_be_visible()
    assert page_width(phone) <= 390
    phone.get_by_role("link", name="查询办理进度").click()

    expect(phone).to_have_url(re.compile(r"/intake/[^/]+$"))
    receipt = phone.url.rsplit("/", 1)[-1]
    assert len(receipt) >= 16
    expect(phone.get_by_role("heading", name="办理进度")).to_be_visible()
    expect(phone.get_by_text(re.compile(r"^JH-\d{4}-\d{6}$"))).to_be_visible()
    for step in ("已收到", "已受理", "处理中", "已办结"):
        expect(phone.get_by_text(step, exact=True).first).to_be_visible()
    assert page_width(phone) <= 390


def test_an_unknown_receipt_number_says_so(phone):
    phone.goto("/intake/not-a-receipt-number-at-all")
    expect(phone.get_by_text("没有找到这个回执号")).to_be_visible()
