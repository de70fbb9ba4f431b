from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from engine.scenarios.model import DEFAULT_CLOCK, ScenarioFileError, compact, parse_scenario, to_timedelta
from engine.scenarios.report import subset_mismatch

FULL = """
name: 红色风险不进入调解
process: dispute_case
org_unit: grid-a1
clock: 2026-05-04T08:30:00+08:00
start: {channel: phone, as: intake_clerk, data: {party: 张三}}
steps:
  - complete: register_intake
    as: grid_worker
    org_unit: grid-a1
    data: {visited_on: 2026-03-02}
  - advance: P2D
  - expect_task: mediate
    role: village_mediator
  - expect_no_task: legal_opinion
  - expect_event: escalated
    data: {level: 2}
  - expect_status: running
  - expect_data: {risk_colour: red}
expect:
  status: completed
  outcome: mediated_agreement
  path_includes: [risk_triage, record_outcome]
  path_excludes: [retry_mediation]
  events: [escalated]
  data: {risk_colour: red}
"""


def problems_of(text: str, file: str = "bad.yaml") -> list[str]:
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, file)
    assert caught.value.file == file
    return caught.value.problems


def test_a_full_scenario_becomes_plain_objects():
    scenario = parse_scenario(FULL, "dispute_red.yaml")
    assert (scenario.name, scenario.process, scenario.org_unit) == ("红色风险不进入调解", "dispute_case", "grid-a1")
    assert scenario.clock == datetime(2026, 5, 4, 0, 30, tzinfo=timezone.utc)
    assert [s.verb for s in scenario.steps] == ["complete", "advance", "expect_task", "expect_no_task",
                                                "expect_event", "expect_status", "expect_data"]
    first = scenario.steps[0]
    assert (first.index, first.role, first.org_unit, first.label) == (1, "grid_worker", "grid-a1",
                                                                      "complete: register_intake")
    assert scenario.steps[2].role == "village_mediator"
    assert scenario.steps[4].data == {"level": 2}
    assert scenario.expect.outcome == "mediated_agreement" and scenario.expect.has_outcome
    assert scenario.expect.path_excludes == ["retry_mediation"]


def test_the_channel_is_merged_into_the_start_data():
    start = parse_scenario(FULL, "x.yaml").start
    assert start.actor_role == "intake_clerk"
    assert start.case_data() == {"party": "张三", "channel": "phone"}


def test_dates_in_yaml_stay_text_as_a_form_would_receive_them():
    step = parse_scenario(FULL, "x.yaml").steps[0]
    assert step.data == {"visited_on": "2026-03-02"}


def test_name_defaults_to_the_file_name_and_the_clock_to_monday_morning_in_beijing():
    scenario = parse_scenario("process: five_steps", "five_steps_ok.yaml")
    assert scenario.name == "five_steps_ok"
    assert scenario.clock == DEFAULT_CLOCK == datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    assert scenario.steps == [] and scenario.expect.status is None and not scenario.expect.has_outcome


def test_every_problem_in_a_file_is_reported_at_once_with_its_step():
    problems = problems_of("""
process: five_steps
colour: red
steps:
  - complete: step_1
    rol: grid_worker
  - advance: two days
  - jump: step_3
  - expect_status: finished
  - complete: step_1
    expect_task: step_2
expect:
  path_includes: step_1
""")
    assert problems == [
        "unknown key 'colour' (known: name, process, org_unit, clock, start, steps, expect, profiles)",
        "step 1 (complete): unknown key 'rol' (known: as, org_unit, data)",
        "step 2 (advance): the value must be an ISO 8601 duration such as P2D or PT4H, got 'two days'",
        "step 3: needs exactly one of complete, advance, expect_task, expect_no_task, expect_event, "
        "expect_status, expect_data, start_case, follow; found only jump",
        "step 4 (expect_status): the value must be one of running, completed, terminated, suspended, "
        "incident, got 'finished'",
        "step 5: needs exactly one of complete, advance, expect_task, expect_no_task, expect_event, "
        "expect_status, expect_data, start_case, follow; found complete, expect_task",
        "expect: 'path_includes' must be a list of element ids, got 'step_1'",
    ]


def test_the_error_message_starts_with_the_file_name():
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario("steps: []", "empty_steps.yaml")
    assert caught.value.message == "empty_steps.yaml: 'process' is required"


