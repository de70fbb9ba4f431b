"""The `jiahe` command line, run as a user would (click's runner, a real SQLite file)."""
from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import delete, select, update

from api.cli import cli
from engine.store import Store
from engine.store.models import AuditEvent, ProcessInstance


def _run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_lint_passes_on_the_shipped_processes(project_copy):
    result = _run("lint")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 error(s), 0 warning(s)")


def test_lint_reports_a_broken_condition_with_file_line_and_element_as_json(project_copy):
    path = project_copy / "processes" / "bpmn" / "dispute_case.bpmn"
    path.write_text(path.read_text(encoding="utf-8").replace("not mediation_allowed", "not mediation_allowed)"),
                    encoding="utf-8")
    result = _run("lint", "--json")
    assert result.exit_code == 1
    findings = json.loads(result.output)
    [broken] = [f for f in findings if f["code"] == "condition-compile"]
    assert broken["element_id"] == "flow_gw_red_report_major_risk" and broken["file"].endswith("dispute_case.bpmn")
    assert isinstance(broken["line"], int) and broken["severity"] == "error"
    assert set(broken) == {"severity", "code", "file", "line", "element_id", "message"}


def test_lint_fails_with_a_commitment_finding_when_a_path_skips_feedback(project_copy):
    path = project_copy / "processes" / "bpmn" / "dispute_case.bpmn"
    text = path.read_text(encoding="utf-8")
    text = text.replace('<spiffworkflow:property name="commitment" value="feedback"/>', "", 1)
    text = text.replace('<spiffworkflow:property name="commitment" value="feedback"/>', "", 1)
    path.write_text(text, encoding="utf-8")
    result = _run("lint")
    assert result.exit_code == 1
    assert "commitment-" in result.output and "feedback" in result.output


def test_lint_never_shows_a_traceback_for_garbage(project_copy):
    (project_copy / "processes" / "bpmn" / "garbage.bpmn").write_bytes(b"\x00\xffnot xml at all")
    result = _run("lint")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "xml-syntax" in result.output


def test_deploy_then_deploy_again_makes_no_new_version(project_copy):
    first = _run("deploy")
    assert first.exit_code == 0 and "dispute_case: version 1 (new version" in first.output
    again = _run("deploy")
    assert "dispute_case: version 1 (unchanged" in again.output


def test_deploy_refuses_files_with_lint_errors_and_names_them(project_copy):
    path = project_copy / "processes" / "bpmn" / "dispute_case.bpmn"
    path.write_text(path.read_text(encoding="utf-8").replace("not mediation_allowed", "not mediation_allowed)"),
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["deploy"])
    assert result.exit_code != 0
    assert result.exit_code == 2 and "condition-compile" in result.output and "Traceback" not in result.output


def _project_with_a_case(project_copy):
    """The project's database, deployed, with one dispute case registered."""
    from engine.runtime.deployment import deploy_project
    from engine.runtime.runtime import Runtime

    store = Store(f"sqlite:///{project_copy / 'jiahe.sqlite3'}")
    store.upgrade()
    runtime = Runtime(store)
    deploy_project(runtime, project_copy, actor="designer")
    case = runtime.start("dispute_case", actor="clerk", org_unit="grid-a1",
                         data={"channel": "phone", "dispute_type": "divorce", "summary": "离婚财产分割争议"})
    return store, case


def test_audit_verify_names_the_first_broken_event(project_copy):
    store, case = _project_with_a_case(project_copy)
    assert _run("audit", "verify").exit_code == 0
    with store.write() as session:
        session.execute(update(AuditEvent).where(AuditEvent.stream == case.id, AuditEvent.seq == 2)
                        .values(actor="mallory"))
    result = _run("audit", "verify", "--case", case.id)
    assert result.exit_code == 1
    assert f"BROKEN {case.id}: event 2:" in result.output
    store.dispose()


