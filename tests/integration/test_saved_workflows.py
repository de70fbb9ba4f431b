"""A change continues on the workflow the case's last save in this process kept
(WorkflowCodec.saved) instead of restoring the same bytes again; whatever it may not take
(bytes the database holds because a change rolled back, a workflow whose values would not
come back equal from the database), it restores. The shipped processes run both ways in
tests/processes: "live" on one runtime, "restored" on a new one for every step."""
from __future__ import annotations

import pytest

from tests.integration.conftest import ready


@pytest.fixture
def saved(runtime, monkeypatch):
    """The workflows the runtime's saves serialized, in order."""
    workflows, dumps = [], runtime.codec.dumps

    def recorded(workflow):
        workflows.append(workflow)
        return dumps(workflow)

    monkeypatch.setattr(runtime.codec, "dumps", recorded)
    return workflows


def _started_and_one_step_done(runtime):
    view = runtime.start("five_steps", actor="ann", org_unit="grid-a1")
    return runtime.complete(ready(view, "step_1").id, {"note": "第一步完成"}, actor="ann")


def test_the_next_change_continues_on_the_workflow_the_last_one_saved(runtime, saved):
    view = _started_and_one_step_done(runtime)
    runtime.instance(view.id)  # a read restores its own copy and leaves the saved one
    with runtime.changing_task(ready(view, "step_2").id, "ann") as (change, _):
        assert change.workflow is saved[-1]


def test_a_change_that_rolled_back_leaves_nothing_of_itself_to_the_next(runtime, saved):
    view = _started_and_one_step_done(runtime)
    task_id = ready(view, "step_2").id
    with pytest.raises(RuntimeError), runtime.changing_task(task_id, "ann") as (change, _):
        change.spiff_task(task_id).set_data(note="never saved")
        change.spiff_task(task_id).run()
        change.advance()
        change.save()
        raise RuntimeError("the transaction rolls back after the save")
    view = runtime.complete(task_id, {"note": "第二步完成"}, actor="ann")
    assert ready(view, "step_3")
    assert view.data["note"] == "第二步完成"


def test_a_workflow_whose_values_would_not_come_back_equal_is_restored(runtime, saved):
    view = _started_and_one_step_done(runtime)
    task_id = ready(view, "step_2").id
    with runtime.changing_task(task_id, "ann") as (change, _):
        change.spiff_task(task_id).data["pair"] = (1, 2)  # stored as a JSON list
        change.save()
    with runtime.changing_task(task_id, "ann") as (change, _):
        assert change.workflow is not saved[-1]
        assert change.spiff_task(task_id).data["pair"] == [1, 2]
