"""Scripts and expressions in the sandbox: helpers on an injected clock, data in and out,
and SpiffWorkflow running script tasks through it."""
from datetime import date, datetime, timedelta, timezone

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.calendar import CHINA_TZ, WorkingCalendar
from engine.clock import ManualClock
from engine.errors import SandboxViolation
from engine.sandbox import Sandbox, check_source, make_script_engine

START = datetime(2026, 9, 29, 20, 0, tzinfo=timezone.utc)  # 04:00 on 30 September in Beijing


@pytest.fixture
def clock():
    return ManualClock(START)


@pytest.fixture
def sandbox(clock):
    return Sandbox(clock=clock)


# ---------------------------------------------------------------- helpers

def test_now_reads_the_injected_clock_and_follows_it(sandbox, clock):
    assert sandbox.evaluate("now()", {}) == START
    clock.advance(timedelta(days=2))
    assert sandbox.evaluate("now()", {}) == START + timedelta(days=2)


def test_today_is_the_beijing_calendar_day(sandbox):
    assert sandbox.evaluate("today()", {}) == date(2026, 9, 30)


def test_working_day_helpers_use_the_china_calendar(sandbox):
    assert sandbox.evaluate("add_working_days(today(), 1)", {}) == date(2026, 10, 8)
    assert sandbox.evaluate("add_working_days('2026-09-30', 1)", {}) == date(2026, 10, 8)
    assert sandbox.evaluate("is_working_day(d)", {"d": "2026-10-10"}) is True
    assert sandbox.evaluate("working_days_between(a, b)", {"a": "2026-09-30", "b": "2026-10-10"}) == 3


def test_working_day_helpers_honour_local_overrides(clock):
    local = Sandbox(clock=clock, calendar=WorkingCalendar(extra_workdays=["2026-10-02"]))
    assert local.evaluate("add_working_days(today(), 1)", {}) == date(2026, 10, 2)


def test_adding_working_days_to_now_keeps_the_time(sandbox):
    expected = datetime(2026, 10, 7, 20, 0, tzinfo=timezone.utc)  # 8 October, 04:00 in Beijing
    assert sandbox.evaluate("add_working_days(now(), 1)", {}) == expected


def test_date_arithmetic_helpers_accept_iso_strings(sandbox):
    assert sandbox.evaluate("add_days('2026-03-01', 3)", {}) == date(2026, 3, 4)
    assert sandbox.evaluate("add_hours('2026-03-01T09:00', 2)", {}) == datetime(2026, 3, 1, 11, tzinfo=CHINA_TZ)
    assert sandbox.evaluate("days_between('2026-03-01', date(2026, 3, 31))", {}) == 30
    assert sandbox.evaluate("parse_date('2026-03-01T20:00:00+00:00')", {}) == date(2026, 3, 2)
    assert sandbox.evaluate("parse_datetime('2026-03-01T09:00').utcoffset()", {}) == timedelta(hours=8)


def test_iso_and_duration_helpers_round_trip(sandbox):
    assert sandbox.evaluate("iso(add_days(now(), 1))", {}) == "2026-09-30T20:00:00+00:00"
    assert sandbox.evaluate("duration('P3DT4H')", {}) == timedelta(days=3, hours=4)
    assert sandbox.evaluate("iso(duration('P2D') + duration('PT1H'))", {}) == "P2DT1H"


def test_helpers_are_the_documented_whitelist(sandbox):
    expected = {"now", "today", "parse_datetime", "parse_date", "add_days", "add_hours", "add_working_days",
                "working_days_between", "is_working_day", "days_between", "iso", "duration"}
    assert expected <= set(sandbox.helpers)


# ---------------------------------------------------------------- data in and out

def test_execute_leaves_new_and_changed_variables_in_the_data(sandbox):
    data = {"x": 3, "keep": "yes"}
    sandbox.execute("y = x * 2\nx = x + 1", data)
    assert data == {"x": 4, "keep": "yes", "y": 6}


def test_execute_drops_functions_helpers_and_external_names(sandbox):
    data = {"x": 1}
    sandbox.execute("def double(v):\n    return v * 2\nf = lambda v: v\ny = double(x) + offset\nt = today",
                    data, external_context={"offset": 10})
    assert data == {"x": 1, "y": 12}


