"""Supervision reports: the four commitments, summary, 督办 list and exports, on cases driven
through the real engine (the clock starts 2026-03-02 09:00 Beijing time)."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

NO_RISK = dict(current_injury=False, weapon_used=False, threats_to_kill=False, strangulation=False,
               stalking=False, recent_separation=False, pregnancy_or_new_baby=False, child_abuse=False,
               victim_frightened=False, escalation=False, substance_abuse=False, abuser_suicide_threats=False,
               police_callouts_12m=0, complexity="minor", victim_safe_now=True)
FRIGHTENED = {**NO_RISK, "victim_frightened": True}  # yellow, level 1: accept within 1 day

STAGES = ("received", "screened", "accepted", "handled", "outcome", "fed_back", "closed")
STEPS = [  # (stage reached, task, actor, data)
    ("screened", "screen_risk", "clerk", None),
    ("accepted", "accept_case", "clerk", {"decision": "accept"}),
    # the grid worker's mediation: the level-1 cases driven here enter the ladder at the grid
    ("handled", "mediate", "grid_a1", {"result": "resolved", "mediated_on": "2026-03-05",
                                       "mediation_summary": "双方达成和解，约定分担家务",
                                       "dispute_facts": "夫妻因家务分工长期争吵，双方均有责任",
                                       "agreement_terms": "双方约定分担家务", "performance": "自即日起履行"}),
    ("outcome", "record_outcome", "clerk", {"outcome": "mediated_agreement", "outcome_summary": "达成口头调解协议",
                                            "agreement": {"form": "oral", "terms": "双方约定分担家务"}}),
    ("fed_back", "feedback_to_party", "clerk", {"method": "phone", "fed_back_at": "2026-03-06T10:00:00+08:00",
                                                "party_satisfaction": "satisfied"}),
    ("closed", "follow_up_visit", "mediator_a", {"visited_on": "2026-04-06", "visit_method": "visit",
                                                 "agreement_performance": "fully", "renewed_conflict": False,
                                                 "new_colour": "blue", "close_aftercare": True}),
]


def start_case(api, org_unit="grid-a1", channel="phone", dispute_type="marital_conflict"):
    return api.services.runtime.start("dispute_case", actor="clerk", org_unit=org_unit, data={
        "channel": channel, "dispute_type": dispute_type, "summary": "夫妻因家务分工争吵，请求调解"})


def complete(api, view, task_name, data, actor="clerk"):
    task = view.ready_task(task_name)
    assert task is not None, (task_name, [t.name for t in view.tasks])
    return api.services.runtime.complete(task.id, data, actor=actor)


def advance_case(api, view, stage, screening=None):
    """Drive a case from where it stands to `stage` (see STAGES), through the real engine."""
    for reached, task_name, actor, data in STEPS:
        if STAGES.index(reached) > STAGES.index(stage):
            break
        if view.ready_task(task_name) is not None:
            view = complete(api, view, task_name, data if data is not None else screening or NO_RISK, actor)
    return view


def drive(api, stage, *, org_unit="grid-a1", channel="phone", screening=None, dispute_type="marital_conflict"):
    return advance_case(api, start_case(api, org_unit, channel, dispute_type), stage, screening)


def report(api, path, user="supervisor_town", **params):
    response = api.get(f"/api/v1/reports/{path}", user, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def by_key(items):
    return {item["key"]: item for item in items}


@pytest.fixture
def three_cases(api):
    """One case fully fed back and closed two days later, one with an outcome only, one only received."""
    received = drive(api, "received", org_unit="grid-b1", channel="visit")
    outcome_only = drive(api, "outcome", channel="letter", screening=FRIGHTENED)
    fed_back = drive(api, "fed_back", channel="phone")
    api.clock.advance(timedelta(days=2))
    fed_back = advance_case(api, fed_back, "closed")
    return {"fed_back": fed_back, "outcome_only": outcome_only, "received": received}


# -- the four commitments -------------------------------------------------------------------

def test_commitment_rates_count_exact_numerators_and_denominators(api, three_cases):
    body = report(api, "commitments")
    rates = by_key(body["commitments"])
    assert [c["key"] for c in body["commitments"]] == ["registered", "handled", "concluded", "communicated"]
    assert [c["label"] for c in body["commitments"]] == ["有来必受", "有受必理", "有理必果", "有果必公"]
    assert (rates["registered"]["numerator"], rates["registered"]["denominator"]) == (3, 3)
    assert rates["registered"]["on_time"] == {"numerator": 2, "denominator": 2, "rate": 1.0}
    assert (rates["handled"]["numerator"], rates["handled"]["denominator"], rates["handled"]["rate"]) == (2, 3, 0.6667)
    assert (rates["concluded"]["numerator"], rates["concluded"]["denominator"]) == (2, 2)
    assert rates["communicated"]["numerator"] == 1 and rates["communicated"]["denominator"] == 2
    assert rates["communicated"]["rate"] == 0.5
    assert rates["communicated"]["on_time"] == {"numerator": 1, "denominator": 1, "rate": 1.0}
    assert body["period"] == {"from": "2026-03-01T00:00:00+08:00", "to": "2026-04-01T00:00:00+08:00",
                              "timezone": "Asia/Shanghai"}


def test_each_commitment_says_what_it_counts(api, three_cases):
    for commitment in report(api, "commitments")["commitments"]:
        assert commitment["label"] in commitment["definition"] and "denominator" in commitment["definition"]
        assert "分母" in commitment["definition"] and "分子" in commitment["definition"]


def test_an_acceptance_review_after_its_deadline_is_late(api):
    view = drive(api, "screened")  # blue: accept within 3 days
    api.clock.advance(timedelta(days=3, hours=1))
    advance_case(api, view, "accepted")
    registered = by_key(report(api, "commitments")["commitments"])["registered"]
    assert registered["on_time"] == {"numerator": 0, "denominator": 1, "rate": 0.0}


def test_no_cases_gives_null_rates_not_zero(api):
    rates = report(api, "commitments")["commitments"]
    assert all(c["denominator"] == 0 and c["rate"] is None and c["on_time"]["rate"] is None for c in rates)


def test_cases_outside_the_period_are_not_counted(api, three_cases):
    rates = report(api, "commitments", **{"from": "2026-04-01", "to": "2026-05-01"})["commitments"]
    assert all(c["denominator"] == 0 for c in rates)


# -- jurisdiction ---------------------------------------------------------------------------

def test_a_village_supervisor_sees_only_her_villages_cases(api, three_cases):
    rates = by_key(report(api, "commitments", "supervisor_a")["commitments"])
    assert rates["registered"]["denominator"] == 2
    assert report(api, "summary", "supervisor_a", group_by="channel")["total"] == 2
    assert report(api, "commitments", "supervisor_a", org_unit="grid-a1")["org_units"] == [
        {"id": "grid-a1", "name": "东村第一网格"}]


def test_a_unit_outside_her_jurisdiction_is_not_found(api, three_cases):
    for path, params in (("commitments", {}), ("summary", {}), ("overdue", {}), ("export.csv", {"report": "cases"})):
        response = api.get(f"/api/v1/reports/{path}", "supervisor_a", query_string={**params, "org_unit": "village-b"})
        assert response.status_code == 404, path
    assert api.get("/api/v1/reports/summary?org_unit=no-such-unit", "supervisor_town").status_code == 404


def test_reports_need_a_supervision_role(api):
    assert api.get("/api/v1/reports/commitments", "grid_a1").status_code == 403
    assert api.get("/api/v1/reports/commitments").status_code == 401
    assert api.get("/api/v1/reports/commitments", "rights_officer").status_code == 200
    assert api.get("/api/v1/reports/commitments", "admin").status_code == 200


# -- summary --------------------------------------------------------------------------------

def test_summary_counts_by_channel_with_every_channel_listed(api, three_cases):
    body = report(api, "summary", group_by="channel")
    counts = {g["key"]: g["count"] for g in body["groups"]}
    assert counts == {"letter": 1, "visit": 1, "phone": 1, "hotline_12338": 0, "online": 0,
                      "grid_screening": 0, "referral": 0}
    assert by_key(body["groups"])["letter"]["label"] == "来信"
    assert body["total"] == 3


def test_summary_counts_by_risk_colour_with_unscreened_cases_last(api, three_cases):
    groups = report(api, "summary", group_by="risk_colour")["groups"]
    assert [(g["key"], g["label"], g["count"]) for g in groups] == [
        ("red", "红色", 0), ("orange", "橙色", 0), ("yellow", "黄色", 1), ("blue", "蓝色", 1), (None, "未评估", 1)]


def test_summary_months_are_beijing_months(api):
    api.clock.set(datetime(2026, 2, 10, 2, 0, tzinfo=timezone.utc))
    drive(api, "received")
    api.clock.set(datetime(2026, 2, 28, 17, 0, tzinfo=timezone.utc))  # 1 March, 01:00 in Beijing
    drive(api, "received")
    groups = report(api, "summary", group_by="month", **{"from": "2026-01-01", "to": "2026-04-01"})["groups"]
    assert [(g["key"], g["count"]) for g in groups] == [("2026-01", 0), ("2026-02", 1), ("2026-03", 1)]


def test_summary_counts_by_org_unit_roll_up_one_level(api, three_cases):
    groups = report(api, "summary", "supervisor_town", group_by="org_unit")["groups"]
    assert [(g["key"], g["label"], g["count"]) for g in groups] == [("village-a", "东村", 2), ("village-b", "西村", 1)]


def test_resolution_rate_cycle_times_and_satisfaction(api, three_cases):
    body = report(api, "summary", group_by="level")
    assert {k: body["resolution_rate"][k] for k in ("numerator", "denominator", "rate")} == {
        "numerator": 1, "denominator": 1, "rate": 1.0}
    assert body["resolution_rate"]["definition"].startswith("化解率 = 期内以调解达成协议(mediated_agreement)结案")
    cycle = body["cycle_times"]
    assert (cycle["count"], cycle["median_days"], cycle["p90_days"]) == (1, 2.0, 2.0)
    assert cycle["by_level"] == [{"key": 1, "label": "一级（网格员现场调解）", "count": 1, "median_days": 2.0,
                                  "p90_days": 2.0}]
    satisfaction = body["satisfaction"]
    assert by_key(satisfaction["counts"])["satisfied"] == {"key": "satisfied", "label": "满意", "count": 1}
    assert satisfaction["total"] == 1 and satisfaction["satisfaction_rate"]["rate"] == 1.0


def test_follow_up_completion_counts_visits_that_came_due(api):
    view = drive(api, "fed_back")  # blue: visit due in six months, 2 September
    api.clock.set(datetime(2026, 9, 10, 2, 0, tzinfo=timezone.utc))
    september = {"from": "2026-09-01", "to": "2026-10-01"}
    follow_up = report(api, "summary", **september)["follow_up_completion"]
    assert (follow_up["numerator"], follow_up["denominator"]) == (0, 1)
    advance_case(api, view, "closed")
    follow_up = report(api, "summary", **september)["follow_up_completion"]
    assert (follow_up["numerator"], follow_up["denominator"], follow_up["on_time"]["numerator"]) == (1, 1, 0)


def test_bad_parameters_are_field_errors(api):
    for query, field in (("group_by=colour", "group_by"), ("from=yesterday", "from"),
                         ("from=2026-03-05&to=2026-03-01", "to")):
        response = api.get(f"/api/v1/reports/summary?{query}", "supervisor_town")
        assert response.status_code == 422, query
        assert response.get_json()["error"]["field_errors"][0]["field"] == field


# -- the 督办 list --------------------------------------------------------------------------

def test_overdue_list_puts_the_most_overdue_first(api):
    blue = drive(api, "screened")  # accept within 3 days
    yellow = drive(api, "screened", org_unit="grid-b1", screening=FRIGHTENED)  # within 1 day
    drive(api, "received")  # screening has no deadline: never overdue
    api.clock.advance(timedelta(days=4))
    body = report(api, "overdue")
    assert body["total"] == 2
    assert [i["case_id"] for i in body["items"]] == [yellow.id, blue.id]
    first = body["items"][0]
    assert (first["task"], first["overdue_days"], first["risk_colour"], first["org_unit"]) == (
        "accept_case", 3.0, "yellow", "grid-b1")
    assert first["deadline_basis"] and first["role"] == "intake_clerk" and first["case_no"].startswith("JH-2026-")
    paged = report(api, "overdue", page=2, per_page=1)
    assert [i["case_id"] for i in paged["items"]] == [blue.id] and paged["total"] == 2
    assert report(api, "overdue", "supervisor_a")["total"] == 1


# -- exports --------------------------------------------------------------------------------

def test_summary_exports_as_a_workbook_with_a_sheet_per_part(api, three_cases):
    response = api.get("/api/v1/reports/export.xlsx?report=summary&group_by=channel", "supervisor_town")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote('统计汇总')}_" in disposition
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["分组统计", "主要比率", "办理周期", "满意度", "说明"]
    groups = book["分组统计"]
    assert [c.value for c in groups[1]] == ["来件渠道", "案件数"] and groups.freeze_panes == "A2"
    assert [c.value for c in groups[groups.max_row]] == ["合计", 3]
    ratios = {row[0]: row[1:] for row in book["主要比率"].iter_rows(min_row=2, values_only=True)}
    assert ratios["化解率"] == (1, 1, 1.0)


def test_case_list_exports_dates_as_dates_and_no_sensitive_fields(api, three_cases):
    response = api.get("/api/v1/reports/export.xlsx?report=cases", "supervisor_town")
    sheet = load_workbook(io.BytesIO(response.data))["案件清单"]
    header = [c.value for c in sheet[1]]
    assert header == ["案件编号", "收件时间", "结束时间", "来件渠道", "纠纷类型", "风险颜色", "处置层级", "办理状态",
                      "处理结果", "所属单位"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3 and rows[0][1] == datetime(2026, 3, 2, 9, 0)  # Beijing time, a real date
    text = " ".join(str(v) for row in rows for v in row)
    assert "请求调解" not in text  # the summary may name people: never exported


def test_commitments_export_as_csv_with_a_bom(api, three_cases):
    response = api.get("/api/v1/reports/export.csv?report=commitments", "supervisor_town")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["承诺", "分子", "分母", "比率"]
    assert [r[:4] for r in rows[1:]] == [["有来必受", "3", "3", "100.00%"], ["有受必理", "2", "3", "66.67%"],
                                         ["有理必果", "2", "2", "100.00%"], ["有果必公", "1", "2", "50.00%"]]
    assert "filename=\"jiahe-commitments-20260301-20260401.csv\"" in response.headers["Content-Disposition"]


def test_overdue_and_summary_export_as_csv(api, three_cases):
    api.clock.advance(timedelta(days=30))
    overdue = api.get("/api/v1/reports/export.csv?report=overdue", "supervisor_town")
    rows = list(csv.reader(io.StringIO(overdue.data.decode("utf-8-sig"))))
    assert rows[0][0] == "案件编号" and len(rows) == 1 + report(api, "overdue")["total"]
    summary = api.get("/api/v1/reports/export.csv?report=summary", "supervisor_town").data.decode("utf-8-sig")
    assert summary.startswith("分组统计\r\n来件渠道,案件数\r\n") and "\r\n\r\n主要比率\r\n" in summary


def test_export_needs_a_known_report(api):
    response = api.get("/api/v1/reports/export.xlsx?report=everything", "supervisor_town")
    assert response.status_code == 422 and response.get_json()["error"]["field_errors"][0]["field"] == "report"
