"""A case's documents (文书) through the API: generating a 调解协议书 from the mediation, reading
it back, attaching a signed scan, the limits on what may be attached, who may do it, and the
audit events that carry each file's SHA-256. The real app on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import io
import random

import pytest
from docx import Document
from PIL import Image

from engine.demo import seed_demo
from engine.store import repository as repo
from engine.store.models import CaseDocument
from tests.api.cases_support import complete, new_case, to_level1_mediation
from tests.api.conftest import ROOT

RESOLVED = {"result": "resolved", "mediated_on": "2026-03-05", "mediation_summary": "双方达成和解，约定分担家务",
            "dispute_facts": "夫妻因家务分工长期争吵，互不相让，双方均有责任",
            "agreement_terms": "一、家务按周轮流分担；二、每月开支共同记账", "performance": "自二〇二六年三月起履行"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def documents_url(case_id: str) -> str:
    return f"/api/v1/cases/{case_id}/documents"


def mediated_case(api) -> dict:
    """A case the grid worker (grid_a1) mediated to an agreement; the clerk records the outcome next."""
    case = new_case(api)
    to_level1_mediation(api, case["id"])
    complete(api, case["id"], "mediate", RESOLVED, actor="grid_a1")
    return case


def generate(api, case_id: str, user: str, **body):
    return api.post(documents_url(case_id), user, json={"template": "mediation_agreement", **body})


def download(api, case_id: str, document: dict, user: str):
    return api.get(f"{documents_url(case_id)}/{document['id']}/file", user)


def events(api, case_id: str, user: str, kind: str) -> list[dict]:
    response = api.get(f"/api/v1/cases/{case_id}/timeline", user)
    assert response.status_code == 200, response.get_json()
    return [e["data"] for e in response.get_json()["items"] if e["type"] == kind]


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def png(size: int = 4) -> bytes:
    """A real PNG of noise (so that it does not compress to nothing)."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (size, size), random.Random(size).randbytes(size * size * 3)).save(buffer, format="PNG")
    return buffer.getvalue()


