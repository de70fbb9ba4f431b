"""Lanes are roles: each lane must map to a role in the process catalog."""
from __future__ import annotations

from engine.lint.context import NS, LintContext, bpmn, local_name
from engine.lint.findings import WARNING, Finding


def lanes_mapped(ctx: LintContext) -> list[Finding]:
    if ctx.catalog is None:
        return []  # nothing to check against: the caller chose not to give a catalog
    findings = []
    for doc, process in ctx.executable_processes():
        key = process.get("id")
        for lane in _leaf_lanes(process):
            if ctx.catalog.lane_role(key, lane.get("name"), lane.get("id")) is None:
                message = (
                    f"lane {lane.get('name') or lane.get('id')!r} maps to no role: add it under "
                    f"processes.{key}.lanes in the catalog"
                )
                findings.append(doc.finding(lane, "lane-unmapped", message))
    return findings


def _leaf_lanes(process) -> list:
    # A lane with child lanes only groups them: SpiffWorkflow gives each task its innermost
    # lane's name, so only innermost lanes ever offer a task to anyone.
    return [lane for lane in process.iter(bpmn("lane")) if lane.find("bpmn:childLaneSet/bpmn:lane", NS) is None]


def user_tasks_in_lanes(ctx: LintContext) -> list[Finding]:
    findings = []
    for doc, process in ctx.executable_processes():
        # Raw text, as SpiffWorkflow matches it: a padded reference puts the task in no lane.
        in_lane = {ref.text for ref in process.iter(bpmn("flowNodeRef")) if ref.text}
        if not in_lane:
            continue  # a process without lanes offers its tasks by other means
        for task in process.iter(bpmn("userTask")):
            if not _inside_lane(task, process, in_lane):
                message = "user task is in no lane of a process with lanes: no role will be offered it"
                findings.append(doc.finding(task, "user-task-outside-lane", message, WARNING))
    return findings


def _inside_lane(task, process, in_lane: set[str]) -> bool:
    # Tasks inside a subprocess take the subprocess's lane.
    node = task
    while node is not None and node is not process:
        if local_name(node) != "extensionElements" and node.get("id") in in_lane:
            return True
        node = node.getparent()
    return False
