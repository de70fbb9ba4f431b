"""Parse the bundle the way the engine will (SpiffBpmnParser) and report what it rejects."""
from __future__ import annotations

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.lint.context import Document, LintContext, owner_id
from engine.lint.findings import Finding, error
from engine.lint.locate import element_named


def spiff_parse(ctx: LintContext) -> list[Finding]:
    # Files that failed the XSD would fail the deploy there; parsing them only adds echoes.
    documents = [doc for doc in ctx.documents if doc.schema_valid]
    by_name = {doc.name: doc for doc in documents}
    # No validator: XSD errors were already reported one by one, the parser stops at the first.
    parser = SpiffBpmnParser()
    findings = []
    for doc in documents:
        findings += _attempt(by_name, doc.name, lambda doc=doc: _add(parser, doc))
    for dmn_parser in list(parser.dmn_parsers.values()):
        findings += _attempt(by_name, dmn_parser.filename, dmn_parser.parse, where=_decision(by_name, dmn_parser))
    findings += _parse_processes(parser, by_name)
    return findings


def _add(parser: SpiffBpmnParser, doc: Document) -> None:
    if doc.kind == "dmn":
        # The DMN parser indexes the first decision unchecked; the dmn rule reports its absence.
        if next(doc.root.iter(doc.dmn_tag("decision")), None) is not None:
            parser.add_dmn_xml(doc.root, filename=doc.name)
    else:
        parser.add_bpmn_xml(doc.root, filename=doc.name)


def _parse_processes(parser: SpiffBpmnParser, by_name: dict[str, Document]) -> list[Finding]:
    """Parse every executable process and, as they appear, the subprocesses inside them.

    Call activities are not followed here (the support rule checks their targets with a
    location), because SpiffWorkflow reports a missing target without file or element.
    """
    findings, done = [], set()
    while True:
        pending = [pid for pid, pp in parser.process_parsers.items() if pid not in done and pp.process_executable]
        if not pending:
            return findings
        for pid in pending:
            done.add(pid)
            process_parser = parser.process_parsers[pid]
            findings += _attempt(by_name, process_parser.filename, process_parser.get_spec,
                                 where=process_parser.node)


def _decision(by_name: dict[str, Document], dmn_parser):
    doc = by_name.get(dmn_parser.filename)
    return next(doc.root.iter(doc.dmn_tag("decision")), None) if doc is not None else None


def _attempt(by_name: dict[str, Document], file: str | None, step, where=None) -> list[Finding]:
    """Run one parser step; what it rejects becomes a finding at the element it names, else
    at `where` (the process or decision being parsed), else at the file's root element."""
    try:
        step()
    except ValidationException as exc:
        return [_from_validation(by_name, file, exc, where)]
    except Exception as exc:  # noqa: BLE001 - any parser failure is the designer's finding, never a crash
        return [_located(by_name.get(file), file, f"SpiffWorkflow cannot parse this: {exc!r}", str(exc), where)]
    return []


def _from_validation(by_name: dict[str, Document], file: str | None, exc: ValidationException, where) -> Finding:
    file = exc.file_name or file
    doc = by_name.get(file)
    element_id = getattr(exc, "id", None) or None
    if element_id is None:
        return _located(doc, file, _message(exc), _message(exc), where)
    return error(
        "parse-error",
        _message(exc),
        file=file,
        line=_line(doc, element_id, getattr(exc, "line_number", None)),
        element_id=element_id,
    )


def _located(doc: Document | None, file: str | None, message: str, said: str, where) -> Finding:
    element = element_named(doc, said)
    if element is None:
        element = where if where is not None else (doc.root if doc is not None else None)
    if element is None or (doc is not None and element.getroottree().getroot() is not doc.root):
        return error("parse-error", message, file=file)
    return error("parse-error", message, file=file, line=element.sourceline, element_id=owner_id(element))


def _message(exc: ValidationException) -> str:
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    notes = [str(note) for note in getattr(exc, "notes", [])]
    return ". ".join([text, *notes])


def _line(doc: Document | None, element_id: str | None, reported) -> int | None:
    if isinstance(reported, int) and reported > 0:
        return reported
    # SpiffWorkflow reads `line_number` off lxml nodes, which have `sourceline`: find it ourselves.
    element = doc.find_by_id(element_id) if doc is not None else None
    return element.sourceline if element is not None else None
