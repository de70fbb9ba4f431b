"""GET /reports/services: 12338 calls per line, couples counselled and reconciled at the marriage
registry, counselling projects per organisation and street — on cases played through the real
engine from the processes' own scenario files (so the figures follow what the processes record)."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.scenarios import load_scenario
from engine.scenarios.model import to_timedelta

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "processes"


def play(api, path: str, org_unit: str | None = None):
    """Start the scenario's case in the API's database and do its steps up to the first that
    follows another case; expectations are the scenario tests' business, not this one's."""
    scenario = load_scenario(SCENARIOS / path)
    runtime = api.services.runtime
    view = runtime.start(scenario.process, actor="clerk", data=scenario.start.case_data(),
                         org_unit=org_unit or scenario.org_unit)
    for step in scenario.steps:
        if step.verb in ("follow", "start_case"):
            break
        if step.verb == "complete":
            task = view.ready_task(step.value)
            assert task is not None, (path, step.label, [t.name for t in view.tasks])
            view = runtime.complete(task.id, step.data, actor="clerk")
        elif step.verb == "advance":
            api.clock.advance(to_timedelta(step.value, api.clock.now()))
            runtime.fire_due_timers()
            view = runtime.instance(view.id)
    return runtime.instance(view.id)


def services(api, user="supervisor_county", **params):
    response = api.get("/api/v1/reports/services", user, query_string={"from": "2026-03-01", **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def by_key(items):
    return {item["key"]: item for item in items}


def test_hotline_calls_are_counted_per_reception_line_and_specialist_line(api):
    play(api, "hotline_call/answered_on_line.yaml")
    play(api, "hotline_call/legal_line_transfer_callback.yaml")
    play(api, "hotline_call/dv_emergency_red_path.yaml")
    play(api, "hotline_call/regional_line_callback_unreachable.yaml")
    hotline = services(api)["hotline"]
    assert hotline["calls"] == 4
    lines = by_key(hotline["lines"])
    assert sum(line["calls"] for line in lines.values()) == 4
    assert lines["main"]["label"] == "12338主线"
    totals = {k: sum(line[k] for line in lines.values()) for k in
              ("answered_on_line", "to_specialist", "to_regional", "dv_emergency", "registered_dispute")}
    assert totals == {"answered_on_line": 1, "to_specialist": 1, "to_regional": 1, "dv_emergency": 1,
                      "registered_dispute": 1}
    assert by_key(hotline["specialist_lines"])["legal"] == {"key": "legal", "label": "律师专线", "count": 1}
    categories = {c["key"]: c["count"] for line in lines.values() for c in line["categories"] if c["count"]}
    assert sum(categories.values()) == 4 and categories.get("dv_emergency") == 1
    assert hotline["callbacks"]["done"] >= 1
    assert "12338" in hotline["definition"]


def test_couples_counselled_and_reconciled_at_the_registry(api):
    play(api, "marriage_counselling/reconciled_application_withdrawn.yaml")
    play(api, "marriage_counselling/proceeded_certificate_applied.yaml")
    play(api, "marriage_counselling/declined_counselling.yaml")
    registry = services(api)["marriage_counselling"]
    assert (registry["registered"], registry["counselled"], registry["reconciled"]) == (3, 2, 1)
    assert registry["reconciliation_rate"] == {"numerator": 1, "denominator": 2, "rate": 0.5}
    outcomes = {o["key"]: o for o in registry["outcomes"]}
    assert outcomes["reconciled"]["label"] == "劝和成功（撤回离婚登记申请）"
    assert (outcomes["reconciled"]["count"], outcomes["proceeded"]["count"], outcomes["declined"]["count"]) == (1, 1, 1)


def test_counselling_projects_are_counted_per_organisation_and_street(api):
    play(api, "counselling_service/completed_improved.yaml")
    play(api, "counselling_service/dropped_out_missed_sessions.yaml")
    play(api, "counselling_service/declined_at_acceptance.yaml")
    projects = services(api)["counselling_projects"]
    assert projects["families"] == 3
    groups = {(g["organisation"], g["street"]): g for g in projects["groups"]}
    assert sum(g["referred"] for g in groups.values()) == 3
    closed = {o["key"]: o for g in groups.values() for o in g["outcomes"]}
    assert closed["improved"]["count"] == 1 and closed["dropped_out"]["count"] == 1
    assert closed["declined"]["label"] == "项目不予受理"
    ratio = [g["completion_rate"] for g in groups.values()]
    assert (sum(r["numerator"] for r in ratio), sum(r["denominator"] for r in ratio)) == (1, 3)


def test_figures_stay_within_jurisdiction_and_period(api):
    play(api, "hotline_call/answered_on_line.yaml", org_unit="village-a")
    play(api, "hotline_call/answered_on_line.yaml", org_unit="village-b")
    assert services(api, user="supervisor_a")["hotline"]["calls"] == 1   # 东村's supervisor: 东村's call
    assert services(api)["hotline"]["calls"] == 2                        # the county: both
    assert services(api, **{"from": "2026-02-01", "to": "2026-03-01"})["hotline"]["calls"] == 0  # before the calls
    response = api.get("/api/v1/reports/services", "supervisor_a", query_string={"org_unit": "village-b"})
    assert response.status_code == 404


@pytest.mark.parametrize("user", ["grid_a1", "mediator_a", "designer"])
def test_only_supervision_reads_the_service_figures(api, user):
    assert api.get("/api/v1/reports/services", user).status_code == 403


def test_the_service_figures_export_as_a_workbook_with_their_definitions(api):
    from io import BytesIO

    from openpyxl import load_workbook

    play(api, "hotline_call/answered_on_line.yaml")
    play(api, "marriage_counselling/reconciled_application_withdrawn.yaml")
    response = api.get("/api/v1/reports/export.xlsx", "supervisor_county",
                       query_string={"report": "services", "from": "2026-03-01"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    assert {"12338热线分线统计", "和合之家婚姻辅导", "心理咨询服务项目", "说明"} <= set(book.sheetnames)
    lines = [row for row in book["12338热线分线统计"].iter_rows(values_only=True)]
    assert lines[0][:2] == ("接听线路", "来电") and lines[-1][:2] == ("合计", 1)
    registry = {row[0]: row[1] for row in book["和合之家婚姻辅导"].iter_rows(values_only=True)}
    assert (registry["接受辅导"], registry["劝和成功"]) == (1, 1)
    notes = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert notes["报表"] == "服务统计" and "劝和率" in notes["和合之家婚姻辅导"]
