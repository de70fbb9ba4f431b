"""jiahe lint: documents, SpiffWorkflow support, and every Python source compiled in the sandbox."""
from __future__ import annotations

import pytest

from engine.lint import ERROR, WARNING, Finding, has_errors, lint_bundle
from engine.lint.dmn import engine_expression
from tests.unit.lint_support import (
    BROKEN,
    DIAGRAMS,
    PROJECT_FORMS,
    forms_in,
    good_bundle,
    lint_broken,
    project_catalog,
    summary,
    with_code,
)

# ---------------------------------------------------------------- the public shape


def test_good_bundle_with_its_catalog_and_forms_has_no_findings():
    findings = lint_bundle(good_bundle(), catalog=project_catalog(), forms=forms_in(PROJECT_FORMS))

    assert findings == []


def test_a_finding_serialises_to_exactly_the_six_documented_keys():
    finding = Finding(ERROR, "xsd", "a.bpmn", 3, "Task_1", "bad")

    assert finding.to_dict() == {
        "severity": "error", "code": "xsd", "file": "a.bpmn", "line": 3, "element_id": "Task_1", "message": "bad",
    }


def test_warnings_alone_are_not_errors():
    warning = Finding(WARNING, "gateway-loop-back", "a.bpmn", 1, None, "loop")

    assert has_errors([warning]) is False
    assert has_errors([warning, Finding(ERROR, "xsd", "a.bpmn", 2, None, "bad")]) is True


def test_findings_come_sorted_by_file_then_line():
    files = {name: (BROKEN / name).read_bytes() for name in ("timer_quirks.bpmn", "flow_quirks.bpmn")}

    findings = lint_bundle(files)

    keys = [(f.file, f.line or 0) for f in findings]
    assert keys == sorted(keys)
    assert {f.file for f in findings} == set(files)


# ---------------------------------------------------------------- documents


def test_malformed_xml_is_reported_with_the_line_where_parsing_failed():
    assert summary(lint_broken("malformed.bpmn")) == [("error", "xml-syntax", "malformed.bpmn", 6, None)]


def test_an_empty_file_is_reported_as_xml_syntax_without_a_line():
    findings = lint_broken("empty.bpmn")

    assert summary(findings) == [("error", "xml-syntax", "empty.bpmn", None, None)]
    assert "empty" in findings[0].message


def test_a_file_that_is_not_xml_is_reported_as_xml_syntax_on_line_one():
    assert summary(lint_broken("not_xml.bpmn")) == [("error", "xml-syntax", "not_xml.bpmn", 1, None)]


def test_a_schema_violation_is_reported_with_its_line_and_element():
    findings = lint_broken("xsd_invalid.bpmn")

    assert summary(findings) == [("error", "xsd", "xsd_invalid.bpmn", 7, "Typo_1")]
    assert "'bpmn:taskk'" in findings[0].message


def test_a_bpmn_without_an_executable_process_is_reported_on_its_process():
    assert summary(lint_broken("no_executable.bpmn")) == [("error", "no-process", "no_executable.bpmn", 3, "sketch")]


def test_a_plain_bpmn_io_diagram_is_reported_only_as_having_no_executable_process():
    findings = lint_broken("bpmn_io_plain.bpmn")

    assert summary(findings) == [("error", "no-process", "bpmn_io_plain.bpmn", 3, "Process_1n8ydzx")]


def test_a_camunda_diagram_passes_the_schema_and_its_juel_condition_is_reported():
    findings = lint_broken("camunda_flavoured.bpmn")

    assert summary(findings) == [
        ("warning", "user-task-no-form", "camunda_flavoured.bpmn", 7, "Task_review"),
        ("error", "condition-compile", "camunda_flavoured.bpmn", 30, "Flow_yes"),
    ]


def test_a_business_rule_task_without_its_dmn_is_a_parse_error_pointing_at_the_task():
    files = {"intake.bpmn": (DIAGRAMS / "intake.bpmn").read_bytes()}

    findings = lint_bundle(files, catalog=project_catalog(), forms=forms_in(PROJECT_FORMS))

    assert summary(findings) == [("error", "parse-error", "intake.bpmn", 44, "Task_assess")]
    assert "assess_risk" in findings[0].message


def test_a_parser_error_is_kept_beside_an_unrelated_finding_on_the_same_element():
    xml = """<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="two_ways" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:userTask id="Task_split" />
    <bpmn:endEvent id="End_a" />
    <bpmn:endEvent id="End_b" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_split" />
    <bpmn:sequenceFlow id="Flow_a" sourceRef="Task_split" targetRef="End_a" />
    <bpmn:sequenceFlow id="Flow_b" sourceRef="Task_split" targetRef="End_b" />
  </bpmn:process>
</bpmn:definitions>"""

    findings = lint_bundle({"two_ways.bpmn": xml.encode()})

    assert summary(findings) == [
        ("error", "parse-error", "two_ways.bpmn", 4, "Task_split"),
        ("warning", "user-task-no-form", "two_ways.bpmn", 4, "Task_split"),
    ]
    assert "Multiple outgoing flows" in findings[0].message


