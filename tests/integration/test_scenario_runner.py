from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from api.cli import cli
from engine.runtime.auditing import timeline
from engine.runtime.runtime import Runtime
from engine.scenarios import MODES, completed_path, discover, run_files, run_scenario_file
from engine.scenarios import runner as scenario_runner
from engine.scenarios.steps import fire_until
from tests.conftest import FIXTURES
from tests.integration.conftest import ready

SCENARIOS = FIXTURES / "scenarios"
PASSING = sorted((SCENARIOS / "pass").glob("*.yaml"))
REFERRALS = FIXTURES / "referrals"  # a project of its own: a visit that refers cases by message
FOLLOWING = sorted((REFERRALS / "scenarios").glob("*.yaml"))


def run(name: str, mode: str = "live", **kwargs):
    return run_scenario_file(SCENARIOS / name, FIXTURES, mode, **kwargs)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("path", PASSING, ids=lambda p: p.stem)
def test_the_passing_scenarios_pass_live_and_restored(path, mode):
    result = run_scenario_file(path, FIXTURES, mode)
    assert result.passed, result.message + result.detail
    assert (result.file, result.mode, result.message) == (path.name, mode, "")
    assert result.duration > 0


def test_a_result_counts_the_steps_that_ran():
    result = run("pass/five_steps_complete.yaml")
    assert (result.name, result.steps_run) == ("五步走完", 12)
    failed = run("fail/missing_task.yaml")
    assert (failed.passed, failed.steps_run) == (False, 1)


@pytest.mark.parametrize("mode", MODES)
def test_a_task_offered_to_another_role_fails_naming_the_offer(mode):
    assert run("fail/wrong_role.yaml", mode).message == (
        f"wrong_role.yaml [{mode}] step 1 (complete: step_1): expected a ready task 'step_1' offered to "
        "village_mediator; ready tasks: step_1 (grid_worker @ grid-a1)")


def test_a_missing_task_fails_listing_the_ready_ones():
    assert run("fail/missing_task.yaml", "restored").message == (
        "missing_task.yaml [restored] step 2 (expect_task: step_3): expected a ready task 'step_3' offered to "
        "grid_worker; ready tasks: step_2 (grid_worker @ grid-a1)")


def test_a_wrong_final_status_fails_in_the_expect_block():
    assert run("fail/wrong_status.yaml").message == (
        "wrong_status.yaml [live] expect status: expected status completed, got running")


def test_bad_form_data_fails_with_the_field_errors_not_a_crash():
    result = run("fail/bad_form_data.yaml", "restored")
    assert not result.passed and result.detail == ""
    assert result.message.startswith("bad_form_data.yaml [restored] step 1 (complete: step_1): validation_failed: "
                                     "submitted data does not satisfy the form; field errors: ")
    assert "note: 「记录」为必填项" in result.message
    assert "visited_on: 「走访日期」的格式不正确" in result.message


@pytest.mark.parametrize("name, piece", [
    ("malformed.yaml", "malformed.yaml: unknown key 'colour'"),
    ("malformed.yaml", "step 1 (complete): unknown key 'rol'"),
    ("not_yaml.yaml", "not_yaml.yaml: not valid YAML: expected ',' or '}'"),
])
def test_a_malformed_file_fails_before_running(name, piece):
    result = run(f"fail/{name}")
    assert not result.passed and result.steps_run == 0
    assert piece in result.message


def test_a_file_that_does_not_validate_gives_one_result_not_one_per_mode():
    results = run_files([SCENARIOS / "fail/malformed.yaml", SCENARIOS / "pass/messaging_sender.yaml"], FIXTURES)
    assert [(r.file, r.mode, r.passed) for r in results] == [
        ("malformed.yaml", "file", False), ("messaging_sender.yaml", "live", True),
        ("messaging_sender.yaml", "restored", True)]


def test_an_event_with_other_data_fails_showing_what_was_there(tmp_path):
    scenario = tmp_path / "timers.yaml"
    scenario.write_text("process: deadline\norg_unit: v\nsteps:\n  - advance: P26D\n"
                        "  - expect_event: timer_fired\n    data: {name: 调解超期}\n", encoding="utf-8")
    message = run_scenario_file(scenario, FIXTURES, "live").message
    assert message.startswith("timers.yaml [live] step 2 (expect_event: timer_fired): expected an event "
                              "'timer_fired' with data {name: 调解超期}; events since the previous expected "
                              "event: instance_started, task_ready, timer_fired {name: 督办提醒}")


