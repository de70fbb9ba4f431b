"""jiahe lint commitments: 有来必受、有理必果、有果必公 hold on every way through a case process."""
from __future__ import annotations

from lxml import etree

from engine.definitions.catalog import Catalog
from engine.lint import lint_bundle
from engine.lint.commitments import escape, show
from engine.lint.graph import FlowGraph
from tests.unit.lint_support import FIXTURES, summary

COMMITMENTS = FIXTURES / "commitments"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_CATALOG = object()


def _lint(name: str, *, catalog=_CATALOG):
    """Lint one commitments fixture alone, with the catalog that flags the case processes."""
    return lint_bundle(
        {name: (COMMITMENTS / name).read_bytes()},
        catalog=Catalog.load(COMMITMENTS / "catalog.yaml") if catalog is _CATALOG else catalog,
        forms={},
    )


def _commitment_findings(findings) -> list:
    return [f for f in findings if f.code.startswith("commitment-")]


# ---------------------------------------------------------------- the good case


def test_the_good_case_process_passes_lint_without_any_finding():
    # Catalog-flagged, every branch accepted, decided and fed back; the timer escalation joins
    # the outcome step, so it passes too.
    assert _lint("good.bpmn") == []


# ---------------------------------------------------------------- paths that skip a commitment


def test_a_branch_that_ends_without_telling_the_party_fails_on_its_end_event():
    findings = _lint("skips_feedback.bpmn")

    assert summary(findings) == [("error", "commitment-path", "skips_feedback.bpmn", 42, "End_not_accepted")]
    assert findings[0].message.startswith(
        "path Start_visit -> register -> Gateway_accepted -> not_accepted_reason -> End_not_accepted "
        "skips every feedback step (有果必公)"
    )


def test_a_boundary_timer_path_that_skips_the_outcome_fails_and_warns_that_feedback_comes_first():
    findings = _lint("timer_skips_outcome.bpmn")

    assert summary(findings) == [
        ("warning", "commitment-order", "timer_skips_outcome.bpmn", 27, "notify_party"),
        ("error", "commitment-path", "timer_skips_outcome.bpmn", 34, "End_done"),
    ]
    order, path = findings
    assert "mediate -> Timer_escalate -> escalate -> notify_party -> End_done skips every outcome step" in path.message
    assert "(有理必果)" in path.message
    assert "escalate -> notify_party gives feedback at notify_party before any outcome step" in order.message


def test_an_intake_channel_that_bypasses_registration_does_not_reach_acceptance():
    findings = _lint("intake_skips_accept.bpmn")

    assert summary(findings) == [("error", "commitment-path", "intake_skips_accept.bpmn", 38, "End_done")]
    assert findings[0].message.startswith(
        "path Start_hotline -> mediate -> record_outcome -> notify_party -> End_done does not reach acceptance (有来必受)"
    )


def test_an_interrupted_outcome_step_is_not_done_but_a_non_interrupting_reminder_leaves_it_running():
    findings = _lint("marked_step_interrupted.bpmn")

    # The timer on record_outcome cancels it; the reminder on mediate (End_reminded) does not.
    assert summary(findings) == [
        ("error", "commitment-path", "marked_step_interrupted.bpmn", 39, "End_record_overdue"),
        ("error", "commitment-path", "marked_step_interrupted.bpmn", 39, "End_record_overdue"),
    ]
    feedback, outcome = findings
    assert "record_outcome -> Timer_record_overdue -> End_record_overdue skips every feedback step" in feedback.message
    assert "record_outcome -> Timer_record_overdue -> End_record_overdue skips every outcome step" in outcome.message


def test_a_gateway_loop_back_does_not_hang_and_the_loop_exit_is_still_checked():
    findings = _commitment_findings(_lint("loop.bpmn"))

    # record_outcome is marked "outcome,feedback": one step keeps both, in order (no warning).
    assert summary(findings) == [
        ("error", "commitment-path", "loop.bpmn", 23, "End_withdrawn"),
        ("error", "commitment-path", "loop.bpmn", 23, "End_withdrawn"),
    ]
    assert "Start_visit -> register -> mediate -> Gateway_settled -> End_withdrawn" in findings[0].message


def test_a_cycle_without_a_way_out_and_a_long_looping_chain_end_quickly():
    looping = _graph({"s": "startEvent", "a": "task", "b": "task"}, [("s", "a"), ("a", "b"), ("b", "a")])
    assert escape(looping, ["s"], marked=set()) is None

    # Every step loops back to the start: a search that revisited nodes would never finish.
    size = 3000
    nodes = {"s": "startEvent", "e": "endEvent", **{f"t{i}": "task" for i in range(size)}}
    flows = [("s", "t0"), (f"t{size - 1}", "e")]
    flows += [(f"t{i}", f"t{i + 1}") for i in range(size - 1)] + [(f"t{i}", "s") for i in range(size)]
    chain = _graph(nodes, flows)
    assert escape(chain, ["s"], marked={"t1500"}) is None
    assert len(escape(chain, ["s"], marked=set())) == size + 2


