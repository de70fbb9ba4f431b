"""The designer's studio (/designer): a designer uploads a flawed copy of a shipped process and
sees the finding and its element marked on the diagram, deploys the fixed copy, compares the
two versions, rolls back, and the pages pass an axe scan and fit a phone."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.browser.conftest import (
    api_call,
    api_token,
    axe_violations,
    describe_violations,
    expect,
    log_in,
    page_width,
)

ROOT = Path(__file__).resolve().parents[3]
SEVERE = ("serious", "critical")


def marked(cls: str) -> re.Pattern:
    """A class the studio adds to a drawn element (web/src/features/designer/lib/studio-marks.ts)."""
    return re.compile(rf"(^|\s){cls}(\s|$)")


def project_copy(folder: Path, dispute_case: str) -> list[str]:
    """Every file the shipped processes deploy from, with dispute_case.bpmn replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [*sorted((ROOT / "processes" / "bpmn").iterdir()), *sorted((ROOT / "forms").glob("*.json")),
               ROOT / "processes" / "catalog.yaml"]
    paths = []
    for source in sources:
        target = folder / source.name
        text = dispute_case if source.name == "dispute_case.bpmn" else source.read_text(encoding="utf-8")
        target.write_text(text, encoding="utf-8")
        paths.append(str(target))
    return paths


def shipped_dispute_case() -> str:
    return (ROOT / "processes" / "bpmn" / "dispute_case.bpmn").read_text(encoding="utf-8")


def with_broken_script(text: str) -> str:
    start = text.index('<bpmn:scriptTask id="score_risk"')
    at = text.index("<bpmn:script>", start) + len("<bpmn:script>")
    return text[:at] + "risk_score = ((\n" + text[at:]


def renamed_screening(text: str) -> str:
    assert 'name="风险筛查"' in text
    return text.replace('name="风险筛查"', 'name="风险初筛"', 1)


def latest_version(live_server) -> int:
    token = api_token(live_server, "designer")
    status, body = api_call(live_server, "GET", "/api/v1/processes/dispute_case/versions", token=token)
    assert status == 200, body
    return body["latest_version"]


def element(page, bpmn_id: str):
    return page.locator(f".djs-element[data-element-id='{bpmn_id}']")


def assert_accessible(page, where: str) -> None:
    severe = [v for v in axe_violations(page) if v["impact"] in SEVERE]
    assert not severe, describe_violations(where, severe)


def test_a_designer_finds_a_flaw_deploys_the_fix_compares_and_rolls_back(desktop, live_server, tmp_path):
    page = desktop
    before = latest_version(live_server)
    log_in(page, "designer", then="/designer")
    expect(page.get_by_role("link", name="婚姻家庭纠纷调处")).to_be_visible()
    assert_accessible(page, "/designer")

    # A flawed copy: lint names the script's step, the drawing marks it, clicking selects it.
    page.get_by_role("button", name="上传文件").click()
    expect(page).to_have_url(re.compile(r"/designer/upload$"))
    page.get_by_label("选择文件").set_input_files(project_copy(tmp_path / "broken", with_broken_script(shipped_dispute_case())))
    page.get_by_role("button", name="检查").click()
    expect(page.get_by_text("脚本有语法错误")).to_be_visible(timeout=30_000)
    expect(element(page, "score_risk")).to_have_class(marked("designer-finding-error"))
    page.get_by_role("button", name="在图中查看 score_risk").click()
    expect(element(page, "score_risk")).to_have_class(marked("designer-selected"))
    expect(page.get_by_role("button", name="部署")).to_be_disabled()
    assert_accessible(page, "/designer/upload with findings")

    # The fixed copy (with the screening step renamed) deploys as a new version.
    page.get_by_label("选择文件").set_input_files(project_copy(tmp_path / "fixed", renamed_screening(shipped_dispute_case())))
    page.get_by_role("button", name="检查").click()
    expect(page.get_by_text(re.compile(r"^检查结果（\d+ 条）$"))).to_be_visible(timeout=30_000)
    expect(page.get_by_text("脚本有语法错误")).to_have_count(0)
    page.get_by_role("button", name="部署").click()
    new = before + 1
    expect(page.get_by_text(f"婚姻家庭纠纷调处：新版本 {new}")).to_be_visible(timeout=30_000)

    # The process page lists it as the latest.
    page.goto("/designer/processes/dispute_case")
    newest = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=f"版本 {new}", exact=True))
    expect(newest.get_by_text("最新", exact=True)).to_be_visible()
    assert_accessible(page, "/designer/processes/dispute_case")

    # Comparing the two versions names the renamed step and marks it on the newer drawing.
    page.get_by_role("button", name="比较版本").click()
    expect(page).to_have_url(re.compile(r"/designer/processes/dispute_case/compare"))
    expect(page.get_by_text("风险筛查", exact=True)).to_be_visible()
    expect(page.get_by_text("风险初筛", exact=True).first).to_be_visible()
    expect(element(page, "screen_risk")).to_have_class(marked("designer-changed"))
    assert_accessible(page, "compare")

    # Rolling back to the earlier version makes a newer one with the same files.
    page.goto("/designer/processes/dispute_case")
    older = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=f"版本 {before}", exact=True))
    older.get_by_role("button", name="回滚到此版本").click()
    page.get_by_role("button", name="确认回滚").click()
    rolled = new + 1
    expect(page.get_by_role("status").filter(has_text="已回滚")).to_be_visible()
    expect(page.get_by_role("link", name=f"版本 {rolled}", exact=True)).to_be_visible()
    page.goto(f"/designer/processes/dispute_case/compare?from={before}&to={rolled}")
    expect(page.get_by_text("两个版本内容相同")).to_be_visible()


@pytest.mark.parametrize("path", ["/designer", "/designer/processes/dispute_case",
                                  "/designer/processes/dispute_case/compare", "/designer/processes/dispute_case/migrate",
                                  "/designer/upload", "/designer/guide"])
def test_the_studio_fits_a_phone(phone, path):
    log_in(phone, "designer", then="/designer")
    phone.goto(path)
    expect(phone.get_by_role("heading", level=2).first).to_be_visible()
    if path.endswith("compare"):
        expect(element(phone, "screen_risk")).to_be_visible()
    assert page_width(phone) <= 390
    assert_accessible(phone, f"{path} on a phone")
