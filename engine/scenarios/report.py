"""Words for scenario results: what was expected, what was there instead.

Everything here turns engine objects into one-line texts a process designer can act on.
"""
from __future__ import annotations

from typing import Any

from engine.scenarios.model import compact

MAX_FINDINGS = 10


def offered(role: str | None, org_unit: str | None) -> str:
    text = f" offered to {role}" if role else ""
    return text + (f" in {org_unit}" if org_unit else "")


def describe_tasks(tasks) -> str:
    ready = [t for t in tasks if t.state == "ready"]
    if not ready:
        return "none"
    return ", ".join(f"{t.name} ({t.role or 'no role'} @ {t.org_unit or 'no unit'})" for t in ready)


def describe_linked(instances) -> str:
    """Instances as `process (case no, status)`, e.g. what a message from a case started."""
    if not instances:
        return "none"
    return ", ".join(f"{i.process_key} ({i.case_no or i.id}, {i.status})" for i in instances)


def describe_status(view) -> str:
    """The status, with what went wrong when an incident stopped the case."""
    incidents = "; ".join(f"incident at {i.element_id}: {i.message}" for i in view.incidents)
    return f"{view.status} ({incidents})" if incidents else view.status


def describe_error(exc) -> str:
    """A Jiahe error with its field errors or lint findings, on one line."""
    text = f"{exc.code}: {exc.message}"
    field_errors = getattr(exc, "field_errors", None) or []
    if field_errors:  # in the words the form's user would read
        text += "; field errors: " + "; ".join(f"{e.field}: {e.zh or e.message}" for e in field_errors)
    findings = getattr(exc, "findings", None) or []
    for finding in findings[:MAX_FINDINGS]:
        element = f" [{finding.element_id}]" if finding.element_id else ""
        text += f"; {finding.file}:{finding.line or '-'} {finding.code}{element}: {finding.message}"
    if len(findings) > MAX_FINDINGS:
        text += f"; and {len(findings) - MAX_FINDINGS} more finding(s)"
    return text


def describe_events(records, of_type: str | None = None) -> str:
    """Event types in order; those of `of_type` with their data, to show why a data match failed."""
    if not records:
        return "none"
    return ", ".join(f"{r.type} {compact(r.full_data)}" if r.type == of_type else r.type for r in records)


def subset_mismatch(expected: Any, actual: Any, path: str = "") -> str | None:
    """None when `expected` is contained in `actual`; otherwise where and how they first differ."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path or 'data'}: expected a mapping, got {compact(actual)}"
        for key, value in expected.items():
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                return f"{where}: expected {compact(value)}, missing"
            problem = subset_mismatch(value, actual[key], where)
            if problem:
                return problem
        return None
    if _same(expected, actual):
        return None
    return f"{path or 'value'}: expected {compact(expected)}, got {compact(actual)}"


def _same(expected: Any, actual: Any) -> bool:
    # True == 1 in Python; a form field that should be a flag must not pass as a count.
    return expected == actual and isinstance(expected, bool) == isinstance(actual, bool)


def result_lines(result) -> list[str]:
    """The CLI's lines for one result: PASS/FAIL, then the failure indented beneath."""
    mark = "PASS" if result.passed else "FAIL"
    title = result.name if result.name == _stem(result.file) else f"{result.name} ({result.file})"
    under = f", {result.profile}" if getattr(result, "profile", None) else ""
    lines = [f"{mark} [{result.mode}{under}] {title} ({result.duration:.2f}s)"]
    if not result.passed:
        lines.append(f"  {result.message}")
        lines.extend(f"    {line}" for line in result.detail.rstrip().splitlines())
    return lines


def summary_line(results) -> str:
    passed = sum(1 for r in results if r.passed)
    return f"{passed} passed, {len(results) - passed} failed"


def _stem(file: str) -> str:
    return file.rsplit(".", 1)[0]
