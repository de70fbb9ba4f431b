"""The cases behind a figure of the cockpit (驾驶舱), and the four commitments unit by unit.

A supervisor clicks a number and sees the cases it counted: the list is chosen by the very
rules that computed the number (engine.reports), so its total always equals the figure.
Rows carry facts and labels only, never a name, address, phone or narrative (PIPL).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from engine.errors import FieldError, ValidationFailed
from engine.reports import (
    COMMITMENTS,
    GROUP_BY,
    RESOLVED_OUTCOME,
    CaseRecords,
    Labels,
    ReportRequest,
    Reports,
    Scope,
    closed_cases,
    commitment_rates,
    disputes_of,
    grouping_key,
    records_by_case,
)
from engine.store import report_queries as q
from engine.store.report_queries import CaseFact

FIGURES = ("received", "group", "commitment", "closed", "resolved", "cycle", "open_high_risk")
COMMITMENT_PARTS = ("cases", "kept", "not_kept", "late")
HIGH_RISK = ("red", "orange")
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Figure:
    """Which number: `figure` names its kind; `key` the group, commitment or level; `part`
    which side of a commitment (its cases, those that kept it, those that did not, those late)."""

    figure: str
    key: str | None = None
    part: str | None = None
    group_by: str | None = None


def _invalid(field: str, message: str, zh: str) -> ValidationFailed:
    return ValidationFailed("this figure cannot be listed", [FieldError(field, message, "enum", zh=zh)],
                            zh="无法列出该数字对应的案件")


def check_figure(figure: Figure) -> None:
    if figure.figure not in FIGURES:
        raise _invalid("figure", f"must be one of {', '.join(FIGURES)}", f"应为 {'、'.join(FIGURES)} 之一")
    if figure.figure == "group" and figure.group_by not in GROUP_BY:
        raise _invalid("group_by", f"must be one of {', '.join(GROUP_BY)}", f"应为 {'、'.join(GROUP_BY)} 之一")
    if figure.figure == "commitment":
        keys = [c.key for c in COMMITMENTS]
        if figure.key not in keys:
            raise _invalid("key", f"must be one of {', '.join(keys)}", f"应为 {'、'.join(keys)} 之一")
        if (figure.part or "cases") not in COMMITMENT_PARTS:
            raise _invalid("part", f"must be one of {', '.join(COMMITMENT_PARTS)}",
                           f"应为 {'、'.join(COMMITMENT_PARTS)} 之一")


# -- which cases a commitment counted ---------------------------------------------------------

def commitment_cases(key: str, part: str, by_case: CaseRecords) -> set[str]:
    """The case ids behind one side of a commitment, by Commitment.evaluate's own rules."""
    commitment = next(c for c in COMMITMENTS if c.key == key)
    cases = {case_id: recs for case_id, recs in by_case.items()
             if commitment.base is None or recs.get(commitment.base)}
    if part == "kept":
        return {case_id for case_id, recs in cases.items() if commitment.kept(recs)}
    if part == "not_kept":
        return {case_id for case_id, recs in cases.items() if not commitment.kept(recs)}
    if part == "late":
        return {case_id for case_id, recs in cases.items()
                if any(f.on_time is False for f in recs.get(commitment.timed, []))}
    return set(cases)


def late_cases(by_case: CaseRecords) -> dict[str, int]:
    """Per commitment, the cases with at least one late record (what the 'late' list shows)."""
    return {c.key: len(commitment_cases(c.key, "late", by_case)) for c in COMMITMENTS}


def with_late_cases(rates: list[dict], by_case: CaseRecords) -> list[dict]:
    late = late_cases(by_case)
    return [{**rate, "late_cases": late[rate["key"]]} for rate in rates]


# -- rows --------------------------------------------------------------------------------------

def figure_row(case: CaseFact, labels: Labels, scope: Scope) -> dict:
    """A case as the drawer lists it: codes for links and filters, labels for people."""
    def coded(dimension: str, value) -> dict:
        return {dimension: value, f"{dimension}_label": labels.label(dimension, value)}

    return {"case_id": case.id, "case_no": case.case_no, "created_at": case.created_at,
            "ended_at": case.ended_at, **coded("channel", case.channel), **coded("dispute_type", case.dispute_type),
            **coded("risk_colour", case.risk_colour), **coded("level", case.level), **coded("status", case.status),
            "outcome": case.outcome, "outcome_label": labels.label("outcome", case.outcome) if case.outcome else "",
            "org_unit": case.org_unit, "org_unit_name": scope.name(case.org_unit)}


def _matches_key(value, key: str | None) -> bool:
    """Query keys are text; an empty key stands for the missing value (未评估, 未分级...)."""
    return value is None if key in (None, "") else str(value) == key


