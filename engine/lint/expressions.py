"""Every piece of Python in a diagram must compile under the sandbox at lint time, so that a
broken condition fails the deploy instead of a case."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from engine.lint.context import NS, Document, LintContext
from engine.lint.findings import Finding
from engine.sandbox import check_source

# spiffworkflow:property values that Jiahe evaluates as Python (besides any name ending in "Expression").
EVALUATED_PROPERTIES = {"dueAt", "priority"}


@dataclass(frozen=True)
class Source:
    element: object  # where the source lives; its line is line 1 of the source when `in_text`
    text: str
    mode: str  # "exec" | "eval"
    code: str
    what: str
    in_text: bool = True  # False for attribute values: every line maps to the element's line


def compile_problems(text: str, mode: str) -> list[tuple[int | None, str]]:
    try:
        return list(check_source(text, mode))
    except Exception as exc:  # noqa: BLE001 - a sandbox bug must become a finding, not a crash
        return [(None, f"the sandbox could not check it: {exc!r}")]


def check(doc: Document, source: Source) -> list[Finding]:
    findings = []
    for lineno, message in compile_problems(source.text, source.mode):
        line = source.element.sourceline
        if source.in_text and lineno and line:
            line += lineno - 1
        findings.append(doc.finding(source.element, source.code, f"{source.what} does not compile: {message}", line=line))
    return findings


def compile_expressions(ctx: LintContext) -> list[Finding]:
    findings = []
    for doc, process in ctx.executable_processes():
        for source in process_sources(process):
            findings += check(doc, source)
    for doc in _documents_with_processes(ctx):
        for source in message_sources(doc.root):
            findings += check(doc, source)
    return findings


def empty_scripts(ctx: LintContext) -> list[Finding]:
    # SpiffWorkflow accepts a script task without a script and fails when a case reaches it.
    findings = []
    for doc, task in ctx.executable_elements("scriptTask"):
        script = task.find("bpmn:script", NS)
        if script is None or not (script.text or "").strip():
            findings.append(doc.finding(task, "script-compile", "script task has no script"))
    return findings


def _documents_with_processes(ctx: LintContext) -> list[Document]:
    return list({id(doc): doc for doc, _ in ctx.executable_processes()}.values())


def process_sources(process) -> Iterator[Source]:
    yield from _texts(process, ".//bpmn:scriptTask/bpmn:script", "exec", "script-compile", "script")
    for name in ("preScript", "postScript"):
        yield from _texts(process, f".//bpmn:extensionElements/spiffworkflow:{name}", "exec", "script-compile", name)
    yield from _texts(process, ".//bpmn:sequenceFlow/bpmn:conditionExpression", "eval", "condition-compile", "condition")
    yield from _texts(process, ".//bpmn:conditionalEventDefinition/bpmn:condition", "eval", "condition-compile",
                      "event condition")
    yield from _texts(process, ".//bpmn:standardLoopCharacteristics/bpmn:loopCondition", "eval", "condition-compile",
                      "loop condition")
    yield from _texts(process, ".//bpmn:completionCondition", "eval", "condition-compile", "completion condition")
    yield from _texts(process, ".//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", "eval",
                      "condition-compile", "loop cardinality")
    yield from _property_sources(process)


def message_sources(root) -> Iterator[Source]:
    yield from _texts(root, ".//spiffworkflow:messagePayload", "eval", "message-expression", "message payload")
    yield from _texts(root, ".//spiffworkflow:payloadExpression", "eval", "message-expression", "event payload")
    yield from _texts(root, ".//spiffworkflow:processVariableCorrelation/spiffworkflow:expression", "eval",
                      "message-expression", "correlation expression")
    yield from _texts(root, ".//bpmn:correlationPropertyRetrievalExpression/*", "eval", "message-expression",
                      "correlation retrieval expression")


def _texts(root, xpath: str, mode: str, code: str, what: str) -> Iterator[Source]:
    for element in root.xpath(xpath, namespaces=NS):
        if element.text is not None:
            yield Source(element, element.text, mode, code, what)


def _property_sources(process) -> Iterator[Source]:
    for prop in process.xpath(".//spiffworkflow:properties/spiffworkflow:property", namespaces=NS):
        name = prop.get("name") or ""
        if name.endswith("Expression") or name in EVALUATED_PROPERTIES:
            yield Source(prop, prop.get("value") or "", "eval", "property-expression", f"property {name}", in_text=False)
