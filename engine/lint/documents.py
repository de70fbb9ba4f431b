"""Turn uploaded bytes into Documents: XML syntax, BPMN or DMN, and XSD validity."""
from __future__ import annotations

import threading

from lxml import etree
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from engine.definitions.xml_files import ForbiddenMarkup, UnreadableDiagram, diagram_text
from engine.lint.context import BPMN_NS, SPIFF_NS, Document, local_name, namespace, owner_id
from engine.lint.findings import Finding, error, warning

# More XSD errors than this from one file mean "wrong kind of file"; the rest is noise.
MAX_SCHEMA_ERRORS = 50

# lxml's XMLSchema keeps its error log on the schema object: one validation at a time.
_schema_lock = threading.Lock()
_dmn_schemas: dict[str, etree.XMLSchema] = {}


def _xml_parser() -> etree.XMLParser:
    # Designers' files are untrusted: no entity expansion, no DTD or network fetches.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=False)


def parse_xml(content: bytes) -> etree._Element:
    return etree.fromstring(content, _xml_parser())


def load_documents(files: dict[str, bytes]) -> tuple[list[Document], list[Finding]]:
    documents, findings = [], []
    for name in sorted(files):
        document, problems = _load_alone(name, files[name])
        findings.extend(problems)
        if document is not None:
            documents.append(document)
    return documents, findings


def _load_alone(name: str, content) -> tuple[Document | None, list[Finding]]:
    # One file that trips lint itself must not hide the other files' findings.
    try:
        return load_document(name, content)
    except Exception as exc:  # noqa: BLE001 - the last resort for this file only
        return None, [error("lint-internal", f"lint could not read this file: {exc!r}; it may still be fine",
                            file=name)]


def refusal(name: str, exc: UnreadableDiagram) -> Finding:
    """The finding for a diagram file that cannot be read as text, wherever it was read."""
    if isinstance(exc, ForbiddenMarkup):
        return error("xml-doctype", exc.message, file=name, line=exc.line)
    return error("file-encoding", exc.message, file=name, line=exc.line)


def load_document(name: str, content: bytes | str | None) -> tuple[Document | None, list[Finding]]:
    try:
        text = diagram_text(content)
    except UnreadableDiagram as exc:
        return None, [refusal(name, exc)]
    if not text.strip():
        return None, [error("xml-syntax", "the file is empty", file=name)]
    content = text.encode("utf-8")
    try:
        root = parse_xml(content)
    except etree.XMLSyntaxError as exc:
        return None, [error("xml-syntax", f"not well-formed XML: {exc.msg}", file=name, line=exc.lineno)]
    except (ValueError, TypeError) as exc:
        return None, [error("xml-syntax", f"not readable as XML: {exc}", file=name)]
    kind = _kind(root)
    if kind is None:
        message = f"not a BPMN or DMN document: the root element is {root.tag!r}"
        return None, [error("parse-error", message, file=name, line=root.sourceline)]
    document = Document(name=name, kind=kind, root=root)
    problems = _schema_findings(document, content)
    document.schema_valid = not any(f.severity == "error" for f in problems)
    return document, problems


def _kind(root) -> str | None:
    if local_name(root) != "definitions":
        return None
    ns = namespace(root) or ""
    if ns == BPMN_NS:
        return "bpmn"
    if "/DMN/" in ns.upper():
        return "dmn"
    return None


def _schema_findings(document: Document, content: bytes) -> list[Finding]:
    schema = _schema_for(document)
    if schema is None:
        ns = namespace(document.root)
        message = f"no schema known for DMN namespace {ns}; not validated"
        return [warning("xsd", message, file=document.name, line=document.root.sourceline)]
    # Validate a fresh copy: SpiffWorkflow's preprocessing renames elements in place.
    copy = parse_xml(content)
    with _schema_lock:
        if document.kind == "bpmn":
            VALIDATOR.preprocess(copy)
        schema.validate(copy)
        entries = [(entry.line, entry.message) for entry in schema.error_log]
    return _entries_to_findings(document, entries)


def _schema_for(document: Document) -> etree.XMLSchema | None:
    if document.kind == "bpmn":
        return VALIDATOR.validator
    path = DMN_SCHEMAS.get(namespace(document.root))
    if path is None:
        return None
    with _schema_lock:
        if path not in _dmn_schemas:
            _dmn_schemas[path] = etree.XMLSchema(etree.parse(path))
        return _dmn_schemas[path]


def _entries_to_findings(document: Document, entries: list[tuple[int, str]]) -> list[Finding]:
    at_line = _first_element_by_line(document.root)
    findings = []
    for line, message in entries[:MAX_SCHEMA_ERRORS]:
        element = at_line.get(line)
        element_id = owner_id(element) if element is not None else None
        message = _readable(message, namespace(document.root))
        findings.append(error("xsd", message, file=document.name, line=line or None, element_id=element_id))
    if len(entries) > MAX_SCHEMA_ERRORS:
        more = len(entries) - MAX_SCHEMA_ERRORS
        findings.append(error("xsd", f"{more} more schema errors not shown", file=document.name))
    return findings


def _readable(message: str, root_namespace: str | None) -> str:
    # lxml names elements {namespace}name; designers know them as bpmn:name.
    prefixes = {root_namespace: "", BPMN_NS: "bpmn:", SPIFF_NS: "spiffworkflow:"}
    for uri, prefix in prefixes.items():
        if uri:
            message = message.replace(f"{{{uri}}}", prefix)
    return message


def _first_element_by_line(root) -> dict[int, etree._Element]:
    index = {}
    for element in root.iter(etree.Element):
        index.setdefault(element.sourceline, element)
    return index
