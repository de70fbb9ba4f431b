"""A task repeated with a loop marker keeps its saved workflow small: finished rounds leave the
task tree (but the newest), while the audit trail, the loop's count of rounds and the case data
keep everything they said before."""
from __future__ import annotations

from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask
from SpiffWorkflow.util.task import TaskState

from engine.runtime.auditing import timeline
from engine.runtime.projections import find_task
from engine.runtime.runtime import Runtime
from engine.store import repository as repo
from tests.integration.conftest import ready

ROUNDS = 40


def _visit(runtime, view, round_no: int, done: bool = False):
    return runtime.complete(ready(view, "visit").id, {"done": done, "round": round_no}, actor="grid")


def _workflow(runtime, instance_id):
    with runtime.store.read() as session:
        row = repo.get_instance(session, instance_id)
        parsed = runtime.parsed_by_id(session, row.version_id)
        return runtime.codec.loads(row.serialized, parsed, runtime.script_engine), len(row.serialized)


def _loop(workflow):
    return next(t for t in workflow.tasks.values() if isinstance(t.task_spec, StandardLoopTask))


def test_a_long_loop_keeps_only_its_newest_finished_round_in_the_saved_workflow(runtime):
    view = runtime.start("repeated_visits", actor="grid", org_unit="grid-a1")
    sizes = {}
    for round_no in range(1, ROUNDS + 1):
        view = _visit(runtime, view, round_no)
        if round_no in (5, ROUNDS):
            sizes[round_no] = _workflow(runtime, view.id)[1]
    workflow, _ = _workflow(runtime, view.id)
    loop = _loop(workflow)
    rounds = [c for c in loop.children if c.task_spec.name == loop.task_spec.task_spec]
    # the round before, the round this change finished (dropped by the next change) and the one now ready
    assert sorted(c.state for c in rounds) == [TaskState.READY, TaskState.COMPLETED, TaskState.COMPLETED]
    assert len(loop.internal_data["merged"]) == ROUNDS  # SpiffWorkflow still counts every round
    # what still grows is the loop's list of finished round ids (~23 bytes a round, compressed);
    # keeping every round's task grew the saved workflow by ~47 bytes a round
    assert sizes[ROUNDS] - sizes[5] < 30 * (ROUNDS - 5)


def test_every_round_stays_in_the_audit_trail_and_the_case_data_has_the_newest(runtime):
    view = runtime.start("repeated_visits", actor="grid", org_unit="grid-a1")
    for round_no in range(1, ROUNDS):
        view = _visit(runtime, view, round_no)
    view = _visit(runtime, view, ROUNDS, done=True)
    assert view.status == "completed"
    assert view.data["round"] == ROUNDS
    completed = [e.data["data"]["round"] for e in timeline(runtime.store, view.id) if e.type == "task_completed"]
    assert completed == list(range(1, ROUNDS + 1))


def test_a_restored_runtime_goes_on_with_the_loop_after_rounds_were_dropped(runtime, store, clock):
    view = runtime.start("repeated_visits", actor="grid", org_unit="grid-a1")
    for round_no in range(1, 10):
        view = _visit(runtime, view, round_no)
    fresh = Runtime(store, clock=clock)
    view = _visit(fresh, fresh.instance(view.id), 10, done=True)
    assert view.status == "completed"


def test_a_dropped_rounds_form_data_comes_from_the_audit_trail(runtime):
    view = runtime.start("repeated_visits", actor="grid", org_unit="grid-a1")
    first = ready(view, "visit").id
    for round_no in range(1, 5):
        view = _visit(runtime, view, round_no)
    workflow, _ = _workflow(runtime, view.id)
    assert find_task(workflow, UUID(first)) is None  # the first round left the workflow
    assert runtime.task_data(first) == {"done": False, "round": 1}
