"""Chinese first, English one switch away."""
from __future__ import annotations

import re

from tests.web.browser.conftest import expect, log_in


def test_the_language_switch_shows_the_task_list_in_english_and_remembers_it(desktop):
    log_in(desktop, "grid_a1")
    expect(desktop.get_by_role("heading", name="待办任务")).to_be_visible()
    desktop.get_by_role("button", name="English").click()

    expect(desktop.get_by_role("heading", name="Tasks")).to_be_visible()
    expect(desktop.get_by_role("tab", name=re.compile(r"^My tasks \d+$"))).to_be_visible()
    expect(desktop.get_by_role("tab", name=re.compile(r"^To claim \d+$"))).to_be_visible()
    expect(desktop.get_by_role("button", name="Log out")).to_be_visible()
    expect(desktop.locator("html")).to_have_attribute("lang", "en")

    desktop.reload()
    expect(desktop.get_by_role("heading", name="Tasks")).to_be_visible()
    desktop.get_by_role("button", name="中文").click()
    expect(desktop.get_by_role("heading", name="待办任务")).to_be_visible()
