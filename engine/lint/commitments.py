"""The commitments 有来必受、有理必果、有果必公 as a design rule (see DOMAIN.md).

Designers mark the steps that keep them with a SpiffWorkflow property, e.g.

    <spiffworkflow:property name="commitment" value="outcome,feedback" />

and lint checks that no run of the process from a start event to its end gets past a
commitment without executing a step marked for it. A process is checked when the catalog
flags it (`commitments: true`: all three are required) or when any of its steps carries a
mark (then the commitments it marks are required: a process called from a case process may
keep only some of them).

"Run" rather than "path", in two places where one path is not one run:
- a parallel gateway sends a token down every branch, so a branch without the step passes
  when a sibling branch has it; a terminate end event, though, can end the run before the
  sibling gets there;
- a step interrupted by a boundary event has not been done, so a path through the boundary
  event does not pass it; a non-interrupting boundary event leaves the step running, so the
  step still completes.
"""
from __future__ import annotations

from collections import deque

from engine.lint.context import SUBPROCESS_NAMES, LintContext, bpmn, local_name, scopes, spiff_properties
from engine.lint.findings import WARNING, Finding
from engine.lint.graph import FlowGraph, is_flow_node

PROPERTY = "commitment"
SLOGANS = {"accept": "有来必受", "outcome": "有理必果", "feedback": "有果必公"}
KINDS = tuple(SLOGANS)
_WHAT_A_PATH_MISSES = {
    "accept": "does not reach acceptance",
    "outcome": "skips every outcome step",
    "feedback": "skips every feedback step",
}
# Longer paths are shown by their two ends: the middle rarely tells a designer anything.
_SHOWN_NODES = 8


def commitments(ctx: LintContext) -> list[Finding]:
    findings = []
    for doc, process in ctx.executable_processes():
        nodes = [element for element in process.iter() if is_flow_node(element)]
        findings += _unknown_values(doc, nodes)
        flagged = ctx.catalog is not None and ctx.catalog.entry(process.get("id") or "").commitments
        marked_kinds = set().union(*(marks(node) for node in nodes))
        for kind in KINDS:
            if kind in marked_kinds:
                findings += _path_skipping(doc, process, kind)
            elif flagged:
                findings.append(_missing(doc, process, kind))
        if {"outcome", "feedback"} <= marked_kinds:
            findings += _feedback_before_outcome(doc, process)
    return findings


def marks(node) -> set[str]:
    """The commitments a step is marked with; unknown values are reported, not counted."""
    prop = spiff_properties(node).get(PROPERTY)
    if prop is None:
        return set()
    return set(_values(prop)) & set(KINDS)


def _values(prop) -> list[str]:
    return [value.strip() for value in (prop.get("value") or "").split(",")]


def _unknown_values(doc, nodes) -> list[Finding]:
    findings = []
    for node in nodes:
        prop = spiff_properties(node).get(PROPERTY)
        if prop is None:
            continue
        for value in _values(prop):
            if value not in KINDS:
                message = f"unknown commitment {value!r}: use accept, outcome or feedback (comma-separated)"
                findings.append(doc.finding(prop, "commitment-value", message))
    return findings


def _missing(doc, process, kind: str) -> Finding:
    message = (
        f"process {process.get('id')} must keep the commitments (catalog: commitments: true) but no step "
        f"is marked {PROPERTY}={kind} ({SLOGANS[kind]})"
    )
    return doc.finding(process, "commitment-missing", message)


def _path_skipping(doc, process, kind: str) -> list[Finding]:
    graph = FlowGraph.from_scope(process)
    passing = _passing_subprocesses(process, kind)
    marked = marked_nodes(graph, kind, passing)
    path = escape(graph, graph.start_ids(), marked)
    if path is None:
        return []
    message = (
        f"path {show(path)} {_WHAT_A_PATH_MISSES[kind]} ({SLOGANS[kind]}): every way from a start event "
        f"to an end must pass a step marked {PROPERTY}={kind}{_inside(graph, path, marked, kind, passing)}"
    )
    return [doc.finding(graph.nodes[path[-1]], "commitment-path", message)]


def _inside(graph: FlowGraph, path: list[str], marked: set[str], kind: str, passing: set) -> str:
    """The branch inside each embedded subprocess on the path that lets it through: that is
    where the designer has to add the step."""
    notes = []
    for node_id in path:
        node = graph.nodes[node_id]
        if local_name(node) in SUBPROCESS_NAMES and node_id not in marked:
            inner = FlowGraph.from_scope(node)
            inner_path = escape(inner, inner.start_ids() or inner.entry_ids(), marked_nodes(inner, kind, passing))
            if inner_path:
                notes.append(f"; inside {node_id}: {show(inner_path)}")
    return "".join(notes)


def _feedback_before_outcome(doc, process) -> list[Finding]:
    graph = FlowGraph.from_scope(process)
    outcome = marked_nodes(graph, "outcome", _passing_subprocesses(process, "outcome"))
    feedback = marked_nodes(graph, "feedback", _passing_subprocesses(process, "feedback"))
    findings = []
    parents = _reached_before(graph, graph.start_ids(), outcome)
    # A step marked "outcome,feedback" records the outcome and tells the party in one go.
    for node_id in [n for n in parents if n in feedback - outcome]:
        path = _trace(parents, node_id)
        message = (
            f"path {show(path)} gives feedback at {node_id} before any outcome step: "
            f"有果必公 feeds back the outcome that 有理必果 records"
        )
        findings.append(doc.finding(graph.nodes[node_id], "commitment-order", message, WARNING))
    return findings


