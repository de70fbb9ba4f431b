"""A task page reads its task's data from the stored tree without restoring the workflow
(WorkflowCodec.task_data). It must give what restoring gives, for every user and manual task
of every tree the shipped processes store: each save of two scenarios of every shipped process
(all of them run in tests/processes) is read back both ways."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from engine.errors import CorruptInstance
from engine.runtime import change as change_module
from engine.runtime.change import damaged
from engine.runtime.codec import WorkflowCodec
from engine.scenarios import discover, load_scenario, run_scenario_file
from engine.scenarios.runner import scenario_profiles

ROOT = Path(__file__).resolve().parents[2]


def _human_tasks(workflow):
    """The tasks a task page can show: user and manual tasks, the case's and its subprocesses'."""
    for tree in (workflow, *workflow.subprocesses.values()):
        yield from (task for task in tree.tasks.values() if task.task_spec.manual)


@pytest.fixture
def checked_saves(monkeypatch):
    """Every save of a change checks the reader against a restore of what it stored."""
    codec, checked = WorkflowCodec(), []
    original = change_module.InstanceChange._serialized

    def serialized_and_checked(change):
        blob = original(change)
        restored = codec.loads(blob, change.parsed, change.runtime.script_engine)
        for task in _human_tasks(restored):
            assert codec.task_data(blob, str(task.id)) == task.data, (change.parsed.key, task.task_spec.name)
            checked.append(task.id)
        return blob

    monkeypatch.setattr(change_module.InstanceChange, "_serialized", serialized_and_checked)
    return checked


@pytest.mark.parametrize("process", sorted({path.parent.name for path in discover(ROOT)}))
def test_the_reader_gives_every_task_the_data_a_restore_gives(process, checked_saves):
    paths = sorted(path for path in discover(ROOT) if path.parent.name == process)[:2]
    for path in paths:
        for profile in scenario_profiles(load_scenario(path), ROOT):
            result = run_scenario_file(path, ROOT, "live", profile=profile)
            assert result.passed, result.message
    assert checked_saves, f"no tree of {process} was checked"


def test_a_task_the_tree_no_longer_holds_reads_as_none():
    blob = gzip.compress(json.dumps({"tasks": {}, "subprocesses": {}}).encode())
    assert WorkflowCodec().task_data(blob, "0b8e1c1e-6c39-4c57-9c2c-0d6a7f1f0a11") is None


def test_a_damaged_tree_is_a_corrupt_instance_not_a_crash():
    with pytest.raises(Exception) as raised:
        WorkflowCodec().task_data(b"not a gzip member", "x")
    assert isinstance(damaged("case-1", raised.value), CorruptInstance)
