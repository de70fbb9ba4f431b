"""Decision tables: the structure SpiffWorkflow reads, and every cell as the engine evaluates it.

An input cell is not a full expression. SpiffWorkflow's DMNEngine.evaluate turns it into one:
  - a cell with `?` becomes that cell with `?` replaced by the input's value;
  - a cell that parses as Python on its own is compared with `(input) == (cell)`;
  - otherwise the cell is appended to the input expression: `age` + `< 18` -> `age< 18`.
`-` or an empty cell matches anything. Lint rebuilds the same expression and compiles it.

The engine's `?` replacement is a regular expression quadratic in a cell's length (20,000
characters take some 40 s), so a cell or input expression longer than
engine.limits.DMN_CELL_MAX_CHARS is refused before any regular expression runs over it.
"""
from __future__ import annotations

import ast
import re

from engine.limits import DMN_CELL_MAX_CHARS
from engine.lint.context import Document, LintContext
from engine.lint.expressions import compile_problems
from engine.lint.findings import WARNING, Finding

# DMNEngine.evaluate's pattern: a `?` outside quotes stands for the input value.
_QUESTION_MARK = re.compile(r'(\?)(?=(?:[^\'"]|[\'"][^\'"]*[\'"])*$)')
INPUT_NAME = "dmninputexpr"
# Policies whose result SpiffWorkflow computes as "first match" (UNIQUE, FIRST, ANY) or a list (COLLECT).
SUPPORTED_HIT_POLICIES = {"UNIQUE", "FIRST", "ANY", "COLLECT"}


def dmn_tables(ctx: LintContext) -> list[Finding]:
    findings = []
    for doc in ctx.dmn_documents():
        findings += _structure(doc)
        for table in doc.root.iter(doc.dmn_tag("decisionTable")):
            findings += _table(doc, table)
    return findings


def _structure(doc: Document) -> list[Finding]:
    decisions = list(doc.root.iter(doc.dmn_tag("decision")))
    if not decisions:
        return [doc.finding(doc.root, "dmn-structure", "no decision in this DMN file")]
    findings = [
        doc.finding(extra, "unsupported-element", "SpiffWorkflow reads one decision per DMN file; this one is ignored")
        for extra in decisions[1:]
    ]
    for decision in decisions:
        if decision.find(doc.dmn_tag("decisionTable")) is None:
            findings.append(doc.finding(decision, "unsupported-element", "only decision tables are supported"))
    return findings


def _table(doc: Document, table) -> list[Finding]:
    findings = _hit_policy(doc, table)
    inputs = [_input_expression(doc, element) for element in table.findall(doc.dmn_tag("input"))]
    findings += [f for _, problems in inputs for f in problems]
    for rule in table.findall(doc.dmn_tag("rule")):
        entries = rule.findall(doc.dmn_tag("inputEntry"))
        for entry, (expression, _) in zip(entries, inputs, strict=False):
            findings += _input_cell(doc, entry, expression or INPUT_NAME)
        for entry in rule.findall(doc.dmn_tag("outputEntry")):
            findings += _output_cell(doc, entry)
    return findings


def _hit_policy(doc: Document, table) -> list[Finding]:
    policy = (table.get("hitPolicy") or "UNIQUE").upper()
    findings = []
    if policy not in SUPPORTED_HIT_POLICIES:
        findings.append(doc.finding(table, "unsupported-element", f"hit policy {policy} is not supported by SpiffWorkflow"))
    if table.get("aggregation"):
        message = f"aggregation {table.get('aggregation')} is not supported: COLLECT returns the list of outputs"
        findings.append(doc.finding(table, "unsupported-element", message))
    return findings


def _input_expression(doc: Document, input_element) -> tuple[str | None, list[Finding]]:
    text_element = input_element.find(f"{doc.dmn_tag('inputExpression')}/{doc.dmn_tag('text')}")
    text = text_element.text if text_element is not None else None
    if not (text or "").strip():
        message = "input has no expression: SpiffWorkflow would look its label up in the task data"
        return None, [doc.finding(input_element, "dmn-input-compile", message, WARNING)]
    if len(text) > DMN_CELL_MAX_CHARS:
        return None, [_too_long(doc, text_element, "input expression", text)]
    problems = [
        doc.finding(text_element, "dmn-input-compile", f"input expression {text!r} does not compile: {message}")
        for _, message in compile_problems(text, "eval")
    ]
    return text, problems


def _cell_text(doc: Document, entry):
    text_element = entry.find(doc.dmn_tag("text"))
    where = text_element if text_element is not None else entry
    return where, (text_element.text if text_element is not None else None)


def _input_cell(doc: Document, entry, input_expression: str) -> list[Finding]:
    where, text = _cell_text(doc, entry)
    if text is None or text == "-":
        return []
    if len(text) > DMN_CELL_MAX_CHARS:
        return [_too_long(doc, where, "input cell", text)]
    if not text.strip():
        message = "blank cell: the engine compares the input with () here; write - to match anything"
        return [doc.finding(where, "dmn-cell-compile", message, WARNING)]
    expression, problem = engine_expression(input_expression, text)
    if problem:
        return [doc.finding(where, "dmn-cell-compile", f"cell {text!r} {problem}")]
    findings = [
        doc.finding(where, "dmn-cell-compile", f"cell {text!r} (evaluated as {expression!r}) does not compile: {message}")
        for _, message in compile_problems(expression, "eval")
    ]
    return findings or _tuple_warning(doc, where, text)


def engine_expression(input_expression: str, cell: str) -> tuple[str | None, str | None]:
    """The expression DMNEngine.evaluate would build for an input cell, or why it cannot."""
    replaced = _QUESTION_MARK.sub(INPUT_NAME, cell)
    if INPUT_NAME in replaced:
        return replaced, None
    if _parses(cell):
        return f"({input_expression}) == ({cell})", None
    if not _parses(f"v {cell}"):
        return None, "is neither a value nor a comparison (e.g. \"high\", < 18, ? in (1, 2))"
    if _glued(input_expression, cell):
        return None, f"would be glued to the input as {input_expression + cell!r}; write ? {cell.strip()} instead"
    return input_expression + cell, None


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def _glued(left: str, right: str) -> bool:
    # The engine concatenates without a space: `age` + `in (1, 2)` is a call to `agein`.
    return bool(left) and bool(right) and _word_char(left[-1]) and _word_char(right[0])


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _tuple_warning(doc: Document, where, text: str) -> list[Finding]:
    # `"a", "b"` reads like FEEL's "any of", but the engine compares the input with a tuple.
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError):
        return []
    if isinstance(tree.body, ast.Tuple) and tree.body.elts:
        message = f"cell {text!r} compares the input with a tuple, not with each value; write ? in ({text.strip()})"
        return [doc.finding(where, "dmn-cell-list", message, WARNING)]
    return []


def _output_cell(doc: Document, entry) -> list[Finding]:
    where, text = _cell_text(doc, entry)
    if not text:
        return []  # the engine outputs "" for an empty output cell
    if len(text) > DMN_CELL_MAX_CHARS:
        return [_too_long(doc, where, "output cell", text)]
    return [
        doc.finding(where, "dmn-cell-compile", f"output {text!r} does not compile: {message}")
        for _, message in compile_problems(text, "eval")
    ]


def _too_long(doc: Document, where, what: str, text: str) -> Finding:
    message = (f"{what} of {len(text)} characters is longer than the {DMN_CELL_MAX_CHARS} allowed: SpiffWorkflow's "
               "decision engine takes time that grows with the square of a cell's length; compute the value in "
               "a script task before the decision")
    return doc.finding(where, "dmn-cell-too-long", message)
