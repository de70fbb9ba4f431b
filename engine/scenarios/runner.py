"""Running scenario files against a throwaway database and a manual clock.

Each scenario runs in two modes. "live" keeps one Runtime throughout, like a long-lived
server process. "restored" builds a brand-new Runtime (empty spec cache, new codec) for
every step, so each step starts from what the database holds: a process whose state does
not survive serialize -> restore fails there even when it passes live.
"""
from __future__ import annotations

import functools
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.calendar import WorkingCalendar
from engine.clock import ManualClock
from engine.definitions.bundle import ProjectFiles
from engine.definitions.catalog import Catalog
from engine.definitions.ladder import LADDER_DIR, find_ladder
from engine.errors import JiaheError
from engine.org import HierarchyRouter, OrgChart
from engine.runtime.auditing import timeline
from engine.runtime.deployment import deploy_project
from engine.runtime.projections import finished_since
from engine.runtime.runtime import Runtime
from engine.scenarios import report
from engine.scenarios.model import Scenario, ScenarioFileError, load_scenario
from engine.scenarios.steps import ACTOR, STEP_ACTIONS, StepFailed, final_checks
from engine.store import Store
from engine.store import repository as repo

MODES = ("live", "restored")
DEMO_ORG = Path("processes") / "org" / "demo.yaml"
DESIGNER = "designer"

RuntimeFactory = Callable[[Store, ManualClock], Runtime]


def default_runtime_factory(store: Store, clock: ManualClock, project_root: Path) -> Runtime:
    """The Runtime a scenario gets when the caller passes no factory.

    A hook: replace this module attribute (e.g. to add the organisation's task router);
    the runner looks it up at call time, so the replacement applies everywhere.
    """
    calendar = WorkingCalendar.from_file(Path(project_root) / "processes" / "calendar.yaml")
    return Runtime(store, clock=clock, calendar=calendar, router=_org_router(Path(project_root)))


def _org_router(project_root: Path):
    """Scenarios route tasks through the demo organisation (processes/org/demo.yaml) when the
    project has one, so that `org_unit` expectations read like the demo."""
    return _router_through(project_root / DEMO_ORG)


def _router_through(org_file: Path | None):
    """A router over the organisation in `org_file` (None where there is no such file)."""
    if org_file is None or not org_file.exists():
        return None
    path = org_file.resolve()
    chart = _load_chart(path, path.stat().st_mtime)
    return HierarchyRouter(lambda: chart)


@functools.lru_cache(maxsize=8)
def _load_chart(path: Path, _mtime: float) -> OrgChart:
    return OrgChart.load(path)


@dataclass(frozen=True)
class ScenarioResult:
    file: str
    name: str
    mode: str  # live | restored | file (the file itself could not be read or validated)
    passed: bool
    message: str = ""
    steps_run: int = 0  # steps that passed before the first failure
    duration: float = 0.0  # seconds
    detail: str = ""  # the traceback when something other than a Jiahe error broke the run
    profile: str | None = None  # the region profile it ran under (laddered processes only)


# -- entry points -----------------------------------------------------------------------------
def discover(project_root: str | Path, under: str = "tests/processes") -> list[Path]:
    """Every scenario file below `project_root/under`, in a stable order."""
    folder = Path(project_root) / under
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def run_scenario_file(path: str | Path, project_root: str | Path, mode: str,
                      runtime_factory: RuntimeFactory | None = None, profile: str | None = None) -> ScenarioResult:
    try:
        scenario = load_scenario(path)
    except ScenarioFileError as exc:
        return invalid_file_result(Path(path), exc, mode)
    return run_scenario(scenario, project_root, mode, runtime_factory, profile=profile)


def scenario_profiles(scenario: Scenario, project_root: str | Path) -> list[str | None]:
    """The region profiles a scenario runs under: for a process that mediates by a ladder,
    each shipped profile (processes/ladders/) the scenario holds under; otherwise [None], the
    deployment's own setting."""
    root = Path(project_root)
    if not Catalog.load(root / "processes" / "catalog.yaml").entry(scenario.process).ladder:
        return [None]
    shipped = sorted(path.stem for path in (root / LADDER_DIR).glob("*.yaml"))
    return [key for key in shipped if not scenario.profiles or key in scenario.profiles] + \
        [key for key in scenario.profiles if key not in shipped]  # an unknown name fails, saying so


def run_files(paths: Iterable[str | Path], project_root: str | Path, modes: Iterable[str] = MODES,
              runtime_factory: RuntimeFactory | None = None) -> list[ScenarioResult]:
    return list(iter_results(paths, project_root, modes, runtime_factory))


def iter_results(paths: Iterable[str | Path], project_root: str | Path, modes: Iterable[str] = MODES,
                 runtime_factory: RuntimeFactory | None = None) -> Iterator[ScenarioResult]:
    """Each mode of every file, as it finishes; a file that does not validate gives one result
    (mode "file"), not one per mode."""
    modes = tuple(modes)
    for path in paths:
        try:
            scenario = load_scenario(path)
        except ScenarioFileError as exc:
            yield invalid_file_result(Path(path), exc, "file")
            continue
        for profile in scenario_profiles(scenario, project_root):
            for mode in modes:
                yield run_scenario(scenario, project_root, mode, runtime_factory, profile=profile)


def invalid_file_result(path: Path, exc: ScenarioFileError, mode: str) -> ScenarioResult:
    return ScenarioResult(file=path.name, name=path.stem, mode=mode, passed=False, message=exc.message)


