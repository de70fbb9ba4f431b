from __future__ import annotations

from datetime import timedelta

import pytest

from engine.errors import Conflict, NotFound, ValidationFailed
from engine.runtime.auditing import timeline, verify_audit
from tests.integration.conftest import ready


def test_instance_runs_five_user_tasks_to_completion_with_every_step_audited(runtime):
    view = runtime.start("five_steps", actor="clerk", org_unit="grid-a1", data={"case_no": "JH-1"})
    for name in ["step_1", "step_2", "step_3", "step_4", "step_5"]:
        task = ready(view, name)
        assert (task.role, task.level, task.org_unit) == ("grid_worker", "grid", "grid-a1")
        view = runtime.complete(task.id, {"note": f"{name} 已完成"}, actor="worker-1")
    assert view.status == "completed"
    assert view.data["note"] == "step_5 已完成"
    types = [e.type for e in timeline(runtime.store, view.id)]
    assert types[0] == "instance_started" and types[-1] == "instance_completed"
    assert types.count("task_completed") == 5 and types.count("task_ready") == 5
    assert verify_audit(runtime.store, view.id).ok


def test_form_errors_come_back_per_field_and_leave_the_task_untouched(runtime):
    view = runtime.start("five_steps", actor="clerk", org_unit="grid-a1")
    task = ready(view, "step_1")
    with pytest.raises(ValidationFailed) as caught:
        runtime.complete(task.id, {"note": "x", "visited_on": "yesterday"}, actor="worker-1")
    fields = {e.field: e.message for e in caught.value.field_errors}
    assert set(fields) == {"note", "visited_on"}
    assert "记录" in fields["note"] and "走访日期" in fields["visited_on"]
    after = runtime.instance(view.id)
    assert ready(after, "step_1").id == task.id
    assert after.row_version == view.row_version
    assert "task_completed" not in [e.type for e in timeline(runtime.store, view.id)]


def test_required_field_missing_is_named(runtime):
    task = ready(runtime.start("five_steps", actor="clerk", org_unit="g"), "step_1")
    with pytest.raises(ValidationFailed) as caught:
        runtime.complete(task.id, {}, actor="w")
    assert [(e.field, e.validator) for e in caught.value.field_errors] == [("note", "required")]


def test_completing_a_task_twice_is_a_conflict(runtime):
    task = ready(runtime.start("five_steps", actor="clerk", org_unit="g"), "step_1")
    runtime.complete(task.id, {"note": "完成了"}, actor="w")
    with pytest.raises(Conflict):
        runtime.complete(task.id, {"note": "再次完成"}, actor="w")


def test_a_task_claimed_by_someone_else_cannot_be_completed_or_claimed(runtime):
    task = ready(runtime.start("five_steps", actor="clerk", org_unit="g"), "step_1")
    claimed = runtime.claim(task.id, actor="alice")
    assert claimed.assignee == "alice"
    with pytest.raises(Conflict):
        runtime.complete(task.id, {"note": "抢先完成"}, actor="bob")
    with pytest.raises(Conflict):
        runtime.claim(task.id, actor="bob")
    runtime.unclaim(task.id, actor="alice")
    assert runtime.assign(task.id, "bob", actor="supervisor").assignee == "bob"
    view = runtime.complete(task.id, {"note": "bob 完成"}, actor="bob")
    assert ready(view, "step_2")
    types = [e.type for e in timeline(runtime.store, view.id)]
    assert ["task_claimed", "task_unclaimed", "task_assigned", "task_completed"] == [
        t for t in types if t in ("task_claimed", "task_unclaimed", "task_assigned", "task_completed")]


def test_a_stale_row_version_is_a_conflict(runtime):
    view = runtime.start("five_steps", actor="clerk", org_unit="g")
    task = ready(view, "step_1")
    runtime.claim(task.id, actor="alice")
    with pytest.raises(Conflict):
        runtime.complete(task.id, {"note": "旧版本"}, actor="alice", expected_row_version=view.row_version)


