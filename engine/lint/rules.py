"""The design rules lint runs, in order. A rule takes the LintContext and returns findings;
to add one (say, a "commitments" rule), write the function and append it to RULES."""
from __future__ import annotations

from engine.lint.commitments import commitments
from engine.lint.context import LintContext, Rule
from engine.lint.diagram import diagram_interchange
from engine.lint.dmn import dmn_tables
from engine.lint.expressions import compile_expressions, empty_scripts
from engine.lint.findings import Finding, error
from engine.lint.forms import form_files, user_task_forms
from engine.lint.lanes import lanes_mapped, user_tasks_in_lanes
from engine.lint.loops import gateway_loop_backs
from engine.lint.spiff_parse import spiff_parse
from engine.lint.support import (
    call_targets,
    ignored_conditions,
    ignored_properties,
    no_executable_process,
    reserved_ids,
    unreachable_nodes,
    unsupported_elements,
)
from engine.lint.timers import timer_expressions

RULES: list[Rule] = [
    no_executable_process,
    spiff_parse,
    reserved_ids,
    unsupported_elements,
    call_targets,
    ignored_conditions,
    ignored_properties,
    unreachable_nodes,
    empty_scripts,
    compile_expressions,
    timer_expressions,
    dmn_tables,
    lanes_mapped,
    user_tasks_in_lanes,
    user_task_forms,
    form_files,
    gateway_loop_backs,
    diagram_interchange,
    commitments,
]


def run_rules(ctx: LintContext, rules: list[Rule]) -> list[Finding]:
    findings = []
    for rule in rules:
        findings += _run(rule, ctx)
    return findings


def _run(rule: Rule, ctx: LintContext) -> list[Finding]:
    try:
        return list(rule(ctx))
    except Exception as exc:  # noqa: BLE001 - one broken rule must not hide the others' findings
        name = getattr(rule, "__name__", repr(rule))
        return [error("lint-internal", f"lint rule {name} failed: {exc!r}; the files may still be fine")]
