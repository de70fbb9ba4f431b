"""The parsed bundle that every lint rule reads, and helpers to point findings at elements."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from engine.definitions.catalog import Catalog
from engine.lint.findings import ERROR, Finding

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}

# Elements that hold a piece of another element (an expression, an event definition, ...):
# a finding about them names the element a designer sees in the modeler instead.
_PART_SUFFIXES = ("EventDefinition", "Expression")
_PART_NAMES = {
    "timeDate", "timeDuration", "timeCycle", "script", "condition", "loopCardinality",
    "completionCondition", "loopCondition", "text",
}

SUBPROCESS_NAMES = {"subProcess", "transaction", "adHocSubProcess"}


def local_name(element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def namespace(element) -> str | None:
    tag = element.tag
    return etree.QName(tag).namespace if isinstance(tag, str) else None


def bpmn(name: str) -> str:
    return f"{{{BPMN_NS}}}{name}"


def spiff(name: str) -> str:
    return f"{{{SPIFF_NS}}}{name}"


def owner_id(element) -> str | None:
    """The id of the nearest enclosing element a designer can click on."""
    node = element
    while node is not None:
        name = local_name(node)
        is_part = name in _PART_NAMES or name.endswith(_PART_SUFFIXES)
        if node.get("id") and not is_part:
            return node.get("id")
        node = node.getparent()
    return None


@dataclass
class Document:
    name: str
    kind: str  # "bpmn" | "dmn"
    root: etree._Element
    schema_valid: bool = True

    def finding(self, element, code: str, message: str, severity: str = ERROR, line: int | None = None) -> Finding:
        return Finding(
            severity=severity,
            code=code,
            file=self.name,
            line=line if line is not None else element.sourceline,
            element_id=owner_id(element),
            message=message,
        )

    def find_by_id(self, element_id: str | None):
        if not element_id:
            return None
        for node in self.root.iter():
            if node.get("id") == element_id:
                return node
        return None

    def dmn_tag(self, name: str) -> str:
        return f"{{{namespace(self.root)}}}{name}"


def is_executable(process) -> bool:
    # SpiffWorkflow's reading of the attribute, not the BPMN spec's: absent means executable.
    return process.get("isExecutable", "true") == "true"


def scopes(process) -> Iterator:
    """The process and every (nested) subprocess in it: each holds its own flow graph."""
    yield process
    for element in process.iter():
        if element is not process and namespace(element) == BPMN_NS and local_name(element) in SUBPROCESS_NAMES:
            yield element


def spiff_properties(element) -> dict[str, etree._Element]:
    """spiffworkflow:property elements of a flow element, by name."""
    found = element.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=NS)
    return {prop.get("name"): prop for prop in found if prop.get("name")}


@dataclass
class LintContext:
    documents: list[Document]
    catalog: Catalog | None = None
    forms: dict[str, bytes] | None = None
    form_label: Callable[[str], str] = field(default=lambda name: name)
    catalog_file: str = "catalog.yaml"  # how findings about the catalog name it

    def bpmn_documents(self) -> list[Document]:
        return [doc for doc in self.documents if doc.kind == "bpmn"]

    def dmn_documents(self) -> list[Document]:
        return [doc for doc in self.documents if doc.kind == "dmn"]

    def executable_processes(self) -> Iterator[tuple[Document, etree._Element]]:
        # Non-executable processes are documentation (e.g. a partner's black-box pool):
        # SpiffWorkflow refuses to run them, so nothing in them needs to be checked.
        for doc in self.bpmn_documents():
            for process in doc.root.iterfind("bpmn:process", NS):
                if is_executable(process):
                    yield doc, process

    def executable_elements(self, local: str) -> Iterator[tuple[Document, etree._Element]]:
        for doc, process in self.executable_processes():
            for element in process.iter(bpmn(local)):
                yield doc, element


Rule = Callable[[LintContext], Iterable[Finding]]