def test_execute_keeps_data_that_shares_a_helper_name(sandbox):
    data = {"today": "a field value"}
    sandbox.execute("copy = today", data)
    assert data == {"today": "a field value", "copy": "a field value"}


def test_execute_removes_deleted_variables(sandbox):
    data = {"scratch": 1, "x": 2}
    sandbox.execute("del scratch", data)
    assert data == {"x": 2}


def test_failing_script_leaves_the_data_unchanged(sandbox):
    data = {"x": 1}
    with pytest.raises(ZeroDivisionError):
        sandbox.execute("y = 2\nz = 1 / 0", data)
    assert data == {"x": 1}


def test_items_of_json_data_can_be_assigned_and_appended(sandbox):
    data = {"case": {"tags": ["a"], "counts": {"visits": 1}}, "items": [1, 2]}
    sandbox.execute(
        "case['status'] = 'open'\ncase['tags'].append('b')\ncase['counts']['visits'] += 1\n"
        "items.append(3)\nitems[0] = 0\ndel case['tags'][0]",
        data)
    assert data == {"case": {"tags": ["b"], "counts": {"visits": 2}, "status": "open"}, "items": [0, 2, 3]}


def test_comprehensions_f_strings_and_unpacking_work(sandbox):
    data = {"people": [{"name": "张三", "age": 30}, {"name": "李四", "age": 17}]}
    sandbox.execute(
        "adults = [p['name'] for p in people if p['age'] >= 18]\n"
        "ages = {p['name']: p['age'] for p in people}\n"
        "first, second = people\n"
        "summary = f\"{len(adults)} adult(s), oldest {max(p['age'] for p in people):>3}\"\n"
        "pairs = sorted(ages.items(), key=lambda kv: kv[1])\n"
        "total = 0\nfor name, age in pairs:\n    total += age\n",
        data)
    assert data["adults"] == ["张三"]
    assert data["summary"] == "1 adult(s), oldest  30"
    assert data["pairs"] == [["李四", 17], ["张三", 30]]  # case data is JSON: tuples become lists
    assert data["total"] == 47
    assert data["first"]["name"] == "张三"


def test_scripts_may_raise_and_catch_ordinary_exceptions(sandbox):
    with pytest.raises(ValueError, match="bad risk"):
        sandbox.execute("raise ValueError('bad risk')", {})
    data = {}
    sandbox.execute("try:\n    x = int('no')\nexcept ValueError:\n    x = -1", data)
    assert data == {"x": -1}


def test_print_is_harmless(sandbox):
    data = {}
    sandbox.execute("print('hello')\nx = 1", data)
    assert data == {"x": 1}


def test_evaluate_sees_data_and_external_context(sandbox):
    assert sandbox.evaluate("dmninputexpr > limit", {"limit": 3}, {"dmninputexpr": 5}) is True
    assert sandbox.evaluate("x", {"x": "data"}, {"x": "external"}) == "data"


def test_evaluate_accepts_an_indented_condition_as_diagrams_write_them(sandbox):
    assert sandbox.evaluate("   risk == 'red'", {"risk": "red"}) is True


def test_evaluate_does_not_change_the_data(sandbox):
    data = {"items": [3, 1, 2]}
    assert sandbox.evaluate("sorted(items)", data) == [1, 2, 3]
    assert data == {"items": [3, 1, 2]}


def test_guards_win_over_task_data_with_their_names(sandbox):
    data = {"__builtins__": {}, "_getattr_": "from a form"}
    assert sandbox.evaluate("len([1, 2])", data) == 2
    sandbox.execute("y = 1", data)
    assert data == {"__builtins__": {}, "_getattr_": "from a form", "y": 1}


# ---------------------------------------------------------------- compiling and lint

def test_compile_is_cached_per_source(sandbox):
    assert sandbox.compile("risk == 'red'", "eval") is sandbox.compile("risk == 'red'", "eval")