# ---------------------------------------------------------------- subprocesses and call activities


def test_an_embedded_subprocess_that_records_the_outcome_on_every_branch_counts_as_an_outcome_step():
    assert _lint("subprocess_all.bpmn") == []


def test_an_embedded_subprocess_with_the_outcome_on_one_branch_fails_naming_the_branch_without_it():
    findings = _lint("subprocess_one_branch.bpmn")

    assert summary(findings) == [
        ("warning", "commitment-order", "subprocess_one_branch.bpmn", 36, "notify_party"),
        ("error", "commitment-path", "subprocess_one_branch.bpmn", 43, "End_done"),
    ]
    assert findings[1].message.startswith("path Start_visit -> register -> Sub_mediate -> notify_party -> End_done")
    assert findings[1].message.endswith("; inside Sub_mediate: Sub_start -> Sub_how -> visit -> record_visit -> Sub_end")


def test_a_call_activity_counts_only_by_its_own_mark_not_by_the_process_it_calls():
    findings = _lint("call_activity.bpmn")

    # Call_mediate is marked outcome (its child is not); Call_notify is unmarked (its child is).
    # The children are checked for what they mark themselves: notify_child for feedback only.
    assert summary(findings) == [("error", "commitment-path", "call_activity.bpmn", 29, "End_notified_by_child")]
    assert "Gateway_how -> Call_notify -> End_notified_by_child skips every feedback step" in findings[0].message


# ---------------------------------------------------------------- parallel branches


def test_a_parallel_branch_without_the_feedback_passes_when_a_sibling_branch_gives_it():
    assert _lint("parallel.bpmn") == []


def test_a_parallel_branch_that_ends_in_terminate_must_keep_the_commitments_itself():
    findings = _lint("parallel_terminate.bpmn")

    assert summary(findings) == [("error", "commitment-path", "parallel_terminate.bpmn", 24, "End_counted")]
    assert "Gateway_split -> statistics -> End_counted skips every feedback step" in findings[0].message


# ---------------------------------------------------------------- marks and the catalog


def test_an_unknown_commitment_value_is_reported_on_the_line_of_its_property():
    findings = _lint("unknown_value.bpmn")

    # "outcome, feedbak": the known half still counts, so no path finding follows from it.
    assert summary(findings) == [("error", "commitment-value", "unknown_value.bpmn", 23, "record_outcome")]
    assert "'feedbak'" in findings[0].message


def test_a_catalog_flagged_process_without_marks_misses_each_commitment_once():
    findings = _lint("unmarked.bpmn")

    assert summary(findings) == [("error", "commitment-missing", "unmarked.bpmn", 3, "unmarked_case")] * 3
    assert sorted(f.message.split("commitment=")[1] for f in findings) == [
        "accept (有来必受)",
        "feedback (有果必公)",
        "outcome (有理必果)",
    ]


def test_a_process_with_neither_catalog_flag_nor_marks_is_not_checked():
    assert _lint("unmarked.bpmn", catalog=None) == []


def test_marks_alone_put_a_process_under_the_rule_without_a_catalog():
    findings = _lint("skips_feedback.bpmn", catalog=None)

    assert summary(findings) == [("error", "commitment-path", "skips_feedback.bpmn", 42, "End_not_accepted")]


def test_the_fixtures_linted_together_report_the_same_as_each_alone():
    files = {p.name: p.read_bytes() for p in sorted(COMMITMENTS.glob("*.bpmn"))}
    together = lint_bundle(files, catalog=Catalog.load(COMMITMENTS / "catalog.yaml"), forms={})

    alone = [f for name in files for f in _commitment_findings(_lint(name))]
    assert sorted(summary(_commitment_findings(together))) == sorted(summary(alone))


def test_a_long_path_is_shown_by_its_two_ends():
    assert show([f"n{i}" for i in range(12)]) == "n0 -> n1 -> n2 -> n3 -> ... -> n8 -> n9 -> n10 -> n11"
    assert show(["a", "b"]) == "a -> b"


def _graph(nodes: dict[str, str], flows: list[tuple[str, str]]) -> FlowGraph:
    process = etree.Element(f"{{{BPMN}}}process", id="p")
    for node_id, kind in nodes.items():
        etree.SubElement(process, f"{{{BPMN}}}{kind}", id=node_id)
    for number, (source, target) in enumerate(flows):
        etree.SubElement(process, f"{{{BPMN}}}sequenceFlow", id=f"f{number}", sourceRef=source, targetRef=target)
    return FlowGraph.from_scope(process)
