"""The flow-graph helpers that lint rules (and future design rules) build on."""
from __future__ import annotations

from lxml import etree

from engine.lint.graph import FlowGraph

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _process(nodes: dict[str, str], flows: list[tuple[str, str]], boundaries: dict[str, str] | None = None):
    process = etree.Element(f"{{{BPMN}}}process", id="p")
    for node_id, kind in nodes.items():
        etree.SubElement(process, f"{{{BPMN}}}{kind}", id=node_id)
    for event_id, attached in (boundaries or {}).items():
        etree.SubElement(process, f"{{{BPMN}}}boundaryEvent", id=event_id, attachedToRef=attached)
    for number, (source, target) in enumerate(flows):
        etree.SubElement(process, f"{{{BPMN}}}sequenceFlow", id=f"f{number}", sourceRef=source, targetRef=target)
    return FlowGraph.from_scope(process)


def _diamond() -> FlowGraph:
    nodes = {"s": "startEvent", "g": "exclusiveGateway", "a": "userTask", "b": "scriptTask", "j": "exclusiveGateway",
             "e": "endEvent"}
    return _process(nodes, [("s", "g"), ("g", "a"), ("g", "b"), ("a", "j"), ("b", "j"), ("j", "e")])


def test_successors_and_predecessors_follow_sequence_flows():
    graph = _diamond()

    assert graph.successors("g") == ["a", "b"]
    assert graph.predecessors("j") == ["a", "b"]
    assert graph.start_ids() == ["s"] and graph.end_ids() == ["e"]


def test_every_simple_path_from_start_to_end_is_listed():
    assert sorted(_diamond().paths("s", ["e"])) == [["s", "g", "a", "j", "e"], ["s", "g", "b", "j", "e"]]


def test_a_path_avoiding_a_node_exists_only_when_some_branch_skips_it():
    graph = _diamond()

    assert graph.path_avoiding(["s"], ["e"], avoid=["a"]) == ["s", "g", "b", "j", "e"]
    assert graph.path_avoiding(["s"], ["e"], avoid=["a", "b"]) is None


def test_a_boundary_event_is_a_successor_of_its_activity():
    graph = _process({"s": "startEvent", "t": "userTask", "e": "endEvent"}, [("s", "t"), ("t", "e"), ("b", "e")],
                     boundaries={"b": "t"})

    assert graph.successors("t") == ["e", "b"]
    assert graph.reachable(["s"]) == {"s", "t", "b", "e"}


def test_the_back_edge_reported_is_the_flow_that_returns_not_the_one_going_forward():
    graph = _process({"s": "startEvent", "t": "task", "g": "exclusiveGateway", "e": "endEvent"},
                     [("s", "t"), ("t", "g"), ("g", "t"), ("g", "e")])

    [edge] = graph.back_edges()

    assert (edge.source, edge.target, edge.flow_id) == ("g", "t", "f2")
    assert graph.cycle_through(edge) == ["t", "g"]


def test_a_long_chain_is_walked_without_recursion():
    nodes = {f"n{i}": "task" for i in range(5000)} | {"s": "startEvent"}
    flows = [("s", "n0")] + [(f"n{i}", f"n{i + 1}") for i in range(4999)] + [("n4999", "n0")]

    graph = _process(nodes, flows)

    assert [(e.source, e.target) for e in graph.back_edges()] == [("n4999", "n0")]
    assert len(graph.reachable(["s"])) == 5001
