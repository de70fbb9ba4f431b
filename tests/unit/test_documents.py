"""Case documents rendered from the shipped templates: what a 调解协议书 holds when read back with
python-docx (the parties, the terms, the signature and seal blocks, never an address), the
same bytes for the same data, PDF letters, and the context a template sees."""
from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from engine.documents.context import (
    Choice,
    build_context,
    chinese_date,
    chinese_number,
    missing,
    without_sensitive,
)
from engine.documents.rendering import render
from engine.documents.templates import DOCUMENTS_PROPERTY, documents_named, read_templates
from engine.form_labels import labels_of_forms
from engine.privacy import sensitive_paths_of_forms

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 12, 6)
FORMS = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "forms").glob("*.schema.json"))]
LABELS, SENSITIVE = labels_of_forms(FORMS), sensitive_paths_of_forms(FORMS)
CASE_DATA = {
    "dispute_type": "custody", "summary": "分居夫妻就孩子探望时间反复争执",
    "parties": [
        {"name": "郑晓燕", "role": "applicant", "sex": "female", "age": 35, "ethnicity": "汉族", "occupation": "教师",
         "phone": "13800001005", "address": "和美镇新街22号"},
        {"name": "冯涛", "role": "respondent", "sex": "male", "age": 37, "ethnicity": "回族", "occupation": "司机"},
        {"name": "冯小雨", "role": "child", "sex": "female", "age": 8},
    ],
    "result": "resolved", "mediated_on": "2026-12-05", "mediation_summary": "双方达成探望协议",
    "dispute_facts": "双方分居后对孩子周末探望时间各执一词；男方多次临时变更探望时间，负主要责任。",
    "agreement_terms": "一、冯涛每月第一、三个周末探望孩子；\n二、探望前一日告知郑晓燕。",
    "performance": "自二〇二六年十二月起按月履行，镇调解工作室回访监督。",
}


def templates():
    found, broken = read_templates(ROOT)
    assert broken == {}
    return found


def context(template, data=CASE_DATA, day=DAY, office="和美镇"):
    data = without_sensitive(data, SENSITIVE) if template.for_parties else data
    return build_context(data=data, labels=LABELS, today=day, author="赵调解", office=office,
                         case={"case_no": "JH-2026-000005", "org_unit": "西村第一网格", "process": "婚姻家庭纠纷调处",
                               "created_on": chinese_date("2026-11-30")},
                         task={"title": "乡镇调解工作室调解", "name": "mediate"},
                         document={"key": template.key, "title": template.title, "legal_basis": template.legal_basis})


def paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def test_the_shipped_templates_are_the_six_of_the_issue():
    found = templates()
    assert {k: (t.title, t.format, t.audience) for k, t in found.items()} == {
        "mediation_agreement": ("人民调解协议书", "docx", "parties"),
        "petition_decision": ("信访事项处理意见书", "docx", "parties"),
        "protection_order_application": ("人身安全保护令申请书", "docx", "parties"),
        "legal_aid_referral_letter": ("法律援助转介函", "pdf", "agency"),
        "police_referral_letter": ("报警及告诫转介函", "pdf", "agency"),
        "follow_up_record": ("回访记录", "pdf", "internal"),
    }
    assert all(t.legal_basis and t.description for t in found.values())


def test_a_mediation_agreement_reads_back_with_parties_terms_and_the_signature_and_seal_blocks():
    template = templates()["mediation_agreement"]
    text = paragraphs(render(template, context(template), DAY))
    assert text[0] == "人民调解协议书" and "编号：JH-2026-000005" in text
    assert "申请人/求助人：郑晓燕，女，35岁，汉族，职业：教师。" in text
    assert "被申请人：冯涛，男，37岁，回族，职业：司机。" in text
    assert not any("冯小雨" in line for line in text)  # a child is no party to the agreement
    assert "一、冯涛每月第一、三个周末探望孩子；\n二、探望前一日告知郑晓燕。" in text
    assert CASE_DATA["dispute_facts"] in text and CASE_DATA["performance"] in text
    assert "本协议一式三份，当事人各执一份，人民调解委员会留存一份。" in text
    assert any(line.startswith("郑晓燕：＿") for line in text) and any(line.startswith("冯涛：＿") for line in text)
    assert any(line.startswith("人民调解员（签名）：") for line in text)
    assert "和美镇人民调解委员会（印章）" in text and "二〇二六年十二月六日" in text
    joined = "\n".join(text)
    assert "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效" in joined
    assert "和美镇新街22号" not in joined and "13800001005" not in joined


