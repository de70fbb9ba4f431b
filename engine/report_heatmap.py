"""The process heatmap: where cases of one process version pass and where they wait.

For each step of the diagram: how many cases passed it in the period, how many wait there
now, and how long they waited. Read from the task rows (one per round of a user or manual
task), so no workflow is deserialized and every loop round counts.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from engine.definitions.uploads import defining_bpmn
from engine.errors import FieldError, NotFound, ValidationFailed
from engine.reports import ReportRequest, median, percentile
from engine.store import report_queries as q
from engine.store import repository as repo
from engine.store.report_queries import CaseFilter, StepFact

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
WORK_STEPS = ("userTask", "manualTask")
DEFAULT_PROCESS = "dispute_case"

HEATMAP_DEFINITION = (
    "流程热力图：只统计由人办理的步骤（用户任务、人工任务），每办理一轮记一条任务记录。"
    "「经过」= 该步骤有任务在统计期内办结的案件数（同一案件多轮只计一次；办结次数另列）；"
    "「等待中」= 此刻在该步骤有待办任务的案件数（挂起案件的任务不计）；"
    "「等待时长」= 任务从进入待办到办结的时长（小时），统计期内办结的任务取中位数与 P90（按最近秩）；"
    "仍在等待的任务按至今已等待的时长另列。网关、事件和自动步骤不停留、无任务记录，不计数、不着色。"
    "按案件当前所运行的流程版本归属（迁移过的案件，其迁移前的任务也算在新版本下）。"
    "Process heatmap: only steps people do (user and manual tasks) are counted, one task record per "
    "round. 'Passed' = cases with a task of that step completed in the period (a case counts once "
    "however many rounds; completions are listed too); 'waiting' = cases with an open task there now "
    "(tasks of suspended cases excluded); 'wait' = hours from the task becoming ready to its "
    "completion, median and p90 (nearest rank) over tasks completed in the period; tasks still open "
    "are reported separately with the time waited so far. Gateways, events and automated steps hold "
    "no one and leave no task record: they are not counted or coloured. Cases count under the "
    "version they run now (a migrated case's earlier tasks count under its new version).")


@dataclass(frozen=True)
class StepHeat:
    element_id: str
    name: str
    kind: str
    passed: int
    completions: int
    median_hours: float | None
    p90_hours: float | None
    waiting: int
    waiting_median_hours: float | None
    waiting_max_hours: float | None


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def step_heat(element_id: str, name: str, kind: str, steps: list[StepFact], now: datetime) -> StepHeat:
    done = [s for s in steps if s.state == "completed"]
    open_ = [s for s in steps if s.state != "completed"]
    waits = [(s.ended_at - s.ready_at).total_seconds() for s in done]
    so_far = [(now - s.ready_at).total_seconds() for s in open_]
    return StepHeat(element_id, name, kind, passed=len({s.instance_id for s in done}), completions=len(done),
                    median_hours=_hours(median(waits)), p90_hours=_hours(percentile(waits, 90)),
                    waiting=len({s.instance_id for s in open_}),
                    waiting_median_hours=_hours(median(so_far)), waiting_max_hours=_hours(max(so_far, default=None)))


def work_steps(bpmn: str, process_key: str) -> list[tuple[str, str, str]]:
    """(id, name, kind) of the user and manual tasks drawn in the process (embedded
    subprocesses included; a called process's steps live in its own diagram)."""
    root = etree.fromstring(bpmn.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    process = next((p for p in root.iter(f"{{{BPMN}}}process") if p.get("id") == process_key), None)
    if process is None:
        return []
    kinds = {f"{{{BPMN}}}{kind}": kind for kind in WORK_STEPS}
    return [(node.get("id"), node.get("name") or node.get("id"), kinds[node.tag])
            for node in process.iter() if node.tag in kinds and node.get("id")]


class Heatmap:
    def __init__(self, store):
        self.store = store

    def heatmap(self, req: ReportRequest, version: int | None) -> dict:
        with self.store.read() as session:
            processes = _processes(session)
            key = req.process or (DEFAULT_PROCESS if DEFAULT_PROCESS in processes else next(iter(processes), None))
            pv = self._version(session, key, version)
            steps = q.steps_of_version(session, CaseFilter(req.scope.units), pv.id, req.period.start,
                                       req.period.end)
            number, name, (_, bpmn) = pv.version, pv.name, defining_bpmn(pv.bundle, key)
        by_element: dict[str, list[StepFact]] = defaultdict(list)
        for step in steps:
            by_element[step.element_id].append(step)
        heat = [step_heat(eid, name, kind, by_element.get(eid, []), req.now)
                for eid, name, kind in work_steps(bpmn, key)]
        return {**req.header(), "process": key, "version": number, "name": name or key,
                "versions": processes.get(key, {}).get("versions", []),
                "processes": [{"key": k, **v} for k, v in processes.items()],
                "bpmn": bpmn, "elements": [vars(h) for h in heat], "definition": HEATMAP_DEFINITION}

    @staticmethod
    def _version(session, key: str | None, version: int | None):
        if key is None:
            raise NotFound("no process is deployed", zh="尚未部署任何流程")
        if version is None:
            found = repo.latest_version(session, key)
            if found is None:
                raise NotFound(f"process {key} is not deployed", process=key, zh=f"流程 {key} 未部署")
            return found
        try:
            return repo.version_by_number(session, key, version)
        except NotFound:
            raise ValidationFailed("no such version", [FieldError(
                "version", f"process {key} has no version {version}", "exists",
                zh=f"流程 {key} 没有第 {version} 版")], zh="流程版本不存在") from None


def _processes(session) -> dict[str, dict]:
    """Every deployed process: its latest name and its version numbers, newest first."""
    found: dict[str, dict] = {}
    for key, version, name in q.process_versions(session):
        found.setdefault(key, {"name": name or key, "versions": []})["versions"].append(version)
    return found