def test_unknown_task_is_not_found(runtime):
    with pytest.raises(NotFound):
        runtime.complete("00000000-0000-0000-0000-000000000000", {}, actor="w")


def test_suspended_instance_offers_no_task_until_resumed(runtime):
    view = runtime.start("five_steps", actor="clerk", org_unit="g")
    task = ready(view, "step_1")
    suspended = runtime.suspend(view.id, actor="sup", reason="当事人住院")
    assert suspended.status == "suspended"
    assert [t.state for t in suspended.tasks] == ["suspended"]
    with pytest.raises(Conflict):
        runtime.complete(task.id, {"note": "暂停中"}, actor="w")
    resumed = runtime.resume(view.id, actor="sup")
    assert resumed.status == "running" and ready(resumed, "step_1")


def test_terminated_instance_cancels_its_tasks(runtime):
    view = runtime.start("five_steps", actor="clerk", org_unit="g")
    ended = runtime.terminate(view.id, actor="sup", reason="重复登记")
    assert ended.status == "terminated"
    assert ended.tasks == []
    assert [t.state for t in runtime.task_history(view.id)] == ["cancelled"]
    with pytest.raises(Conflict):
        runtime.resume(view.id, actor="sup")


def test_business_key_makes_start_idempotent(runtime):
    first = runtime.start("five_steps", actor="clerk", org_unit="g", business_key="idem-1")
    again = runtime.start("five_steps", actor="clerk", org_unit="g", business_key="idem-1")
    assert again.id == first.id and first.created and not again.created


def test_deploying_unchanged_files_makes_no_new_version(runtime):
    from engine.runtime.deployment import deploy_project
    from tests.conftest import FIXTURES

    results = {d.process_key: d for d in deploy_project(runtime, FIXTURES, actor="designer")}
    assert results["five_steps"].version == 1 and not results["five_steps"].created


def test_instance_survives_a_fresh_runtime_and_clock_travel(runtime, clock):
    from engine.runtime.runtime import Runtime

    view = runtime.start("five_steps", actor="clerk", org_unit="g")
    clock.advance(timedelta(days=3))
    other = Runtime(runtime.store, clock=clock)
    task = ready(other.instance(view.id), "step_1")
    after = other.complete(task.id, {"note": "换了进程"}, actor="w")
    assert ready(after, "step_2").created_at == clock.now()


def test_case_numbers_run_without_gaps_within_a_beijing_year(runtime, clock):
    from datetime import datetime, timezone

    clock.set(datetime(2026, 12, 31, 15, 59, tzinfo=timezone.utc))  # 23:59 in Beijing
    first = runtime.start("five_steps", actor="c", org_unit="g")
    second = runtime.start("five_steps", actor="c", org_unit="g")
    clock.set(datetime(2026, 12, 31, 16, 1, tzinfo=timezone.utc))  # 00:01 on 1 January in Beijing
    new_year = runtime.start("five_steps", actor="c", org_unit="g")
    with runtime.store.read() as session:
        from engine.store import repository as repo

        numbers = [repo.get_instance(session, v.id).case_no for v in (first, second, new_year)]
    assert numbers[1] == numbers[0][:-6] + f"{int(numbers[0][-6:]) + 1:06d}"
    assert numbers[0].startswith("JH-2026-") and numbers[2] == "JH-2027-000001"


def test_case_facts_are_kept_on_the_instance_for_queries(runtime):
    view = runtime.start("five_steps", actor="c", org_unit="g",
                         data={"channel": "letter", "dispute_type": "divorce", "summary": "离婚后财产分割"})
    with runtime.store.read() as session:
        from engine.store import repository as repo

        row = repo.get_instance(session, view.id)
        assert (row.channel, row.dispute_type, row.summary) == ("letter", "divorce", "离婚后财产分割")
