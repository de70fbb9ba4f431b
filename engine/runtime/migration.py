"""Moving a running instance to a newer version of its process.

Allowed only when every task of the instance (running or done) still has its step in the
new version; otherwise refused with the steps that are missing. Uses SpiffWorkflow's own
spec diff so that changed steps are re-predicted.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from engine.errors import MigrationRefused
from engine.store import repository as repo

RUNNING = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


def migrate_instance(runtime, change, version: int | None) -> None:
    change.require_status("running", "suspended", "incident")
    session, row = change.session, change.row
    target = (repo.version_by_number(session, row.process_key, version) if version
              else repo.latest_version(session, row.process_key))
    if target.id == row.version_id:
        raise MigrationRefused(f"instance {row.id} already runs version {target.version}", instance=row.id,
                               zh=f"案件 {row.id} 已在使用版本 {target.version}")
    new = runtime.parsed(session, target)
    workflow = change.workflow
    registry = runtime.codec._parts()[0].registry
    top_diff, sub_diffs = diff_workflow(registry, workflow, new.spec, new.subprocess_specs)
    _refuse_if_steps_missing(row.id, target.version, top_diff, sub_diffs)
    migrate_workflow(top_diff, workflow, new.spec)
    for sp_id, diff in sub_diffs.items():
        subprocess = workflow.subprocesses[sp_id]
        migrate_workflow(diff, subprocess, new.subprocess_specs[subprocess.spec.name])
    workflow.subprocess_specs = new.subprocess_specs
    old_version = change.parsed.version
    row.version_id, change.parsed = target.id, new
    change.emit("migrated", from_version=old_version, to_version=target.version)
    change.advance()
    change.save()


def _refuse_if_steps_missing(instance_id, version, top_diff, sub_diffs) -> None:
    missing, running = missing_steps(top_diff, sub_diffs)
    if missing:
        raise MigrationRefused(refusal_en(instance_id, version, missing, running), instance=instance_id,
                               missing=missing, running=running,
                               zh=refusal_zh(instance_id, version, missing, running))


def missing_steps(top_diff, sub_diffs) -> tuple[list[str], list[str]]:
    """The steps the instance has (done or open) that the new version lacks, and of those the
    ones running now."""
    missing = sorted({t.task_spec.name for t in top_diff.removed})
    running = sorted({t.task_spec.name for t in top_diff.removed if t.has_state(RUNNING)})
    for sp_id, diff in sub_diffs.items():
        if diff is None:
            missing.append(f"subprocess of task {sp_id}")
        else:
            missing.extend(sorted({t.task_spec.name for t in diff.removed}))
    return missing, running


def refusal_en(instance_id, version, missing, running) -> str:
    detail = f"; running there now: {', '.join(running)}" if running else ""
    return (f"instance {instance_id} cannot move to version {version}: steps missing there: "
            f"{', '.join(missing)}{detail}")


def refusal_zh(instance_id, version, missing, running) -> str:
    return (f"案件 {instance_id} 无法迁移到版本 {version}：该版本缺少以下步骤：{'、'.join(missing)}"
            + (f"；其中正在进行的：{'、'.join(running)}" if running else ""))
