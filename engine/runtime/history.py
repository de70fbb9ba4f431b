"""Bounded history: the finished rounds of a loop leave the task tree.

SpiffWorkflow keeps every round of a loop-marker task as a child of the loop, and every change
loads and saves the whole tree, so a task repeated a thousand times (or a family visited every
month for years) would make each step dearer than the last. Nothing needs the old rounds: the
audit trail keeps each one (task_completed with the data submitted), the loop's own data holds
what the rounds wrote, and SpiffWorkflow counts rounds by the ids the loop lists, not by its
children. So before a change is saved the loop's finished rounds are dropped, but the newest.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask
from SpiffWorkflow.util.task import TaskState

KEEP_ROUNDS = 1  # the newest finished round stays: it may be the workflow's last task


def drop_finished_rounds(workflow, finished_before: float) -> int:
    """Drop the finished rounds of every loop-marker task, but the newest, that finished before
    `finished_before` (time.time()); the number dropped."""
    dropped = 0
    for flow in [workflow, *workflow.subprocesses.values()]:
        loops = [task for task in flow.tasks.values() if isinstance(task.task_spec, StandardLoopTask)]
        for loop in loops:
            for task in _old_rounds(workflow, loop, finished_before):
                flow._remove_task(task.id)
                dropped += 1
    return dropped


def _old_rounds(workflow, loop, finished_before: float) -> list:
    rounds = sorted((child for child in loop.children if _droppable(workflow, loop, child, finished_before)),
                    key=lambda child: child.last_state_change)
    return rounds[:-KEEP_ROUNDS] if KEEP_ROUNDS else rounds


def _droppable(workflow, loop, child, finished_before: float) -> bool:
    return (child.task_spec.name == loop.task_spec.task_spec and child.state == TaskState.COMPLETED
            and not child._children and child.id not in workflow.subprocesses
            and child is not workflow.last_task and child.last_state_change < finished_before)
