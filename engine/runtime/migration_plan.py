"""Moving a process's open cases to its latest version, as a designer does after deploying:
first a preview (which cases could move, and why the others cannot), then the move of the
chosen ones, each in its own transaction.

The preview asks SpiffWorkflow the same question migration.migrate_instance asks (its spec
diff of the case's workflow against the latest version) and saves nothing.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from SpiffWorkflow.bpmn.util.diff import diff_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.errors import JiaheError, NotFound
from engine.runtime.migration import missing_steps
from engine.store import repository as repo
from engine.store.models import ProcessInstance

OPEN_STATUSES = ("running", "suspended", "incident")
MAX_PREVIEW = 200  # cases per preview: each one's workflow is read and compared
CURRENT = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


@dataclass(frozen=True)
class Step:
    id: str
    name: str

    def label(self) -> str:
        return f"{self.name}（{self.id}）" if self.name and self.name != self.id else self.id


@dataclass(frozen=True)
class Candidate:
    case_id: str
    case_no: str | None
    org_unit: str | None
    status: str
    version: int
    current_steps: tuple[Step, ...]
    can_move: bool
    missing_steps: tuple[Step, ...] = ()
    reason_zh: str = ""
    reason_en: str = ""


@dataclass(frozen=True)
class Preview:
    process_key: str
    latest_version: int
    total: int  # open cases on older versions within the caller's units
    candidates: list[Candidate]


@dataclass(frozen=True)
class Outcome:
    case_id: str
    moved: bool
    version: int | None = None
    reason_zh: str = ""
    reason_en: str = ""


def preview(runtime, process_key: str, units: set[str]) -> Preview:
    """The open cases of the process on older versions (in `units`), each with whether it can
    move to the latest version."""
    with runtime.store.read() as session:
        latest = repo.latest_version(session, process_key)
        if latest is None:
            raise NotFound(f"process {process_key} is not deployed", process=process_key,
                           zh=f"流程 {process_key} 未部署")
        rows = _older_open_cases(session, process_key, latest.id, units)
        target = runtime.parsed(session, latest)
        candidates = [_candidate(runtime, session, row, target) for row in rows[:MAX_PREVIEW]]
    return Preview(process_key, latest.version, len(rows), candidates)


def _older_open_cases(session, process_key: str, latest_id: int, units: set[str]) -> list:
    stmt = (select(ProcessInstance).where(ProcessInstance.process_key == process_key,
                                          ProcessInstance.status.in_(OPEN_STATUSES),
                                          ProcessInstance.version_id != latest_id)
            .order_by(ProcessInstance.created_at, ProcessInstance.id))
    return [row for row in session.scalars(stmt) if row.org_unit in units]


def _candidate(runtime, session, row, target) -> Candidate:
    parsed = runtime.parsed_by_id(session, row.version_id)
    facts = dict(case_id=row.id, case_no=row.case_no, org_unit=row.org_unit, status=row.status,
                 version=parsed.version)
    try:
        workflow = runtime.read_workflow(row, parsed)
    except JiaheError as exc:
        return Candidate(**facts, current_steps=(), can_move=False, reason_zh=exc.message_in("zh"),
                         reason_en=exc.message)
    current = tuple(_steps(parsed, (t.task_spec.name for t in workflow.get_tasks(state=CURRENT))))
    registry = runtime.codec._parts()[0].registry
    top_diff, sub_diffs = diff_workflow(registry, workflow, target.spec, target.subprocess_specs)
    missing, running = missing_steps(top_diff, sub_diffs)
    if not missing:
        return Candidate(**facts, current_steps=current, can_move=True)
    gone = tuple(_steps(parsed, missing))
    now = {step.id for step in _steps(parsed, running)}
    return Candidate(**facts, current_steps=current, can_move=False, missing_steps=gone,
                     reason_zh=_reason_zh(target.version, gone, now), reason_en=_reason_en(target.version, gone, now))


def _steps(parsed, names: Iterable[str]) -> list[Step]:
    specs = parsed.spec.task_specs
    found = []
    for name in dict.fromkeys(names):
        spec = specs.get(name)
        if spec is not None and getattr(spec, "bpmn_id", None) is None:
            continue  # SpiffWorkflow's own bookkeeping tasks (Start, End, ...): not steps anyone drew
        found.append(Step(name, getattr(spec, "bpmn_name", None) or name))
    return found


def _reason_zh(version: int, gone: tuple[Step, ...], running: set[str]) -> str:
    text = f"版本 {version} 中没有该案件走过或正在进行的步骤：{'、'.join(s.label() for s in gone)}"
    now = [s.label() for s in gone if s.id in running]
    return text + (f"；其中正在进行的：{'、'.join(now)}" if now else "")


def _reason_en(version: int, gone: tuple[Step, ...], running: set[str]) -> str:
    text = f"version {version} lacks steps this case took or is at: {', '.join(s.label() for s in gone)}"
    now = [s.label() for s in gone if s.id in running]
    return text + (f"; running now: {', '.join(now)}" if now else "")


def migrate_cases(runtime, process_key: str, case_ids: Iterable[str], units: set[str], *,
                  actor: str) -> list[Outcome]:
    """Move each case to the latest version in its own transaction (audited as `migrated`); a
    case that cannot move is refused with the reason and the others go on."""
    return [_migrate_one(runtime, process_key, case_id, units, actor) for case_id in dict.fromkeys(case_ids)]


def _migrate_one(runtime, process_key: str, case_id: str, units: set[str], actor: str) -> Outcome:
    try:
        _require_case(runtime, process_key, case_id, units)
        view = runtime.migrate(case_id, actor=actor)
    except JiaheError as exc:
        return Outcome(case_id, moved=False, reason_zh=exc.message_in("zh"), reason_en=exc.message)
    return Outcome(case_id, moved=True, version=view.version)


def _require_case(runtime, process_key: str, case_id: str, units: set[str]) -> None:
    with runtime.store.read() as session:
        row = session.get(ProcessInstance, case_id)
        if row is None or row.process_key != process_key or row.org_unit not in units:
            raise NotFound(f"no case {case_id} of process {process_key} in your units", case=case_id,
                           zh=f"您管辖的范围内没有流程 {process_key} 的案件 {case_id}")