def test_path_excludes_fails_naming_the_completed_element(tmp_path):
    scenario = tmp_path / "path.yaml"
    scenario.write_text("process: deadline\nsteps:\n  - complete: mediate\nexpect:\n  path_excludes: [mediate]\n",
                        encoding="utf-8")
    assert run_scenario_file(scenario, FIXTURES, "restored").message == (
        "path.yaml [restored] expect path_excludes: expected the path to exclude mediate; "
        "completed: start > mediate > end_done")


def test_live_mode_builds_one_runtime_and_restored_mode_one_per_step():
    for mode, expected in (("live", 1), ("restored", 1 + 1 + 12 + 1)):  # deploy, start, steps, expect
        built = []

        def factory(store, clock, built=built):
            built.append(Runtime(store, clock=clock))
            return built[-1]

        assert run("pass/five_steps_complete.yaml", mode, runtime_factory=factory).passed
        assert len(built) == expected
        assert len({id(r.specs) for r in built}) == expected


def test_the_default_factory_is_a_hook_that_gets_the_project_root(monkeypatch):
    seen = []

    def hooked(store, clock, project_root):
        seen.append(project_root)
        return Runtime(store, clock=clock)

    monkeypatch.setattr(scenario_runner, "default_runtime_factory", hooked)
    assert run("pass/messaging_sender.yaml").passed
    assert seen == [FIXTURES]


def test_an_unexpected_error_is_a_failure_with_its_traceback():
    def broken(store, clock):
        raise RuntimeError("router not configured")

    result = run("pass/messaging_sender.yaml", runtime_factory=broken)
    assert result.message == "messaging_sender.yaml [live] deploy: unexpected RuntimeError: router not configured"
    assert "Traceback" in result.detail


def test_the_completed_path_lists_element_ids_in_tree_order(runtime):
    view = runtime.start("five_steps", actor="c", org_unit="g")
    runtime.complete(ready(view, "step_1").id, {"note": "走访"}, actor="w")
    assert completed_path(runtime, view.id) == ["start", "step_1"]


def test_advancing_stops_at_each_timer_so_it_fires_at_its_own_time(runtime, clock):
    view = runtime.start("deadline", actor="c", org_unit="v")
    started = clock.now()
    walk = SimpleNamespace(clock=clock, instance=lambda rt: rt.instance(view.id))
    fire_until(walk, runtime, started + timedelta(days=31))
    fired = [(e.data["name"], e.at - started) for e in timeline(runtime.store, view.id) if e.type == "timer_fired"]
    grace = timedelta(seconds=1)
    assert fired == [("督办提醒", timedelta(days=25) + grace), ("调解超期", timedelta(days=30) + grace)]
    assert clock.now() == started + timedelta(days=31)


def test_advancing_fires_the_timers_of_every_instance_at_their_own_time(runtime, clock):
    first = runtime.start("deadline", actor="c", org_unit="v")
    started = clock.now()
    clock.advance(timedelta(days=10))
    other = runtime.start("deadline", actor="c", org_unit="v")  # not the one the walk follows
    walk = SimpleNamespace(clock=clock, instance=lambda rt: rt.instance(first.id))
    fire_until(walk, runtime, started + timedelta(days=45))
    fired = [(e.data["name"], e.at - started) for e in timeline(runtime.store, other.id) if e.type == "timer_fired"]
    grace = timedelta(seconds=1)
    assert fired == [("督办提醒", timedelta(days=35) + grace), ("调解超期", timedelta(days=40) + grace)]
    assert clock.now() == started + timedelta(days=45)


# -- following the instances a message started ---------------------------------------------------
def run_referral(tmp_path, text: str, mode: str = "live"):
    scenario = tmp_path / "referral.yaml"
    scenario.write_text("process: referral_source\norg_unit: grid-a1\n"
                        "start: {data: {household_id: H-9, refer_to: grid-b1}}\n" + text, encoding="utf-8")
    return run_scenario_file(scenario, REFERRALS, mode)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("path", FOLLOWING, ids=lambda p: p.stem)
def test_scenarios_that_follow_referred_cases_pass_live_and_restored(path, mode):
    result = run_scenario_file(path, REFERRALS, mode)
    assert result.passed, result.message + result.detail


@pytest.mark.parametrize("mode", MODES)
def test_following_before_anything_was_referred_fails_saying_nothing_was_started(tmp_path, mode):
    result = run_referral(tmp_path, "steps:\n  - follow: referral_case\n", mode)
    assert result.message == (
        f"referral.yaml [{mode}] step 1 (follow: referral_case): no referral_case instance was started by a "
        "message from the followed referral_source instance; started by it: none")