@pytest.mark.parametrize("text, problem", [
    ("", "the file is empty"),
    ("- complete: a", "the file must be a mapping with process, start, steps and expect"),
    ("process: p\nstart: phone", "'start' must be a mapping, got 'phone'"),
    ("process: p\nsteps: {complete: a}", "'steps' must be a list, got {'complete': 'a'}"),
    ("process: p\nsteps: [complete]", "step 1: must be a mapping such as '- complete: TASK_ID', got 'complete'"),
    ("process: p\nsteps: [{complete: 7}]", "step 1 (complete): the value must be a non-empty text, got 7"),
    ("process: p\nsteps: [{expect_task: a, role: [x]}]", "step 1 (expect_task): 'role' must be a non-empty text"),
    ("process: p\nsteps: [{complete: a, data: yes}]", "step 1 (complete): 'data' must be a mapping, got True"),
    ("process: p\nsteps: [{expect_data: red}]", "step 1 (expect_data): the value must be a mapping, got 'red'"),
    ("process: p\nclock: 2026-03-02T09:00", "'clock' needs a timezone (e.g. 2026-03-02T09:00+08:00)"),
    ("process: p\nclock: soon", "'clock' must be an ISO 8601 date and time, got 'soon'"),
    ("process: p\nexpect: {outcome: [a, b]}", "expect: 'outcome' must be a single value, got ['a', 'b']"),
    ("process: p\nexpect: {path: [a]}", "expect: unknown key 'path'"),
])
def test_wrong_shapes_and_types_are_named(text, problem):
    assert any(p.startswith(problem) for p in problems_of(text)), problems_of(text)


def test_follow_names_the_process_to_follow_or_main():
    scenario = parse_scenario("process: p\nsteps:\n  - follow: dispute_case\n  - follow: main\n", "x.yaml")
    assert [(s.verb, s.value, s.options) for s in scenario.steps] == [("follow", "dispute_case", {}),
                                                                      ("follow", "main", {})]
    assert scenario.steps[0].label == "follow: dispute_case"


def test_a_follow_that_names_no_process_is_a_file_error_listed_with_the_others():
    assert problems_of("""
process: p
steps:
  - follow: 3
  - follow: [dispute_case, petition]
  - follow:
  - follow: dispute_case
    as: grid_worker
  - advance: soon
""") == [
        "step 1 (follow): the value must be a non-empty text, got 3",
        "step 2 (follow): the value must be a non-empty text, got ['dispute_case', 'petition']",
        "step 3 (follow): the value must be a non-empty text, got None",
        "step 4 (follow): unknown key 'as' (known: none)",
        "step 5 (advance): the value must be an ISO 8601 duration such as P2D or PT4H, got 'soon'",
    ]


def test_invalid_yaml_says_where():
    assert problems_of("process: p\nsteps: [ {complete: a\n") == [
        "not valid YAML: expected ',' or '}', but got '<stream end>' at line 3, column 1"]


@pytest.mark.parametrize("duration", ["P2D", "PT4H", "P1W", "P1Y2M3DT4H5M6.5S", "p30d", "PT0.5S"])
def test_iso_durations_are_accepted(duration):
    assert parse_scenario(f"process: p\nsteps: [{{advance: {duration}}}]", "x.yaml").steps[0].value


@pytest.mark.parametrize("duration", ["P", "PT", "2D", "P1DT", "P1.5D", "-P1D", "P1H"])
def test_malformed_durations_are_refused(duration):
    assert problems_of(f"process: p\nsteps: [{{advance: '{duration}'}}]")[0].startswith(
        "step 1 (advance): the value must be an ISO 8601 duration")


def test_a_month_is_as_long_as_the_timers_say():
    march = datetime(2026, 3, 2, tzinfo=timezone.utc)
    assert to_timedelta("P1M", march) == timedelta(days=31)
    assert to_timedelta("P1DT2H", march) == timedelta(days=1, hours=2)


def test_compact_reads_like_the_yaml_it_came_from():
    assert compact({"level": 2, "ok": True, "gone": None, "ids": ["a", "b"]}) == \
        "{level: 2, ok: true, gone: null, ids: [a, b]}"


def test_subset_matching_names_the_first_difference():
    actual = {"risk": {"colour": "red", "score": 9}, "count": 1}
    assert subset_mismatch({"risk": {"colour": "red"}}, actual) is None
    assert subset_mismatch({"risk": {"colour": "amber"}}, actual) == "risk.colour: expected amber, got red"
    assert subset_mismatch({"outcome": "x"}, actual) == "outcome: expected x, missing"
    assert subset_mismatch({"count": True}, actual) == "count: expected true, got 1"
