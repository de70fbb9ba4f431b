"""Administration (/admin): the admin adds a grid worker who then logs in and works, deactivates
her and her login is refused; an org file with a mistake is refused in Chinese at its place;
the org tree shows the five levels and grows by one; every tab is accessible and fits a phone."""
from __future__ import annotations

import re

import pytest

from tests.web.browser.conftest import (
    axe_violations,
    choose,
    describe_violations,
    expect,
    log_in,
    page_width,
)

NEW_PASSWORD = "new-grid-2026"


def add_user(page, username: str, name: str, unit_path: tuple[str, ...]) -> None:
    page.goto("/admin/users")
    page.get_by_role("button", name="新增用户").click()
    dialog = page.get_by_role("dialog", name="新增用户")
    dialog.get_by_label("用户名").fill(username)
    dialog.get_by_label("姓名").fill(name)
    dialog.get_by_label("密码").fill(NEW_PASSWORD)
    choose(page, "角色", "网格员")
    choose(page, "组织单位", *unit_path)
    dialog.get_by_role("button", name="创建").click()
    expect(dialog).to_be_hidden()


def test_a_new_grid_worker_logs_in_until_she_is_deactivated(new_page):
    admin = new_page()
    log_in(admin, "admin")
    add_user(admin, "grid_a2", "赵网格", ("东村第二网格",))
    row = admin.get_by_role("row", name=re.compile("grid_a2"))
    expect(row).to_contain_text("网格员 · 东村第二网格")
    expect(row).to_contain_text("启用")
    admin.get_by_role("button", name="退出登录").click()
    expect(admin).to_have_url(re.compile(r"/login$"))

    worker = new_page()
    log_in(worker, "grid_a2", NEW_PASSWORD)
    expect(worker.get_by_role("heading", name="待办任务")).to_be_visible()
    expect(worker.get_by_role("tab", name=re.compile(r"^我的待办"))).to_be_visible()

    log_in(admin, "admin")
    admin.goto("/admin/users?q=grid_a2")
    admin.get_by_role("button", name="停用 赵网格").click()
    admin.get_by_role("button", name="停用", exact=True).click()
    expect(admin.get_by_role("row", name=re.compile("grid_a2"))).to_contain_text("已停用")

    # Her open page stops working, and logging in again is refused in words she understands.
    worker.reload()
    expect(worker).to_have_url(re.compile(r"/login"))
    worker.get_by_label("用户名").fill("grid_a2")
    worker.get_by_label("密码").fill(NEW_PASSWORD)
    worker.get_by_role("button", name="登录").click()
    expect(worker.get_by_role("alert")).to_have_text("该账号已停用，请联系系统管理员")


def test_a_new_user_without_a_membership_is_refused_at_the_field(desktop):
    log_in(desktop, "admin")
    desktop.goto("/admin/users")
    desktop.get_by_role("button", name="新增用户").click()
    dialog = desktop.get_by_role("dialog", name="新增用户")
    dialog.get_by_label("用户名").fill("bad/name")
    dialog.get_by_label("姓名").fill("某人")
    dialog.get_by_label("密码").fill(NEW_PASSWORD)
    choose(desktop, "角色", "网格员")
    choose(desktop, "组织单位", "西村第二网格")
    dialog.get_by_role("button", name="创建").click()
    # The server's refusal, in Chinese, under the field it is about.
    expect(dialog.get_by_text("不能包含空格、/、?、# 或 %")).to_be_visible()
    expect(dialog).to_be_visible()


def test_an_org_file_with_mistakes_is_refused_in_chinese_at_each_place(desktop):
    log_in(desktop, "admin")
    desktop.goto("/admin/import")
    broken = ("units:\n"
              "  - {id: grid-x, name: 网格下的网格, level: grid, parent: grid-a1}\n"
              "users:\n"
              "  - username: someone\n"
              "    memberships:\n"
              "      - {role: janitor, org_unit: grid-a1}\n")
    with desktop.expect_file_chooser() as chooser:
        desktop.get_by_role("button", name="选择组织文件").click()
    chooser.value.set_files({"name": "broken.yaml", "mimeType": "application/yaml", "buffer": broken.encode()})
    alert = desktop.get_by_role("alert")
    expect(alert).to_contain_text("broken.yaml 未导入：有 2 处问题")
    expect(alert).to_contain_text("units.0.parent 上级单位「grid-a1」是网格，网格之下不能再设单位")
    expect(alert).to_contain_text("users.0.memberships.0.role 未知的角色「janitor」")


