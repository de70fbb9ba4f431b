"""Two writers on one instance: exactly one wins, on SQLite and on PostgreSQL."""
from __future__ import annotations

import threading
from datetime import timedelta

from engine.errors import Conflict
from engine.runtime.auditing import timeline
from tests.integration.conftest import ready


def _race(funcs):
    barrier = threading.Barrier(len(funcs))
    outcomes = [None] * len(funcs)

    def run(i, func):
        barrier.wait()
        try:
            outcomes[i] = ("ok", func())
        except Conflict as exc:
            outcomes[i] = ("conflict", exc)
        except Exception as exc:  # surfaced by the assertion below
            outcomes[i] = ("error", exc)

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(funcs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_two_concurrent_completions_of_one_task_one_wins_one_conflicts(runtime):
    view = runtime.start("five_steps", actor="clerk", org_unit="g")
    task = ready(view, "step_1")
    outcomes = _race([
        lambda: runtime.complete(task.id, {"note": "甲提交"}, actor="alice"),
        lambda: runtime.complete(task.id, {"note": "乙提交"}, actor="bob"),
    ])
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["conflict", "ok"], outcomes
    completed = [e for e in timeline(runtime.store, view.id) if e.type == "task_completed"]
    assert len(completed) == 1
    assert ready(runtime.instance(view.id), "step_2")


def test_two_workers_fire_each_due_timer_exactly_once(runtime, clock):
    ids = [runtime.start("deadline", actor="clerk", org_unit=f"v{i}").id for i in range(8)]
    clock.advance(timedelta(days=31))
    outcomes = _race([lambda: runtime.fire_due_timers(actor="worker-1"),
                      lambda: runtime.fire_due_timers(actor="worker-2")])
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    for instance_id in ids:
        fired = [e.data["name"] for e in timeline(runtime.store, instance_id) if e.type == "timer_fired"]
        assert sorted(fired) == ["督办提醒", "调解超期"], (instance_id, fired)
        assert ready(runtime.instance(instance_id), "mediate_higher")
