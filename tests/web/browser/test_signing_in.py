"""Signing in and out: a wrong password is refused in Chinese, a page that needs a login sends
the visitor to /login and back, and logging out ends the session on the server."""
from __future__ import annotations

import re

from tests.web.browser.conftest import expect, log_in, ready_task


def test_a_wrong_password_is_refused_in_chinese(desktop):
    desktop.goto("/login")
    desktop.get_by_label("用户名").fill("clerk")
    desktop.get_by_label("密码").fill("not-the-password")
    desktop.get_by_role("button", name="登录").click()
    expect(desktop.get_by_role("alert")).to_have_text("用户名或密码错误")
    expect(desktop).to_have_url(re.compile(r"/login$"))
    expect(desktop.get_by_label("用户名")).to_have_value("clerk")


def test_an_empty_login_form_says_what_is_missing(desktop):
    desktop.goto("/login")
    desktop.get_by_role("button", name="登录").click()
    expect(desktop.get_by_text("请输入用户名")).to_be_visible()
    expect(desktop.get_by_text("请输入密码")).to_be_visible()


def test_a_page_that_needs_a_login_sends_the_visitor_to_log_in_and_back(desktop, live_server):
    task = ready_task(live_server, "demo:7", "feedback_to_party")
    desktop.goto(f"/tasks/{task.id}")
    expect(desktop).to_have_url(re.compile(r"/login\?next="))
    log_in(desktop, "clerk", then=f"/tasks/{task.id}")
    expect(desktop.get_by_role("heading", name="结果告知当事人")).to_be_visible()


def test_logging_out_ends_the_session(desktop):
    log_in(desktop, "clerk")
    expect(desktop.get_by_role("tab", name=re.compile(r"^我的待办"))).to_be_visible()
    desktop.get_by_role("link", name="案件", exact=True).click()
    expect(desktop).to_have_url(re.compile(r"/cases$"))
    desktop.get_by_role("button", name="退出登录").click()
    expect(desktop).to_have_url(re.compile(r"/login$"))
    expect(desktop.get_by_role("button", name="登录")).to_be_visible()

    # Back to the task list she was on: the page sends her to log in again.
    desktop.go_back()
    expect(desktop).to_have_url(re.compile(r"/login\?next=%2Ftasks$"))
    expect(desktop.get_by_role("button", name="登录")).to_be_visible()
    # The session ended on the server, not only in this tab: its cookie no longer opens anything.
    status = desktop.evaluate("fetch('/api/v1/auth/session').then(r => r.status)")
    assert status == 401
