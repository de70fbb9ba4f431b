"""What supervisors publish (DOMAIN.md, "Statistics supervisors publish"): the four
commitments, counts, resolution rate, cycle times, follow-up completion, satisfaction and
the 督办 list.

No official formulas exist for most of these, so every figure comes with its numerator,
denominator and a definition sentence that says exactly what was counted: a supervisor
must be able to check a rate against the case list. The arithmetic here is pure (it takes
facts, see engine.store.report_queries); `Reports` fetches the facts and assembles answers.
"""
from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from engine.access import Principal
from engine.calendar import CHINA_TZ
from engine.errors import FieldError, NotFound, ValidationFailed
from engine.org import ROLES, OrgChart
from engine.store import report_queries as q
from engine.store.report_queries import CaseFact, CaseFilter, CommitmentFact, VisitFact

GROUP_BY = ("channel", "dispute_type", "level", "risk_colour", "org_unit", "month", "status", "outcome")
MAX_PERIOD = timedelta(days=3661)  # ten years: a longer span is a typo, not a report
FEEDBACK_TASKS = ("feedback_to_party", "feedback_reopened")
FOLLOW_UP_TASKS = ("follow_up_visit",)
RESOLVED_OUTCOME = "mediated_agreement"


# -- the period ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """[start, end): dates are Beijing calendar days, so a month is its Beijing month."""

    start: datetime
    end: datetime

    def to_dict(self) -> dict:
        return {"from": self.start.astimezone(CHINA_TZ).isoformat(),
                "to": self.end.astimezone(CHINA_TZ).isoformat(), "timezone": "Asia/Shanghai"}

    def months(self) -> list[str]:
        """Every Beijing month the period touches, as YYYY-MM."""
        first, last = _month_start(self.start), self.end.astimezone(CHINA_TZ) - timedelta(microseconds=1)
        months = []
        while first <= last:
            months.append(first.strftime("%Y-%m"))
            first = _next_month(first)
        return months


def period_of(start: date | datetime | None, end: date | datetime | None, now: datetime) -> Period:
    """The report period from the `from`/`to` parameters; both missing means this month.

    Only `from`: up to the end of today. Only `to`: from the start of its month."""
    if start is None and end is None:
        first = _month_start(now)
        return _checked(first, _next_month(first))
    end_at = _instant(end) if end is not None else _day_start(now) + timedelta(days=1)
    start_at = _instant(start) if start is not None else _month_start(end_at - timedelta(microseconds=1))
    return _checked(start_at, end_at)


def _checked(start: datetime, end: datetime) -> Period:
    if end <= start:
        raise ValidationFailed("the period is empty",
                               [FieldError("to", "must be later than 'from'", "range",
                                           zh="「to」必须晚于「from」")],
                               zh="统计期为空")
    if end - start > MAX_PERIOD:
        raise ValidationFailed("the period is too long",
                               [FieldError("from", "the period cannot exceed ten years", "range",
                                           zh="统计期不能超过十年")],
                               zh="统计期过长")
    return Period(start, end)


def _instant(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=CHINA_TZ)
    return datetime.combine(value, time(), CHINA_TZ)


def _day_start(moment: datetime) -> datetime:
    return datetime.combine(moment.astimezone(CHINA_TZ).date(), time(), CHINA_TZ)


def _month_start(moment: datetime) -> datetime:
    return _day_start(moment).replace(day=1)


def _next_month(first: datetime) -> datetime:
    return (first + timedelta(days=32)).replace(day=1)


def month_of(moment: datetime) -> str:
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m")


# -- jurisdiction -------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """The org units a report covers: `roots` and everything below them."""

    chart: OrgChart
    roots: tuple[str, ...]
    units: frozenset[str]

    def describe(self) -> list[dict]:
        return [{"id": u, "name": self.name(u)} for u in self.roots]

    def name(self, unit: str | None) -> str:
        found = self.chart.units.get(unit) if unit else None
        return found.name if found else (unit or "")

    def rollup_targets(self) -> list[str]:
        """The units `org_unit` groups count under: one level below a single root (its
        own cases under the root itself), else the roots; narrow `org_unit` to drill down."""
        if len(self.roots) != 1:
            return list(self.roots)
        return [self.roots[0], *(c.id for c in self.chart.children(self.roots[0]))]

    def rollup(self, unit: str | None, targets: Collection[str]) -> str | None:
        if not unit or unit not in self.chart.units:
            return None
        return next((u.id for u in self.chart.ancestors(unit) if u.id in targets), None)


