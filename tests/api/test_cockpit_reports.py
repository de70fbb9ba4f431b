"""The cockpit's reports: the cases behind every figure (their total is the figure), the
commitments unit by unit, tasks nearing their deadline, the process heatmap and 催办, on
cases driven through the real engine (the clock starts 2026-03-02 09:00 Beijing time)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.task_support import SCREENING
from tests.api.test_reports import FRIGHTENED, advance_case, by_key, drive, report

GROUPINGS = ("channel", "dispute_type", "risk_colour", "level", "org_unit", "month")


def cases_of(api, user="supervisor_town", **params) -> dict:
    response = api.get("/api/v1/reports/cases", user, query_string={"per_page": 100, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def scenario(api):
    """Five cases: one closed by agreement after two days, one with an outcome only, one
    accepted late, one orange in town mediation (village-b), one only received."""
    received = drive(api, "received", org_unit="grid-b1", channel="visit")
    outcome_only = drive(api, "outcome", channel="letter", screening=FRIGHTENED)
    late = drive(api, "screened", dispute_type="domestic_violence")
    orange = drive(api, "screened", org_unit="grid-b1", screening=SCREENING["orange"])
    closed = drive(api, "fed_back", channel="phone")
    api.clock.advance(timedelta(days=3, hours=1))
    advance_case(api, late, "accepted")
    closed = advance_case(api, closed, "closed")
    return {"received": received, "outcome_only": outcome_only, "late": late, "orange": orange, "closed": closed}


# -- the cases behind a figure --------------------------------------------------------------

def test_every_commitment_figure_lists_as_many_cases_as_it_counts(api, scenario):
    for commitment in report(api, "commitments")["commitments"]:
        parts = {"cases": commitment["denominator"], "kept": commitment["numerator"],
                 "not_kept": commitment["denominator"] - commitment["numerator"], "late": commitment["late_cases"]}
        for part, count in parts.items():
            listed = cases_of(api, figure="commitment", key=commitment["key"], part=part)
            assert listed["total"] == count == len(listed["items"]), (commitment["key"], part)
    registered = by_key(report(api, "commitments")["commitments"])["registered"]
    assert registered["late_cases"] == 1
    assert [c["case_id"] for c in cases_of(api, figure="commitment", key="registered", part="late")["items"]] == [
        scenario["late"].id]


def test_every_group_of_every_grouping_lists_its_cases(api, scenario):
    for group_by in GROUPINGS:
        summary = report(api, "summary", group_by=group_by)
        for group in summary["groups"]:
            key = "" if group["key"] is None else str(group["key"])
            listed = cases_of(api, figure="group", group_by=group_by, key=key)
            assert listed["total"] == group["count"], (group_by, group["key"])
        assert cases_of(api, figure="received")["total"] == summary["total"] == 5


def test_closed_resolved_and_cycle_figures_list_their_cases(api, scenario):
    summary = report(api, "summary", group_by="level")
    resolution = summary["resolution_rate"]
    assert cases_of(api, figure="closed")["total"] == resolution["denominator"] == 1
    resolved = cases_of(api, figure="resolved")
    assert resolved["total"] == resolution["numerator"] == 1
    assert resolved["items"][0]["case_id"] == scenario["closed"].id
    for level in summary["cycle_times"]["by_level"]:
        key = "" if level["key"] is None else str(level["key"])
        assert cases_of(api, figure="cycle", key=key)["total"] == level["count"]


def test_open_high_risk_cases_are_listed_whatever_the_period(api, scenario):
    listed = cases_of(api, figure="open_high_risk", **{"from": "2025-01-01", "to": "2025-02-01"})
    assert [(c["case_id"], c["risk_colour"], c["risk_colour_label"]) for c in listed["items"]] == [
        (scenario["orange"].id, "orange", "橙色")]


def test_listed_cases_carry_labels_and_never_what_identifies_a_party(api, scenario):
    item = cases_of(api, figure="resolved")["items"][0]
    assert item["case_no"].startswith("JH-2026-") and item["channel_label"] == "来电"
    assert item["status_label"] == "已办结" and item["org_unit_name"] == "东村第一网格"
    assert item["level_label"] == "一级（网格员现场调解）" and item["outcome"] == "mediated_agreement"
    assert not {"summary", "parties", "name", "phone", "address", "title"} & set(item)


def test_a_figure_list_pages(api, scenario):
    first = cases_of(api, figure="received", per_page=2)
    second = cases_of(api, figure="received", per_page=2, page=2)
    assert first["total"] == second["total"] == 5 and len(first["items"]) == len(second["items"]) == 2
    assert not {c["case_id"] for c in first["items"]} & {c["case_id"] for c in second["items"]}


def test_an_unknown_figure_or_part_is_a_field_error(api):
    for query, field in (({"figure": "everything"}, "figure"),
                         ({"figure": "commitment", "key": "nope"}, "key"),
                         ({"figure": "commitment", "key": "handled", "part": "half"}, "part"),
                         ({"figure": "group"}, "group_by")):
        response = api.get("/api/v1/reports/cases", "supervisor_town", query_string=query)
        assert response.status_code == 422, query
        assert response.get_json()["error"]["field_errors"][0]["field"] == field


# -- drill-down -----------------------------------------------------------------------------

def test_commitments_break_down_by_the_units_one_level_down(api, scenario):
    body = report(api, "commitments", breakdown="org_unit")
    units = {u["org_unit"]: u for u in body["units"]}
    assert [(u["org_unit"], u["name"], u["level"]) for u in body["units"]] == [
        ("village-a", "东村", "village"), ("village-b", "西村", "village")]
    registered = {unit: by_key(u["commitments"])["registered"]["denominator"] for unit, u in units.items()}
    assert registered == {"village-a": 3, "village-b": 2}
    total = by_key(body["commitments"])
    for key in ("registered", "handled", "concluded", "communicated"):
        assert sum(by_key(u["commitments"])[key]["numerator"] for u in body["units"]) == total[key]["numerator"]
    grids = report(api, "commitments", org_unit="village-a", breakdown="org_unit")["units"]
    assert [u["org_unit"] for u in grids] == ["grid-a1", "grid-a2"] and grids[0]["has_children"] is False


def test_a_unit_figure_lists_the_cases_of_that_unit(api, scenario):
    unit = by_key(report(api, "commitments", org_unit="village-b")["commitments"])["registered"]
    listed = cases_of(api, figure="commitment", key="registered", part="kept", org_unit="village-b")
    assert listed["total"] == unit["numerator"] == 2


# -- jurisdiction ---------------------------------------------------------------------------

def test_a_supervisor_cannot_reach_the_branch_beside_hers(api, scenario):
    queries = (("cases", {"figure": "received"}), ("due-soon", {}), ("heatmap", {}),
               ("commitments", {"breakdown": "org_unit"}))
    for path, params in queries:
        response = api.get(f"/api/v1/reports/{path}", "supervisor_a", query_string={**params, "org_unit": "village-b"})
        assert response.status_code == 404, path
    mine = cases_of(api, "supervisor_a", figure="received")
    assert mine["total"] == 3 and {c["org_unit"] for c in mine["items"]} == {"grid-a1"}


def test_the_new_reports_need_a_supervision_role(api):
    for path in ("cases?figure=received", "due-soon", "heatmap"):
        assert api.get(f"/api/v1/reports/{path}", "grid_a1").status_code == 403, path
        assert api.get(f"/api/v1/reports/{path}").status_code == 401, path


# -- nearing a deadline ---------------------------------------------------------------------

def test_tasks_nearing_their_deadline_show_the_legal_basis(api):
    yellow = drive(api, "screened", screening=FRIGHTENED)  # accept within one day
    drive(api, "screened", org_unit="grid-b1")  # blue: within three days
    drive(api, "received")  # screening has no deadline
    body = report(api, "due-soon", within_days=2)
    assert body["total"] == 1 and body["within_days"] == 2
    item = body["items"][0]
    assert (item["case_id"], item["task"], item["risk_colour_label"]) == (yellow.id, "accept_case", "黄色")
    assert item["deadline_basis"] and 0 < item["hours_left"] <= 24 and item["org_unit_name"] == "东村第一网格"
    assert report(api, "due-soon", within_days=5)["total"] == 2
    api.clock.advance(timedelta(days=2))  # the yellow one is late now: it is on the 督办 list instead
    api.tokens.clear()  # tokens do not outlive two days
    assert [i["task"] for i in report(api, "due-soon")["items"]] == ["accept_case"]
    assert report(api, "overdue")["total"] == 1


def test_due_soon_window_is_checked(api):
    response = api.get("/api/v1/reports/due-soon?within_days=0", "supervisor_town")
    assert response.status_code == 422 and response.get_json()["error"]["field_errors"][0]["field"] == "within_days"


# -- the process heatmap --------------------------------------------------------------------

def test_heatmap_counts_passes_waits_and_wait_times_on_a_known_path(api, scenario):
    body = report(api, "heatmap")
    assert body["process"] == "dispute_case" and body["version"] in body["versions"]
    assert "<bpmn:definitions" in body["bpmn"] or "<definitions" in body["bpmn"]
    assert "网关" in body["definition"] and "gateways" in body["definition"].lower()
    steps = {e["element_id"]: e for e in body["elements"]}
    screen = steps["screen_risk"]
    # screened at once in four cases; the received one waits there since the start
    assert (screen["passed"], screen["completions"], screen["waiting"]) == (4, 4, 1)
    assert (screen["median_hours"], screen["p90_hours"]) == (0.0, 0.0)
    assert screen["waiting_median_hours"] == screen["waiting_max_hours"] == 73.0
    accept = steps["accept_case"]
    # two accepted at once, the late one after 73 hours; the orange one waits still
    assert (accept["passed"], accept["waiting"], accept["median_hours"], accept["p90_hours"]) == (3, 1, 0.0, 73.0)
    visit = steps["follow_up_visit"]
    assert (visit["passed"], visit["median_hours"]) == (1, 73.0)
    assert all(e["kind"] in ("userTask", "manualTask") for e in body["elements"])


def test_heatmap_respects_the_period_and_the_unit(api, scenario):
    april = report(api, "heatmap", **{"from": "2026-04-01", "to": "2026-05-01"})
    assert all(e["passed"] == 0 for e in april["elements"])
    assert by_key_element(april)["screen_risk"]["waiting"] == 1  # waiting is as of now, whatever the period
    village_a = by_key_element(report(api, "heatmap", org_unit="village-a"))
    assert village_a["screen_risk"]["passed"] == 3 and village_a["screen_risk"]["waiting"] == 0


def test_heatmap_of_an_unknown_version_is_a_field_error(api):
    response = api.get("/api/v1/reports/heatmap?process=dispute_case&version=999", "supervisor_town")
    assert response.status_code == 422 and response.get_json()["error"]["field_errors"][0]["field"] == "version"
    assert api.get("/api/v1/reports/heatmap?process=no_such_process", "supervisor_town").status_code == 404


def by_key_element(body: dict) -> dict:
    return {e["element_id"]: e for e in body["elements"]}


# -- 催办 -----------------------------------------------------------------------------------

def open_task(api, case_id: str, name: str) -> str:
    return api.services.runtime.instance(case_id).ready_task(name).id


def test_a_reminder_is_an_audit_event_and_a_comment_the_assignee_reads(api):
    case = drive(api, "screened")
    task = open_task(api, case.id, "accept_case")
    response = api.post(f"/api/v1/tasks/{task}/remind", "supervisor_town", json={"message": "请今天内完成受理审查"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["reminded_by"], body["message"], body["case_id"]) == ("supervisor_town", "请今天内完成受理审查", case.id)
    events = api.get(f"/api/v1/cases/{case.id}/timeline", "supervisor_town").get_json()
    reminded = [e for e in (events["items"] if isinstance(events, dict) else events) if e["type"] == "reminded"]
    assert len(reminded) == 1 and reminded[0]["actor"] == "supervisor_town"
    assert reminded[0]["data"]["message"] == "请今天内完成受理审查" and reminded[0]["task"] == task
    comments = api.get(f"/api/v1/tasks/{task}/comments", "clerk").get_json()
    comments = comments["items"] if isinstance(comments, dict) else comments
    assert [(c["username"], c["text"]) for c in comments] == [("supervisor_town", "请今天内完成受理审查")]


def test_a_reminder_is_refused_for_a_closed_task_another_role_or_another_branch(api):
    case = drive(api, "accepted")
    done = next(t for t in api.services.runtime.task_history(case.id) if t.name == "accept_case")
    assert api.post(f"/api/v1/tasks/{done.id}/remind", "supervisor_town", json={"message": "催"}).status_code == 409
    task = open_task(api, case.id, "mediate")
    assert api.post(f"/api/v1/tasks/{task}/remind", "grid_a1", json={"message": "催"}).status_code == 403
    other = drive(api, "screened", org_unit="grid-b1")
    elsewhere = open_task(api, other.id, "accept_case")
    assert api.post(f"/api/v1/tasks/{elsewhere}/remind", "supervisor_a", json={"message": "催"}).status_code == 404
    empty = api.post(f"/api/v1/tasks/{task}/remind", "supervisor_town", json={"message": "  "})
    assert empty.status_code == 422
    timeline = api.get(f"/api/v1/cases/{case.id}/timeline", "supervisor_town").get_json()
    timeline = timeline["items"] if isinstance(timeline, dict) else timeline
    assert not [e for e in timeline if e["type"] == "reminded"]