def show(path: list[str]) -> str:
    if len(path) > _SHOWN_NODES:
        half = _SHOWN_NODES // 2
        path = path[:half] + ["..."] + path[-half:]
    return " -> ".join(path)


# ---------------------------------------------------------------- which steps keep a commitment


def marked_nodes(graph: FlowGraph, kind: str, passing_subprocesses: set) -> set[str]:
    return {n for n, node in graph.nodes.items() if kind in marks(node) or node in passing_subprocesses}


def _passing_subprocesses(process, kind: str) -> set:
    """Embedded subprocesses every run of which passes `kind`: to their parent they are a
    marked step. Call activities are not looked into: the called process is linted on its own
    and may be replaced without touching this diagram."""
    passing = set()
    # Innermost first: whether a subprocess passes depends on the subprocesses inside it.
    for scope in reversed(list(scopes(process))[1:]):
        graph = FlowGraph.from_scope(scope)
        entries = graph.start_ids() or graph.entry_ids()
        if entries and escape(graph, entries, marked_nodes(graph, kind, passing)) is None:
            passing.add(scope)
    return passing


# ---------------------------------------------------------------- runs that avoid the marked steps


def escape(graph: FlowGraph, entries: list[str], marked: set[str]) -> list[str] | None:
    """The path one token takes in a run from an entry to the end of the scope that completes
    no marked step, or None when every run completes one (or never ends)."""
    ways_out = _finishing(graph, marked)
    node_id = next((n for n in entries if n in ways_out), None)
    if node_id is None:
        return None
    path = [node_id]
    while ways_out[node_id] is not None and ways_out[node_id] not in path:
        node_id = ways_out[node_id]
        path.append(node_id)
    return path


def _finishing(graph: FlowGraph, marked: set[str]) -> dict[str, str | None]:
    """Nodes from which a token can finish without completing a marked step, each with the
    next node on its way out (None: it finishes there).

    Worked backwards from the ends, so each node is settled once and cycles cost nothing: a
    loop that never reaches a way out simply never finishes.
    """
    ways_out = _terminating(graph, marked)
    for node_id in graph.nodes:
        # An end event, or any step without outgoing flows: SpiffWorkflow ends the token there.
        if node_id not in ways_out and node_id not in marked and not _sequence_targets(graph, node_id):
            ways_out[node_id] = None
    waiting: dict[str, set[str]] = {}
    queue = deque(ways_out)
    while queue:
        done = queue.popleft()
        for edge in graph.incoming.get(done, []):
            if edge.source not in ways_out and _finishes_through(graph, edge, marked, waiting):
                ways_out[edge.source] = done
                queue.append(edge.source)
    return ways_out


def _finishes_through(graph: FlowGraph, edge, marked: set[str], waiting: dict[str, set[str]]) -> bool:
    if edge.flow is None:
        # Only an interrupting boundary event stops the step before it completes.
        return graph.nodes[edge.target].get("cancelActivity", "true") != "false"
    if edge.source in marked:
        return False  # leaving by a sequence flow means the marked step completed
    if local_name(graph.nodes[edge.source]) != "parallelGateway":
        return True
    # Every branch of a parallel split runs: all of them must get out unmarked.
    branches = waiting.setdefault(edge.source, set(_sequence_targets(graph, edge.source)))
    branches.discard(edge.target)
    return not branches


def _terminating(graph: FlowGraph, marked: set[str]) -> dict[str, str | None]:
    """Nodes from which some path reaches a terminate end event without completing a marked
    step: it ends the whole run, whatever parallel branches were still to do."""
    ends = [n for n in graph.end_ids() if n not in marked and _terminates(graph.nodes[n])]
    ways_out: dict[str, str | None] = {n: None for n in ends}
    queue = deque(ends)
    while queue:
        done = queue.popleft()
        for edge in graph.incoming.get(done, []):
            # Any boundary event of a marked step, even a non-interrupting one, can lead here
            # while the step is still open.
            if edge.source not in ways_out and (edge.flow is None or edge.source not in marked):
                ways_out[edge.source] = done
                queue.append(edge.source)
    return ways_out


def _reached_before(graph: FlowGraph, entries: list[str], marked: set[str]) -> dict[str, str | None]:
    """Every node some path reaches before a marked step completes, with its parent on one
    such path (None for an entry)."""
    parents: dict[str, str | None] = {n: None for n in entries if n in graph.nodes}
    queue = deque(parents)
    while queue:
        node_id = queue.popleft()
        for edge in graph.outgoing.get(node_id, []):
            if edge.target not in parents and (edge.flow is None or node_id not in marked):
                parents[edge.target] = node_id
                queue.append(edge.target)
    return parents


def _trace(parents: dict[str, str | None], node_id: str) -> list[str]:
    path = [node_id]
    while parents[path[-1]] is not None:
        path.append(parents[path[-1]])
    return path[::-1]


def _terminates(end_event) -> bool:
    return end_event.find(bpmn("terminateEventDefinition")) is not None


def _sequence_targets(graph: FlowGraph, node_id: str) -> list[str]:
    return [edge.target for edge in graph.outgoing.get(node_id, []) if edge.flow is not None]
