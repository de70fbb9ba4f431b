"""Trying uploaded process files before deploying them: the scenario files of the uploaded
processes (tests/processes/<process>/*.yaml) run against the upload, with every file not
uploaded taken from what is deployed now, on a throwaway SQLite database and a manual clock.
The real database is never touched: it is only read for the deployed files.

Bounded so that a designer cannot wedge the server: at most MAX_SCENARIOS scenarios, live
mode only, a time budget checked before every step, and one trial at a time per server
process (scripts are bounded by the sandbox's own time limit).
"""
from __future__ import annotations

import logging
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from engine.clock import ManualClock
from engine.definitions.bundle import ProjectFiles
from engine.definitions.catalog import Catalog
from engine.definitions.uploads import Upload
from engine.errors import Conflict, DefinitionError, JiaheError
from engine.lint.documents import parse_xml
from engine.lint.findings import ERROR, error
from engine.runtime.deployment import deploy_project, lint_project
from engine.scenarios import report
from engine.scenarios.model import Scenario, ScenarioFileError, load_scenario
from engine.scenarios.runner import DESIGNER, ScenarioRun, _default_factory, discover
from engine.scenarios.steps import STEP_ACTIONS, StepFailed
from engine.store import Store
from engine.store import repository as repo

log = logging.getLogger(__name__)

MAX_SCENARIOS = 12
TIME_BUDGET = 120.0  # seconds for a whole trial
_one_at_a_time = threading.Lock()


@dataclass(frozen=True)
class StepResult:
    index: int
    label: str
    status: str  # passed | failed | not_run
    message: str = ""


@dataclass(frozen=True)
class TrialResult:
    file: str
    name: str
    process: str
    passed: bool
    message: str = ""
    duration: float = 0.0
    steps: tuple[StepResult, ...] = ()


@dataclass(frozen=True)
class Trial:
    processes: list[str]  # the uploaded processes whose scenarios were looked for
    results: list[TrialResult]
    skipped: list[str] = field(default_factory=list)  # scenarios left out by the limits

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results) and not self.skipped


def try_upload(store: Store, upload: Upload, project_root: Path, names: list[str]) -> Trial:
    """The whole trial of an upload: refused (DefinitionError with findings) when the files
    cannot be used or have lint errors, else the scenarios' results."""
    _refuse_unusable(upload)
    roles = Catalog.load(Path(project_root) / "processes" / "catalog.yaml").roles
    with store.read() as session:
        project = trial_project(session, upload.project, roles)
    refuse_if_broken(project)
    return run_trial(project, Path(project_root), uploaded_processes(upload.project), names)


def _refuse_unusable(upload: Upload) -> None:
    # Unlike a deploy, a trial needs no catalog.yaml: the deployed one stands in.
    blocking = [f for f in upload.findings if f.severity == ERROR]
    if not upload.project.bpmn:
        blocking.append(error("upload-no-bpmn", "no .bpmn file was uploaded"))
    if blocking:
        raise DefinitionError(f"{len(blocking)} error(s) in the upload; no scenario was run", findings=blocking,
                              zh=f"上传的文件有 {len(blocking)} 处错误，未运行任何场景")


# -- the project the scenarios run against ----------------------------------------------------

def trial_project(session, upload: ProjectFiles, roles: dict[str, str]) -> ProjectFiles:
    """The latest deployed files of every process, with the uploaded files in their place."""
    bpmn, dmn, forms, entries = {}, {}, {}, {}
    for row in sorted(repo.latest_versions(session), key=lambda v: v.deployed_at):
        bundle = row.bundle
        bpmn.update(bundle.get("bpmn", {}))
        dmn.update(bundle.get("dmn", {}))
        forms.update(bundle.get("forms", {}))
        entries.update(bundle.get("called_catalog", {}))
        entries[row.process_key] = bundle.get("catalog", {})
    entries.update(upload.catalog.to_dict()["processes"])
    catalog = Catalog.from_dict({"roles": {**roles, **upload.catalog.roles}, "processes": entries})
    project = ProjectFiles(bpmn={**bpmn, **upload.bpmn}, dmn={**dmn, **upload.dmn},
                           forms={**forms, **upload.forms}, catalog=catalog)
    project.ladders, project.broken_ladders, project.root = upload.ladders, upload.broken_ladders, upload.root
    return project


def uploaded_processes(upload: ProjectFiles) -> list[str]:
    keys = set()
    for text in upload.bpmn.values():
        root = parse_xml(text.encode("utf-8"))
        keys.update(p.get("id") for p in root.iter("{*}process") if p.get("isExecutable", "true") != "false")
    return sorted(k for k in keys if k)


def refuse_if_broken(project: ProjectFiles) -> None:
    errors = [f for f in lint_project(project) if f.severity == ERROR]
    if errors:
        raise DefinitionError(f"{len(errors)} lint error(s): fix them before trying scenarios", findings=errors,
                              zh=f"检查发现 {len(errors)} 处错误，请先修正再运行场景测试")


