"""Rolling back: deploying an earlier version's content again makes it the latest under a
new number (it used to fail on a unique constraint and leave the database unusable for the
demo); the audit trail names the version it repeats; running cases keep their version."""
from __future__ import annotations

import shutil

import pytest

from engine.runtime.auditing import timeline
from engine.runtime.deployment import deploy_project
from engine.runtime.runtime import Runtime
from tests.conftest import FIXTURES
from tests.integration.conftest import ready


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "processes", root / "processes")
    shutil.copytree(FIXTURES / "forms", root / "forms")
    return root


def _rename_step(project, old: str, new: str) -> None:
    path = project / "processes" / "bpmn" / "five_steps.bpmn"
    path.write_text(path.read_text().replace(old, new))


def _five_steps(deployed):
    return next(d for d in deployed if d.process_key == "five_steps")


def test_deploying_a_then_b_then_a_again_makes_a_the_latest_under_a_new_number(store, clock, project):
    runtime = Runtime(store, clock=clock)
    a = _five_steps(deploy_project(runtime, project, actor="designer"))
    started_on_a = runtime.start("five_steps", actor="c", org_unit="g")
    _rename_step(project, 'name="第一步"', 'name="登记"')
    b = _five_steps(deploy_project(runtime, project, actor="designer"))
    _rename_step(project, 'name="登记"', 'name="第一步"')
    again = _five_steps(deploy_project(runtime, project, actor="designer"))
    assert (a.version, b.version, again.version) == (1, 2, 3) and again.created
    assert again.content_hash == a.content_hash != b.content_hash
    unchanged = _five_steps(deploy_project(runtime, project, actor="designer"))
    assert (unchanged.version, unchanged.created) == (3, False)
    deployed = [e.data for e in timeline(store, "system") if e.type == "process_deployed"
                and e.data["process"] == "five_steps"]
    assert [(d["version"], d.get("same_as_version")) for d in deployed] == [(1, None), (2, None), (3, 1)]
    assert runtime.start("five_steps", actor="c", org_unit="g").version == 3
    assert runtime.instance(started_on_a.id).version == 1 and ready(runtime.instance(started_on_a.id), "step_1")
