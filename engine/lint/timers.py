"""Timer expressions: Python that must evaluate to an ISO 8601 value of the timer's kind.

SpiffWorkflow evaluates the text of timeDate / timeDuration / timeCycle as Python and parses
the result only when a case reaches the timer, so a typo in "P2D" would surface days later.
"""
from __future__ import annotations

import ast
import re
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.lint.context import NS, Document, LintContext, bpmn, local_name
from engine.lint.expressions import compile_problems
from engine.lint.findings import WARNING, Finding

# The order SpiffWorkflow's parser looks for them in: the first one present wins.
KINDS = ("timeDate", "timeDuration", "timeCycle")

# Looks like an ISO 8601 value but, unquoted, is a Python name (P3D) or a division (R3/PT1H).
_UNQUOTED_ISO = re.compile(r"(R\d*/\S+|P[\dT]\S*)")
_TIMEZONE_SUFFIX = re.compile(r"(Z|[+-]\d{2}(:?\d{2})?)$", re.IGNORECASE)
_NOT_LITERAL = object()


def timer_expressions(ctx: LintContext) -> list[Finding]:
    findings = []
    for doc, process in ctx.executable_processes():
        for definition in process.iter(bpmn("timerEventDefinition")):
            findings += _check_timer(doc, definition)
    return findings


def _check_timer(doc: Document, definition) -> list[Finding]:
    spec = _timer_spec(definition)
    if spec is None:
        return [doc.finding(definition, "timer-expression", "timer has no timeDate, timeDuration or timeCycle")]
    kind, text = local_name(spec), spec.text or ""
    if not text.strip():
        return [doc.finding(spec, "timer-expression", f"{kind} is empty")]
    problems = compile_problems(text, "eval")
    if problems:
        return [_compile_finding(doc, spec, kind, lineno, message) for lineno, message in problems]
    value = _literal(text)
    if value is _NOT_LITERAL:
        return _unquoted_value(doc, spec, kind, text.strip())
    if not isinstance(value, str):
        return [doc.finding(spec, "timer-expression", f"{kind} must be an ISO 8601 string, not {value!r}")]
    return _literal_value(doc, spec, kind, value)


def _timer_spec(definition):
    for kind in KINDS:
        found = definition.find(f".//bpmn:{kind}", NS)
        if found is not None:
            return found
    return None


def _compile_finding(doc: Document, spec, kind: str, lineno, message: str) -> Finding:
    line = spec.sourceline + lineno - 1 if lineno and spec.sourceline else spec.sourceline
    return doc.finding(spec, "timer-expression", f"{kind} does not compile: {message}", line=line)


def _literal(text: str):
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _NOT_LITERAL


def _unquoted_value(doc: Document, spec, kind: str, text: str) -> list[Finding]:
    # Any other expression (a variable, a function call) can only be checked when it runs.
    if not _UNQUOTED_ISO.fullmatch(text):
        return []
    message = f"{kind} {text} is read as Python, not as ISO 8601: quote it, e.g. \"'{text}'\""
    return [doc.finding(spec, "timer-expression", message)]


def _literal_value(doc: Document, spec, kind: str, value: str) -> list[Finding]:
    checks = {"timeDuration": _duration_problem, "timeDate": _date_problem, "timeCycle": _cycle_problem}
    problem = checks[kind](value.strip())
    if problem:
        return [doc.finding(spec, "timer-expression", f"{kind} {value!r}: {problem}")]
    naive = [part for part in _datetime_parts(kind, value.strip()) if _is_naive(part)]
    return [_naive_finding(doc, spec, kind, part) for part in naive]


def _duration_problem(value: str) -> str | None:
    try:
        parsed = TimerEventDefinition.parse_iso_duration(value)
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises bare Exception for a bad duration
        parsed = None
    if not value.upper().startswith("P") or not parsed:
        return "not an ISO 8601 duration (e.g. P3D, PT24H, P1M)"
    return None


def _date_problem(value: str) -> str | None:
    try:
        parsed = TimerEventDefinition.parse_time_or_duration(value)
    except Exception:  # noqa: BLE001 - several parse paths, several exception types
        parsed = None
    if not isinstance(parsed, datetime):
        return "not an ISO 8601 date-time (e.g. 2026-03-08T09:00:00+08:00)"
    return None


def _cycle_problem(value: str) -> str | None:
    try:
        TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception:  # noqa: BLE001
        return "not an ISO 8601 repeating interval (e.g. R3/PT1H, R/2026-03-08T09:00:00+08:00/P1D)"
    return None


def _datetime_parts(kind: str, value: str) -> list[str]:
    if kind == "timeDate":
        return [value]
    if kind == "timeCycle":
        # The same splitting SpiffWorkflow does; parts that are not durations are date-times.
        parts = value.upper().replace("--", "/").strip("R").split("/")[1:]
        return [part for part in parts if part and not part.startswith("P")]
    return []


def _is_naive(value: str) -> bool:
    try:
        return datetime.fromisoformat(value).tzinfo is None
    except ValueError:
        return not _TIMEZONE_SUFFIX.search(value)


def _naive_finding(doc: Document, spec, kind: str, value: str) -> Finding:
    message = (
        f"{kind} date-time {value} has no timezone: SpiffWorkflow would read it in the server's local "
        "time; add one, e.g. +08:00"
    )
    return doc.finding(spec, "timer-timezone", message, WARNING)