# -- the service -------------------------------------------------------------------------------

class FigureCases(Reports):
    """The cases behind one figure, and the commitments of each unit one level down."""

    def __init__(self, store, labels: Labels):
        super().__init__(store, labels)

    def cases(self, req: ReportRequest, figure: Figure, page: int = 1, per_page: int = 20) -> dict:
        check_figure(figure)
        found = self._cases_of(req, figure)
        per_page = max(1, min(per_page, MAX_PER_PAGE))
        shown = found[(page - 1) * per_page:page * per_page]
        return {**req.header(), "figure": figure.figure, "key": figure.key, "part": figure.part,
                "group_by": figure.group_by,
                "items": [figure_row(c, self.labels, req.scope) for c in shown],
                "total": len(found), "page": page, "per_page": per_page}

    def _cases_of(self, req: ReportRequest, figure: Figure) -> list[CaseFact]:
        kind = figure.figure
        if kind == "open_high_risk":
            with self.store.read() as session:
                return q.open_cases(session, self._where(req), HIGH_RISK)
        if kind in ("closed", "resolved", "cycle"):
            return self._closed(req, figure)
        if kind == "commitment":
            return self._commitment(req, figure)
        with self.store.read() as session:
            received = q.cases_created(session, self._where(req), req.period.start, req.period.end)
        if kind == "group":
            return self._group(received, req, figure)
        return received

    def _closed(self, req: ReportRequest, figure: Figure) -> list[CaseFact]:
        with self.store.read() as session:
            closed = closed_cases(q.cases_ended(session, self._where(req), req.period.start, req.period.end))
        disputes = disputes_of(closed)  # the cases 化解率 and the cycle times count
        if figure.figure == "cycle":
            return [c for c in disputes if figure.key is None or _matches_key(c.level, figure.key)]
        return [c for c in disputes if c.outcome == RESOLVED_OUTCOME] if figure.figure == "resolved" else disputes

    def _group(self, received: list[CaseFact], req: ReportRequest, figure: Figure) -> list[CaseFact]:
        key_of = grouping_key(figure.group_by, req.scope, req.scope.rollup_targets())
        return [c for c in received if _matches_key(key_of(c), figure.key)]

    def _commitment(self, req: ReportRequest, figure: Figure) -> list[CaseFact]:
        cohort, by_case = self._cohort(req)
        chosen = commitment_cases(figure.key, figure.part or "cases", by_case)
        return [c for c in cohort if c.id in chosen]

    def _cohort(self, req: ReportRequest) -> tuple[list[CaseFact], CaseRecords]:
        with self.store.read() as session:
            keeping = q.commitment_processes(session)
            cases = q.cases_created(session, self._where(req), req.period.start, req.period.end)
            facts = q.commitments_of_cases_created(session, self._where(req), req.period.start, req.period.end)
        cohort = [c for c in cases if c.process_key in keeping]
        return cohort, records_by_case([c.id for c in cohort], facts)

    # -- commitments, with the late cases and optionally unit by unit ------------------------
    def commitments(self, req: ReportRequest, breakdown: str | None = None) -> dict:
        cohort, by_case = self._cohort(req)
        body = {**req.header(), "commitments": with_late_cases(
            commitment_rates(by_case.keys(), _facts_of(by_case)), by_case)}
        if breakdown == "org_unit":
            body["units"] = unit_breakdown(cohort, by_case, req.scope)
        return body


def _facts_of(by_case: CaseRecords) -> Iterable:
    return (fact for recs in by_case.values() for facts in recs.values() for fact in facts)


def unit_breakdown(cohort: list[CaseFact], by_case: CaseRecords, scope: Scope) -> list[dict]:
    """The four commitments for each unit one level below the chosen one (and the unit itself
    when cases sit there), each counting the cases of that unit and everything below it."""
    targets = scope.rollup_targets()
    members: dict[str | None, list[str]] = defaultdict(list)
    for case in cohort:
        members[scope.rollup(case.org_unit, targets)].append(case.id)
    units = [u for u in targets if members.get(u) or not (len(scope.roots) == 1 and u == scope.roots[0])]
    return [_unit(u, members.get(u, []), by_case, scope) for u in units]


def _unit(unit: str, case_ids: list[str], by_case: CaseRecords, scope: Scope) -> dict:
    own = {case_id: by_case[case_id] for case_id in case_ids}
    found = scope.chart.units.get(unit)
    root_itself = len(scope.roots) == 1 and unit == scope.roots[0]
    return {"org_unit": unit, "name": scope.name(unit) + ("（本级）" if root_itself else ""),
            "level": found.level if found else None, "has_children": bool(scope.chart.children(unit)),
            "commitments": with_late_cases(commitment_rates(own.keys(), _facts_of(own)), own)}

