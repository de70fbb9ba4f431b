"""What changed between two deployed versions of a process: the designer's "compare versions".

Pure: two bundles (as stored, `Bundle.to_dict()`) in, a VersionDiff out. Elements and flows
are compared by their BPMN ids, forms by their fields, DMN tables by their rule ids, so that
a renamed task shows as changed, not as one removed and one added. Each change says what it
was and what it is now.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.definitions.diff_parts import (
    Change,
    compare_facts,
    diff_decisions,
    diff_forms,
    text_of,
)
from engine.lint.documents import parse_xml

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
# Children of a process that are not steps: drawn or described elsewhere, or compared apart.
NOT_ELEMENTS = {"sequenceFlow", "laneSet", "extensionElements", "documentation", "association", "textAnnotation",
                "ioSpecification", "dataObject", "dataObjectReference", "dataStoreReference", "group"}
CONTAINERS = {"subProcess", "transaction", "adHocSubProcess"}
TIMER_PARTS = ("timeDuration", "timeDate", "timeCycle")


@dataclass(frozen=True)
class ElementChange:
    id: str
    type: str
    name: str
    process: str
    changes: tuple[Change, ...] = ()

    def to_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "name": self.name, "process": self.process,
                "changes": [c.to_dict() for c in self.changes]}


@dataclass
class Grouped:
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_dict(self) -> dict:
        return {kind: [item.to_dict() for item in getattr(self, kind)] for kind in ("added", "removed", "changed")}


@dataclass
class VersionDiff:
    elements: Grouped
    flows: Grouped
    forms: list  # FormChange
    decisions: list  # DecisionChange

    @property
    def empty(self) -> bool:
        return self.elements.empty and self.flows.empty and not self.forms and not self.decisions

    def to_dict(self) -> dict:
        return {"same": self.empty, "elements": self.elements.to_dict(), "flows": self.flows.to_dict(),
                "forms": [f.to_dict() for f in self.forms], "decisions": [d.to_dict() for d in self.decisions]}


def diff_bundles(old: dict, new: dict) -> VersionDiff:
    """The differences from bundle `old` to bundle `new` (stored bundle dicts)."""
    old_elements, old_flows = read_bpmn(old.get("bpmn", {}))
    new_elements, new_flows = read_bpmn(new.get("bpmn", {}))
    return VersionDiff(
        elements=_grouped(old_elements, new_elements),
        flows=_grouped(old_flows, new_flows),
        forms=diff_forms(old.get("forms", {}), new.get("forms", {})),
        decisions=diff_decisions(old.get("dmn", {}), new.get("dmn", {})),
    )


def _grouped(old: dict[tuple, dict], new: dict[tuple, dict]) -> Grouped:
    grouped = Grouped()
    for key in sorted(new.keys() - old.keys()):
        grouped.added.append(_item(key, new[key]))
    for key in sorted(old.keys() - new.keys()):
        grouped.removed.append(_item(key, old[key]))
    for key in sorted(old.keys() & new.keys()):
        changes = compare_facts(old[key], new[key])
        if changes:
            grouped.changed.append(_item(key, new[key], changes))
    return grouped


def _item(key: tuple, facts: dict, changes: tuple[Change, ...] = ()) -> ElementChange:
    process, element_id = key
    return ElementChange(id=element_id, type=facts.get("type", ""), name=facts.get("name") or "",
                         process=process, changes=changes)


# -- reading BPMN -------------------------------------------------------------------------------

def read_bpmn(files: dict[str, str]) -> tuple[dict[tuple, dict], dict[tuple, dict]]:
    """Facts of every element and sequence flow, keyed by (process id, element id)."""
    elements, flows = {}, {}
    for _name, text in sorted(files.items()):
        root = parse_xml(text.encode("utf-8"))
        for process in root.iter(f"{{{BPMN}}}process"):
            pid = process.get("id", "")
            lanes = _lanes_by_element(process)
            _read_container(process, pid, lanes, elements, flows)
    return elements, flows


def _read_container(container, pid: str, lanes: dict[str, str], elements: dict, flows: dict) -> None:
    for child in container:
        tag = _local(child)
        if tag == "sequenceFlow":
            flows[(pid, child.get("id", ""))] = _flow_facts(child)
        elif tag not in NOT_ELEMENTS and child.get("id") and isinstance(child.tag, str):
            elements[(pid, child.get("id"))] = _element_facts(child, tag, lanes)
            if tag in CONTAINERS:
                _read_container(child, pid, lanes, elements, flows)


def _lanes_by_element(process) -> dict[str, str]:
    found = {}
    for lane in process.iter(f"{{{BPMN}}}lane"):
        for ref in lane.findall(f"{{{BPMN}}}flowNodeRef"):
            if ref.text:
                found[ref.text.strip()] = lane.get("name") or lane.get("id", "")
    return found


def _element_facts(el, tag: str, lanes: dict[str, str]) -> dict[str, Any]:
    facts: dict[str, Any] = {"type": tag, "name": el.get("name") or "", "lane": lanes.get(el.get("id"), "")}
    for attribute in ("attachedToRef", "calledElement", "cancelActivity"):
        if el.get(attribute) is not None:
            facts[attribute] = el.get(attribute)
    facts["documentation"] = text_of(el.find(f"{{{BPMN}}}documentation"))
    facts["script"] = text_of(el.find(f"{{{BPMN}}}script"))
    facts["timer"] = _timer(el)
    facts["events"] = ", ".join(sorted(_local(d) for d in el if _local(d).endswith("EventDefinition")))
    ext = el.find(f"{{{BPMN}}}extensionElements")
    if ext is not None:
        facts.update(_extension_facts(ext))
    # An empty fact is no fact: a timer removed shows as "timer: P7D -> (none)".
    return {k: v for k, v in facts.items() if v not in ("", None) or k in ("type", "name")}


def _extension_facts(ext) -> dict[str, str]:
    facts = {}
    for prop in ext.iter(f"{{{SPIFF}}}property"):
        facts[f"property:{prop.get('name')}"] = prop.get("value") or ""
    for name in ("instructionsForEndUser", "calledDecisionId", "preScript", "postScript", "messageVariable"):
        found = ext.find(f"{{{SPIFF}}}{name}")
        if found is not None:
            facts[name] = text_of(found)
    return facts


def _timer(el) -> str:
    for definition in el.iter(f"{{{BPMN}}}timerEventDefinition"):
        parts = [f"{part}: {text_of(definition.find(f'{{{BPMN}}}{part}'))}" for part in TIMER_PARTS
                 if definition.find(f"{{{BPMN}}}{part}") is not None]
        return "; ".join(parts)
    return ""


def _flow_facts(flow) -> dict[str, Any]:
    return {"type": "sequenceFlow", "name": flow.get("name") or "", "source": flow.get("sourceRef", ""),
            "target": flow.get("targetRef", ""),
            "condition": text_of(flow.find(f"{{{BPMN}}}conditionExpression"))}


def _local(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1]