def test_audit_verify_takes_a_case_number_and_fails_clearly_on_an_unknown_case(project_copy):
    store, case = _project_with_a_case(project_copy)
    with store.read() as session:
        number = session.get(ProcessInstance, case.id).case_no
    known = _run("audit", "verify", "--case", number)
    assert known.exit_code == 0 and "1 chain(s)" in known.output and "all intact" in known.output
    unknown = CliRunner().invoke(cli, ["audit", "verify", "--case", "JH-2000-000404"])
    assert unknown.exit_code == 2 and "there is no case JH-2000-000404" in unknown.output
    store.dispose()


def test_a_checkpoint_written_by_the_cli_catches_a_cut_off_chain(project_copy):
    store, case = _project_with_a_case(project_copy)
    taken = _run("audit", "checkpoint", "--output", str(project_copy / "cp.json"))
    assert taken.exit_code == 0 and "chain head(s) signed into" in taken.output
    with store.write() as session:
        newest = session.get(ProcessInstance, case.id).audit_seq
        previous = session.scalar(select(AuditEvent.hash).where(AuditEvent.stream == case.id,
                                                                AuditEvent.seq == newest - 1))
        session.execute(delete(AuditEvent).where(AuditEvent.stream == case.id, AuditEvent.seq == newest))
        session.execute(update(ProcessInstance).where(ProcessInstance.id == case.id)
                        .values(audit_seq=newest - 1, audit_hash=previous)
                        .execution_options(synchronize_session=False))
    assert _run("audit", "verify").exit_code == 0
    result = _run("audit", "verify", "--checkpoint", str(project_copy / "cp.json"))
    assert result.exit_code == 1 and f"BROKEN {case.id}: event {newest}: erased or cut short" in result.output
    store.dispose()


def test_db_upgrade_is_repeatable(project_copy):
    assert _run("db", "upgrade").exit_code == 0
    assert "up to date" in _run("db", "upgrade").output


def test_worker_once_fires_due_timers_and_exits(project_copy):
    _run("deploy")
    result = _run("worker", "--once")
    assert result.exit_code == 0


def test_moving_the_clock_past_retention_anonymises_the_demo_and_its_audit_still_verifies(project_copy):
    """`jiahe retention run --today` on the demo's cases: every closed one whose 保管期限 ends by
    then is anonymised, open ones are not, and `jiahe audit verify` still finds every chain whole."""
    from engine.clock import SystemClock
    from engine.demo import seed_demo
    from engine.runtime.runtime import Runtime

    store = Store(f"sqlite:///{project_copy / 'jiahe.sqlite3'}")
    store.upgrade()
    seed_demo(Runtime(store), store, project_copy, SystemClock(), history=False)  # as `jiahe demo` does
    with store.read() as session:
        closed = session.query(ProcessInstance).filter(ProcessInstance.retain_until.is_not(None)).count()
        running = session.query(ProcessInstance).filter(ProcessInstance.status == "running").count()
    assert closed and running

    result = _run("retention", "run", "--today", "2099-01-01")

    assert result.exit_code == 0, result.output
    assert f"{closed} case(s) anonymised as of 2099-01-01" in result.output
    with store.read() as session:
        assert session.query(ProcessInstance).filter(ProcessInstance.anonymised_at.is_not(None)).count() == closed
    verified = _run("audit", "verify")
    assert verified.exit_code == 0 and "all intact" in verified.output
    assert "anonymised" in _run("retention", "report", "--from", "2098-12-01", "--to", "2099-02-01").output
    store.dispose()


def test_worker_takes_its_interval_and_org_chart_age_from_the_environment(project_copy, monkeypatch):
    """The settings the operator guide lists for the embedded worker hold for `jiahe worker`
    too: what systemd's environment file sets is what the worker uses."""
    import api.worker

    seen = {}

    def run_until_stopped(runtime, interval, stopping, report):
        seen["interval"], seen["max_age"] = interval, runtime.router._chart.__self__._max_age

    monkeypatch.setattr(api.worker, "run_until_stopped", run_until_stopped)
    monkeypatch.setenv("JIAHE_TIMER_WORKER_INTERVAL", "0.5")
    monkeypatch.setenv("JIAHE_ORG_CHART_MAX_AGE", "7")
    assert _run("worker").exit_code == 0
    assert seen == {"interval": 0.5, "max_age": 7.0}
    assert _run("worker", "--interval", "2").exit_code == 0 and seen["interval"] == 2.0