def test_the_same_data_gives_the_same_bytes_and_another_day_other_bytes():
    for template in templates().values():
        first = render(template, context(template), DAY)
        second = render(template, context(template), DAY)
        assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest(), template.key
    agreement = templates()["mediation_agreement"]
    later = render(agreement, context(agreement, day=date(2026, 12, 7)), date(2026, 12, 7))
    assert later != render(agreement, context(agreement), DAY)


def test_a_word_file_carries_its_generation_day_and_nothing_of_the_moment():
    template = templates()["mediation_agreement"]
    content = render(template, context(template), DAY)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert {info.date_time for info in archive.infolist()} == {(2026, 12, 6, 0, 0, 0)}
    properties = Document(io.BytesIO(content)).core_properties
    assert (properties.title, properties.created.date(), properties.modified.date()) == ("人民调解协议书", DAY, DAY)


def test_a_pdf_letter_is_a_pdf_with_its_day_and_the_same_bytes_again():
    template = templates()["police_referral_letter"]
    data = {**CASE_DATA, "police_station": "和美镇派出所", "reported_at": "2026-12-05T09:20:00+08:00",
            "warning_letter_issued": True}
    content = render(template, context(template, data), DAY)
    assert content.startswith(b"%PDF-") and b"D:20261206000000+08'00" in pdf_objects(content)
    assert content == render(template, context(template, data), DAY)


def pdf_objects(content: bytes) -> bytes:
    """The PDF with its compressed streams (where WeasyPrint puts the metadata) inflated."""
    inflated = [content]
    for chunk in re.findall(rb"stream\r?\n(.*?)endstream", content, flags=re.DOTALL):
        try:
            inflated.append(zlib.decompress(chunk))
        except zlib.error:
            continue
    return b"\n".join(inflated)


def test_a_template_for_the_parties_cannot_print_what_is_sensitive_whatever_it_asks(tmp_path):
    folder = tmp_path / "processes" / "documents"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "processes" / "documents" / "mediation_agreement.yaml", folder / "leaky.yaml")
    (folder / "leaky.yaml").write_text((folder / "leaky.yaml").read_text(encoding="utf-8").replace(
        "format: docx", "format: pdf"), encoding="utf-8")
    (folder / "leaky.html").write_text(
        "<p>{% for p in parties %}{{ p.name }} {{ p.address }} {{ p.phone }};{% endfor %}</p>", encoding="utf-8")
    [leaky] = read_templates(tmp_path)[0].values()
    seen = context(leaky)
    assert [sorted(p) for p in seen["parties"]][0] == ["age", "ethnicity", "name", "occupation", "role", "sex"]
    assert "和美镇新街22号" not in str(seen) and "13800001005" not in str(seen)
    agency = build_context(data=CASE_DATA, labels=LABELS, today=DAY, author="", office="", case={}, task=None,
                           document={})
    assert agency["parties"][0]["address"] == "和美镇新街22号"  # a letter to an agency sees it


def test_coded_values_print_their_title_and_equal_their_code():
    seen = context(templates()["mediation_agreement"])
    sex = seen["parties"][0]["sex"]
    assert isinstance(sex, Choice) and str(sex) == "女" and sex == "female" and sex == "女" and sex != "male"
    assert seen["parties"][1]["role"] in ("applicant", "respondent") and seen["result"] == "resolved"
    assert seen["today_cn"] == "二〇二六年十二月六日" and seen["case"]["created_on"] == "二〇二六年十一月三十日"


@pytest.mark.parametrize("value, shown", [
    ("2026-03-05", "二〇二六年三月五日"), ("2026-10-20T23:30:00+00:00", "二〇二六年十月二十一日"),
    (date(2030, 1, 10), "二〇三〇年一月十日"), ("不是日期", "不是日期"), (None, "")])
def test_dates_in_chinese(value, shown):
    assert chinese_date(value) == shown


def test_numbers_in_chinese():
    assert [chinese_number(n) for n in (0, 3, 10, 12, 20, 31, 99, 100)] == [
        "〇", "三", "十", "十二", "二十", "三十一", "九十九", "100"]


def test_what_a_template_requires_is_named_when_blank_or_absent():
    assert missing({"parties": [], "agreement_terms": "  ", "performance": "按月"},
                   ["parties", "agreement_terms", "performance", "dispute_facts"]) == [
        "parties", "agreement_terms", "dispute_facts"]


def test_a_steps_property_names_keys_in_order_each_once():
    assert DOCUMENTS_PROPERTY == "documents"
    assert documents_named(" mediation_agreement, follow_up_record,mediation_agreement,, ") == [
        "mediation_agreement", "follow_up_record"]
    assert documents_named(None) == []
