from __future__ import annotations

import re
import shutil

import pytest

from engine.errors import MigrationRefused
from engine.runtime.deployment import deploy_project
from engine.runtime.runtime import Runtime
from tests.conftest import FIXTURES
from tests.integration.conftest import ready


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURES, root)
    return root


def _edit(project, old, new):
    path = project / "processes" / "bpmn" / "five_steps.bpmn"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_instance_moves_to_a_newer_version_that_keeps_its_running_task(store, clock, project):
    runtime = Runtime(store, clock=clock)
    deploy_project(runtime, project, actor="designer")
    view = runtime.start("five_steps", actor="c", org_unit="g")
    view = runtime.complete(ready(view, "step_1").id, {"note": "第一步"}, actor="w")
    _edit(project, 'name="第五步"', 'name="第五步（结案）"')
    [v2] = [d for d in deploy_project(runtime, project, actor="designer") if d.process_key == "five_steps"]
    assert v2.version == 2 and v2.created
    moved = runtime.migrate(view.id, actor="admin")
    assert moved.version == 2 and ready(moved, "step_2")
    for name in ("step_2", "step_3", "step_4"):
        moved = runtime.complete(ready(moved, name).id, {}, actor="w")
    assert ready(moved, "step_5").title == "第五步（结案）"


def test_migration_is_refused_when_the_running_task_is_gone(store, clock, project):
    runtime = Runtime(store, clock=clock)
    deploy_project(runtime, project, actor="designer")
    view = runtime.start("five_steps", actor="c", org_unit="g")
    view = runtime.complete(ready(view, "step_1").id, {"note": "第一步"}, actor="w")
    step_2 = re.search(r'<bpmn:userTask id="step_2".*?</bpmn:userTask>', (project / "processes" / "bpmn" /
                                                                          "five_steps.bpmn").read_text()).group(0)
    _edit(project, step_2, "")
    _edit(project, '<bpmn:flowNodeRef>step_2</bpmn:flowNodeRef>', "")
    _edit(project, '<bpmn:sequenceFlow id="f2" sourceRef="step_2" targetRef="step_3"/>', "")
    _edit(project, 'sourceRef="step_1" targetRef="step_2"', 'sourceRef="step_1" targetRef="step_3"')
    _edit(project, '<bpmn:incoming>f2</bpmn:incoming>', '<bpmn:incoming>f1</bpmn:incoming>')
    deploy_project(runtime, project, actor="designer")
    with pytest.raises(MigrationRefused) as refused:
        runtime.migrate(view.id, actor="admin")
    assert "step_2" in refused.value.message and refused.value.context["running"] == ["step_2"]
    still = runtime.instance(view.id)
    assert still.version == 1 and ready(still, "step_2")


def test_new_instances_start_on_the_newest_version_and_old_ones_keep_theirs(store, clock, project):
    runtime = Runtime(store, clock=clock)
    deploy_project(runtime, project, actor="designer")
    old = runtime.start("five_steps", actor="c", org_unit="g")
    _edit(project, 'name="第一步"', 'name="登记"')
    deploy_project(runtime, project, actor="designer")
    new = runtime.start("five_steps", actor="c", org_unit="g")
    assert (old.version, new.version) == (1, 2)
    assert ready(runtime.instance(old.id), "step_1").title == "第一步"
    assert ready(new, "step_1").title == "登记"
