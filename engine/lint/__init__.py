"""`jiahe lint`: check BPMN, DMN and forms before they are deployed.

    findings = lint_paths([Path("processes")])
    if has_errors(findings): ...

Every problem, including files that are not XML at all, comes back as a Finding; lint never
raises on its input. Rules live in engine.lint.rules.RULES.
"""
from engine.lint.api import lint_bundle, lint_paths
from engine.lint.findings import ERROR, WARNING, Finding, has_errors

__all__ = ["ERROR", "WARNING", "Finding", "has_errors", "lint_bundle", "lint_paths"]
