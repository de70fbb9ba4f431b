"""jiahe lint design rules: lanes, forms, loop-backs, and adding a rule of one's own."""
from __future__ import annotations

from engine.lint import lint_bundle
from engine.lint.context import LintContext, scopes
from engine.lint.findings import error
from engine.lint.graph import FlowGraph
from engine.lint.rules import RULES
from tests.unit.lint_support import (
    BROKEN,
    BROKEN_FORMS,
    PROJECT_FORMS,
    forms_in,
    good_bundle,
    lint_broken,
    project_catalog,
    summary,
)

# ---------------------------------------------------------------- lanes


def test_a_lane_missing_from_the_catalog_is_reported_with_the_lane_id():
    findings = lint_broken("lane_unmapped.bpmn")

    assert [s for s in summary(findings) if s[1] == "lane-unmapped"] == [
        ("error", "lane-unmapped", "lane_unmapped.bpmn", 9, "Lane_mediator"),
    ]
    assert "调解员" in findings[0].message


def test_a_user_task_outside_every_lane_of_a_laned_process_warns():
    findings = lint_broken("lane_unmapped.bpmn")

    assert [s for s in summary(findings) if s[1] == "user-task-outside-lane"] == [
        ("warning", "user-task-outside-lane", "lane_unmapped.bpmn", 21, "Task_loose"),
    ]


def test_lanes_are_not_checked_against_a_catalog_nobody_gave():
    findings = lint_broken("lane_unmapped.bpmn", catalog=None)

    assert "lane-unmapped" not in {f.code for f in findings}


# ---------------------------------------------------------------- forms


def test_a_missing_form_file_is_reported_on_the_line_of_its_property():
    findings = lint_broken("form_missing.bpmn")

    assert [s for s in summary(findings) if s[1] == "form-missing"] == [
        ("error", "form-missing", "form_missing.bpmn", 8, "Task_with_form"),
    ]
    assert "nosuch.schema.json" in findings[0].message


def test_a_user_task_without_a_form_warns():
    findings = lint_broken("form_missing.bpmn")

    assert [s for s in summary(findings) if s[1] == "user-task-no-form"] == [
        ("warning", "user-task-no-form", "form_missing.bpmn", 13, "Task_without_form"),
    ]


def test_form_files_are_not_required_when_no_forms_collection_is_given():
    findings = lint_broken("form_missing.bpmn", forms=None)

    assert "form-missing" not in {f.code for f in findings}


def test_a_form_that_is_not_a_valid_json_schema_and_a_ui_schema_that_is_not_json_are_reported_in_their_files():
    findings = lint_broken("form_invalid.bpmn", forms=forms_in(BROKEN_FORMS))

    assert summary(findings) == [
        ("error", "form-invalid-schema", "bad.schema.json", None, None),
        ("error", "form-invalid-schema", "broken.uischema.json", 2, None),
    ]
    assert "properties/severity/type" in findings[0].message


# ---------------------------------------------------------------- loops


def test_a_gateway_loop_back_warns_on_the_flow_that_closes_the_loop():
    findings = lint_broken("loop_back.bpmn")

    assert summary(findings) == [("warning", "gateway-loop-back", "loop_back.bpmn", 12, "Flow_again")]
    assert "Task_visit -> Gateway_again -> Task_visit" in findings[0].message


def test_loops_through_a_boundary_event_and_inside_a_subprocess_warn_too():
    findings = lint_broken("boundary_loop.bpmn")

    assert summary(findings) == [
        ("warning", "gateway-loop-back", "boundary_loop.bpmn", 20, "Flow_remind"),
        ("warning", "gateway-loop-back", "boundary_loop.bpmn", 28, "Sub_flow_back"),
    ]


# ---------------------------------------------------------------- pluggable rules


def _every_path_passes_a_commitment(ctx: LintContext):
    """A sketch of the future commitments rule, built from the reusable graph helpers."""
    for doc, process in ctx.executable_processes():
        for scope in scopes(process):
            graph = FlowGraph.from_scope(scope)
            marked = [n for n, node in graph.nodes.items() if node.get("name") == "登记结果"]
            path = graph.path_avoiding(graph.start_ids(), graph.end_ids(), avoid=marked)
            if path:
                yield error("commitment-missing", " -> ".join(path), file=doc.name, element_id=path[-1])


def test_a_design_rule_is_one_more_function_in_the_rule_list():
    findings = lint_bundle(
        good_bundle(),
        catalog=project_catalog(),
        forms=forms_in(PROJECT_FORMS),
        rules=[*RULES, _every_path_passes_a_commitment],
    )

    # The timer boundary path ends without passing the script task marked as the commitment.
    assert summary(findings) == [("error", "commitment-missing", "intake.bpmn", None, "End_overdue")]
    assert findings[0].message == "Start_visit -> Task_intake -> Timer_overdue -> End_overdue"


def test_a_rule_that_raises_becomes_a_finding_and_the_other_rules_still_run():
    def broken_rule(ctx):
        raise RuntimeError("bug in a rule")

    files = {"loop_back.bpmn": (BROKEN / "loop_back.bpmn").read_bytes()}
    findings = lint_bundle(files, rules=[broken_rule, *RULES])

    assert [f.code for f in findings] == ["lint-internal", "gateway-loop-back"]
    assert "broken_rule" in findings[0].message