def test_an_org_file_adds_units_and_says_what_changed(desktop):
    log_in(desktop, "admin")
    desktop.goto("/admin/import")
    good = "units:\n  - {id: grid-b9, name: 西村第九网格, level: grid, parent: village-b}\n"
    with desktop.expect_file_chooser() as chooser:
        desktop.get_by_role("button", name="选择组织文件").click()
    chooser.value.set_files({"name": "grids.yaml", "mimeType": "application/yaml", "buffer": good.encode()})
    expect(desktop.get_by_text("已导入 grids.yaml")).to_be_visible()
    expect(desktop.get_by_role("row", name=re.compile("新增单位"))).to_contain_text("1")

    with desktop.expect_download() as download:
        desktop.get_by_role("button", name="导出").click()
    exported = download.value
    assert re.fullmatch(r"org-\d{8}\.yaml", exported.suggested_filename)
    text = open(exported.path(), encoding="utf-8").read()
    assert "西村第九网格" in text and "password" not in text.split("\n", 4)[-1]


def unit(tree, name: str, level: str):
    """A unit's node in the tree: its name followed by its level."""
    return tree.get_by_text(re.compile(f"^{re.escape(name)}\\s*{re.escape(level)}$"))


def test_the_org_tree_shows_the_five_levels_and_grows_below_a_village(desktop):
    log_in(desktop, "admin")
    desktop.goto("/admin/org")
    tree = desktop.get_by_role("tree", name="组织机构树")
    for name, level in [("示范市", "市"), ("示范县", "县（区）"), ("和美镇", "乡镇（街道）"), ("东村", "村（社区）"),
                        ("东村第一网格", "网格")]:
        expect(unit(tree, name, level)).to_be_visible()

    unit(tree, "东村", "村（社区）").click()
    desktop.get_by_role("button", name="添加下级单位（网格）").click()
    dialog = desktop.get_by_role("dialog", name="在东村下添加网格")
    dialog.get_by_label("编号").fill("grid-a9")
    dialog.get_by_label("名称").fill("东村第九网格")
    dialog.get_by_role("button", name="添加").click()
    expect(dialog).to_be_hidden()
    expect(unit(tree, "东村第九网格", "网格")).to_be_visible()

    unit(tree, "东村第一网格", "网格").click()
    expect(desktop.get_by_role("button", name="网格之下不能再设单位")).to_be_disabled()


@pytest.mark.parametrize("tab", ["users", "org", "import"])
def test_each_tab_has_no_serious_accessibility_problem(desktop, tab):
    log_in(desktop, "admin")
    desktop.goto(f"/admin/{tab}")
    expect(desktop.get_by_role("tab", selected=True)).to_be_visible()
    expect(desktop.locator(".ant-skeleton, .ant-spin-spinning")).to_have_count(0)
    severe = [v for v in axe_violations(desktop) if v["impact"] in ("serious", "critical")]
    assert not severe, describe_violations(f"/admin/{tab}", severe)


def test_the_dialogs_have_no_serious_accessibility_problem(desktop):
    log_in(desktop, "admin")
    desktop.goto("/admin/users")
    desktop.get_by_role("button", name="新增用户").click()
    expect(desktop.get_by_role("dialog", name="新增用户")).to_be_visible()
    severe = [v for v in axe_violations(desktop) if v["impact"] in ("serious", "critical")]
    assert not severe, describe_violations("新增用户", severe)


def test_administration_fits_a_phone(phone):
    log_in(phone, "admin")
    phone.goto("/admin/users")
    expect(phone.get_by_role("listitem").filter(has_text="李网格").first).to_be_visible()
    assert page_width(phone) <= 390
    phone.get_by_role("button", name="岗位 李网格").click()
    dialog = phone.get_by_role("dialog", name="李网格的岗位")
    expect(dialog).to_contain_text("网格员 · 东村第一网格")
    assert page_width(phone) <= 390
    dialog.get_by_role("button", name=re.compile("^(Close|关闭)$")).click()
    expect(dialog).to_be_hidden()
    for tab, ready in [("组织机构", "组织机构树"), ("导入导出", "导入组织文件")]:
        phone.get_by_role("tab", name=tab).click()
        expect(phone.get_by_text(ready).first).to_be_visible()
        assert page_width(phone) <= 390, tab
    severe = [v for v in axe_violations(phone) if v["impact"] in ("serious", "critical")]
    assert not severe, describe_violations("/admin/import on a phone", severe)