def run_scenario(scenario: Scenario, project_root: str | Path, mode: str,
                 runtime_factory: RuntimeFactory | None = None, profile: str | None = None) -> ScenarioResult:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    factory = runtime_factory or _default_factory(Path(project_root))
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jiahe-scenario-") as folder:
        store = Store(f"sqlite:///{Path(folder) / 'scenario.sqlite3'}")
        try:
            run = ScenarioRun(scenario, mode, store, ManualClock(scenario.clock), factory, Path(project_root),
                              profile=profile)
            message, detail = run.execute()
        finally:
            store.dispose()
    return ScenarioResult(file=scenario.file, name=scenario.name, mode=mode, passed=not message,
                          message=message, steps_run=run.steps_run,
                          duration=time.perf_counter() - began, detail=detail, profile=profile)


def _default_factory(project_root: Path) -> RuntimeFactory:
    # Looked up at call time so that a replaced default_runtime_factory takes effect.
    return lambda store, clock: default_runtime_factory(store, clock, project_root)


def completed_path(runtime, instance_id: str) -> list[str]:
    """Element ids of the instance's completed SpiffWorkflow tasks, in the order they completed."""
    with runtime.store.read() as session:
        row = repo.get_instance(session, instance_id)
        parsed = runtime.parsed_by_id(session, row.version_id)
        workflow = runtime.codec.loads(row.serialized, parsed, runtime.script_engine)
    ids = (getattr(task.task_spec, "bpmn_id", None) for task in finished_since(workflow, 0.0))
    return [bpmn_id for bpmn_id in ids if bpmn_id is not None]


# -- one run ----------------------------------------------------------------------------------
class ScenarioRun:
    def __init__(self, scenario: Scenario, mode: str, store: Store, clock: ManualClock,
                 factory: RuntimeFactory, project_root: Path, profile: str | None = None):
        self.scenario, self.mode, self.store, self.clock = scenario, mode, store, clock
        self.factory, self.project_root, self.profile = factory, project_root, profile
        self._profile_router = None
        self.main_id: str | None = None  # the instance the scenario started
        self.instance_id: str | None = None  # the one it follows now (see model: `follow`)
        self._events_seen: dict[str, int] = {}  # per instance, see events_seen
        self.steps_run = 0
        self._live = None

    def runtime(self):
        """The runtime for the next step: always the same one live, a brand-new one restored."""
        if self.mode == "live" and self._live is not None:
            return self._live
        runtime = self.factory(self.store, self.clock)
        if self.profile is not None:  # tasks routed through the organisation the profile names
            runtime.router = self._router_of_profile() or runtime.router
        if self.mode == "live":
            self._live = runtime
        return runtime

    def execute(self) -> tuple[str, str]:
        """("", "") when every expectation held; else the failure message and any traceback."""
        stage = "database"
        try:
            self.store.upgrade()
            stage = "deploy"
            self._deploy()
            stage = "start"
            self._start()
            for step in self.scenario.steps:
                stage = f"step {step.index} ({step.label})"
                STEP_ACTIONS[step.verb](self, step)
                self.steps_run += 1
            stage = "expect"
            for key, check in self._final_checks():
                stage = f"expect {key}"
                check()
        except StepFailed as exc:
            return self._failure(stage, str(exc)), ""
        except JiaheError as exc:
            return self._failure(stage, report.describe_error(exc)), ""
        except Exception as exc:  # an engine bug must not hide the other scenarios' results
            return self._failure(stage, f"unexpected {type(exc).__name__}: {exc}"), traceback.format_exc()
        return "", ""

    def _failure(self, stage: str, text: str) -> str:
        under = f", {self.profile}" if self.profile else ""
        return f"{self.scenario.file} [{self.mode}{under}] {stage}: {text}"

    def _deploy(self) -> None:
        project = ProjectFiles.read(self.project_root)
        if self.profile is not None:
            if self.profile not in project.ladders:
                raise StepFailed(f"no region profile {self.profile!r} in {LADDER_DIR}")
            project.running_profile(self.profile)
        deploy_project(self.runtime(), project, actor=DESIGNER)

    def _router_of_profile(self):
        if self._profile_router is None:
            ladder = find_ladder(self.project_root, self.profile)
            self._profile_router = _router_through(ladder.org_file(self.project_root) if ladder else None)
        return self._profile_router

    def _start(self) -> None:
        start = self.scenario.start
        view = self.runtime().start(self.scenario.process, actor=start.actor_role or ACTOR,
                                    data=start.case_data(), org_unit=self.scenario.org_unit)
        self.main_id = self.instance_id = view.id

    def _final_checks(self):
        return final_checks(self, self.runtime(), self.scenario.expect)

    # -- what the steps read ----------------------------------------------------------------
    @property
    def events_seen(self) -> int:
        """The followed instance's timeline position just after the last event an
        expect_event matched there."""
        return self._events_seen.get(self.instance_id, 0)

    @events_seen.setter
    def events_seen(self, position: int) -> None:
        self._events_seen[self.instance_id] = position

    def follow(self, instance_id: str) -> None:
        self.instance_id = instance_id

    def instance(self, runtime):
        return runtime.instance(self.instance_id)

    def timeline(self, runtime) -> list:
        return timeline(runtime.store, self.instance_id)

    def completed_path(self, runtime) -> list[str]:
        return completed_path(runtime, self.instance_id)
