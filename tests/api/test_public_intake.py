"""The online (网) channel: the public files without a login, gets a receipt, and asks with it
how the matter stands, learning nothing else about the case."""
from __future__ import annotations

from tests.api.cases_support import CASES, complete, listed, screen

INTAKE = "/api/v1/public/intake"
SUBMISSION = {
    "org_unit": "grid-a1",
    "data": {"dispute_type": "domestic_violence", "summary": "丈夫经常酒后打骂，希望妇联帮助",
             "reporter_phone": "13700000003",
             "parties": [{"name": "赵梅", "role": "applicant", "address": "东村5组2号"}]},
}


def _submit(api, body=None, key=None):
    return api.post(INTAKE, json=body or SUBMISSION, headers={"Idempotency-Key": key} if key else {})


def _status(api, receipt):
    response = api.get(f"{INTAKE}/{receipt}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _case_id(api, case_no):
    return next(i["id"] for i in listed(api, "clerk", f"q={case_no}")["items"])


def test_a_submission_is_registered_as_an_online_case_and_answered_with_a_receipt(api):
    response = _submit(api)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"case_no", "receipt", "received_at"}
    assert body["case_no"] == "JH-2026-000001" and len(body["receipt"]) >= 20
    item = listed(api, "clerk")["items"][0]
    assert (item["case_no"], item["channel"], item["org_unit"]) == (body["case_no"], "online", "grid-a1")
    events = api.get(f"{CASES}/{item['id']}/timeline", "clerk").get_json()["items"]
    assert events[0]["actor"] == "public"


def test_the_server_sets_channel_and_received_time(api):
    body = {"org_unit": "grid-a1", "data": {**SUBMISSION["data"], "channel": "visit",
                                            "received_at": "2020-01-01T00:00:00+08:00"}}
    case_no = _submit(api, body).get_json()["case_no"]
    case = api.get(f"{CASES}/{_case_id(api, case_no)}", "clerk").get_json()
    assert case["channel"] == "online" and case["data"]["received_at"].startswith("2026-03-02T01:00:00")


def test_the_receipt_tells_coarse_stages_and_nothing_else(api):
    receipt = _submit(api).get_json()["receipt"]
    status = _status(api, receipt)
    assert set(status) == {"case_no", "status", "status_label", "received_at", "outcome", "outcome_label", "steps"}
    assert (status["status"], status["status_label"], status["outcome"]) == ("received", "已收到", None)
    assert [(s["key"], s["done"]) for s in status["steps"]] == \
        [("received", True), ("accepted", False), ("handling", False), ("concluded", False)]
    text = api.get(f"{INTAKE}/{receipt}").get_data(as_text=True)
    assert "赵梅" not in text and "13700000003" not in text and "酒后" not in text


def test_the_receipt_follows_the_case_to_its_outcome(api):
    submitted = _submit(api).get_json()
    case_id = _case_id(api, submitted["case_no"])
    screen(api, case_id)
    complete(api, case_id, "accept_case", {"decision": "not_accept", "not_accepted_reason": "不属于受理范围"})
    assert _status(api, submitted["receipt"])["status"] == "received"
    complete(api, case_id, "record_outcome", {"outcome": "not_accepted", "outcome_summary": "不属于本会受理范围，已告知",
                                                  "not_accepted_reason": "不属于受理范围"})
    status = _status(api, submitted["receipt"])
    assert (status["status"], status["status_label"]) == ("concluded", "已办结")
    assert (status["outcome"], status["outcome_label"]) == ("not_accepted", "不予受理")


def test_an_accepted_case_shows_as_accepted(api):
    submitted = _submit(api).get_json()
    case_id = _case_id(api, submitted["case_no"])
    screen(api, case_id)
    complete(api, case_id, "accept_case", {"decision": "accept"})
    assert _status(api, submitted["receipt"])["status"] == "accepted"


def test_an_unknown_receipt_is_404(api):
    assert api.get(f"{INTAKE}/not-a-receipt").status_code == 404
    assert api.get(f"{INTAKE}/{'x' * 100}").status_code == 404


def test_a_retry_with_the_same_key_returns_the_same_receipt(api):
    first = _submit(api, key="browser-retry-1")
    again = _submit(api, key="browser-retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert _submit(api, key="browser-retry-2").get_json()["case_no"] == "JH-2026-000002"


def test_bad_submissions_are_422_with_field_names(api):
    short = _submit(api, {"org_unit": "grid-a1", "data": {"dispute_type": "divorce", "summary": "短"}})
    assert short.status_code == 422
    assert [e["field"] for e in short.get_json()["error"]["field_errors"]] == ["summary"]
    nowhere = _submit(api, {**SUBMISSION, "org_unit": "atlantis"})
    assert nowhere.status_code == 422 and nowhere.get_json()["error"]["field_errors"][0]["field"] == "org_unit"
    planted = _submit(api, {**SUBMISSION, "data": {**SUBMISSION["data"], "outcome": "mediated_agreement"}})
    assert planted.status_code == 422 and planted.get_json()["error"]["field_errors"][0]["field"] == "outcome"
    assert _submit(api, {"org_unit": "grid-a1"}).status_code == 422


def test_public_intake_is_rate_limited_per_address(api):
    api.app.config["PUBLIC_INTAKES_PER_HOUR"] = 2
    assert [_submit(api).status_code for _ in range(2)] == [201, 201]
    refused = _submit(api)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["error"]["code"] == "too_many_requests"


def test_a_too_large_submission_is_413_in_the_error_shape(api):
    body = {"org_unit": "grid-a1", "data": {**SUBMISSION["data"], "summary": "长" * 200_000}}
    response = _submit(api, body)
    assert response.status_code == 413
    assert response.get_json()["error"]["status"] == 413
    assert listed(api, "clerk")["total"] == 0


def test_the_public_may_list_org_units_to_address_a_submission(api):
    units = api.get("/api/v1/public/org-units").get_json()
    assert {"id": "grid-a1", "name": "东村第一网格", "level": "grid", "parent": "village-a"} in units


def test_the_public_form_leaves_out_what_the_server_sets(api):
    form = api.get(f"{INTAKE}/form").get_json()
    assert form["process"] == "dispute_case"
    properties = form["schema"]["properties"]
    assert {"channel", "received_at", "referral_source"}.isdisjoint(properties) and "summary" in properties
    assert "channel" not in form["schema"]["required"] and "allOf" not in form["schema"]
    assert "channel" not in form["ui_schema"]["ui:order"]
    assert properties["parties"]["items"]["properties"]["phone"]["x-sensitive"] is True
