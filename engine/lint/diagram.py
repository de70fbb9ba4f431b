"""Diagram interchange (BPMNDI): without a shape for every element, a modeler opens the file
with elements missing or piled up at the origin, and designers edit what they cannot see."""
from __future__ import annotations

from engine.lint.context import NS, LintContext, is_executable
from engine.lint.findings import WARNING, Finding
from engine.lint.graph import is_flow_node

DI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"


def diagram_interchange(ctx: LintContext) -> list[Finding]:
    findings = []
    for doc in ctx.bpmn_documents():
        processes = [p for p in doc.root.iterfind("bpmn:process", NS) if is_executable(p)]
        if not processes:
            continue
        drawn = {el.get("bpmnElement") for el in doc.root.iter(f"{{{DI_NS}}}BPMNShape", f"{{{DI_NS}}}BPMNEdge")}
        if not drawn:
            findings.append(doc.finding(doc.root, "diagram-missing",
                                        "the file has no diagram (BPMNDI): modelers will lay it out anew or not show it",
                                        WARNING))
            continue
        for process in processes:
            findings += [doc.finding(el, "diagram-incomplete", f"{_kind(el)} {el.get('id')} has no shape or edge "
                                     "in the diagram: modelers will not show it", WARNING)
                         for el in _drawable(process) if el.get("id") not in drawn]
    return findings


def _drawable(process):
    for el in process.iter():
        if is_flow_node(el) or el.tag in (f"{{{NS['bpmn']}}}sequenceFlow", f"{{{NS['bpmn']}}}lane"):
            yield el


def _kind(element) -> str:
    return element.tag.rsplit("}", 1)[-1]
