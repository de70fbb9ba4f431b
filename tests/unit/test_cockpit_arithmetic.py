"""The cockpit's arithmetic on hand-made facts: which cases each side of a commitment lists,
and the heatmap's passes, waits and wait times."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from engine.report_figures import commitment_cases, late_cases
from engine.report_heatmap import step_heat, work_steps
from engine.reports import COMMITMENTS, commitment_rates, records_by_case
from engine.store.report_queries import CommitmentFact, StepFact
from tests.conftest import PROJECT_ROOT

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


def fact(case: str, kind: str, hours: float = 0, on_time: bool | None = True) -> CommitmentFact:
    return CommitmentFact(case, kind, T0 + timedelta(hours=hours), on_time)


FACTS = [
    fact("a", "received", on_time=None), fact("a", "accepted"), fact("a", "handler_assigned"),
    fact("a", "outcome_recorded", 1, on_time=False), fact("a", "outcome_recorded", 5, on_time=False),
    fact("b", "received", on_time=None), fact("b", "accepted", on_time=False),
    fact("c", "received", on_time=None),
]


def test_each_side_of_a_commitment_lists_exactly_what_its_rate_counts():
    by_case = records_by_case(["a", "b", "c"], FACTS)
    rates = {r["key"]: r for r in commitment_rates(["a", "b", "c"], FACTS)}
    for commitment in COMMITMENTS:
        rate = rates[commitment.key]
        kept = commitment_cases(commitment.key, "kept", by_case)
        not_kept = commitment_cases(commitment.key, "not_kept", by_case)
        assert len(kept) == rate["numerator"] and len(kept | not_kept) == rate["denominator"]
        assert not kept & not_kept


def test_late_cases_count_a_case_once_however_many_late_records():
    by_case = records_by_case(["a", "b", "c"], FACTS)
    assert late_cases(by_case) == {"registered": 1, "handled": 0, "concluded": 1, "communicated": 0}
    assert commitment_cases("concluded", "late", by_case) == {"a"}
    assert commitment_cases("registered", "late", by_case) == {"b"}


def step(case: str, state: str, ready_hours: float, ended_hours: float | None = None) -> StepFact:
    ended = T0 + timedelta(hours=ended_hours) if ended_hours is not None else None
    return StepFact("accept_case", case, state, T0 + timedelta(hours=ready_hours), ended)


def test_a_step_counts_cases_once_and_reports_waits_apart_from_those_still_waiting():
    steps = [step("a", "completed", 0, 2), step("a", "completed", 10, 14), step("b", "completed", 0, 30),
             step("c", "ready", 0), step("d", "ready", 20)]
    heat = step_heat("accept_case", "受理审查", "userTask", steps, now=T0 + timedelta(hours=40))
    assert (heat.passed, heat.completions, heat.waiting) == (2, 3, 2)
    assert (heat.median_hours, heat.p90_hours) == (4.0, 30.0)
    assert (heat.waiting_median_hours, heat.waiting_max_hours) == (30.0, 40.0)


def test_a_step_nobody_reached_has_no_times():
    heat = step_heat("x", "x", "userTask", [], now=T0)
    assert (heat.passed, heat.waiting, heat.median_hours, heat.waiting_max_hours) == (0, 0, None, None)


def test_the_heatmap_covers_the_user_and_manual_tasks_of_the_process_itself():
    bpmn = (PROJECT_ROOT / "processes" / "bpmn" / "dispute_case.bpmn").read_text(encoding="utf-8")
    steps = {element_id: kind for element_id, _, kind in work_steps(bpmn, "dispute_case")}
    assert {"screen_risk", "accept_case", "record_outcome", "follow_up_visit"} <= set(steps)
    assert set(steps.values()) <= {"userTask", "manualTask"}
    assert work_steps(bpmn, "no_such_process") == []
