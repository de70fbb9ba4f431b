"""Issue #10's corpus: what a designer's diagram may contain cannot hang, exhaust or wedge the
engine. Each payload is deployed as a real process (a script, a gateway condition, a DMN cell, a
timer expression) and started; it must end as an incident on its element naming the limit it
hit — or be refused by lint and deploy — and the next case on the same runtime and evaluation
processes must then run normally."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone
from xml.sax.saxutils import escape

import pytest

from engine.clock import ManualClock
from engine.definitions.instructions import render_instructions
from engine.errors import DefinitionError, SandboxTimeout
from engine.runtime.deployment import deploy_project
from engine.runtime.runtime import Runtime
from engine.sandbox import Sandbox
from tests.conftest import FIXTURES
from tests.databases import sqlite_store

LIMIT = 0.5  # seconds: short, so that the corpus stays quick; the grace for a kill is added

# Single C calls that no bytecode-level deadline can interrupt, and the sandbox's own weak spots.
C_CALL_BOMBS = {
    "str_of_aliased_nested_list": "str([[0] * 10**6] * 10**6)",
    "sorted_aliased_nested_list": "sorted([[0] * 10**6] * 10**6)",
    "max_aliased_nested_list": "max([[0] * 10**6] * 10**6)",
    "equal_aliased_nested_lists": "[[0] * 10**6] * 10**6 == [[0] * 10**6] * 10**6",
    "round_to_huge_negative_digits": "round(7, -10**9)",
    "floor_division_of_huge_ints": "int.from_bytes(b'\\xff' * 10**6, 'big') // int.from_bytes(b'\\x7f' * 10**6, 'big')",
    "star_unpacking_past_the_cap": "[*([0] * 10**6), *([0] * 10**6), *([0] * 10**6)]",
    "quadratic_printf_guard": "('%(' * 500000) % {}",
    "ljust_two_gigabytes": "''.ljust(2 * 10**9)",
    "nested_comprehension": "[[j for j in range(10**6)] for i in range(10**6)]",
    "repr_of_aliased_dict_tower": "str({'a': [{'b': [0] * 10**6}] * 10**6})",
    "in_of_aliased_lists": "[0] * 999999 + [1] in [[0] * 999999 + [2]] * 10**6",
}
SCRIPT_ONLY_BOMBS = {
    "fstring_of_a_long_string": "s = 'x' * 10**6\nt = f'" + "{s}" * 2000 + "'",
    "doubling_by_assignment": "a = [0] * 10**6\nfor i in range(60):\n    a = [a, a]\nb = str(a)",
    "busy_loop": "while True:\n    pass",
    "exception_handler_loop": "while True:\n    try:\n        x = 1 / 0\n    except Exception:\n        pass",
}
UNSAVEABLE = {
    "exception_object": "kept = ValueError('no')",
    "range_object": "kept = range(3)",
    "generator_in_dict": "kept = {'g': (i for i in [1, 2])}",
    "self_referencing_list": "kept = []\nkept.append(kept)",
    "hundred_thousand_deep_list": "kept = []\nfor i in range(100000):\n    kept = [kept]",
    "timezone_in_list": "kept = [timezone.utc]",
    "set": "kept = {1, 2}",
    "date_object": "kept = today()",
}


def _bpmn(process_id: str, body: str, flows: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="{process_id}_defs" targetNamespace="http://jiahe.example/test">
  <bpmn:process id="{process_id}" name="探针" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
{body}
    <bpmn:userTask id="review" name="复核"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming>{'<bpmn:incoming>f3</bpmn:incoming>' if 'id="f3"' in flows else ''}</bpmn:endEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="probe_step"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
{flows}
  </bpmn:process>
</bpmn:definitions>
"""


def script_process(script: str) -> dict[str, str]:
    body = f"""    <bpmn:scriptTask id="probe_step" name="脚本"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing>
      <bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>"""
    flows = '    <bpmn:sequenceFlow id="f1" sourceRef="probe_step" targetRef="review"/>\n'
    return {"bpmn/probe.bpmn": _bpmn("probe", body, flows)}


def condition_process(condition: str) -> dict[str, str]:
    body = """    <bpmn:exclusiveGateway id="probe_step" name="判断" default="f3"><bpmn:incoming>f0</bpmn:incoming>
      <bpmn:outgoing>f1</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing></bpmn:exclusiveGateway>"""
    flows = f"""    <bpmn:sequenceFlow id="f1" sourceRef="probe_step" targetRef="review">
      <bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f3" sourceRef="probe_step" targetRef="end"/>"""
    return {"bpmn/probe.bpmn": _bpmn("probe", body, flows)}


def timer_process(expression: str) -> dict[str, str]:
    body = f"""    <bpmn:intermediateCatchEvent id="probe_step" name="等待"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing>
      <bpmn:timerEventDefinition id="probe_timer"><bpmn:timeDuration>{escape(expression)}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>"""
    flows = '    <bpmn:sequenceFlow id="f1" sourceRef="probe_step" targetRef="review"/>\n'
    return {"bpmn/probe.bpmn": _bpmn("probe", body, flows)}


