"""A case that calls another process (a call activity) on a parallel branch: the called
process's tasks are routed by its own lanes, its commitments stay its own, the case's timeline
hears it start and end with its result, and a branch that finishes late does not undo what the
rest of the case wrote meanwhile."""
from __future__ import annotations

import gzip
import json

import pytest
from sqlalchemy import select

from engine.runtime.auditing import timeline
from engine.runtime.codec import CASE_DATA_KEY
from engine.runtime.deployment import deploy_project
from engine.runtime.runtime import Runtime
from engine.store.models import CommitmentRecord, ProcessInstance
from tests.conftest import FIXTURES
from tests.integration.conftest import ready

CALLS = FIXTURES / "calls"


@pytest.fixture
def runtime(store, clock):
    rt = Runtime(store, clock=clock)
    deploy_project(rt, CALLS, actor="designer")
    return rt


def _start(runtime):
    return runtime.start("caller", actor="clerk", org_unit="grid-a1", data={"risk_colour": "red"})


def _events(runtime, instance_id, type_):
    return [e for e in timeline(runtime.store, instance_id) if e.type == type_]


def test_a_called_processs_task_is_offered_by_the_lane_of_its_own_process(runtime):
    view = _start(runtime)
    handle = ready(view, "handle_service")
    assert (handle.role, handle.level) == ("town_mediator", "town")
    assert (ready(view, "review").role, ready(view, "review").level) == ("grid_worker", "grid")


def test_the_case_hears_the_called_process_start_and_end_with_its_result(runtime):
    view = _start(runtime)
    [started] = _events(runtime, view.id, "called_process_started")
    assert started.data["process"] == "service" and started.data["element_id"] == "call_service"
    runtime.complete(ready(view, "handle_service").id, {"service_result": "已办结"}, actor="mediator")
    [handled] = _events(runtime, view.id, "service_handled")
    assert handled.data == {"element_id": "handle_service", "process": "service", "result": "已办结"}
    [completed] = _events(runtime, view.id, "called_process_completed")
    assert completed.data["result"] == {"service_result": "已办结"}
    assert runtime.instance(view.id).data["service_result"] == "已办结"


def test_a_called_processs_commitments_are_not_recorded_against_the_case(runtime, store):
    view = _start(runtime)
    runtime.complete(ready(view, "handle_service").id, {"service_result": "已办结"}, actor="mediator")
    runtime.complete(ready(runtime.instance(view.id), "review").id, {"risk_colour": "orange"}, actor="grid")
    with store.read() as session:
        kinds = [(c.kind, c.element_id) for c in session.scalars(select(CommitmentRecord))]
    assert kinds == [("outcome_recorded", "review")]


def test_a_branch_finishing_late_does_not_undo_what_the_case_wrote_meanwhile(runtime, store):
    view = _start(runtime)
    runtime.complete(ready(view, "review").id, {"risk_colour": "orange"}, actor="grid")
    # the service branch copied risk_colour "red" when it forked; it finishes last
    done = runtime.complete(ready(runtime.instance(view.id), "handle_service").id, {"service_result": "已办结"},
                            actor="mediator")
    assert done.status == "completed"
    assert done.data["risk_colour"] == "orange" and done.data["service_result"] == "已办结"
    with store.read() as session:
        assert session.get(ProcessInstance, view.id).risk_colour == "orange"
    [finished] = _events(runtime, view.id, "instance_completed")
    assert finished.data["data"]["risk_colour"] == "orange"


def test_the_case_data_survives_a_restore_in_a_fresh_runtime(runtime, store, clock):
    view = _start(runtime)
    runtime.complete(ready(view, "review").id, {"risk_colour": "orange"}, actor="grid")
    fresh = Runtime(store, clock=clock)
    assert fresh.instance(view.id).data["risk_colour"] == "orange"


def test_a_case_saved_before_its_data_was_kept_shows_its_last_steps_data(runtime, store):
    view = _start(runtime)
    runtime.complete(ready(view, "review").id, {"risk_colour": "orange"}, actor="grid")
    with store.write() as session:  # what an older Jiahe stored: no case_data beside the task tree
        row = session.get(ProcessInstance, view.id)
        stored = json.loads(gzip.decompress(row.serialized))
        del stored[CASE_DATA_KEY]
        row.serialized = gzip.compress(json.dumps(stored).encode("utf-8"))
    assert runtime.instance(view.id).data["risk_colour"] == "orange"
