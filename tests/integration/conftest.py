from __future__ import annotations

import pytest

from engine.runtime.deployment import deploy_project
from engine.runtime.runtime import Runtime
from tests.conftest import FIXTURES


@pytest.fixture
def runtime(store, clock):
    rt = Runtime(store, clock=clock)
    deploy_project(rt, FIXTURES, actor="designer")
    return rt


def ready(view, name):
    task = view.ready_task(name)
    assert task is not None, f"expected {name} ready; tasks: {[(t.name, t.state) for t in view.tasks]}"
    return task