def test_compile_refusal_carries_the_line(sandbox):
    with pytest.raises(SandboxViolation) as refused:
        sandbox.compile("x = 1\ny = 2\nimport os")
    assert refused.value.context["line"] == 3


def test_check_source_is_empty_for_good_code():
    assert check_source("y = x * 2") == []
    assert check_source("risk == 'red' and score > 3", "eval") == []


def test_check_source_reports_the_line_of_a_syntax_error():
    problems = check_source("x = 1\nif x >\n    y = 2")
    assert [line for line, _ in problems] == [2]
    assert "SyntaxError" in problems[0][1]


def test_check_source_reports_the_line_of_an_import():
    assert check_source("x = 1\nimport os") == [(2, "import is not allowed; use the helper functions")]


def test_check_source_reports_every_problem():
    problems = check_source("a = ().__class__\nimport os\nb = x._secret")
    assert [line for line, _ in problems] == [1, 2, 3]


# ---------------------------------------------------------------- SpiffWorkflow

SCRIPT_PROCESS = """
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:scriptTask id="work" name="Compute">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>"""

GATEWAY_PROCESS = """
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="risk"/>
    <bpmn:exclusiveGateway id="risk" default="calm">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>urgent</bpmn:outgoing><bpmn:outgoing>calm</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="urgent" sourceRef="risk" targetRef="end_urgent">
      <bpmn:conditionExpression>
        risk == "red" and is_working_day(today())
      </bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="calm" sourceRef="risk" targetRef="end_calm"/>
    <bpmn:endEvent id="end_urgent"><bpmn:incoming>urgent</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end_calm"><bpmn:incoming>calm</bpmn:incoming></bpmn:endEvent>"""


def _workflow(body: str, data: dict, sandbox: Sandbox | None = None) -> BpmnWorkflow:
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs"
                  targetNamespace="http://jiahe.test">
  <bpmn:process id="calc" isExecutable="true">{body}
  </bpmn:process>
</bpmn:definitions>"""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml.encode("utf-8"))
    engine = make_script_engine(sandbox or Sandbox())
    workflow = BpmnWorkflow(parser.get_spec("calc"), script_engine=engine)
    for task in workflow.get_tasks():
        task.data.update(data)
    return workflow


def _script_workflow(script: str, data: dict) -> BpmnWorkflow:
    return _workflow(SCRIPT_PROCESS.format(script=script), data)


def test_spiff_script_task_runs_in_the_sandbox():
    workflow = _script_workflow("y = x * 2", {"x": 21})
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert workflow.last_task.data == {"x": 21, "y": 42}


def test_spiff_failing_script_reports_its_line():
    workflow = _script_workflow("a = 1\nb = 2\nc = x / 0", {"x": 1})
    with pytest.raises(WorkflowTaskException) as failure:
        workflow.do_engine_steps()
    assert failure.value.line_number == 3
    assert failure.value.error_line == "c = x / 0"
    assert failure.value.error_type == "ZeroDivisionError"


def test_spiff_refused_script_reports_its_line():
    workflow = _script_workflow("a = 1\nb = ().__class__", {})
    with pytest.raises(WorkflowTaskException) as failure:
        workflow.do_engine_steps()
    assert failure.value.line_number == 2
    assert failure.value.error_type == "SandboxViolation"


@pytest.mark.parametrize("risk, ends_at", [("red", "end_urgent"), ("green", "end_calm")])
def test_spiff_gateway_condition_runs_in_the_sandbox_with_helpers(clock, risk, ends_at):
    workflow = _workflow(GATEWAY_PROCESS, {"risk": risk}, Sandbox(clock=clock))  # 30 Sep: a working day
    workflow.do_engine_steps()
    assert workflow.is_completed()
    completed = {t.task_spec.name for t in workflow.get_tasks(state=TaskState.COMPLETED)}
    assert ends_at in completed and {"end_urgent", "end_calm"} - {ends_at} - completed


def test_engine_validate_keeps_syntax_errors_for_dmn():
    engine = make_script_engine(Sandbox())
    engine.validate("'red'")
    with pytest.raises(SyntaxError):
        engine.validate("> 5")
    with pytest.raises(SandboxViolation):
        engine.validate("x.__class__")