# ---------------------------------------------------------------- what SpiffWorkflow cannot run


def test_a_complex_gateway_is_reported_as_unsupported_with_its_id_and_line_and_no_parser_echo():
    findings = lint_broken("complex_gateway.bpmn")

    assert summary(findings) == [("error", "unsupported-element", "complex_gateway.bpmn", 5, "Gateway_complex")]


def test_event_definitions_spiffworkflow_would_ignore_are_reported_on_their_events():
    findings = lint_broken("unsupported_events.bpmn")

    assert summary(findings) == [
        ("error", "unsupported-element", "unsupported_events.bpmn", 5, "Link_throw"),
        ("error", "unsupported-element", "unsupported_events.bpmn", 10, "Start_on_error"),
    ]


def test_an_id_that_collides_with_a_spiffworkflow_internal_name_is_reported():
    assert summary(lint_broken("reserved_id.bpmn")) == [("error", "reserved-id", "reserved_id.bpmn", 4, "Start")]


def test_a_call_to_a_process_outside_the_bundle_is_reported_on_the_call_activity():
    findings = lint_broken("flow_quirks.bpmn")

    assert with_code(findings, "call-target-missing") == [
        ("error", "call-target-missing", "flow_quirks.bpmn", 6, "Call_missing"),
    ]


def test_an_element_no_start_event_reaches_warns_because_the_parser_skips_it():
    findings = lint_broken("flow_quirks.bpmn")

    assert with_code(findings, "unreachable") == [("warning", "unreachable", "flow_quirks.bpmn", 8, "Task_orphan")]


def test_a_condition_on_a_flow_leaving_a_task_warns_that_it_is_ignored():
    findings = lint_broken("flow_quirks.bpmn")

    assert with_code(findings, "condition-ignored") == [
        ("warning", "condition-ignored", "flow_quirks.bpmn", 10, "Flow_2"),
    ]


# ---------------------------------------------------------------- Python sources


def test_a_script_importing_a_module_is_reported_on_the_line_of_the_import():
    findings = lint_broken("script_import.bpmn")

    assert summary(findings) == [("error", "script-compile", "script_import.bpmn", 7, "Task_script")]
    assert "import" in findings[0].message


def test_a_condition_that_does_not_compile_is_reported_with_its_flow_id_and_line():
    findings = lint_broken("condition_syntax.bpmn")

    assert summary(findings) == [("error", "condition-compile", "condition_syntax.bpmn", 10, "Flow_high")]


def test_message_payload_property_expression_and_prescript_are_compiled_in_the_sandbox():
    findings = lint_broken("expression_quirks.bpmn")

    assert summary(findings) == [
        ("error", "message-expression", "expression_quirks.bpmn", 5, "Message_notice"),
        ("error", "property-expression", "expression_quirks.bpmn", 14, "Task_review"),
        ("error", "script-compile", "expression_quirks.bpmn", 18, "Task_review"),
    ]


# ---------------------------------------------------------------- timers


def test_a_timer_with_an_invalid_iso_duration_is_reported_on_its_event():
    findings = lint_broken("timer_bad.bpmn")

    assert summary(findings) == [("error", "timer-expression", "timer_bad.bpmn", 7, "Timer_wait")]
    assert "P2X" in findings[0].message


def test_timer_values_are_checked_for_their_kind_quoting_and_timezone():
    findings = lint_broken("timer_quirks.bpmn")

    # Timer_cycle ('R3/PT1H'), Timer_aware (with +08:00) and Timer_variable (a name) pass.
    assert summary(findings) == [
        ("error", "timer-expression", "timer_quirks.bpmn", 7, "Timer_unquoted"),
        ("warning", "timer-timezone", "timer_quirks.bpmn", 12, "Timer_naive"),
        ("error", "timer-expression", "timer_quirks.bpmn", 32, "Timer_duration_as_date"),
    ]
    assert "quote" in findings[0].message


# ---------------------------------------------------------------- DMN


def test_dmn_cells_are_checked_the_way_the_dmn_engine_evaluates_them():
    findings = lint_broken("dmn_cell.dmn")

    assert summary(findings) == [
        ("error", "dmn-cell-compile", "dmn_cell.dmn", 13, "Cell_broken"),
        ("error", "dmn-cell-compile", "dmn_cell.dmn", 21, "Cell_glued"),
        ("warning", "dmn-cell-list", "dmn_cell.dmn", 29, "Cell_tuple"),
        ("error", "dmn-cell-compile", "dmn_cell.dmn", 32, "Out_tuple"),
    ]
    assert "? in (1, 2)" in findings[1].message


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('"high"', '(severity) == ("high")'),
        ("< 5", "severity< 5"),
        ("? in (1, 2)", "dmninputexpr in (1, 2)"),
        ('"what?"', '(severity) == ("what?")'),
        ("1 < ? < 5", "1 < dmninputexpr < 5"),
    ],
)
def test_an_input_cell_becomes_the_expression_the_dmn_engine_builds(cell, expected):
    assert engine_expression("severity", cell) == (expected, None)
