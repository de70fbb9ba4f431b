"""A dropped connection loses nothing: what is typed offline stays on the device and reaches
the server when the network is back."""
from __future__ import annotations

from tests.web.browser.conftest import api_call, api_token, expect, log_in, ready_task


def test_a_draft_typed_offline_is_kept_on_the_device_and_saved_when_back_online(phone, live_server):
    task = ready_task(live_server, "demo:6", "mediate")
    assert task.role == "grid_worker"  # demo case 6 is in grid-a1's mediation
    log_in(phone, "grid_a1")
    phone.goto(f"/tasks/{task.id}")
    participants = phone.get_by_label("参加人员")
    expect(participants).to_be_editable()

    phone.context.set_offline(True)
    participants.fill("林娜、谢磊，邻居王阿姨在场")
    expect(phone.get_by_role("status")).to_have_text("离线：草稿已存在本机，联网后自动上传")
    kept = phone.evaluate("""() => Object.keys(localStorage).filter((key) => key.startsWith('jiahe.draft.'))
        .map((key) => JSON.parse(localStorage.getItem(key)))""")
    assert [(d["data"].get("participants"), d["synced"]) for d in kept] == [("林娜、谢磊，邻居王阿姨在场", False)], kept

    phone.context.set_offline(False)
    expect(phone.get_by_role("status")).to_have_text("草稿已自动保存")
    status, body = api_call(live_server, "GET", f"/api/v1/tasks/{task.id}", token=api_token(live_server, "grid_a1"))
    assert status == 200 and body["draft"]["data"]["participants"] == "林娜、谢磊，邻居王阿姨在场", body.get("draft")

    phone.reload()
    expect(phone.get_by_label("参加人员")).to_have_value("林娜、谢磊，邻居王阿姨在场")
