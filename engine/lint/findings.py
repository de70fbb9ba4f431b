"""What lint reports: one Finding per problem, with a stable code and a place to look."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

# Findings that say precisely why SpiffWorkflow's parser gave up on the same element; its own
# message for that element ("There is no support implemented for this task type.") adds nothing.
EXPLAINS_PARSE_ERROR = {"unsupported-element", "dmn-cell-compile", "timer-expression", "dmn-structure"}


@dataclass(frozen=True)
class Finding:
    severity: str  # ERROR | WARNING
    code: str  # stable kebab-case code; scripts and the API match on it, never on message
    file: str | None
    line: int | None
    element_id: str | None
    message: str

    def to_dict(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "element_id": self.element_id,
            "message": self.message,
        }


def error(code: str, message: str, *, file=None, line=None, element_id=None) -> Finding:
    return Finding(ERROR, code, file, line, element_id, message)


def warning(code: str, message: str, *, file=None, line=None, element_id=None) -> Finding:
    return Finding(WARNING, code, file, line, element_id, message)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def _sort_key(finding: Finding):
    return (
        finding.file or "",
        finding.line or 0,
        finding.severity != ERROR,
        finding.code,
        finding.element_id or "",
        finding.message,
    )


def finalize(findings: Iterable[Finding]) -> list[Finding]:
    """Drop duplicates and parse errors that a more precise finding already explains; sort."""
    unique = set(findings)
    explained = {
        (f.file, f.element_id)
        for f in unique
        if f.code in EXPLAINS_PARSE_ERROR and f.element_id is not None
    }
    kept = [f for f in unique if not (f.code == "parse-error" and (f.file, f.element_id) in explained)]
    return sorted(kept, key=_sort_key)
