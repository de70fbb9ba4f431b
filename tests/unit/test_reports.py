"""Report arithmetic on hand-made facts: periods, jurisdiction, rates, medians, definitions."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from engine.access import Principal
from engine.errors import NotFound, ValidationFailed
from engine.org import Membership, OrgChart
from engine.reports import (
    COMMITMENTS,
    Labels,
    Period,
    Ratio,
    closed_cases,
    commitment_rates,
    cycle_times,
    follow_up_completion,
    group_counts,
    jurisdiction,
    latest_outcome_communicated,
    median,
    percentile,
    period_of,
    resolution_rate,
    satisfaction,
)
from engine.store.report_queries import CaseFact, CommitmentFact, VisitFact
from tests.conftest import PROJECT_ROOT

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
MARCH = Period(datetime.fromisoformat("2026-03-01T00:00:00+08:00"), datetime.fromisoformat("2026-04-01T00:00:00+08:00"))
CHART = OrgChart.load(PROJECT_ROOT / "processes" / "org" / "demo.yaml")
LABELS = Labels.from_dir(PROJECT_ROOT / "forms")
SUPERVISION = ("supervisor", "rights_officer", "admin")


def case(id_="c1", *, org_unit="grid-a1", created=T0, ended=None, status="running", **facts) -> CaseFact:
    values = dict(case_no=f"JH-2026-{id_}", process_key="dispute_case", channel="phone",
                  dispute_type="marital_conflict", risk_colour="blue", level=1, outcome=None)
    values.update(facts)
    return CaseFact(id=id_, org_unit=org_unit, status=status, created_at=created, ended_at=ended, **values)


def record(case_id, kind, hours=0, on_time=None) -> CommitmentFact:
    return CommitmentFact(case_id, kind, T0 + timedelta(hours=hours), on_time)


def supervisor(*units: str) -> Principal:
    return Principal("s", "督办", tuple(Membership("supervisor", u) for u in units))


# -- numbers --------------------------------------------------------------------------------

def test_a_rate_is_rounded_and_null_when_nothing_was_counted():
    assert Ratio(2, 3).rate == 0.6667
    assert Ratio(0, 0).to_dict() == {"numerator": 0, "denominator": 0, "rate": None}
    assert Ratio(0, 4).rate == 0.0


def test_median_takes_the_middle_or_the_mean_of_the_two_middles():
    assert median([]) is None
    assert median([5.0, 1.0, 3.0]) == 3.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5


def test_p90_is_the_nearest_rank_value():
    assert percentile([], 90) is None
    assert percentile(range(1, 11), 90) == 9
    assert percentile(range(1, 12), 90) == 10  # ceil(9.9) = 10th of 11
    assert percentile([7.0], 90) == 7.0


# -- periods --------------------------------------------------------------------------------

def test_the_default_period_is_the_current_beijing_month():
    late_march_utc = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # already 1 April in Beijing
    assert period_of(None, None, late_march_utc).to_dict() == {
        "from": "2026-04-01T00:00:00+08:00", "to": "2026-05-01T00:00:00+08:00", "timezone": "Asia/Shanghai"}


def test_dates_are_beijing_days_and_to_is_exclusive():
    period = period_of(date(2026, 3, 1), date(2026, 3, 2), T0)
    assert period.start == datetime(2026, 2, 28, 16, 0, tzinfo=UTC)
    assert period.end - period.start == timedelta(days=1)


def test_only_from_runs_to_the_end_of_today_and_only_to_starts_its_month():
    assert period_of(date(2026, 1, 1), None, T0).to_dict()["to"] == "2026-03-03T00:00:00+08:00"
    assert period_of(None, date(2026, 3, 1), T0).to_dict()["from"] == "2026-02-01T00:00:00+08:00"
    naive = period_of(datetime(2026, 3, 1, 8, 0), datetime(2026, 3, 1, 9, 0), T0)
    assert naive.start == datetime(2026, 3, 1, 0, 0, tzinfo=UTC)


def test_an_empty_or_endless_period_is_a_field_error():
    with pytest.raises(ValidationFailed) as empty:
        period_of(date(2026, 3, 5), date(2026, 3, 5), T0)
    assert empty.value.field_errors[0].field == "to"
    with pytest.raises(ValidationFailed) as endless:
        period_of(date(1900, 1, 1), date(2026, 3, 5), T0)
    assert endless.value.field_errors[0].field == "from"


def test_a_period_lists_every_month_it_touches():
    assert MARCH.months() == ["2026-03"]
    assert period_of(date(2025, 12, 15), date(2026, 2, 2), T0).months() == ["2025-12", "2026-01", "2026-02"]


# -- jurisdiction ---------------------------------------------------------------------------

def test_jurisdiction_is_her_units_and_below():
    scope = jurisdiction(supervisor("village-a"), CHART, SUPERVISION)
    assert scope.roots == ("village-a",) and scope.units == {"village-a", "grid-a1", "grid-a2"}


def test_a_unit_inside_another_of_hers_is_not_a_second_root():
    scope = jurisdiction(supervisor("village-a", "town"), CHART, SUPERVISION)
    assert scope.roots == ("town",)


def test_narrowing_to_a_unit_outside_her_jurisdiction_is_not_found():
    with pytest.raises(NotFound):
        jurisdiction(supervisor("village-a"), CHART, SUPERVISION, "village-b")
    assert jurisdiction(supervisor("town"), CHART, SUPERVISION, "grid-b1").units == {"grid-b1"}


def test_memberships_in_other_roles_do_not_widen_the_report():
    principal = Principal("x", "x", (Membership("supervisor", "grid-a1"), Membership("grid_worker", "village-b")))
    assert jurisdiction(principal, CHART, SUPERVISION).units == {"grid-a1"}


# -- the four commitments -------------------------------------------------------------------

def rates(case_ids, facts) -> dict:
    return {c["key"]: c for c in commitment_rates(case_ids, facts)}


def test_commitments_chain_their_denominators():
    facts = [record("a", "received"), record("a", "accepted", 1, True), record("a", "handler_assigned", 2),
             record("a", "outcome_recorded", 3), record("a", "feedback_given", 4, True),
             record("b", "received"), record("b", "accepted", 1, False), record("b", "handler_assigned", 2, True),
             record("b", "outcome_recorded", 3), record("c", "received")]
    result = rates(["a", "b", "c"], facts)
    assert (result["registered"]["numerator"], result["registered"]["denominator"]) == (3, 3)
    assert result["registered"]["on_time"] == {"numerator": 1, "denominator": 2, "rate": 0.5}
    assert (result["handled"]["numerator"], result["handled"]["denominator"]) == (2, 3)
    assert result["handled"]["on_time"] == {"numerator": 1, "denominator": 1, "rate": 1.0}
    assert (result["concluded"]["numerator"], result["concluded"]["denominator"]) == (2, 2)
    assert result["concluded"]["on_time"]["denominator"] == 0 and result["concluded"]["on_time"]["rate"] is None
    assert (result["communicated"]["numerator"], result["communicated"]["denominator"]) == (1, 2)


def test_a_case_without_a_receipt_record_is_a_gap_in_registration():
    assert rates(["old", "new"], [record("new", "received")])["registered"]["rate"] == 0.5


def test_records_of_cases_outside_the_cohort_are_ignored():
    assert rates(["a"], [record("a", "received"), record("z", "received")])["registered"]["numerator"] == 1


def test_a_reopened_outcome_must_be_told_again():
    told_once = {"outcome_recorded": [record("a", "outcome_recorded", 1), record("a", "outcome_recorded", 9)],
                 "feedback_given": [record("a", "feedback_given", 2)]}
    assert not latest_outcome_communicated(told_once)
    told_again = {**told_once, "feedback_given": [*told_once["feedback_given"], record("a", "feedback_given", 9)]}
    assert latest_outcome_communicated(told_again)


def test_every_commitment_defines_its_counts_in_chinese_and_english():
    for commitment in COMMITMENTS:
        for word in (commitment.label, "分母", "分子", "及时率", "denominator", "numerator", "On time"):
            assert word in commitment.definition, (commitment.key, word)


# -- summary parts --------------------------------------------------------------------------

def test_resolution_rate_counts_closed_disputes_only():
    ended = [case("a", status="completed", outcome="mediated_agreement", ended=T0),
             case("b", status="completed", outcome="referred_to_court", ended=T0),
             case("c", status="terminated", outcome=None, ended=T0),
             # services are no disputes to resolve: a call answered on the line, a couple reconciled
             case("d", status="completed", outcome="answered_on_line", ended=T0, process_key="hotline_call"),
             case("e", status="completed", outcome="reconciled", ended=T0, process_key="marriage_counselling")]
    result = resolution_rate(closed_cases(ended))
    assert (result["numerator"], result["denominator"], result["rate"]) == (1, 2, 0.5)
    assert result["definition"].startswith("化解率 = 期内以调解达成协议(mediated_agreement)结案的纠纷案件数 / "
                                           "期内结案的纠纷案件数（仅计婚姻家庭纠纷调处 dispute_case")


def test_cycle_times_by_level():
    closed = [case("a", level=1, ended=T0 + timedelta(days=2)), case("b", level=1, ended=T0 + timedelta(days=4)),
              case("c", level=3, ended=T0 + timedelta(days=30, hours=6))]
    result = cycle_times(closed, LABELS)
    assert (result["count"], result["median_days"], result["p90_days"]) == (3, 4.0, 30.2)
    assert [(lv["key"], lv["count"], lv["median_days"]) for lv in result["by_level"]] == [(1, 2, 3.0), (3, 1, 30.2)]
    assert cycle_times([], LABELS)["median_days"] is None


def test_follow_up_completion_and_on_time():
    due = T0 + timedelta(days=1)
    visits = [VisitFact(due, "completed", T0), VisitFact(due, "completed", due + timedelta(hours=1)),
              VisitFact(due, "ready", None)]
    result = follow_up_completion(visits)
    assert (result["numerator"], result["denominator"], result["on_time"]["numerator"]) == (2, 3, 1)


def test_satisfaction_counts_every_option_and_leaves_unreachable_out_of_the_rate():
    result = satisfaction([{"party_satisfaction": "satisfied"}, {"party_satisfaction": "dissatisfied"},
                           {"party_satisfaction": "unreachable"}, {}], LABELS)
    assert [(c["key"], c["count"]) for c in result["counts"]] == [
        ("satisfied", 1), ("basically_satisfied", 0), ("dissatisfied", 1), ("unreachable", 1), (None, 1)]
    assert result["satisfaction_rate"] == {"numerator": 1, "denominator": 3, "rate": 0.3333}


# -- groups and labels ----------------------------------------------------------------------

def test_labels_come_from_the_forms():
    assert LABELS.label("channel", "hotline_12338") == "12338热线"
    assert LABELS.label("outcome", "mediated_agreement") == "调解达成协议"
    assert LABELS.label("risk_colour", None) == "未评估"
    assert LABELS.label("channel", "carrier_pigeon") == "carrier_pigeon"


def test_labels_from_a_form_fake():
    labels = Labels.from_forms({"intake.schema.json": {"properties": {"channel": {"oneOf": [
        {"const": "phone", "title": "来电"}]}}}})
    assert labels.known("channel") == ["phone"] and labels.known("outcome") == []


def test_groups_list_known_categories_then_unknown_then_missing():
    scope = jurisdiction(supervisor("town"), CHART, SUPERVISION)
    cases = [case("a", dispute_type="divorce"), case("b", dispute_type="feud"), case("c", dispute_type=None)]
    groups = group_counts(cases, "dispute_type", LABELS, MARCH, scope)
    assert groups[0] == {"key": "marital_conflict", "label": "夫妻矛盾", "count": 0}
    assert [(g["key"], g["count"]) for g in groups[-2:]] == [("feud", 1), (None, 1)]
    assert sum(g["count"] for g in groups) == 3


def test_org_unit_groups_roll_up_to_the_level_below_the_scope():
    scope = jurisdiction(supervisor("town"), CHART, SUPERVISION)
    cases = [case("a", org_unit="grid-a1"), case("b", org_unit="grid-a2"), case("c", org_unit="town")]
    groups = group_counts(cases, "org_unit", LABELS, MARCH, scope)
    assert [(g["key"], g["label"], g["count"]) for g in groups] == [
        ("town", "和美镇（本级）", 1), ("village-a", "东村", 2), ("village-b", "西村", 0)]


def test_an_unknown_grouping_is_a_field_error():
    scope = jurisdiction(supervisor("town"), CHART, SUPERVISION)
    with pytest.raises(ValidationFailed) as caught:
        group_counts([], "colour", LABELS, MARCH, scope)
    assert caught.value.field_errors[0].field == "group_by"
