"""Process scenario tests: YAML files that drive a process through a runtime and check its
path, tasks, events and outcome (API.md, "Scenario file"; `jiahe test-process`).

The Runtime a scenario gets comes from `engine.scenarios.runner.default_runtime_factory`
unless the caller passes a `runtime_factory(store, clock)`.
"""
from engine.scenarios.model import Scenario, ScenarioFileError, load_scenario, parse_scenario
from engine.scenarios.runner import (
    MODES,
    ScenarioResult,
    completed_path,
    discover,
    iter_results,
    run_files,
    run_scenario,
    run_scenario_file,
)

__all__ = [
    "MODES", "Scenario", "ScenarioFileError", "ScenarioResult", "completed_path", "discover", "iter_results",
    "load_scenario", "parse_scenario", "run_files", "run_scenario", "run_scenario_file",
]
