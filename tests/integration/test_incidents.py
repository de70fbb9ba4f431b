from __future__ import annotations

from engine.runtime.auditing import timeline
from tests.integration.conftest import ready


def test_a_failing_script_becomes_an_incident_with_element_and_line(runtime):
    view = runtime.start("scripted", actor="clerk", org_unit="g", data={"amount": 5, "parties": 0})
    assert view.status == "incident"
    [incident] = view.incidents
    assert incident.element_id == "compute_share"
    assert incident.line == 2
    assert "division by zero" in incident.message
    assert [e.type for e in timeline(runtime.store, view.id)][-1] == "incident"


def test_an_admin_fixes_the_data_and_retries_and_nothing_is_lost(runtime):
    view = runtime.start("scripted", actor="clerk", org_unit="g", data={"amount": 5, "parties": 0})
    fixed = runtime.retry(view.id, actor="admin", data={"parties": 2})
    assert fixed.status == "running" and not fixed.incidents
    assert ready(fixed, "review")
    done = runtime.complete(ready(fixed, "review").id, {}, actor="w")
    assert done.data["share"] == 5.0 and done.data["amount"] == 5
    types = [e.type for e in timeline(runtime.store, view.id)]
    assert types.index("incident") < types.index("incident_retried") < types.index("instance_completed")


def test_a_runaway_script_becomes_an_incident_and_the_runtime_keeps_working(store, clock):
    from engine.runtime.deployment import deploy_project
    from engine.runtime.runtime import Runtime
    from engine.sandbox import Sandbox
    from tests.conftest import FIXTURES

    runtime = Runtime(store, clock=clock, sandbox=Sandbox(clock=clock, time_limit=0.3))
    deploy_project(runtime, FIXTURES, actor="designer")
    runaway = runtime.start("runaway", actor="clerk", org_unit="g")
    assert runaway.status == "incident"
    assert "time" in runaway.incidents[0].message.lower()
    fine = runtime.start("scripted", actor="clerk", org_unit="g", data={"amount": 1, "parties": 1})
    assert fine.status == "running" and ready(fine, "review")
