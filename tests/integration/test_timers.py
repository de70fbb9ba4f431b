from __future__ import annotations

from datetime import timedelta

from engine.runtime.auditing import timeline
from tests.integration.conftest import ready


def test_a_task_with_an_interrupting_timer_is_due_when_the_timer_fires(runtime, clock):
    view = runtime.start("deadline", actor="clerk", org_unit="village-1")
    task = ready(view, "mediate")
    assert task.due_at == clock.now() + timedelta(days=30)
    assert (task.role, task.level) == ("village_mediator", "village")
    assert view.next_due_at == clock.now() + timedelta(days=25)


def test_nothing_fires_before_it_is_due(runtime, clock):
    view = runtime.start("deadline", actor="clerk", org_unit="v")
    clock.advance(timedelta(days=24, hours=23))
    assert runtime.fire_due_timers() == 0
    assert ready(runtime.instance(view.id), "mediate")


def test_warning_timer_does_not_interrupt_and_missed_deadline_escalates(runtime, clock):
    view = runtime.start("deadline", actor="clerk", org_unit="v")
    clock.advance(timedelta(days=25, seconds=1))
    assert runtime.fire_due_timers() == 1
    warned = runtime.instance(view.id)
    assert warned.data.get("warned") is True or ready(warned, "mediate")
    assert ready(warned, "mediate")
    clock.advance(timedelta(days=5))
    assert runtime.fire_due_timers() == 1
    escalated = runtime.instance(view.id)
    assert ready(escalated, "mediate_higher").role == "town_mediator"
    states = {t.name: t.state for t in runtime.task_history(view.id)}
    assert states["mediate"] == "cancelled"
    fired = [e.data["name"] for e in timeline(runtime.store, view.id) if e.type == "timer_fired"]
    assert fired == ["督办提醒", "调解超期"]


def test_a_timer_fires_once_even_when_the_worker_runs_again(runtime, clock):
    view = runtime.start("deadline", actor="clerk", org_unit="v")
    clock.advance(timedelta(days=31))
    first = runtime.fire_due_timers()
    second = runtime.fire_due_timers()
    assert (first, second) == (1, 0)
    events = [e.type for e in timeline(runtime.store, view.id)]
    assert events.count("timer_fired") == 2  # the warning and the deadline, each once


def test_completing_in_time_removes_the_timers(runtime, clock):
    view = runtime.start("deadline", actor="clerk", org_unit="v")
    done = runtime.complete(ready(view, "mediate").id, {}, actor="m")
    assert done.status == "completed" and done.next_due_at is None
    clock.advance(timedelta(days=60))
    assert runtime.fire_due_timers() == 0


def test_a_timer_is_not_claimed_at_exactly_its_due_time_but_just_after(runtime, clock):
    view = runtime.start("deadline", actor="clerk", org_unit="v")
    clock.set(view.next_due_at)
    assert runtime.fire_due_timers() == 0
    clock.advance(timedelta(microseconds=1))
    assert runtime.fire_due_timers() == 1
    assert "timer_fired" in [e.type for e in timeline(runtime.store, view.id)]
