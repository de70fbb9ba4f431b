"""A deployment runs one region profile: one setting switches it, deploy versions it, and a case
keeps the ladder it started on. The demo imports the organisation the profile names."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import pytest
from click.testing import CliRunner

from api.cli import cli
from engine.calendar import WorkingCalendar
from engine.clock import ManualClock
from engine.definitions.ladder import PROFILE_ENV
from engine.demo import demo_logins, seed_demo
from engine.org import HierarchyRouter
from engine.runtime.deployment import deploy_project
from engine.runtime.runtime import LADDER_VARIABLE, Runtime
from engine.store import org_repository
from engine.store import repository as repo
from engine.store.org_repository import ChartCache
from tests.databases import sqlite_store

INTAKE = {"channel": "phone", "dispute_type": "custody", "summary": "分居后因子女探望发生争执",
          "received_at": "2026-03-02T09:00:00+08:00",
          "parties": [{"name": "刘芳", "role": "applicant", "sex": "female", "age": 34},
                      {"name": "陈强", "role": "respondent", "sex": "male", "age": 36}]}
SCREENING = {"current_injury": False, "weapon_used": False, "threats_to_kill": False, "strangulation": False,
             "stalking": False, "recent_separation": False, "pregnancy_or_new_baby": False, "child_abuse": False,
             "victim_frightened": False, "escalation": False, "substance_abuse": False,
             "abuser_suicide_threats": False, "police_callouts_12m": 0, "complexity": "minor",
             "victim_safe_now": True}


@pytest.fixture
def deployment(project_copy, monkeypatch):
    monkeypatch.setattr(org_repository, "SCRYPT_N", 2**8)
    store = sqlite_store(project_copy / "profiles.sqlite3")
    clock = ManualClock(datetime.fromisoformat("2026-03-02T09:00:00+08:00"))
    runtime = Runtime(store, clock=clock, router=HierarchyRouter(ChartCache(store).get),
                      calendar=WorkingCalendar.from_file(project_copy / "processes" / "calendar.yaml"))
    yield runtime, store, clock, project_copy
    store.dispose()


def _latest_ladder(store) -> dict:
    with store.read() as session:
        return repo.latest_version(session, "dispute_case").bundle.get("ladder") or {}


def _mediation_offered(runtime, store, clock, root) -> tuple[str, str, str]:
    """Start a blue (grade 1) case at grid-a1 and say who its first mediation is offered to."""
    view = runtime.start("dispute_case", actor="clerk", data=INTAKE, org_unit="grid-a1")
    for name, data in (("screen_risk", SCREENING), ("accept_case", {"decision": "accept"})):
        view = runtime.complete(view.ready_task(name).id, data, actor="clerk")
    task = view.ready_task("mediate")
    return task.role, task.org_unit, task.title


def test_the_setting_switches_the_ladder_and_the_demo_organisation(deployment, monkeypatch):
    runtime, store, clock, root = deployment
    monkeypatch.setenv(PROFILE_ENV, "jiangyin_331")
    summary = seed_demo(runtime, store, root, clock, cases=False)
    assert _latest_ladder(store)["key"] == "jiangyin_331"
    assert "city_committee" in {login.username for login in demo_logins(root)}
    assert summary.org.users_added >= 1
    # 331 has no grid tier: a grade-1 case is mediated by the village first
    assert _mediation_offered(runtime, store, clock, root) == ("village_mediator", "village-a", "村（社区）调解（第1次）")


def test_without_the_setting_the_catalog_profile_runs(deployment, monkeypatch):
    runtime, store, clock, root = deployment
    monkeypatch.delenv(PROFILE_ENV, raising=False)
    seed_demo(runtime, store, root, clock, cases=False)
    assert _latest_ladder(store)["key"] == "three_tier"
    assert "city_committee" not in {login.username for login in demo_logins(root)}
    assert _mediation_offered(runtime, store, clock, root) == ("grid_worker", "grid-a1", "网格员现场调解")


def test_a_new_profile_is_a_new_version_and_a_running_case_keeps_its_ladder(deployment, monkeypatch):
    runtime, store, clock, root = deployment
    monkeypatch.delenv(PROFILE_ENV, raising=False)
    first = {d.process_key: d for d in deploy_project(runtime, root, actor="designer")}["dispute_case"]
    case = runtime.start("dispute_case", actor="clerk", data=INTAKE, org_unit="grid-a1")
    monkeypatch.setenv(PROFILE_ENV, "yichang_four_tier")
    second = {d.process_key: d for d in deploy_project(runtime, root, actor="designer")}["dispute_case"]
    assert second.created and second.version == first.version + 1
    assert runtime.task_data(case.ready_task("screen_risk").id)[LADDER_VARIABLE]["key"] == "three_tier"
    newer = runtime.start("dispute_case", actor="clerk", data=INTAKE, org_unit="grid-a1")
    assert runtime.task_data(newer.ready_task("screen_risk").id)[LADDER_VARIABLE]["key"] == "yichang_four_tier"
    again = {d.process_key: d for d in deploy_project(runtime, root, actor="designer")}["dispute_case"]
    assert not again.created  # the same profile again: nothing new


def test_lint_and_scenarios_pass_under_each_shipped_profile_and_an_unknown_one_is_refused(project_copy):
    runner = CliRunner()
    for profile in ("three_tier", "yichang_four_tier", "jiangyin_331"):
        result = runner.invoke(cli, ["lint"], env={PROFILE_ENV: profile})
        assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["lint", "--json"], env={PROFILE_ENV: "atlantis"})
    assert result.exit_code == 1
    assert '"code": "ladder-unknown"' in result.output


def test_deploy_refuses_a_profile_the_organisation_cannot_staff(project_copy):
    ladder = project_copy / "processes" / "ladders" / "three_tier.yaml"
    ladder.write_text(ladder.read_text(encoding="utf-8").replace("org: processes/org/demo.yaml",
                                                                "org: processes/org/missing.yaml"), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "api.cli", "deploy"], capture_output=True, text=True,
                            cwd=project_copy)
    assert result.returncode != 0
    assert "ladder-org-missing" in result.stdout + result.stderr