def jurisdiction(principal: Principal, chart: OrgChart, roles: Iterable[str], org_unit: str | None = None) -> Scope:
    """Her units for `roles` and below; `org_unit` narrows to it (404 outside, as anywhere)."""
    roles = tuple(roles)
    visible = frozenset().union(*(principal.visible_units(chart, role) for role in roles))
    if org_unit is not None:
        if org_unit not in visible:
            raise NotFound("org unit not found", org_unit=org_unit, zh="未找到该组织单位")
        return Scope(chart, (org_unit,), frozenset(u.id for u in chart.descendants(org_unit)))
    own = {u for role in roles for u in principal.units(role) if u in chart.units}
    roots = tuple(sorted(u for u in own if not any(o != u and chart.is_within(u, o) for o in own)))
    return Scope(chart, roots, visible)


# -- labels -------------------------------------------------------------------------------

# Labels come from the forms' oneOf const/title, so a report never drifts from what users chose.
FORM_LABELS = {
    "channel": ("intake.schema.json", "channel"),
    "dispute_type": ("intake.schema.json", "dispute_type"),
    "outcome": ("record_outcome.schema.json", "outcome"),
    "risk_colour": ("follow_up_visit.schema.json", "new_colour"),
    "party_satisfaction": ("feedback_to_party.schema.json", "party_satisfaction"),
}
# `level` is the position on the case's mediation ladder; the running region profile names its tiers
# (level_labels below), these stand where no profile is known.
LEVEL_NUMERALS = ("一", "二", "三", "四", "五")
FIXED_LABELS = {
    "level": {n: f"{word}级" for n, word in enumerate(LEVEL_NUMERALS, start=1)},
    "status": {"running": "办理中", "suspended": "已挂起", "incident": "故障待处理", "completed": "已办结",
               "terminated": "已终止"},
}
MISSING_LABELS = {"outcome": "尚无结果", "risk_colour": "未评估", "level": "未分级", "org_unit": "未归属"}


@dataclass(frozen=True)
class Labels:
    values: Mapping[str, Mapping[Any, str]]

    def known(self, dimension: str) -> list:
        return list(self.values.get(dimension, {}))

    def label(self, dimension: str, key: Any) -> str:
        if key is None:
            return MISSING_LABELS.get(dimension, "未填写")
        return self.values.get(dimension, {}).get(key, str(key))

    @classmethod
    def from_forms(cls, schemas: Mapping[str, dict]) -> Labels:
        values: dict[str, dict] = {k: dict(v) for k, v in FIXED_LABELS.items()}
        for dimension, (form, prop) in FORM_LABELS.items():
            options = (schemas.get(form) or {}).get("properties", {}).get(prop, {}).get("oneOf", [])
            values[dimension] = {o["const"]: o.get("title", o["const"]) for o in options if "const" in o}
        return cls(values)

    @classmethod
    def from_dir(cls, forms_dir: Path, ladder=None) -> Labels:
        """The labels of the forms in `forms_dir`; `ladder` (a region profile) names the levels."""
        names = {form for form, _ in FORM_LABELS.values()}
        labels = cls.from_forms({n: json.loads((forms_dir / n).read_text(encoding="utf-8"))
                                 for n in names if (forms_dir / n).is_file()})
        if ladder is not None:
            labels.values["level"].update(level_labels(ladder))
        return labels


def level_labels(ladder) -> dict[int, str]:
    """一级（网格员现场调解）… : each position of the ladder with its tier's name."""
    return {n: f"{LEVEL_NUMERALS[n - 1]}级（{tier.name}）"
            for n, tier in enumerate(ladder.tiers[:len(LEVEL_NUMERALS)], start=1)}


# -- arithmetic ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        """Rounded to 4 places; None, not 0, when nothing was there to count."""
        return round(self.numerator / self.denominator, 4) if self.denominator else None

    def to_dict(self) -> dict:
        return {"numerator": self.numerator, "denominator": self.denominator, "rate": self.rate}