def test_following_a_process_the_message_did_not_start_lists_what_it_started(tmp_path):
    result = run_referral(tmp_path, "steps:\n  - complete: visit\n    data: {summary: 风险}\n"
                                    "  - follow: dispute_case\n")
    assert result.message == (
        "referral.yaml [live] step 2 (follow: dispute_case): no dispute_case instance was started by a message "
        "from the followed referral_source instance; started by it: referral_case (JH-2026-000002, running), "
        "referral_notice (JH-2026-000003, running)")


def test_follow_looks_only_at_what_the_followed_instance_started(tmp_path):
    # the referred case started nothing itself: following again from there finds nothing
    result = run_referral(tmp_path, "steps:\n  - complete: visit\n    data: {summary: 风险}\n"
                                    "  - follow: referral_case\n  - follow: referral_notice\n", "restored")
    assert result.message == (
        "referral.yaml [restored] step 3 (follow: referral_notice): no referral_notice instance was started by "
        "a message from the followed referral_case instance; started by it: none")


@pytest.mark.parametrize("mode", MODES)
def test_the_closing_expect_block_checks_the_followed_instance(tmp_path, mode):
    steps = ("steps:\n  - complete: visit\n    data: {summary: 风险}\n  - follow: referral_notice\n"
             "  - complete: tell_household\n")
    passing = run_referral(tmp_path, steps + "expect:\n  status: completed\n"
                                             "  path_includes: [notice_start, tell_household, notice_end]\n", mode)
    assert passing.passed, passing.message + passing.detail
    failing = run_referral(tmp_path, steps + "expect:\n  path_includes: [visit]\n", mode)
    assert failing.message == (f"referral.yaml [{mode}] expect path_includes: expected the path to include visit; "
                               "completed: notice_start > tell_household > notice_end")


def test_each_followed_instance_keeps_its_own_place_for_expected_events(tmp_path):
    result = run_referral(tmp_path, "steps:\n  - complete: visit\n    data: {summary: 风险}\n"
                                    "  - expect_event: message_sent\n"  # the visit's own timeline, well in
                                    "  - follow: referral_case\n  - expect_event: instance_started\n"
                                    "  - follow: main\n  - expect_event: instance_started\n")
    assert result.message == (
        "referral.yaml [live] step 6 (expect_event: instance_started): expected an event 'instance_started'; "
        "events since the previous expected event: task_ready")


def test_discover_finds_yaml_files_below_a_folder_in_order(tmp_path):
    (tmp_path / "tests/processes/b").mkdir(parents=True)
    for name in ("tests/processes/z.yaml", "tests/processes/b/a.yml", "tests/processes/notes.txt"):
        (tmp_path / name).write_text("process: p\n", encoding="utf-8")
    assert discover(tmp_path) == [tmp_path / "tests/processes/b/a.yml", tmp_path / "tests/processes/z.yaml"]


# -- jiahe test-process -----------------------------------------------------------------------
def invoke(*args: str):
    result = CliRunner().invoke(cli, ["test-process", "--project", str(FIXTURES), *args])
    return result, result.output.rstrip("\n").splitlines()


def test_cli_runs_the_given_scenarios_and_exits_0_when_all_pass():
    result, lines = invoke(str(SCENARIOS / "pass"))
    assert result.exit_code == 0, result.output
    assert lines[-1] == f"{2 * len(PASSING)} passed, 0 failed"
    assert "PASS [restored] 超期升级到镇级调解 (deadline_escalation.yaml)" in result.output


def test_cli_prints_failures_and_exits_1():
    result, lines = invoke(str(SCENARIOS / "fail/wrong_status.yaml"), str(SCENARIOS / "fail/malformed.yaml"),
                           str(SCENARIOS / "pass/messaging_sender.yaml"), "--mode", "live")
    assert result.exit_code == 1
    assert lines[0].startswith("FAIL [live] wrong_status (")
    assert lines[1] == "  wrong_status.yaml [live] expect status: expected status completed, got running"
    assert lines[2] == "FAIL [file] malformed (0.00s)"
    assert lines[-2].startswith("PASS [live] messaging_sender (")
    assert lines[-1] == "1 passed, 2 failed"


def test_cli_exits_1_when_there_is_no_scenario(tmp_path):
    result = CliRunner().invoke(cli, ["test-process", "--project", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == f"no scenario files found in {Path(tmp_path) / 'tests' / 'processes'}\n"
