"""Gateway loop-backs: a cycle in the sequence flows of a process or subprocess.

SpiffWorkflow grows the task tree one level deeper on every round of such a loop; near 245
rounds it hits Python's recursion limit and the case silently stalls. Loop markers
(standardLoopCharacteristics, multi-instance) or a fresh subprocess per round do not.

A loop whose rounds the designer can bound (the mediation ladder: at most 10 attempts on each
of at most 5 tiers) declares it on an element of the cycle with the property `maxRounds`;
up to MAX_ROUNDS it is no finding.
"""
from __future__ import annotations

from engine.lint.context import LintContext, scopes
from engine.lint.findings import WARNING, Finding
from engine.lint.graph import FlowGraph
from engine.lint.support import spiff_properties

# Well below the ~245 rounds at which SpiffWorkflow's task tree exhausts Python's recursion.
MAX_ROUNDS = 200

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
                nodes = graph.cycle_through(edge)
                if _declared_bound(graph, nodes):
                    continue
                cycle = " -> ".join(nodes + [edge.target])
                where = edge.flow if edge.flow is not None else graph.nodes[edge.target]
                message = f"sequence flow loops back ({cycle}): {ADVICE}"
                findings.append(doc.finding(where, "gateway-loop-back", message, WARNING))
    return findings


def _declared_bound(graph: FlowGraph, nodes: list[str]) -> bool:
    """Does an element of the cycle declare `maxRounds` within MAX_ROUNDS?"""
    for node_id in nodes:
        prop = spiff_properties(graph.nodes[node_id]).get("maxRounds")
        value = (prop.get("value") or "").strip() if prop is not None else ""
        if value.isdigit() and 1 <= int(value) <= MAX_ROUNDS:
            return True
    return False
