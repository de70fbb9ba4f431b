"""Every scenario under tests/processes/ passes, live and through serialize -> restore.

Designers run the same files with `jiahe test-process`."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.scenarios import MODES, discover, run_scenario_file

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = discover(ROOT)


def test_every_shipped_process_has_scenarios():
    processes = {p.stem for p in (ROOT / "processes" / "bpmn").glob("*.bpmn")}
    covered = {path.parent.name for path in SCENARIOS}
    assert processes <= covered, f"processes without scenarios: {sorted(processes - covered)}"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("path", SCENARIOS, ids=[f"{p.parent.name}/{p.stem}" for p in SCENARIOS])
def test_scenario_passes(path, mode):
    result = run_scenario_file(path, ROOT, mode)
    assert result.passed, result.message + (f"\n{result.detail}" if result.detail else "")
