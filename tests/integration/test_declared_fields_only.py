"""A step writes only what its form declares. Completing accept_case with routing variables
its form does not show once sent a case to grid mediation and turned it green in every list
and report; now every user task of every shipped process refuses each name its process
routes on (conditions, scripts, loops, deadlines, payloads) that its form does not declare,
and nothing changes."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from lxml import etree

from engine.definitions.forms import declared_fields
from engine.errors import ValidationFailed
from engine.runtime.auditing import timeline
from engine.runtime.deployment import deploy_project
from engine.runtime.projections import task_properties
from engine.runtime.runtime import Runtime
from engine.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
EXPRESSIONS = [f"{{{BPMN}}}conditionExpression", f"{{{BPMN}}}script", f"{{{BPMN}}}loopCondition",
               f"{{{BPMN}}}loopCardinality", f"{{{BPMN}}}timeDuration", f"{{{BPMN}}}timeDate",
               f"{{{BPMN}}}timeCycle", f"{{{SPIFF}}}preScript", f"{{{SPIFF}}}postScript",
               f"{{{SPIFF}}}messagePayload"]
PROCESSES = sorted(p.stem for p in (ROOT / "processes" / "bpmn").glob("*.bpmn"))


def routing_names(path: Path, helpers: set[str]) -> set[str]:
    """Every variable a diagram's expressions read or write (helpers and builtins aside)."""
    root = etree.parse(str(path)).getroot()
    texts = [node.text for tag in EXPRESSIONS for node in root.iter(tag) if node.text]
    texts += [p.get("value") for p in root.iter(f"{{{SPIFF}}}property")
              if p.get("name") in ("dueAt", "priority") and p.get("value")]
    names = set()
    for text in texts:
        try:
            tree = ast.parse(text.strip())
        except SyntaxError:
            continue
        names |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    return names - helpers - set(dir(__builtins__) if isinstance(__builtins__, dict) else dir(__builtins__))


@pytest.fixture
def shipped(store, clock):
    runtime = Runtime(store, clock=clock)
    deploy_project(runtime, ROOT, actor="designer")
    return runtime


@pytest.mark.parametrize("process", PROCESSES)
def test_every_user_task_refuses_each_routing_variable_its_form_does_not_declare(shipped, process):
    helpers = set(Sandbox(clock=shipped.clock).helpers)
    names = routing_names(ROOT / "processes" / "bpmn" / f"{process}.bpmn", helpers)
    parsed = shipped.parsed_latest(process)
    specs = [parsed.spec, *[s for s in parsed.subprocess_specs.values() if s is not None]]
    checked = 0
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if type(task_spec).__name__ != "UserTask":
                continue
            form_name = task_properties(task_spec).get("formJsonSchemaFilename")
            for name in sorted(names - declared_fields(parsed.form(form_name) or {})):
                with pytest.raises(ValidationFailed) as refused:
                    shipped.check_submission(parsed, form_name, {name: "planted"}, element=task_spec.name)
                assert [e.field for e in refused.value.field_errors if e.validator == "additionalProperties"] \
                    == [name], (task_spec.name, name)
                checked += 1
    assert checked > 0


def test_planting_routing_variables_in_accept_case_is_422_and_changes_nothing(shipped):
    from tests.api.task_support import INTAKE, SCREENING

    view = shipped.start("dispute_case", actor="clerk", org_unit="grid-a1", data=INTAKE)
    screening = view.ready_task("screen_risk")
    view = shipped.complete(screening.id, SCREENING["yellow"], actor="clerk")
    accept = view.ready_task("accept_case")
    before = shipped.instance(view.id)
    events_before = len(timeline(shipped.store, view.id))
    with pytest.raises(ValidationFailed) as refused:
        shipped.complete(accept.id, {"decision": "accept", "level": 1, "risk_colour": "green"}, actor="clerk")
    assert sorted(e.field for e in refused.value.field_errors) == ["level", "risk_colour"]
    after = shipped.instance(view.id)
    assert after.row_version == before.row_version and after.data == before.data
    assert after.data["risk_colour"] == "yellow" and after.ready_task("accept_case").id == accept.id
    assert len(timeline(shipped.store, view.id)) == events_before


def test_a_step_script_that_fails_on_the_submitted_data_is_422_and_the_case_stays_as_it_was(runtime):
    view = runtime.start("post_script", actor="clerk", org_unit="g")
    task = view.ready_task("record_round")
    with pytest.raises(ValidationFailed) as refused:
        runtime.complete(task.id, {"round": 0}, actor="w")
    error = refused.value.field_errors[0]
    assert (error.field, error.validator) == ("(form)", "script") and "division" in error.message
    assert refused.value.context["element"] == "record_round"
    still = runtime.instance(view.id)
    assert still.status == "running" and still.ready_task("record_round").id == task.id
    assert runtime.complete(task.id, {"round": 7}, actor="w").data["visits_per_week"] == 1
