"""Service figures beside the dispute statistics: the 12338 hotline per line, counselling at
the marriage registry (couples counselled and reconciled, as Guangrao reports 2,900 and 1,300),
and counselling service projects per contracted organisation and street.

Each part covers the cases of its process received in the period within the supervisor's
jurisdiction, and reads what their processes wrote on the record (auditEvent data, task rows,
the outcome): never a name, a phone number or a narrative. Labels come from the forms the
processes ask with, or, for codes a script sets, from OUTCOME_LABELS below.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from engine.reports import Ratio, ReportRequest
from engine.store import report_queries as q
from engine.store.report_queries import CaseFact, CaseFilter

HOTLINE, REGISTRY, PROJECTS = "hotline_call", "marriage_counselling", "counselling_service"
SPECIALIST_TASKS = {"legal_line": "legal", "psych_line": "psychological", "mediation_line": "mediation"}
# Labels the forms do not carry: outcomes a script sets (the form's own options win where they exist).
OUTCOME_LABELS = {
    REGISTRY: {"reconciled": "劝和成功（撤回离婚登记申请）", "proceeded": "继续离婚（双方申领离婚证）",
               "referred": "转介法律援助或心理咨询", "deemed_withdrawn": "视为撤回离婚登记申请",
               "declined": "不接受辅导", "dv_referred": "发现家暴，转纠纷调处红色通道"},
    PROJECTS: {"declined": "项目不予受理", "no_consent": "家庭未同意咨询"},
}
DEFINITIONS = {
    HOTLINE: ("统计期内登记的12338来电（hotline_call），按接听线路（12338主线、区县妇联分线）分列：来电类别、"
              "当场解答、转专线（律师、心理咨询、婚姻家庭调解专线分别计数）、转区县妇联分线、登记纠纷调处案件、"
              "转信访、家暴紧急求助；回访：约定回访、已回访、联系上、超期督办。Calls registered in the period, per "
              "reception line."),
    REGISTRY: ("统计期内在和合之家登记的夫妻（marriage_counselling）：接受辅导 = 至少进行过一次辅导；劝和成功 = "
               "辅导结果为劝和成功、撤回离婚登记申请；劝和率 = 劝和成功 / 接受辅导；结果按已办结的登记计。Couples "
               "registered in the period; counselled = at least one session; reconciled = application withdrawn."),
    PROJECTS: ("统计期内转介到心理咨询服务项目的家庭（counselling_service），按承接社会组织和服务街道（乡镇）分列："
               "转介、在服务、已结案及各结案结果；完成率 = 完成服务（结果为改善或稳定）的家庭 / 已结案的家庭。"
               "Families referred in the period, per contracted organisation and street."),
}
COMPLETED_SERVICE = ("improved", "stable")


class ServiceReports:
    def __init__(self, store, forms_dir: Path):
        self.store, self.forms_dir = store, Path(forms_dir)

    def services(self, req: ReportRequest) -> dict:
        start, end, units = req.period.start, req.period.end, req.scope.units
        with self.store.read() as session:
            hotline = _read(session, CaseFilter(units, HOTLINE), start, end,
                            {"call_registered", "call_answered", "call_referred", "callback_scheduled",
                             "callback_recorded", "callback_overdue_supervised"}, SPECIALIST_TASKS)
            registry = _read(session, CaseFilter(units, REGISTRY), start, end,
                             {"couple_registered", "counselling_session"}, {})
            projects = _read(session, CaseFilter(units, PROJECTS), start, end, {"instance_started"}, {})
        return {**req.header(), "hotline": self.hotline(*hotline), "marriage_counselling": self.registry(*registry),
                "counselling_projects": self.projects(*projects)}

    # -- the parts --------------------------------------------------------------------------
    def hotline(self, cases: list[CaseFact], events: Mapping[str, list], tasks: Mapping[str, set]) -> dict:
        intake = self._form("hotline_call_intake.schema.json")
        lines_of = _options(intake, "line")
        categories_of = _options(intake, "category")
        specialist_of = _options(self._form("hotline_call_answer.schema.json"), "specialist_line")
        per_line: dict[str, list[str]] = defaultdict(list)
        for case in cases:
            registered = _first(events[case.id], "call_registered")
            per_line[registered.get("line") or "unknown"].append(case.id)
        lines = [self._line(key, lines_of.get(key, key), ids, events, tasks, categories_of)
                 for key, ids in sorted(per_line.items(), key=lambda kv: _order(lines_of, kv[0]))]
        specialist = Counter(SPECIALIST_TASKS[name] for case in cases for name in tasks[case.id])
        return {"calls": len(cases), "lines": lines,
                "specialist_lines": [{"key": key, "label": label, "count": specialist.get(key, 0)}
                                     for key, label in specialist_of.items()],
                "callbacks": _callbacks(cases, events), "definition": DEFINITIONS[HOTLINE]}

    @staticmethod
    def _line(key: str, label: str, ids: list[str], events, tasks, categories_of: dict) -> dict:
        dispositions = Counter(_first(events[i], "call_answered").get("disposition") for i in ids)
        categories = Counter(_first(events[i], "call_registered").get("category") for i in ids)
        emergencies = sum(1 for i in ids if any(e.get("emergency") for e in _all(events[i], "call_referred")))
        return {"key": key, "label": label, "calls": len(ids),
                "categories": [{"key": c, "label": title, "count": categories.get(c, 0)}
                               for c, title in categories_of.items()],
                "answered_on_line": dispositions.get("answered", 0),
                "to_specialist": sum(1 for i in ids if tasks[i]),
                "to_regional": dispositions.get("regional", 0),
                "registered_dispute": dispositions.get("dispute", 0) + emergencies,
                "registered_petition": dispositions.get("petition", 0),
                "dv_emergency": emergencies}

    def registry(self, cases: list[CaseFact], events: Mapping[str, list], _tasks) -> dict:
        counselled = [c for c in cases if _all(events[c.id], "counselling_session")]
        reconciled = [c for c in counselled if c.outcome == "reconciled"]
        labels = OUTCOME_LABELS[REGISTRY]
        outcomes = Counter(c.outcome for c in cases if c.outcome)
        return {"registered": len(cases),
                "consented": sum(1 for c in cases if _first(events[c.id], "couple_registered").get("consent")),
                "counselled": len(counselled), "reconciled": len(reconciled),
                "reconciliation_rate": Ratio(len(reconciled), len(counselled)).to_dict(),
                "dv_referred": outcomes.get("dv_referred", 0),
                "outcomes": [{"key": k, "label": labels.get(k, k), "count": outcomes.get(k, 0)} for k in labels]
                + [{"key": k, "label": k, "count": n} for k, n in sorted(outcomes.items()) if k not in labels],
                "definition": DEFINITIONS[REGISTRY]}

    def projects(self, cases: list[CaseFact], events: Mapping[str, list], _tasks) -> dict:
        labels = {**OUTCOME_LABELS[PROJECTS], **_closing_outcomes(self.forms_dir)}
        groups: dict[tuple[str, str], list[CaseFact]] = defaultdict(list)
        for case in cases:
            started = _first(events[case.id], "instance_started").get("data") or {}
            groups[(str(started.get("organisation") or "未填写"), str(started.get("street") or "未填写"))].append(case)
        rows = [_project_row(org, street, members, labels) for (org, street), members in sorted(groups.items())]
        return {"families": len(cases), "groups": rows, "definition": DEFINITIONS[PROJECTS]}

    def _form(self, name: str) -> dict:
        path = self.forms_dir / name
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _read(session, where: CaseFilter, start, end, event_types: set[str], task_names: Mapping[str, str]):
    cases = q.cases_created(session, where, start, end)
    events: dict[str, list] = defaultdict(list)
    for event in q.events_of_cases_created(session, where, event_types, start, end):
        events[event.instance_id].append(event)
    tasks: dict[str, set] = defaultdict(set)
    if task_names:
        for case_id, name in q.tasks_of_cases_created(session, where, task_names, start, end):
            tasks[case_id].add(name)
    return cases, events, tasks


def _project_row(organisation: str, street: str, members: list[CaseFact], labels: Mapping[str, str]) -> dict:
    ended = [c for c in members if c.status == "completed"]
    outcomes = Counter(c.outcome for c in ended if c.outcome)
    served = sum(outcomes.get(k, 0) for k in COMPLETED_SERVICE)
    return {"organisation": organisation, "street": street, "referred": len(members),
            "in_service": sum(1 for c in members if c.status in ("running", "suspended", "incident")),
            "closed": len(ended), "completion_rate": Ratio(served, len(ended)).to_dict(),
            "outcomes": [{"key": k, "label": labels.get(k, k), "count": n} for k, n in sorted(outcomes.items())]}


def _callbacks(cases: list[CaseFact], events: Mapping[str, list]) -> dict:
    scheduled = sum(1 for c in cases if _first(events[c.id], "callback_scheduled").get("callback_possible"))
    done = [e for c in cases for e in _all(events[c.id], "callback_recorded")]
    return {"scheduled": scheduled, "done": len(done), "reached": sum(1 for e in done if e.get("reached")),
            "overdue_supervised": sum(1 for c in cases if _all(events[c.id], "callback_overdue_supervised"))}


def _closing_outcomes(forms_dir: Path) -> dict[str, str]:
    """The outcome options of the counselling project's forms (whichever of its forms asks)."""
    labels: dict[str, str] = {}
    for path in sorted(Path(forms_dir).glob(f"{PROJECTS}_*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        for field in ("service_outcome", "outcome"):
            labels.update(_options(schema, field))
    return labels


def _options(schema: dict, field: str) -> dict[str, str]:
    options = (schema or {}).get("properties", {}).get(field, {}).get("oneOf", [])
    return {o["const"]: o.get("title", o["const"]) for o in options if "const" in o}


def _first(events: Iterable, type_: str) -> dict:
    return next((e.data for e in events if e.type == type_), {})


def _all(events: Iterable, type_: str) -> list[dict]:
    return [e.data for e in events if e.type == type_]


def _order(labels: dict, key: str) -> tuple[int, str]:
    keys = list(labels)
    return (keys.index(key) if key in keys else len(keys), key)
