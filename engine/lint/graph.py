"""The sequence-flow graph of one process or subprocess, for rules that reason about paths.

Nodes are the flow nodes directly inside the scope (a subprocess is one node of its parent
and a scope of its own). Edges are sequence flows, plus an edge from each activity to each of
its boundary events: a boundary event is where flow leaves an activity early, so paths
through it are paths of the activity.

All walks are iterative: diagrams are untrusted input and may be deep.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from engine.lint.context import BPMN_NS, local_name, namespace

FLOW_NODE_NAMES = frozenset({
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "subProcess", "adHocSubProcess", "transaction", "callActivity",
    "exclusiveGateway", "inclusiveGateway", "parallelGateway", "complexGateway", "eventBasedGateway",
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "implicitThrowEvent", "callChoreography", "choreographyTask", "subChoreography",
})


def is_flow_node(element) -> bool:
    return namespace(element) == BPMN_NS and local_name(element) in FLOW_NODE_NAMES


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    flow: object | None = None  # the bpmn:sequenceFlow element; None for activity -> boundary event

    @property
    def flow_id(self) -> str | None:
        return self.flow.get("id") if self.flow is not None else None


@dataclass
class FlowGraph:
    nodes: dict[str, object] = field(default_factory=dict)
    outgoing: dict[str, list[Edge]] = field(default_factory=dict)
    incoming: dict[str, list[Edge]] = field(default_factory=dict)

    @classmethod
    def from_scope(cls, scope) -> FlowGraph:
        graph = cls()
        for child in scope:
            if is_flow_node(child) and child.get("id"):
                graph.nodes[child.get("id")] = child
        for child in scope:
            if namespace(child) == BPMN_NS and local_name(child) == "sequenceFlow":
                graph._add(Edge(child.get("sourceRef"), child.get("targetRef"), child))
        for node_id, node in graph.nodes.items():
            if local_name(node) == "boundaryEvent":
                graph._add(Edge(node.get("attachedToRef"), node_id))
        return graph

    def _add(self, edge: Edge) -> None:
        # Flows pointing outside the scope or nowhere are the parser's business, not the graph's.
        if edge.source in self.nodes and edge.target in self.nodes:
            self.outgoing.setdefault(edge.source, []).append(edge)
            self.incoming.setdefault(edge.target, []).append(edge)

    def successors(self, node_id: str) -> list[str]:
        return [edge.target for edge in self.outgoing.get(node_id, [])]

    def predecessors(self, node_id: str) -> list[str]:
        return [edge.source for edge in self.incoming.get(node_id, [])]

    def of_kind(self, *names: str) -> list[str]:
        return [node_id for node_id, node in self.nodes.items() if local_name(node) in names]

    def start_ids(self) -> list[str]:
        return self.of_kind("startEvent")

    def end_ids(self) -> list[str]:
        return self.of_kind("endEvent")

    def entry_ids(self) -> list[str]:
        """Where execution can begin in this scope: start events and event subprocesses, or,
        in a scope without start events (ad-hoc subprocess), every node nothing flows into."""
        starts = self.start_ids()
        if not starts:
            return [n for n in self.nodes if not self.incoming.get(n)]
        triggered = [n for n, node in self.nodes.items() if node.get("triggeredByEvent") == "true"]
        return starts + triggered

    def reachable(self, from_ids: Iterable[str], avoid: Iterable[str] = ()) -> set[str]:
        avoid = set(avoid)
        seen, stack = set(), [n for n in from_ids if n in self.nodes and n not in avoid]
        while stack:
            node_id = stack.pop()
            if node_id in seen:
                continue
            seen.add(node_id)
            stack.extend(n for n in self.successors(node_id) if n not in seen and n not in avoid)
        return seen

    def path_avoiding(self, from_ids: Iterable[str], to_ids: Iterable[str], avoid: Iterable[str]) -> list[str] | None:
        """A path from a start to an end that passes none of `avoid`, or None if every path
        passes one of them (what "every path goes through X" checks need)."""
        avoid, targets = set(avoid), set(to_ids)
        parents: dict[str, str | None] = {n: None for n in from_ids if n in self.nodes and n not in avoid}
        queue = deque(parents)
        while queue:
            node_id = queue.popleft()
            if node_id in targets:
                return self._trace(parents, node_id)
            for nxt in self.successors(node_id):
                if nxt not in parents and nxt not in avoid:
                    parents[nxt] = node_id
                    queue.append(nxt)
        return None

    @staticmethod
    def _trace(parents: dict[str, str | None], node_id: str) -> list[str]:
        path = [node_id]
        while parents[path[-1]] is not None:
            path.append(parents[path[-1]])
        return path[::-1]

    def paths(self, from_id: str, to_ids: Iterable[str], limit: int = 1000) -> Iterator[list[str]]:
        """Simple paths (no node twice) from one node to any of `to_ids`; at most `limit`,
        since their number grows exponentially with the gateways in a diagram."""
        targets, produced = set(to_ids), 0
        stack = [(from_id, [from_id])]
        while stack and produced < limit:
            node_id, path = stack.pop()
            if node_id in targets:
                produced += 1
                yield path
                continue
            for nxt in reversed(self.successors(node_id)):
                if nxt not in path:
                    stack.append((nxt, path + [nxt]))

    def back_edges(self) -> list[Edge]:
        """Edges that close a cycle, found by depth-first search from the entries first, so
        that the reported edge is the one that flows back, not one on the way forward."""
        state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
        found = []
        roots = self.entry_ids() + [n for n in self.nodes]
        for root in roots:
            if root not in state:
                found += self._back_edges_from(root, state)
        return found

    def _back_edges_from(self, root: str, state: dict[str, int]) -> list[Edge]:
        found = []
        state[root] = 1
        stack = [(root, iter(self.outgoing.get(root, [])))]
        while stack:
            node_id, edges = stack[-1]
            edge = next(edges, None)
            if edge is None:
                state[node_id] = 2
                stack.pop()
            elif state.get(edge.target) == 1:
                found.append(edge)
            elif edge.target not in state:
                state[edge.target] = 1
                stack.append((edge.target, iter(self.outgoing.get(edge.target, []))))
        return found

    def cycle_through(self, edge: Edge) -> list[str]:
        """Nodes of one cycle closed by a back edge: its target back to its source."""
        path = self.path_avoiding([edge.target], [edge.source], avoid=())
        return path or [edge.target, edge.source]