def attach(api, case_id: str, user: str, content: bytes, title: str = "调解协议书（签字盖章扫描件）",
           name: str = "scan.png"):
    return api.post(f"/api/v1/cases/{case_id}/attachments", user,
                    data={"title": title, "file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


# -- the demo: a town mediator prints the agreement of a case mediated at the town ---------------

def test_a_town_mediator_generates_the_demo_cases_mediation_agreement_with_parties_terms_and_signatures(api):
    seed_demo(api.services.runtime, api.services.store, ROOT, api.clock, history=False)
    with api.services.store.read() as session:
        case_id = repo.instance_by_business_key(session, "demo:14").id
    listed = api.get(documents_url(case_id), "town_mediator").get_json()
    offered = [a for a in listed["available"] if a["template"] == "mediation_agreement"]
    assert [(a["title"], a["format"], a["audience"], a["task_state"]) for a in offered] == [
        ("人民调解协议书", "docx", "parties", "completed")]

    made = generate(api, case_id, "town_mediator", task_id=offered[0]["task_id"])
    assert made.status_code == 201, made.get_json()
    document = made.get_json()
    assert (document["kind"], document["media_type"], document["created_by"]) == ("generated", DOCX, "town_mediator")
    assert document["filename"].startswith("人民调解协议书-JH-") and document["filename"].endswith(".docx")

    got = download(api, case_id, document, "town_mediator")
    assert got.status_code == 200 and got.mimetype == DOCX
    assert "filename*=UTF-8''%E4%BA%BA%E6%B0%91" in got.headers["Content-Disposition"]
    assert hashlib.sha256(got.data).hexdigest() == document["sha256"] and len(got.data) == document["size"]
    text = text_of(got.data)
    assert "人民调解协议书" in text and "唐婉" in text and "罗志伟" in text
    assert "二、罗志伟每月给付孩子抚养费一千五百元" in text and "抚养费每月五日前转账" in text
    assert "男方对未给付抚养费负主要责任" in text
    for block in ("当事人（签名、盖章或者按指印）", "人民调解员（签名）", "和美镇人民调解委员会（印章）",
                  "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效"):
        assert block in text, block
    # the applicant's address and phone are in the case, never in what the other party reads
    assert "西村四组9号" not in text and "13800001009" not in text
    [event] = events(api, case_id, "town_mediator", "document_generated")
    assert event == {"document_id": document["id"], "template": "mediation_agreement", "title": "人民调解协议书",
                     "sha256": hashlib.sha256(got.data).hexdigest(), "size": len(got.data)}


# -- generating -------------------------------------------------------------------------------

def test_the_grid_worker_generates_the_agreement_of_her_mediation_and_it_is_listed(api):
    case = mediated_case(api)
    made = generate(api, case["id"], "grid_a1")
    assert made.status_code == 201, made.get_json()
    listed = api.get(documents_url(case["id"]), "grid_a1").get_json()
    assert [(d["id"], d["kind"], d["created_by_name"]) for d in listed["items"]] == [
        (made.get_json()["id"], "generated", made.get_json()["created_by_name"])]
    assert listed["items"][0]["created_by_name"]
    text = text_of(download(api, case["id"], made.get_json(), "clerk").data)
    assert "刘芳" in text and "陈强" in text and "一、家务按周轮流分担" in text
    assert "东村3组12号" not in text and "13800000001" not in text


def test_an_agreement_without_its_terms_is_refused_with_the_fields_it_needs(api):
    case = new_case(api)
    to_level1_mediation(api, case["id"])  # mediation open: nothing agreed yet
    available = api.get(documents_url(case["id"]), "grid_a1").get_json()["available"]
    assert [(a["template"], a["task_state"]) for a in available] == [("mediation_agreement", "ready")]
    refused = generate(api, case["id"], "grid_a1")
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert {e["field"] for e in error["field_errors"]} == {"data.dispute_facts", "data.agreement_terms",
                                                          "data.performance"}
    assert "调解协议内容" in error["message"]
    assert api.get(documents_url(case["id"]), "grid_a1").get_json()["items"] == []
    assert events(api, case["id"], "grid_a1", "document_generated") == []


def test_a_template_no_step_of_the_case_names_is_refused(api):
    case = mediated_case(api)
    for template in ("petition_decision", "no_such_template"):
        refused = api.post(documents_url(case["id"]), "grid_a1", json={"template": template})
        assert refused.status_code == 422, refused.get_json()
        assert refused.get_json()["error"]["field_errors"][0]["field"] == "template"
    other = new_case(api)
    task = api.services.runtime.instance(other["id"]).ready_task("screen_risk")
    wrong_task = generate(api, case["id"], "grid_a1", task_id=task.id)
    assert wrong_task.status_code == 422


def test_the_same_data_gives_the_same_file(api):
    case = mediated_case(api)
    first, second = (generate(api, case["id"], "grid_a1").get_json() for _ in range(2))
    assert first["id"] != second["id"] and first["sha256"] == second["sha256"]


# -- attaching --------------------------------------------------------------------------------

def test_a_signed_scan_is_attached_with_its_hash_on_the_audit_trail(api):
    case = mediated_case(api)
    content = png()
    attached = attach(api, case["id"], "grid_a1", content)
    assert attached.status_code == 201, attached.get_json()
    document = attached.get_json()
    assert (document["kind"], document["media_type"], document["template"]) == ("uploaded", "image/png", None)
    assert document["sha256"] == hashlib.sha256(content).hexdigest() and document["size"] == len(content)
    assert download(api, case["id"], document, "clerk").data == content
    [event] = events(api, case["id"], "grid_a1", "document_attached")
    assert event == {"document_id": document["id"], "title": "调解协议书（签字盖章扫描件）", "media_type": "image/png",
                     "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}


def test_an_attachment_is_judged_by_its_content_not_its_name(api):
    case = mediated_case(api)
    refused = attach(api, case["id"], "grid_a1", b"just some text, not a scan", name="scan.pdf")
    assert refused.status_code == 422
    assert refused.get_json()["error"]["field_errors"][0]["field"] == "file"
    assert "PDF、JPEG、PNG" in refused.get_json()["error"]["message"]
    pdf = attach(api, case["id"], "grid_a1", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n", name="scan.bin")
    assert pdf.status_code == 201 and pdf.get_json()["media_type"] == "application/pdf"
    assert pdf.get_json()["filename"].endswith(".pdf")


def test_an_attachment_over_the_limit_is_refused_with_413(api):
    case = mediated_case(api)
    api.app.config["MAX_ATTACHMENT_BYTES"] = 1024
    content = png(64)
    assert len(content) > 1024
    refused = attach(api, case["id"], "grid_a1", content)
    assert refused.status_code == 413
    assert refused.get_json()["error"]["code"] == "too_large" and "附件不能超过" in refused.get_json()["error"]["message"]
    english = api.client.post(f"/api/v1/cases/{case['id']}/attachments",
                              headers={**api.as_("grid_a1"), "Accept-Language": "en"},
                              data={"title": "scan", "file": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 200_000),
                                                              "big.png")}, content_type="multipart/form-data")
    assert english.status_code == 413 and "at most 1024 bytes" in english.get_json()["error"]["message"]
    assert api.get(documents_url(case["id"]), "grid_a1").get_json()["items"] == []


def test_a_scan_larger_than_case_data_may_be_still_fits_the_attachment_limit(api):
    case = mediated_case(api)
    content = b"%PDF-1.7\n" + b"0" * (600 * 1024)  # over the 256 KiB every other request may send
    attached = attach(api, case["id"], "grid_a1", content, name="scan.pdf")
    assert attached.status_code == 201, attached.get_json()
    assert attached.get_json()["size"] == len(content)


# -- who -----------------------------------------------------------------------------------------

def test_a_case_outside_her_jurisdiction_does_not_exist_for_her(api):
    case = mediated_case(api)  # grid-a1, village-a
    made = generate(api, case["id"], "grid_a1").get_json()
    for user in ("mediator_b", "grid_b1", "designer"):
        assert api.get(documents_url(case["id"]), user).status_code == 404
        assert generate(api, case["id"], user).status_code == 404
        assert attach(api, case["id"], user, png()).status_code == 404
        assert download(api, case["id"], made, user).status_code == 404
    assert api.get(f"{documents_url(case['id'])}/no-such-document/file", "grid_a1").status_code == 404


def test_a_file_erased_by_retention_is_gone_and_its_row_stays(api):
    case = mediated_case(api)
    made = generate(api, case["id"], "grid_a1").get_json()
    with api.services.store.write() as session:
        session.get(CaseDocument, made["id"]).erased_at = api.clock.now()
    gone = download(api, case["id"], made, "grid_a1")
    assert gone.status_code == 410 and gone.get_json()["error"]["code"] == "gone"
    [listed] = api.get(documents_url(case["id"]), "grid_a1").get_json()["items"]
    assert listed["erased_at"] is not None and listed["sha256"] == made["sha256"]


@pytest.mark.parametrize("template", ["police_referral_letter"])
def test_a_pdf_letter_of_the_red_path_is_generated_for_the_agency(api, template):
    case = new_case(api, summary="丈夫酒后持刀威胁妻子，扬言要杀死她")
    from tests.api.cases_support import accept, screen

    screen(api, case["id"], weapon_used=True, threats_to_kill=True)
    accept(api, case["id"])
    complete(api, case["id"], "report_to_police", {"police_station": "和美镇派出所",
                                                   "reported_at": "2026-03-02T09:20:00+08:00",
                                                   "warning_letter_issued": True}, actor="rights_officer")
    made = api.post(documents_url(case["id"]), "rights_officer", json={"template": template})
    assert made.status_code == 201, made.get_json()
    got = download(api, case["id"], made.get_json(), "rights_officer")
    assert got.mimetype == "application/pdf" and got.data.startswith(b"%PDF-")
    assert hashlib.sha256(got.data).hexdigest() == made.get_json()["sha256"]


def test_a_letter_carries_the_victims_contacts_only_for_those_who_may_read_them(api):
    """An agency's letter: the rights officer's carries the victim's phone and address (and her
    access log says so); a village mediator, who may not read them, gets a letter without them,
    and may not download the officer's."""
    case = new_case(api, summary="丈夫酒后持刀威胁妻子")
    from tests.api.cases_support import accept, screen

    screen(api, case["id"], weapon_used=True, threats_to_kill=True)
    accept(api, case["id"])
    complete(api, case["id"], "report_to_police", {"police_station": "和美镇派出所",
                                                   "reported_at": "2026-03-02T09:20:00+08:00",
                                                   "warning_letter_issued": True}, actor="rights_officer")
    officers = api.post(documents_url(case["id"]), "rights_officer", json={"template": "police_referral_letter"})
    mediators = api.post(documents_url(case["id"]), "mediator_a", json={"template": "police_referral_letter"})
    assert officers.status_code == mediators.status_code == 201
    assert officers.get_json()["sha256"] != mediators.get_json()["sha256"]  # the contacts are the difference
    log = api.get(f"/api/v1/cases/{case['id']}/access-log", "supervisor_county").get_json()["items"]
    documents = [entry for entry in log if entry["via"] == "document"]
    assert [entry["username"] for entry in documents] == ["rights_officer"]
    assert {"parties[0].phone", "parties[0].address"} <= set(documents[0]["fields"])
    assert download(api, case["id"], officers.get_json(), "mediator_a").status_code == 403
    assert download(api, case["id"], officers.get_json(), "rights_officer").status_code == 200
