"""Every scenario under tests/processes/ passes, live and through serialize -> restore, and a
scenario of a process that mediates by a ladder under each region profile it holds under.

Designers run the same files with `jiahe test-process`."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.scenarios import MODES, discover, load_scenario, run_scenario_file
from engine.scenarios.runner import scenario_profiles

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = discover(ROOT)
RUNS = [(path, profile) for path in SCENARIOS for profile in scenario_profiles(load_scenario(path), ROOT)]


def _run_id(path: Path, profile: str | None) -> str:
    return f"{path.parent.name}/{path.stem}" + (f"@{profile}" if profile else "")


def test_every_shipped_process_has_scenarios():
    processes = {p.stem for p in (ROOT / "processes" / "bpmn").glob("*.bpmn")}
    covered = {path.parent.name for path in SCENARIOS}
    assert processes <= covered, f"processes without scenarios: {sorted(processes - covered)}"


def test_every_region_profile_has_scenarios_of_its_own_ladder():
    profiles = {p.stem for p in (ROOT / "processes" / "ladders").glob("*.yaml")}
    named = {name for path in SCENARIOS for name in load_scenario(path).profiles}
    assert profiles and profiles <= named, f"profiles no scenario walks: {sorted(profiles - named)}"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("path", "profile"), RUNS, ids=[_run_id(p, profile) for p, profile in RUNS])
def test_scenario_passes(path, profile, mode):
    result = run_scenario_file(path, ROOT, mode, profile=profile)
    assert result.passed, result.message + (f"\n{result.detail}" if result.detail else "")
