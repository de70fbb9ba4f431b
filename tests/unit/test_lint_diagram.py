"""Every executable element must be drawn, so that modelers show what will run."""
from __future__ import annotations

import re
from pathlib import Path

from engine.lint import lint_bundle

ROOT = Path(__file__).resolve().parents[2]
DISPUTE = (ROOT / "processes" / "bpmn" / "dispute_case.bpmn").read_bytes()
FIVE_STEPS = (ROOT / "tests" / "fixtures" / "processes" / "bpmn" / "five_steps.bpmn").read_bytes()


def _diagram_findings(files):
    return [f for f in lint_bundle(files) if f.code.startswith("diagram-")]


def test_the_shipped_dispute_case_draws_every_element():
    assert _diagram_findings({"dispute_case.bpmn": DISPUTE}) == []


def test_an_element_without_a_shape_is_named():
    broken = re.sub(rb'<bpmndi:BPMNShape id="accept_case_di".*?</bpmndi:BPMNShape>', b"", DISPUTE, flags=re.S)
    [finding] = _diagram_findings({"dispute_case.bpmn": broken})
    assert (finding.code, finding.element_id, finding.severity) == ("diagram-incomplete", "accept_case", "warning")
    assert finding.line == DISPUTE.decode().splitlines().index(
        next(line for line in DISPUTE.decode().splitlines() if 'id="accept_case"' in line)) + 1


def test_a_flow_without_an_edge_is_named():
    broken = re.sub(rb'<bpmndi:BPMNEdge id="flow_gw_red_report_major_risk_di".*?</bpmndi:BPMNEdge>', b"", DISPUTE, flags=re.S)
    assert [f.element_id for f in _diagram_findings({"dispute_case.bpmn": broken})] == ["flow_gw_red_report_major_risk"]


def test_a_file_without_any_diagram_gets_one_warning():
    [finding] = _diagram_findings({"five_steps.bpmn": FIVE_STEPS})
    assert (finding.code, finding.file) == ("diagram-missing", "five_steps.bpmn")
