"""What SpiffWorkflow cannot execute, or silently ignores, in a diagram that parses."""
from __future__ import annotations

from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.lint.context import (
    BPMN_NS,
    NS,
    LintContext,
    is_executable,
    local_name,
    namespace,
    scopes,
    spiff_properties,
)
from engine.lint.findings import WARNING, Finding
from engine.lint.graph import FLOW_NODE_NAMES, FlowGraph

# Derived from the parser itself, so an upgrade that adds support shows up here by itself.
SUPPORTED_TAGS = frozenset(SpiffBpmnParser.PARSER_CLASSES) | frozenset(SpiffBpmnParser.OVERRIDE_PARSER_CLASSES)

# Which event definitions each event parser looks for (SpiffWorkflow/bpmn/parser/event_parsers.py,
# the xpath lists in each create_task). Any other definition is dropped without a word and the
# event behaves as a plain one: an error start event in an event subprocess would fire at once.
SUPPORTED_EVENT_DEFINITIONS = {
    "startEvent": {"message", "signal", "timer", "conditional"},
    "endEvent": {"message", "cancel", "error", "escalation", "terminate"},
    "intermediateCatchEvent": {"message", "signal", "timer", "conditional"},
    "intermediateThrowEvent": {"escalation", "message", "signal"},
    "boundaryEvent": {"cancel", "error", "escalation", "message", "signal", "timer", "conditional"},
}

# Names SpiffWorkflow gives its own task specs; an element with one of these ids is silently
# replaced by the internal spec (a start event called "Start" leaves the process empty).
RESERVED_IDS = {"Start", "End", "StartEventSplit", "StartEventJoin"}
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin", " [child]")

CONDITIONAL_SOURCES = {"exclusiveGateway", "inclusiveGateway"}


def no_executable_process(ctx: LintContext) -> list[Finding]:
    findings = []
    for doc in ctx.bpmn_documents():
        processes = doc.root.findall("bpmn:process", NS)
        if any(is_executable(p) for p in processes):
            continue
        where = processes[0] if processes else doc.root
        message = 'no executable process: set isExecutable="true" on the process the engine should run'
        findings.append(doc.finding(where, "no-process", message))
    return findings


def reserved_ids(ctx: LintContext) -> list[Finding]:
    findings = []
    for doc, process in ctx.executable_processes():
        for element in process.iter():
            element_id = element.get("id") or ""
            if element_id in RESERVED_IDS or element_id.endswith(RESERVED_SUFFIXES):
                message = f"id {element_id!r} is a name SpiffWorkflow uses internally; the element would be lost"
                findings.append(doc.finding(element, "reserved-id", message))
    return findings


def unsupported_elements(ctx: LintContext) -> list[Finding]:
    findings = []
    for doc, process in ctx.executable_processes():
        for element in process.iter():
            findings += [doc.finding(element, "unsupported-element", m) for m in _unsupported(element)]
    return findings


def _unsupported(element) -> list[str]:
    if namespace(element) != BPMN_NS:
        return []  # modelers' own extension elements are theirs to interpret
    name = local_name(element)
    if name in FLOW_NODE_NAMES and element.tag not in SUPPORTED_TAGS:
        return [f"{name} is not supported by SpiffWorkflow"]
    problems = []
    if element.get("isForCompensation") == "true":
        problems.append("compensation handlers are not supported by SpiffWorkflow")
    if name in SUPPORTED_EVENT_DEFINITIONS:
        problems += _unsupported_definitions(element, name)
    return problems


def _unsupported_definitions(event, name: str) -> list[str]:
    allowed = SUPPORTED_EVENT_DEFINITIONS[name]
    problems = []
    for child in event:
        if namespace(child) != BPMN_NS:
            continue
        kind = local_name(child)
        if kind == "eventDefinitionRef":
            problems.append("eventDefinitionRef is not supported: put the event definition inside the event")
        elif kind.endswith("EventDefinition") and kind[: -len("EventDefinition")] not in allowed:
            problems.append(f"{kind} in a {name} is not supported by SpiffWorkflow, which would ignore it")
    has_definition = any(namespace(c) == BPMN_NS and local_name(c).endswith("EventDefinition") for c in event)
    if name == "boundaryEvent" and not has_definition:
        problems.append("a boundary event needs an event definition (timer, message, error, ...)")
    return problems


def call_targets(ctx: LintContext) -> list[Finding]:
    known = {process.get("id") for _, process in ctx.executable_processes()}
    findings = []
    for doc, call in ctx.executable_elements("callActivity"):
        target = call.get("calledElement")
        if target and target not in known:
            message = f"calls process {target!r}, which is not an executable process in this bundle"
            findings.append(doc.finding(call, "call-target-missing", message))
    return findings


def ignored_conditions(ctx: LintContext) -> list[Finding]:
    findings = []
    for doc, process in ctx.executable_processes():
        for scope in scopes(process):
            graph = FlowGraph.from_scope(scope)
            for edges in graph.outgoing.values():
                for edge in edges:
                    message = _ignored(graph, edge)
                    if message:
                        findings.append(doc.finding(edge.flow, "condition-ignored", message, WARNING))
    return findings


def _ignored(graph: FlowGraph, edge) -> str | None:
    if edge.flow is None or edge.flow.find("bpmn:conditionExpression", NS) is None:
        return None
    source = graph.nodes[edge.source]
    if local_name(source) not in CONDITIONAL_SOURCES:
        return f"SpiffWorkflow ignores conditions on flows leaving a {local_name(source)}; use a gateway"
    if source.get("default") == edge.flow_id:
        return "the default flow of a gateway is taken without looking at its condition"
    return None


def unreachable_nodes(ctx: LintContext) -> list[Finding]:
    findings = []
    for doc, process in ctx.executable_processes():
        for scope in scopes(process):
            graph = FlowGraph.from_scope(scope)
            if not graph.start_ids():
                continue  # the parser reports a missing start event; everything would be "unreachable"
            reached = graph.reachable(graph.entry_ids())
            for node_id in graph.nodes.keys() - reached:
                message = "no path from a start event reaches this element; SpiffWorkflow never parses it"
                findings.append(doc.finding(graph.nodes[node_id], "unreachable", message, WARNING))
    return findings



GATEWAYS = ("exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway")
# Declarations for lint itself, meaningful on a gateway: `maxRounds` bounds a loop (engine/lint/loops.py).
LINT_DECLARATIONS = frozenset({"maxRounds"})


def ignored_properties(ctx: LintContext) -> list[Finding]:
    """SpiffWorkflow reads extension properties on tasks and events only: on a gateway a
    designer's `auditEvent`, `commitment` or `dueAt` would silently do nothing."""
    findings = []
    for kind in GATEWAYS:
        for doc, gateway in ctx.executable_elements(kind):
            for name, prop in spiff_properties(gateway).items():
                if name in LINT_DECLARATIONS:
                    continue
                findings.append(doc.finding(prop, "property-ignored",
                                            f"property {name!r} on a gateway is ignored at run time: put it on a task "
                                            "or an event (a none intermediate throw event marks a moment)", WARNING))
    return findings
