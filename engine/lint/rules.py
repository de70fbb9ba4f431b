"""The design rules lint runs, in order. A rule takes the LintContext and returns findings;
to add one (say, a "commitments" rule), write the function and append it to RULES."""
from __future__ import annotations

from dataclasses import replace

from engine.lint.bounds import call_cycles, multi_instance_bounds
from engine.lint.catalog_entries import catalog_processes
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
    catalog_processes,
    spiff_parse,
    reserved_ids,
    unsupported_elements,
    call_targets,
    call_cycles,
    ignored_conditions,
    ignored_properties,
    unreachable_nodes,
    empty_scripts,
    compile_expressions,
    multi_instance_bounds,
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
        return _without_breaking_files(rule, ctx, exc)


def _without_breaking_files(rule: Rule, ctx: LintContext, exc: Exception) -> list[Finding]:
    """The rule's findings for the files it can check, and lint-internal for each file that
    breaks it alone: one odd file must not hide the rule's findings for the others."""
    name = getattr(rule, "__name__", repr(rule))
    breaking = [doc for doc in ctx.documents if _breaks(rule, replace(ctx, documents=[doc]))]
    if not breaking or len(breaking) == len(ctx.documents):
        return [error("lint-internal", f"lint rule {name} failed: {exc!r}; the files may still be fine")]
    findings = [error("lint-internal", f"lint rule {name} failed on this file; the file may still be fine",
                      file=doc.name) for doc in breaking]
    rest = replace(ctx, documents=[doc for doc in ctx.documents if all(doc is not b for b in breaking)])
    try:
        return findings + list(rule(rest))
    except Exception as again:  # noqa: BLE001 - the files only break it together
        return findings + [error("lint-internal", f"lint rule {name} failed: {again!r}; the files may still be fine")]


def _breaks(rule: Rule, ctx: LintContext) -> bool:
    try:
        list(rule(ctx))
    except Exception:  # noqa: BLE001 - that is what is being found out
        return True
    return False
