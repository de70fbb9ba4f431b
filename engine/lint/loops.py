"""Gateway loop-backs: a cycle in the sequence flows of a process or subprocess.

SpiffWorkflow grows the task tree one level deeper on every round of such a loop; near 245
rounds it hits Python's recursion limit and the case silently stalls. Loop markers
(standardLoopCharacteristics, multi-instance) or a fresh subprocess per round do not.
"""
from __future__ import annotations

from engine.lint.context import LintContext, scopes
from engine.lint.findings import WARNING, Finding
from engine.lint.graph import FlowGraph

ADVICE = (
    "SpiffWorkflow adds task-tree depth on every round and stalls near 245 rounds; repeat with a "
    "loop marker (standardLoopCharacteristics / multiInstanceLoopCharacteristics) or a subprocess per round"
)


def gateway_loop_backs(ctx: LintContext) -> list[Finding]:
    findings = []
    for doc, process in ctx.executable_processes():
        for scope in scopes(process):
            graph = FlowGraph.from_scope(scope)
            for edge in graph.back_edges():
                cycle = " -> ".join(graph.cycle_through(edge) + [edge.target])
                where = edge.flow if edge.flow is not None else graph.nodes[edge.target]
                message = f"sequence flow loops back ({cycle}): {ADVICE}"
                findings.append(doc.finding(where, "gateway-loop-back", message, WARNING))
    return findings