def decision_process(cell: str) -> dict[str, str]:
    body = """    <bpmn:businessRuleTask id="probe_step" name="决策"><bpmn:extensionElements>
      <spiffworkflow:calledDecisionId>probe_table</spiffworkflow:calledDecisionId></bpmn:extensionElements>
      <bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing></bpmn:businessRuleTask>"""
    flows = '    <bpmn:sequenceFlow id="f1" sourceRef="probe_step" targetRef="review"/>\n'
    bpmn = _bpmn("probe", body, flows)
    dmn = f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="probe_defs" name="探针" namespace="http://jiahe.example/dmn">
  <decision id="probe_table" name="探针">
    <decisionTable id="probe_dt" hitPolicy="FIRST">
      <input id="in_x" label="x"><inputExpression id="in_x_expr" typeRef="integer"><text>x</text></inputExpression></input>
      <output id="out_y" label="y" name="y" typeRef="string" />
      <rule id="r1"><inputEntry id="r1_in"><text>{escape(cell)}</text></inputEntry><outputEntry id="r1_out"><text>"matched"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
"""
    return {"bpmn/probe.bpmn": bpmn, "bpmn/probe.dmn": dmn}


@pytest.fixture(scope="module")
def probe_runtime(tmp_path_factory):
    root = tmp_path_factory.mktemp("probe_db")
    store = sqlite_store(root / "jiahe.sqlite3")
    clock = ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))
    runtime = Runtime(store, clock=clock, sandbox=Sandbox(clock=clock, time_limit=LIMIT))
    deploy_project(runtime, FIXTURES, actor="designer")
    yield runtime
    store.dispose()


@pytest.fixture
def deploy_probe(probe_runtime, tmp_path):
    def deploy(files: dict[str, str]) -> None:
        project = tmp_path / "project"
        shutil.rmtree(project, ignore_errors=True)
        (project / "processes" / "bpmn").mkdir(parents=True)
        shutil.copytree(FIXTURES / "forms", project / "forms")
        (project / "processes" / "catalog.yaml").write_text("processes:\n  probe:\n    name: 探针\n", encoding="utf-8")
        for name, text in files.items():
            (project / "processes" / name).write_text(text, encoding="utf-8")
        deploy_project(probe_runtime, project, actor="designer")
    return deploy


def _assert_stopped_and_next_case_runs(runtime, *, limit_words: tuple[str, ...] = ()):
    view = runtime.start("probe", actor="clerk", org_unit="g", data={"x": 1, "items": []})
    assert view.status == "incident", view.tasks
    [incident] = view.incidents
    assert incident.element_id == "probe_step"
    if limit_words:
        assert any(word in incident.message for word in limit_words), incident.message
    fine = runtime.start("scripted", actor="clerk", org_unit="g", data={"amount": 1, "parties": 1})
    assert fine.status == "running" and fine.ready_task("review") is not None
    done = runtime.complete(fine.ready_task("review").id, {}, actor="w")
    assert done.data["share"] == 2.0
    return incident


STOP_WORDS = ("Sandbox", "allows", "limit", "longer than", "memory", "too large", "not allowed")


@pytest.mark.parametrize("script", [f"result = bool({p})" for p in C_CALL_BOMBS.values()]
                         + list(SCRIPT_ONLY_BOMBS.values()), ids=list(C_CALL_BOMBS) + list(SCRIPT_ONLY_BOMBS))
def test_a_script_bomb_becomes_an_incident_and_the_next_case_runs(deploy_probe, probe_runtime, script):
    deploy_probe(script_process(script))
    _assert_stopped_and_next_case_runs(probe_runtime, limit_words=STOP_WORDS)


@pytest.mark.parametrize("payload", list(C_CALL_BOMBS.values()), ids=list(C_CALL_BOMBS))
def test_a_condition_bomb_becomes_an_incident_and_the_next_case_runs(deploy_probe, probe_runtime, payload):
    deploy_probe(condition_process(f"bool({payload})"))
    _assert_stopped_and_next_case_runs(probe_runtime, limit_words=STOP_WORDS)


@pytest.mark.parametrize("name", ["str_of_aliased_nested_list", "round_to_huge_negative_digits",
                                  "quadratic_printf_guard", "ljust_two_gigabytes", "nested_comprehension"])
def test_a_decision_cell_bomb_becomes_an_incident_and_the_next_case_runs(deploy_probe, probe_runtime, name):
    deploy_probe(decision_process(f"? == len({C_CALL_BOMBS[name]})"))
    _assert_stopped_and_next_case_runs(probe_runtime, limit_words=STOP_WORDS)


@pytest.mark.parametrize("name", ["str_of_aliased_nested_list", "ljust_two_gigabytes", "nested_comprehension"])
def test_a_timer_expression_bomb_becomes_an_incident_and_the_next_case_runs(deploy_probe, probe_runtime, name):
    deploy_probe(timer_process(f"'PT' + str(len({C_CALL_BOMBS[name]})) + 'S'"))
    _assert_stopped_and_next_case_runs(probe_runtime, limit_words=STOP_WORDS)


@pytest.mark.parametrize("script", list(UNSAVEABLE.values()), ids=list(UNSAVEABLE))
def test_a_value_case_data_cannot_hold_is_an_incident_at_its_step(deploy_probe, probe_runtime, script):
    deploy_probe(script_process(script))
    incident = _assert_stopped_and_next_case_runs(probe_runtime)
    assert "kept" in incident.message and "UnsaveableValue" in incident.message, incident.message


def test_an_incident_from_a_bomb_can_be_retried_after_the_fix_and_nothing_is_lost(deploy_probe, probe_runtime):
    deploy_probe(script_process("kept = {1, 2} if x == 1 else [1, 2]"))
    view = probe_runtime.start("probe", actor="clerk", org_unit="g", data={"x": 1})
    assert view.status == "incident"
    fixed = probe_runtime.retry(view.id, actor="admin", data={"x": 2})
    assert fixed.status == "running" and fixed.data["kept"] == [1, 2]


def test_a_condition_cannot_change_case_data(deploy_probe, probe_runtime):
    deploy_probe(condition_process("items.append('x') or True"))
    view = probe_runtime.start("probe", actor="clerk", org_unit="g", data={"x": 1, "items": []})
    assert view.status == "running" and view.ready_task("review") is not None
    assert view.data["items"] == []


def test_a_multi_instance_count_from_case_data_above_the_cap_is_an_incident(deploy_probe, probe_runtime):
    from engine.limits import MULTI_INSTANCE_MAX

    body = """    <bpmn:userTask id="probe_step" name="多实例"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>count</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>"""
    flows = '    <bpmn:sequenceFlow id="f1" sourceRef="probe_step" targetRef="review"/>\n'
    bpmn = _bpmn("probe", body, flows)
    deploy_probe({"bpmn/probe.bpmn": bpmn})
    view = probe_runtime.start("probe", actor="clerk", org_unit="g", data={"count": MULTI_INSTANCE_MAX * 1000})
    assert view.status == "incident"
    assert "JIAHE_MULTI_INSTANCE_MAX" in view.incidents[0].message
    small = probe_runtime.start("probe", actor="clerk", org_unit="g", data={"count": 3})
    assert small.status == "running"
    assert sum(1 for t in small.tasks if t.name == "probe_step" and t.state == "ready") == 3


def test_instructions_that_never_finish_show_the_raw_text_and_the_next_render_works():
    sandbox = Sandbox(time_limit=LIMIT)
    slow = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}done"
    shown = render_instructions(slow, {}, sandbox=sandbox)
    assert shown.note and "done" in shown.text  # the designer's raw text, escaped, with a note
    assert render_instructions("您好，{{ name }}", {"name": "张三"}, sandbox=sandbox).text == "您好，张三"


def test_a_call_activity_calling_its_own_process_is_refused_at_deploy(deploy_probe):
    body = """    <bpmn:callActivity id="probe_step" name="调用自身" calledElement="probe"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing></bpmn:callActivity>"""
    flows = '    <bpmn:sequenceFlow id="f1" sourceRef="probe_step" targetRef="review"/>\n'
    bpmn = _bpmn("probe", body, flows)
    with pytest.raises(DefinitionError) as refused:
        deploy_probe({"bpmn/probe.bpmn": bpmn})
    assert any(f.code == "call-cycle" and f.element_id == "probe_step" for f in refused.value.findings)


def test_an_evaluation_process_that_overran_is_replaced_and_the_pool_answers():
    sandbox = Sandbox(time_limit=LIMIT)
    killed = sandbox.pool.killed
    with pytest.raises(SandboxTimeout):
        sandbox.evaluate("bool(str([[0] * 10**6] * 10**6))", {})
    assert sandbox.pool.killed == killed + 1
    assert sandbox.evaluate("sorted(x)", {"x": [3, 1, 2]}) == [1, 2, 3]


def test_an_evaluation_needing_more_memory_than_its_limit_is_stopped_and_the_pool_recovers():
    from engine.errors import SandboxMemoryExceeded
    from engine.evaluation.pool import EvaluationPool

    pool = EvaluationPool(size=1, memory_mb=64)
    sandbox = Sandbox(time_limit=10, pool=pool)
    try:
        with pytest.raises(SandboxMemoryExceeded) as stopped:
            sandbox.execute("text = str([list(range(1000))] * 100000)", {})
        assert "64 MiB" in stopped.value.message and stopped.value.context["limit"] == "memory"
        assert sandbox.evaluate("sorted(x)[-1]", {"x": list(range(10))}) == 9  # a fresh process answers
    finally:
        pool.close()


def test_an_error_message_python_builds_itself_shows_no_heap_address():
    with pytest.raises(KeyError) as failed:
        Sandbox().execute("f = lambda: 1\nx = {}[f]", {})
    assert "0x" not in str(failed.value) and "lambda" in str(failed.value)
