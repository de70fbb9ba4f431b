"""The supervisors' cockpit (驾驶舱) on the seeded demo: the figures on screen are the API's,
each opens the cases behind it, the 督办 list reassigns, exports keep the filters, and the page
passes axe and fits a phone."""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from urllib.parse import urlencode

from tests.web.browser.conftest import (
    api_call,
    api_token,
    axe_violations,
    describe_violations,
    expect,
    log_in,
    page_width,
)


def _months_back(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def half_year() -> dict:
    """The last six Beijing months, this one included: the demo's history lies in them."""
    today = date.today()
    return {"from": _months_back(today, 5).isoformat(), "to": _months_back(today, -1).isoformat()}


def percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def api(live_server, path: str, user: str = "supervisor_town", **query) -> dict:
    status, body = api_call(live_server, "GET", f"/api/v1/{path}?{urlencode(query)}", token=api_token(live_server, user))
    assert status == 200, body
    return body


def open_cockpit(page, period: dict) -> None:
    log_in(page, "supervisor_town")
    page.goto(f"/dashboard?{urlencode(period)}")
    expect(page.get_by_role("heading", name="四项承诺")).to_be_visible()


def test_the_figures_on_screen_are_the_reports_and_open_their_cases(desktop, live_server):
    period = half_year()
    commitments = api(live_server, "reports/commitments", **period)["commitments"]
    resolution = api(live_server, "reports/summary", **period)["resolution_rate"]
    open_cockpit(desktop, period)
    for commitment in commitments:
        card = desktop.locator(f"[data-commitment='{commitment['key']}']")
        expect(card.locator("[data-figure='numerator']")).to_have_text(str(commitment["numerator"]))
        expect(card.locator("[data-figure='denominator']")).to_have_text(str(commitment["denominator"]))
        expect(card.get_by_role("button", name=re.compile(re.escape(percent(commitment["rate"]))))).to_be_visible()
    expect(desktop.locator("[data-figure='resolution-rate']")).to_have_text(percent(resolution["rate"]))
    expect(desktop.get_by_text("化解率 = 期内以调解达成协议结案的案件数 ÷ 期内结案的案件数")).to_be_visible()

    registered = next(c for c in commitments if c["key"] == "registered")
    assert registered["numerator"] > 0, "the demo history has cases in the last six months"
    desktop.get_by_role("button", name=f"有来必受 已做到 {registered['numerator']}").click()
    drawer = desktop.get_by_role("dialog")
    expect(drawer.get_by_text(f"共 {registered['numerator']} 件")).to_be_visible()
    first = drawer.get_by_role("link", name=re.compile(r"^JH-")).first
    case_no = first.inner_text()
    first.click()
    expect(desktop).to_have_url(re.compile(r"/cases/[0-9a-f-]+$"))
    expect(desktop.get_by_text(case_no).first).to_be_visible()


def test_an_overdue_task_is_reassigned_from_the_list(desktop, live_server):
    token = api_token(live_server, "supervisor_town")
    overdue = api(live_server, "reports/overdue", per_page=8)["items"]  # the first page on screen
    assert overdue, "the demo history leaves overdue tasks at today's date"
    item, candidate = None, None
    for row in overdue:
        status, candidates = api_call(live_server, "GET", f"/api/v1/tasks/{row['task_id']}/candidates", token=token)
        others = [c for c in (candidates if isinstance(candidates, list) else []) if c["username"] != row["assignee"]]
        if status == 200 and others:
            item, candidate = row, others[0]
            break
    assert item is not None, "some overdue task has a colleague to take it"
    open_cockpit(desktop, half_year())
    desktop.get_by_role("button", name=f"改派 {item['case_no']} {item['title']}").click()
    dialog = desktop.get_by_role("dialog", name=re.compile("改派"))
    dialog.get_by_role("combobox", name="改派给").click()
    desktop.get_by_title(f"{candidate['display_name']}（{candidate['username']}）", exact=True).last.click()
    dialog.get_by_role("button", name="改派").click()
    expect(desktop.get_by_text("已改派")).to_be_visible()
    assert live_server.services.runtime.task(item["task_id"]).assignee == candidate["username"]


def test_the_case_list_exports_with_the_same_filters(desktop, live_server):
    period = half_year()
    total = api(live_server, "reports/summary", **period)["total"]
    open_cockpit(desktop, period)
    with desktop.expect_download() as download_info:
        desktop.get_by_role("button", name="导出 CSV").click()
    download = download_info.value
    start, end = period["from"].replace("-", ""), period["to"].replace("-", "")
    assert download.suggested_filename.endswith(".csv") and start in download.suggested_filename
    assert end in download.suggested_filename
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert rows[0][0] == "案件编号" and len(rows) - 1 == total


def test_the_cockpit_passes_axe_and_fits_a_phone(new_page, live_server):
    period = half_year()
    page = new_page()
    open_cockpit(page, period)
    expect(page.get_by_role("heading", name="流程热力图")).to_be_visible()
    expect(page.locator("[data-element-id='screen_risk']").first).to_be_visible()
    severe = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert not severe, describe_violations("/dashboard", severe)

    phone = new_page("phone")
    open_cockpit(phone, period)
    expect(phone.get_by_role("heading", name="统计", exact=True)).to_be_visible()
    expect(phone.get_by_role("heading", name="服务统计")).to_be_visible()
    assert page_width(phone) <= 390


def test_the_cockpit_shows_the_services_beside_the_disputes(new_page, live_server):
    """The demo's 12338 calls per line, its couples counselled and reconciled, its counselling project."""
    page = new_page()
    open_cockpit(page, half_year())
    services = page.get_by_role("region", name="服务统计")
    hotline = services.get_by_role("table").first
    expect(hotline.get_by_role("row", name="12338主线")).to_be_visible()
    expect(hotline.get_by_role("row").filter(has_text="合计")).to_contain_text("2")
    expect(services.get_by_text("劝和率", exact=True)).to_be_visible()
    expect(services.get_by_role("row", name="宜心社会工作服务中心")).to_contain_text("和美镇")
