"""The catalog's processes against the diagrams: a process the catalog lists is deployed as a
version of its own and offered to start, so SpiffWorkflow must be willing to run it."""
from __future__ import annotations

from engine.lint.context import NS, LintContext, is_executable
from engine.lint.findings import Finding


def catalog_processes(ctx: LintContext) -> list[Finding]:
    if ctx.catalog is None or not ctx.catalog.processes:
        return []
    findings = []
    for doc in ctx.bpmn_documents():
        for process in doc.root.iterfind("bpmn:process", NS):
            key = process.get("id")
            if key in ctx.catalog.processes and not is_executable(process):
                message = (f"{ctx.catalog_file} lists process {key!r}, but the process is not executable "
                           '(isExecutable="false"): it would deploy and then fail at every start; set '
                           'isExecutable="true", or take it out of the catalog')
                findings.append(doc.finding(process, "process-not-executable", message))
    return findings