# -- choosing and running scenarios -------------------------------------------------------------

def choose_scenarios(project_root: Path, processes: list[str], names: list[str],
                     catalog: Catalog | None = None) -> list[Scenario | Path]:
    """The scenario files of these processes (only those named, when names are given: a file
    name with or without .yaml, or `process/file`); a file that does not validate is kept as
    its path, to be reported. A scenario that walks another region profile's ladder than the
    one the trial's catalog runs is left out: the trial deploys one profile."""
    chosen: list[Scenario | Path] = []
    for path in discover(project_root):
        if names and not {path.stem, path.name, f"{path.parent.name}/{path.stem}"} & set(names):
            continue
        try:
            scenario = load_scenario(path)
        except ScenarioFileError:
            if path.parent.name in processes:
                chosen.append(path)
            continue
        running = catalog.entry(scenario.process).ladder if catalog is not None else None
        if scenario.profiles and running and running not in scenario.profiles:
            continue
        if scenario.process in processes:
            chosen.append(scenario)
    return chosen


def run_trial(project: ProjectFiles, project_root: Path, processes: list[str], names: list[str],
              *, budget: float = TIME_BUDGET, limit: int = MAX_SCENARIOS) -> Trial:
    if not _one_at_a_time.acquire(blocking=False):
        raise Conflict("another scenario trial is running on this server; try again shortly",
                       zh="服务器正在运行另一次场景测试，请稍后再试")
    try:
        chosen = choose_scenarios(Path(project_root), processes, names, project.catalog)
        deadline = time.monotonic() + budget
        results, skipped = [], [_label(c) for c in chosen[limit:]]
        for item in chosen[:limit]:
            if time.monotonic() > deadline:
                skipped.append(_label(item))
                continue
            results.append(_run(item, project, Path(project_root), deadline))
        return Trial(processes, results, skipped)
    finally:
        _one_at_a_time.release()


def _label(item: Scenario | Path) -> str:
    return item.file if isinstance(item, Scenario) else item.name


def _run(item: Scenario | Path, project: ProjectFiles, project_root: Path, deadline: float) -> TrialResult:
    if isinstance(item, Path):
        try:
            load_scenario(item)
        except ScenarioFileError as exc:
            return TrialResult(item.name, item.stem, item.parent.name, False, exc.message)
    scenario = item
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jiahe-trial-") as folder:
        store = Store(f"sqlite:///{Path(folder) / 'trial.sqlite3'}")
        try:
            run = TrialRun(scenario, store, project, project_root, deadline)
            message = run.execute_steps()
        finally:
            store.dispose()
    return TrialResult(scenario.file, scenario.name, scenario.process, passed=not message, message=message,
                       duration=round(time.perf_counter() - began, 3), steps=tuple(run.step_results))


class TrialRun(ScenarioRun):
    """A scenario run against the trial's files, step by step with each step's result."""

    def __init__(self, scenario: Scenario, store: Store, project: ProjectFiles, project_root: Path,
                 deadline: float):
        super().__init__(scenario, "live", store, ManualClock(scenario.clock), _default_factory(project_root),
                         project_root)
        self.project, self.deadline = project, deadline
        self.step_results: list[StepResult] = []

    def _deploy(self) -> None:
        deploy_project(self.runtime(), self.project, actor=DESIGNER)

    def execute_steps(self) -> str:
        """"" when every expectation held, else what failed (the failing step says it too)."""
        stage = "deploy"
        try:
            self.store.upgrade()
            self._deploy()
            stage = "start"
            self._start()
            for step in self.scenario.steps:
                stage = f"step {step.index} ({step.label})"
                self._step(step)
            stage = "expect"
            for key, check in self._final_checks():
                stage = f"expect {key}"
                check()
        except (StepFailed, JiaheError, TimeoutError) as exc:
            return self._fail(stage, _describe(exc))
        except Exception as exc:  # an engine bug must not hide the other scenarios' results
            log.exception("scenario trial %s broke at %s", self.scenario.file, stage)
            return self._fail(stage, f"unexpected {type(exc).__name__}: {exc}")
        return ""

    def _step(self, step) -> None:
        if time.monotonic() > self.deadline:
            raise TimeoutError("the trial's time budget ran out before this step")
        STEP_ACTIONS[step.verb](self, step)
        self.steps_run += 1
        self.step_results.append(StepResult(step.index, step.label, "passed"))

    def _fail(self, stage: str, text: str) -> str:
        done = {r.index for r in self.step_results}
        for step in self.scenario.steps:
            if step.index in done:
                continue
            failed = not any(r.status == "failed" for r in self.step_results) and stage.startswith(f"step {step.index} ")
            self.step_results.append(StepResult(step.index, step.label, "failed" if failed else "not_run",
                                                text if failed else ""))
        return f"{stage}: {text}"


def _describe(exc: Exception) -> str:
    return report.describe_error(exc) if isinstance(exc, JiaheError) else str(exc)