def median(values: Iterable[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Iterable[float], p: float) -> float | None:
    """Nearest rank: the ⌈p/100·n⌉-th smallest value, always one that occurred."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def on_time_ratio(facts: Iterable[CommitmentFact]) -> Ratio:
    """Among records that had a deadline (on_time not None), how many met it."""
    timed = [f.on_time for f in facts if f.on_time is not None]
    return Ratio(sum(timed), len(timed))


# -- the four commitments -----------------------------------------------------------------

CaseRecords = Mapping[str, Mapping[str, list[CommitmentFact]]]  # case id -> kind -> records


@dataclass(frozen=True)
class Commitment:
    """One of 有来必受、有受必理、有理必果、有果必公 as a checkable rate over cases.

    `base`: the record kind a case needs to be in the denominator (None: every case
    received in the period); `kept`: whether the case kept the commitment; `timed`: the
    record kind whose on_time flags give the on-time rate."""

    key: str
    label: str
    base: str | None
    kept: Callable[[Mapping[str, list[CommitmentFact]]], bool]
    timed: str
    definition: str

    def evaluate(self, by_case: CaseRecords) -> dict:
        cases = [recs for recs in by_case.values() if self.base is None or recs.get(self.base)]
        timed = [f for recs in cases for f in recs.get(self.timed, [])]
        return {"key": self.key, "label": self.label,
                **Ratio(sum(1 for recs in cases if self.kept(recs)), len(cases)).to_dict(),
                "on_time": on_time_ratio(timed).to_dict(), "definition": self.definition}


def _has(kind: str) -> Callable[[Mapping[str, list[CommitmentFact]]], bool]:
    return lambda recs: bool(recs.get(kind))


def latest_outcome_communicated(recs: Mapping[str, list[CommitmentFact]]) -> bool:
    """A reopened case has a second outcome, and that one must be told to the party too."""
    outcomes, told = recs.get("outcome_recorded") or [], recs.get("feedback_given") or []
    return bool(outcomes and told) and max(f.at for f in told) >= max(o.at for o in outcomes)


_RECEIVED_CASES = ("统计期内收件登记的案件数（收件时间在[from, to)内，北京时间；仅计记录四项承诺的流程）",
                   "cases received in the period (created in [from, to), Beijing time; processes that keep "
                   "the four commitments only)")

COMMITMENTS = (
    Commitment(
        "registered", "有来必受", None, _has("received"), "accepted",
        f"有来必受：分母为{_RECEIVED_CASES[0]}；分子为其中留有收件登记记录（received）的案件数。"
        "及时率：其中受理审查设有受理时限且已完成的案件，在时限内完成审查的案件数 / 这些案件数。"
        f"Registered: denominator = {_RECEIVED_CASES[1]}; numerator = those with a 'received' record. "
        "On time: of those whose acceptance review had a deadline and is done, the number reviewed by "
        "the deadline."),
    Commitment(
        "handled", "有受必理", None, _has("handler_assigned"), "handler_assigned",
        f"有受必理：分母为{_RECEIVED_CASES[0]}；分子为截至报表生成时其中已确定承办人的案件数"
        "（受理审查后第一个办理任务被认领、指派或办结时记录 handler_assigned）。"
        "及时率：其中该任务设有时限的，在时限内确定承办人的案件数 / 这些案件数。"
        f"Handled: denominator = {_RECEIVED_CASES[1]}; numerator = those that have a handler by the "
        "report time (a 'handler_assigned' record: the first task after the acceptance review was "
        "claimed, assigned or completed). On time: of those whose first task had a deadline, the "
        "number whose handler was set by it."),
    Commitment(
        "concluded", "有理必果", "accepted", _has("outcome_recorded"), "outcome_recorded",
        "有理必果：分母为统计期内收件、且已完成受理审查的案件数（有 accepted 记录；不予受理的也须记录结果）；"
        "分子为截至报表生成时其中已记录处理结果（outcome_recorded）的案件数。"
        "及时率按记录计：这些案件中设有时限的结果记录，在时限内记录的条数 / 设有时限的结果记录条数。"
        "Concluded: denominator = cases received in the period whose acceptance review is done (an "
        "'accepted' record; a case not accepted must record an outcome too); numerator = those with an "
        "'outcome_recorded' record by the report time. On time, per record: outcome records with a "
        "deadline made by it / outcome records with a deadline."),
    Commitment(
        "communicated", "有果必公", "outcome_recorded", latest_outcome_communicated, "feedback_given",
        "有果必公：分母为统计期内收件、且已记录处理结果的案件数；分子为截至报表生成时其中最近一次结果已告知"
        "当事人的案件数（最后一条 feedback_given 记录不早于最后一条 outcome_recorded 记录，重新调解后须再次告知）。"
        "及时率按记录计：这些案件中设有时限的告知记录，在时限内告知的条数 / 设有时限的告知记录条数。"
        "Communicated: denominator = cases received in the period with an outcome recorded; numerator = "
        "those whose latest outcome was told to the party by the report time (the last 'feedback_given' "
        "record is not earlier than the last 'outcome_recorded' one; a reopened case must be told "
        "again). On time, per record: feedback records with a deadline made by it / feedback records "
        "with a deadline."),
)


def records_by_case(case_ids: Iterable[str], facts: Iterable[CommitmentFact]) -> CaseRecords:
    """Every case of the cohort, with or without records (a case with none is a gap)."""
    by_case: dict[str, dict[str, list[CommitmentFact]]] = {case_id: defaultdict(list) for case_id in case_ids}
    for fact in facts:
        if fact.instance_id in by_case:
            by_case[fact.instance_id][fact.kind].append(fact)
    return by_case


def commitment_rates(case_ids: Iterable[str], facts: Iterable[CommitmentFact]) -> list[dict]:
    by_case = records_by_case(case_ids, facts)
    return [commitment.evaluate(by_case) for commitment in COMMITMENTS]


# -- summary parts ------------------------------------------------------------------------

RESOLUTION_DEFINITION = ("化解率 = 期内以调解达成协议(mediated_agreement)结案的纠纷案件数 / 期内结案的纠纷案件数"
                         "（仅计婚姻家庭纠纷调处 dispute_case：热线来电、婚姻辅导、心理咨询等服务不是纠纷化解，另见服务统计；"
                         "无官方公式，按此口径计算）")
# The processes whose cases are disputes to resolve (化解): services (hotline calls, counselling) are
# reported on their own (engine/report_services.py) and would dilute the rate.
RESOLUTION_PROCESSES = ("dispute_case",)
CLOSED_MEANS = ("结案指流程正常办结（status=completed）且结束时间在统计期内；被终止（terminated）的案件不计入。"
                "Closed = the process completed with its end time in the period; terminated cases are not "
                "counted.")
CYCLE_DEFINITION = ("办理周期 = 结案时间 − 收件时间（天，含回访期）；统计期内结案的纠纷案件（dispute_case）；中位数，"
                    "P90 按最近秩（第⌈0.9n⌉小的值）；按结案时所在的调解层级分组。Cycle time = closed − received, in "
                    "days (aftercare included), for dispute cases closed in the period; median, and p90 by nearest "
                    "rank; by the mediation level at closing.")
FOLLOW_UP_DEFINITION = ("回访完成率 = 应回访时间在统计期内且已到期的回访任务中已完成的个数 / 这些回访任务的个数"
                        "（不含因案件终止而取消的）；按时 = 在应回访时间之前完成。Follow-up completion = "
                        "follow-up visit tasks due in the period (and due by now) that are done / those tasks "
                        "(cancelled ones excluded); on time = done by the due time.")
SATISFACTION_DEFINITION = ("满意度：统计期内完成的结果告知（feedback_to_party、feedback_reopened）所记录的当事人"
                           "满意度，按告知次数计；满意率 = （满意 + 基本满意）/（告知次数 − 无法联系）。"
                           "Satisfaction as recorded at each feedback to the party completed in the period; "
                           "satisfaction rate = (satisfied + basically satisfied) / (feedbacks − unreachable).")


def closed_cases(ended: Iterable[CaseFact]) -> list[CaseFact]:
    return [c for c in ended if c.status == "completed"]


def disputes_of(cases: Iterable[CaseFact]) -> list[CaseFact]:
    return [c for c in cases if c.process_key in RESOLUTION_PROCESSES]


def resolution_rate(closed: Collection[CaseFact]) -> dict:
    disputes = disputes_of(closed)
    ratio = Ratio(sum(1 for c in disputes if c.outcome == RESOLVED_OUTCOME), len(disputes))
    return {**ratio.to_dict(), "definition": RESOLUTION_DEFINITION, "closed_means": CLOSED_MEANS}


def cycle_days(case: CaseFact) -> float:
    return (case.ended_at - case.created_at).total_seconds() / 86400


def _cycle_stats(days: list[float]) -> dict:
    return {"count": len(days), "median_days": _days(median(days)), "p90_days": _days(percentile(days, 90))}


def cycle_times(closed: Collection[CaseFact], labels: Labels) -> dict:
    by_level: dict[Any, list[float]] = defaultdict(list)
    for case in closed:
        by_level[case.level].append(cycle_days(case))
    levels = sorted(by_level, key=lambda lv: (lv is None, lv or 0))
    return {**_cycle_stats([cycle_days(c) for c in closed]),
            "by_level": [{"key": lv, "label": labels.label("level", lv), **_cycle_stats(by_level[lv])}
                         for lv in levels],
            "definition": CYCLE_DEFINITION}


def follow_up_completion(visits: Iterable[VisitFact]) -> dict:
    visits = list(visits)
    done = [v for v in visits if v.state == "completed"]
    on_time = [v for v in done if v.ended_at is not None and v.ended_at <= v.due_at]
    return {**Ratio(len(done), len(visits)).to_dict(), "on_time": Ratio(len(on_time), len(visits)).to_dict(),
            "definition": FOLLOW_UP_DEFINITION}


def satisfaction(submissions: Iterable[Mapping], labels: Labels) -> dict:
    counts = Counter(s.get("party_satisfaction") for s in submissions)
    keys = labels.known("party_satisfaction") + sorted(k for k in counts if k not in
                                                       labels.known("party_satisfaction") and k is not None)
    keys += [None] if None in counts else []
    reached = sum(counts.values()) - counts.get("unreachable", 0)
    pleased = counts.get("satisfied", 0) + counts.get("basically_satisfied", 0)
    return {"counts": [{"key": k, "label": labels.label("party_satisfaction", k), "count": counts.get(k, 0)}
                       for k in keys],
            "total": sum(counts.values()), "satisfaction_rate": Ratio(pleased, reached).to_dict(),
            "definition": SATISFACTION_DEFINITION}


# -- counts by a dimension ----------------------------------------------------------------

def group_counts(cases: Iterable[CaseFact], group_by: str, labels: Labels, period: Period,
                 scope: Scope) -> list[dict]:
    """Counts of `cases` by one dimension. Every known category is listed, zeros included
    and in the forms' order, so tables line up month after month; unknown values follow."""
    if group_by not in GROUP_BY:
        raise ValidationFailed("unknown grouping",
                               [FieldError("group_by", f"must be one of {', '.join(GROUP_BY)}", "enum",
                                           zh=f"应为 {', '.join(GROUP_BY)} 之一")],
                               zh="未知的分组方式")
    targets = scope.rollup_targets()
    key_of = grouping_key(group_by, scope, targets)
    counts = Counter(key_of(c) for c in cases)
    known = period.months() if group_by == "month" else targets if group_by == "org_unit" else labels.known(group_by)
    keys = known + sorted((k for k in counts if k not in known and k is not None), key=str)
    keys += [None] if None in counts else []
    return [{"key": k, "label": _group_label(group_by, k, labels, scope), "count": counts.get(k, 0)}
            for k in keys if counts.get(k) or not _hidden_when_empty(group_by, k, scope)]


def grouping_key(group_by: str, scope: Scope, targets: list[str]) -> Callable[[CaseFact], Any]:
    if group_by == "month":
        return lambda c: month_of(c.created_at)
    if group_by == "org_unit":
        return lambda c: scope.rollup(c.org_unit, targets)
    return lambda c: getattr(c, group_by)


def _group_label(group_by: str, key: Any, labels: Labels, scope: Scope) -> str:
    if group_by == "month":
        return str(key)
    if group_by == "org_unit":
        if key is None:
            return labels.label("org_unit", None)
        return scope.name(key) + ("（本级）" if key in scope.roots and len(scope.roots) == 1 else "")
    return labels.label(group_by, key)


def _hidden_when_empty(group_by: str, key: Any, scope: Scope) -> bool:
    # The root's own row matters only when cases sit at the root itself (rare: most arise in grids).
    return group_by == "org_unit" and len(scope.roots) == 1 and key == scope.roots[0]


# -- the 督办 list ------------------------------------------------------------------------

def overdue_item(task, now: datetime, labels: Labels, scope: Scope) -> dict:
    """One row of the 督办 list; overdue_days in days to one decimal (hours matter for red cases)."""
    return {"task_id": task.task_id, "case_id": task.case_id, "case_no": task.case_no, "task": task.task,
            "title": task.title, "role": task.role, "role_label": ROLES.get(task.role or "", task.role),
            "org_unit": task.org_unit, "org_unit_name": scope.name(task.org_unit), "assignee": task.assignee,
            "due_at": task.due_at, "deadline_basis": task.deadline_basis,
            "overdue_days": round((now - task.due_at).total_seconds() / 86400, 1), "priority": task.priority,
            "risk_colour": task.risk_colour, "risk_colour_label": labels.label("risk_colour", task.risk_colour)}


def case_row(case: CaseFact, labels: Labels, scope: Scope) -> dict:
    """A case for the exported list: facts and labels, never a name, address, phone or summary."""
    return {"case_no": case.case_no, "created_at": case.created_at, "ended_at": case.ended_at,
            "channel": labels.label("channel", case.channel),
            "dispute_type": labels.label("dispute_type", case.dispute_type),
            "risk_colour": labels.label("risk_colour", case.risk_colour),
            "level": labels.label("level", case.level), "status": labels.label("status", case.status),
            "outcome": labels.label("outcome", case.outcome) if case.outcome else "",
            "org_unit": case.org_unit, "org_unit_name": scope.name(case.org_unit)}


# -- assembling the answers ---------------------------------------------------------------

@dataclass(frozen=True)
class ReportRequest:
    scope: Scope
    now: datetime
    period: Period | None = None  # None for the 督办 list: late is late, whenever it arose
    process: str | None = None

    def header(self) -> dict:
        period = {"period": self.period.to_dict()} if self.period else {}
        return {**period, "org_units": self.scope.describe(), "process": self.process, "as_of": self.now}


class Reports:
    """Fetches the facts for one request in one read transaction, then computes."""

    def __init__(self, store, labels: Labels):
        self.store, self.labels = store, labels

    @staticmethod
    def _where(req: ReportRequest) -> CaseFilter:
        return CaseFilter(req.scope.units, req.process)

    def commitments(self, req: ReportRequest) -> dict:
        with self.store.read() as session:
            keeping = q.commitment_processes(session)
            cases = q.cases_created(session, self._where(req), req.period.start, req.period.end)
            facts = q.commitments_of_cases_created(session, self._where(req), req.period.start, req.period.end)
        cohort = [c.id for c in cases if c.process_key in keeping]
        return {**req.header(), "commitments": commitment_rates(cohort, facts)}

    def summary(self, req: ReportRequest, group_by: str) -> dict:
        start, end, where = req.period.start, req.period.end, self._where(req)
        with self.store.read() as session:
            received = q.cases_created(session, where, start, end)
            closed = closed_cases(q.cases_ended(session, where, start, end))
            visits = q.visits_due(session, where, FOLLOW_UP_TASKS, start, min(end, req.now))
            feedback = q.submitted_data(session, where, FEEDBACK_TASKS, start, end)
        return {**req.header(), "group_by": group_by,
                "groups": group_counts(received, group_by, self.labels, req.period, req.scope),
                "total": len(received), "resolution_rate": resolution_rate(closed),
                "cycle_times": cycle_times(disputes_of(closed), self.labels),
                "follow_up_completion": follow_up_completion(visits),
                "satisfaction": satisfaction(feedback, self.labels)}

    def overdue(self, req: ReportRequest, page: int = 1, per_page: int | None = None) -> dict:
        """The 督办 list as of now."""
        offset = (page - 1) * per_page if per_page else 0
        with self.store.read() as session:
            total, tasks = q.overdue_tasks(session, self._where(req), req.now, offset=offset, limit=per_page)
        items = [overdue_item(t, req.now, self.labels, req.scope) for t in tasks]
        return {**req.header(), "items": items, "total": total, "page": page, "per_page": per_page or total}

    def cases(self, req: ReportRequest) -> dict:
        with self.store.read() as session:
            cases = q.cases_created(session, self._where(req), req.period.start, req.period.end)
        return {**req.header(), "items": [case_row(c, self.labels, req.scope) for c in cases], "total": len(cases)}
