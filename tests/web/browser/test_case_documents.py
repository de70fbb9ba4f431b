"""文书 on the case page: a town mediator generates the 调解协议书 of a case mediated at the town,
downloads it and finds the parties, the terms and the signature blocks in it, and uploads the
signed scan; on a desktop and on a phone (390 px, no sideways scrolling)."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from PIL import Image

from tests.web.browser.conftest import demo_case, expect, log_in, page_width


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_town_mediator_generates_downloads_and_uploads_the_signed_mediation_agreement(device, new_page, live_server,
                                                                                       tmp_path):
    # Demo case 14: mediated at the town (和美镇), its agreement recorded, the outcome next.
    case = demo_case(live_server, "demo:14")
    page = new_page(device)
    log_in(page, "town_mediator")
    page.goto(f"/cases/{case.id}")
    documents = page.get_by_role("region", name="文书")
    expect(documents).to_be_visible()

    documents.get_by_role("button", name="生成人民调解协议书").click()
    expect(page.get_by_text("已生成人民调解协议书")).to_be_visible()
    generated = documents.get_by_role("listitem").filter(has_text="人民调解协议书").filter(has_text="生成").first
    expect(generated).to_contain_text("SHA-256")
    with page.expect_download() as download:
        generated.get_by_role("button", name="下载人民调解协议书").click()
    assert re.fullmatch(r"人民调解协议书-JH-\d{4}-\d{6}\.docx", download.value.suggested_filename)
    text = "\n".join(p.text for p in Document(download.value.path()).paragraphs)
    assert "唐婉" in text and "罗志伟" in text and "二、罗志伟每月给付孩子抚养费一千五百元" in text
    assert "人民调解员（签名）" in text and "和美镇人民调解委员会（印章）" in text
    assert "西村四组9号" not in text

    scan = tmp_path / "signed.png"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (250, 250, 250)).save(buffer, format="PNG")
    scan.write_bytes(buffer.getvalue())
    documents.get_by_label("标题").fill("人民调解协议书（签字盖章）")
    with page.expect_file_chooser() as chooser:
        documents.get_by_role("button", name="选择文件").click()
    chooser.value.set_files(str(scan))
    documents.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_text("已上传人民调解协议书（签字盖章）")).to_be_visible()
    uploaded = documents.get_by_role("listitem").filter(has_text="上传扫描件").first
    expect(uploaded).to_contain_text("人民调解协议书（签字盖章）")
    if device == "phone":
        assert page_width(page) <= 390
    assert Path(download.value.path()).stat().st_size > 0
