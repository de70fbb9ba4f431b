"""Lint refuses what would make a case run without bound: call chains that come back to their
own process, constant multi-instance cardinalities above MULTI_INSTANCE_MAX, and DMN cells
long enough for SpiffWorkflow's quadratic `?` rewriting to take seconds."""
from __future__ import annotations

import math

import pytest

from engine.limits import DMN_CELL_MAX_CHARS, MULTI_INSTANCE_MAX
from engine.lint import lint_bundle
from engine.lint.bounds import constant_int
from tests.unit.test_lint_deploy_agreement import DECIDE, bpmn, call, dmn

# SpiffWorkflow/dmn/engine/DMNEngine.py, DMNEngine.evaluate: run on every input cell of a decision.


def codes(findings) -> list[str]:
    return [f.code for f in findings if f.severity == "error"]


# -- constant cardinalities ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("12", 12), ("10**9", 10**9), ("3 * (4 + 5)", 27), ("-(2**3)", -8), ("1 << 10", 1024), ("100 // 7 % 5", 4),
    ("~5", -6), ("0**0", 1), ("(-1) ** 7", -1),
])
def test_integer_arithmetic_is_worked_out(text, value):
    assert constant_int(text) == value


@pytest.mark.parametrize("text", ["2**10**100", "9**9**9**9", "(10**300) ** 2", "1 << 10**9", "10**200 * 10**200"])
def test_astronomical_constants_are_infinite_without_being_computed(text):
    assert constant_int(text) == math.inf  # computing any of them would hang this test


@pytest.mark.parametrize("text", [
    "reviewers", "len(parties)", "10 / 2", "1e9", "True", "'5'", "10**-1", "7 // 0", "__import__('os')",
    "10**400 - 10**400", "(-2) ** (10**400)", "+".join(["1"] * 100_000), "",
])
def test_anything_but_integer_arithmetic_is_left_to_the_runtime(text):
    assert constant_int(text) is None


def multi_instance(cardinality: str, *, executable: str = "true") -> bytes:
    middle = ('<bpmn:task id="work"><bpmn:multiInstanceLoopCharacteristics>'
              f"<bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality>"
              "</bpmn:multiInstanceLoopCharacteristics></bpmn:task>")
    return bpmn("a", middle, executable=executable).encode()


def test_a_cardinality_at_the_limit_is_fine_and_one_above_is_an_error():
    at_limit = lint_bundle({"a.bpmn": multi_instance(str(MULTI_INSTANCE_MAX))})
    above = lint_bundle({"a.bpmn": multi_instance(f"{MULTI_INSTANCE_MAX} + 1")})

    assert "multi-instance-too-large" not in codes(at_limit)
    [finding] = [f for f in above if f.code == "multi-instance-too-large"]
    assert (finding.element_id, finding.line) == ("work", 6)
    assert str(MULTI_INSTANCE_MAX + 1) in finding.message and str(MULTI_INSTANCE_MAX) in finding.message


def test_a_cardinality_from_case_data_is_left_to_the_runtime():
    assert "multi-instance-too-large" not in codes(lint_bundle({"a.bpmn": multi_instance("len(visits) * 10**9")}))


# -- call chains ----------------------------------------------------------------------------------

def test_a_three_process_cycle_names_the_whole_chain_from_each_call():
    files = {
        "a.bpmn": bpmn("a", call("to_b", "b"), middle_id="to_b").encode(),
        "b.bpmn": bpmn("b", call("to_c", "c"), middle_id="to_c").encode(),
        "c.bpmn": bpmn("c", call("to_a", "a"), middle_id="to_a").encode(),
    }

    found = {f.element_id: f.message for f in lint_bundle(files) if f.code == "call-cycle"}

    assert set(found) == {"to_b", "to_c", "to_a"}
    assert "a -> b -> c -> a" in found["to_b"] and "c -> a -> b -> c" in found["to_a"]


def test_a_call_into_a_cycle_it_is_not_part_of_is_not_reported_at_the_caller():
    files = {
        "main.bpmn": bpmn("main", call("enter", "a"), middle_id="enter").encode(),
        "a.bpmn": bpmn("a", call("to_a", "a"), middle_id="to_a").encode(),
    }

    assert [(f.file, f.element_id) for f in lint_bundle(files) if f.code == "call-cycle"] == [("a.bpmn", "to_a")]


# -- DMN cells --------------------------------------------------------------------------------------

def test_a_cell_of_twenty_thousand_question_marks_is_refused_without_running_the_rewrite():
    # The rewrite takes seconds at this length (quadratic): bench/bounded_evaluation.py measures it.
    findings = lint_bundle({"a.bpmn": bpmn("a", DECIDE).encode(), "d.dmn": dmn("?" * 20_000).encode()})

    assert [(f.code, f.element_id) for f in findings if f.file == "d.dmn" and f.severity == "error"] == [
        ("dmn-cell-too-long", "rule_1_in")]


@pytest.mark.parametrize(("old", "element_id"), [
    ("<text>colour</text>", "in_1"),  # an input expression is shown as its input
    ("<text>3</text>", "rule_1_out"),
])
def test_a_long_input_expression_or_output_cell_is_refused_too(old, element_id):
    long = f"<text>{'1 + ' * DMN_CELL_MAX_CHARS}1</text>"
    findings = lint_bundle({"d.dmn": dmn('"red"').replace(old, long).encode()})

    assert [(f.code, f.element_id) for f in findings if f.code == "dmn-cell-too-long"] == [
        ("dmn-cell-too-long", element_id)]
