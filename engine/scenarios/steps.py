"""What each step verb does, and the checks of a scenario's closing `expect` block.

Every action takes the run (see runner.ScenarioRun) and asks it for a runtime once, so that
in restored mode the whole step works on one freshly restored runtime.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from engine.scenarios import report
from engine.scenarios.model import MAIN, Expectations, Step, compact, to_timedelta
from engine.store import repository as repo

ACTOR = "scenario"
# SpiffWorkflow fires a timer only once the clock is strictly past its due time.
TIMER_GRACE = timedelta(seconds=1)
MAX_TIMER_STOPS = 1000
_MISSING = object()


class StepFailed(Exception):
    """An expectation did not hold; the text says expected vs actual."""


# -- the verbs --------------------------------------------------------------------------------
def complete(run, step: Step) -> None:
    runtime = run.runtime()
    task = _require_ready(run.instance(runtime), step.value, step.role, step.org_unit)
    runtime.complete(task.id, step.data, actor=step.role or ACTOR)


def advance(run, step: Step) -> None:
    now = run.clock.now()
    fire_until(run, run.runtime(), now + to_timedelta(step.value, now))


def expect_task(run, step: Step) -> None:
    _require_ready(run.instance(run.runtime()), step.value, step.role, step.org_unit)


def expect_no_task(run, step: Step) -> None:
    view = run.instance(run.runtime())
    if ready_task(view, step.value) is not None:
        raise StepFailed(f"expected no ready task '{step.value}'; ready tasks: {report.describe_tasks(view.tasks)}")


def expect_event(run, step: Step) -> None:
    """An event of this type (and data) after the one the previous expect_event matched, or since
    start: consecutive expect_event steps therefore also check the order of events."""
    records = run.timeline(run.runtime())
    for position in range(run.events_seen, len(records)):
        if _event_matches(records[position], step.value, step.data):
            run.events_seen = position + 1
            return
    wanted = f"'{step.value}'" + (f" with data {compact(step.data)}" if step.data else "")
    raise StepFailed(f"expected an event {wanted}; events since the previous expected event: "
                     f"{report.describe_events(records[run.events_seen:], step.value)}")


def _event_matches(record, type_: str, data: dict) -> bool:
    return record.type == type_ and report.subset_mismatch(data, record.full_data) is None


def start_case(run, step: Step) -> None:
    """Start another case (not the one the scenario follows), e.g. one that sends it a message."""
    data = step.data
    if step.options.get("channel"):
        data["channel"] = step.options["channel"]
    run.runtime().start(step.value, actor=step.role or ACTOR, data=data,
                        org_unit=step.org_unit or run.scenario.org_unit)


def follow(run, step: Step) -> None:
    """Act from now on on the newest instance of the process that a message from the followed
    instance started; `main` goes back to the instance the scenario started."""
    if step.value == MAIN:
        run.follow(run.main_id)
        return
    runtime = run.runtime()
    started = runtime.started_from(run.instance_id)
    matching = [i for i in started if i.process_key == step.value]
    if not matching:
        raise StepFailed(f"no {step.value} instance was started by a message from the followed "
                         f"{run.instance(runtime).process_key} instance; started by it: "
                         f"{report.describe_linked(started)}")
    run.follow(matching[-1].id)


def expect_status(run, step: Step) -> None:
    view = run.instance(run.runtime())
    if view.status != step.value:
        raise StepFailed(f"expected status {step.value}, got {report.describe_status(view)}")


def expect_data(run, step: Step) -> None:
    problem = report.subset_mismatch(step.value, run.instance(run.runtime()).data)
    if problem:
        raise StepFailed(f"case data differs: {problem}")


STEP_ACTIONS: dict[str, Callable] = {
    "complete": complete, "advance": advance, "expect_task": expect_task, "expect_no_task": expect_no_task,
    "expect_event": expect_event, "expect_status": expect_status, "expect_data": expect_data,
    "start_case": start_case, "follow": follow,
}


def ready_task(view, name: str, role: str | None = None, org_unit: str | None = None):
    for task in view.tasks:
        if task.name == name and task.state == "ready" and role in (None, task.role) \
                and org_unit in (None, task.org_unit):
            return task
    return None


def _require_ready(view, name: str, role: str | None, org_unit: str | None):
    task = ready_task(view, name, role, org_unit)
    if task is None:
        raise StepFailed(f"expected a ready task '{name}'{report.offered(role, org_unit)}; "
                         f"ready tasks: {report.describe_tasks(view.tasks)}")
    return task


def fire_until(run, runtime, target: datetime) -> None:
    """Move the clock to `target`, stopping at each due timer on the way — of every running
    instance in the database, not only the followed one — so that each fires, and the timers
    it starts begin, at its own time rather than all at the target."""
    for _ in range(MAX_TIMER_STOPS):
        due = next_timer_due(runtime)
        if due is None or due + TIMER_GRACE > target:
            break
        run.clock.set(max(due + TIMER_GRACE, run.clock.now()))
        runtime.fire_due_timers(actor="timer")
        if next_timer_due(runtime) == due:
            break  # it did not fire: do not spin on it
    run.clock.set(max(target, run.clock.now()))
    runtime.fire_due_timers(actor="timer")
    runtime.deliver_messages()


def next_timer_due(runtime) -> datetime | None:
    with runtime.store.read() as session:
        return repo.earliest_timer_due(session)


# -- the closing expect block -----------------------------------------------------------------
def final_checks(run, runtime, expect: Expectations) -> list[tuple[str, Callable[[], None]]]:
    """(key, check) for each key the block names, in the order the format lists them."""
    checks = {
        "status": (expect.status is not None, lambda: _check_status(run, runtime, expect.status)),
        "outcome": (expect.has_outcome, lambda: _check_outcome(run, runtime, expect.outcome)),
        "path_includes": (bool(expect.path_includes), lambda: _check_includes(run, runtime, expect.path_includes)),
        "path_excludes": (bool(expect.path_excludes), lambda: _check_excludes(run, runtime, expect.path_excludes)),
        "events": (bool(expect.events), lambda: _check_events(run, runtime, expect.events)),
        "data": (bool(expect.data), lambda: _check_data(run, runtime, expect.data)),
    }
    return [(key, check) for key, (wanted, check) in checks.items() if wanted]


def _check_status(run, runtime, status: str) -> None:
    view = run.instance(runtime)
    if view.status != status:
        raise StepFailed(f"expected status {status}, got {report.describe_status(view)}")


def _check_outcome(run, runtime, outcome) -> None:
    actual = run.instance(runtime).data.get("outcome", _MISSING)
    if actual is _MISSING or report.subset_mismatch(outcome, actual) is not None:
        got = "no outcome in the case data" if actual is _MISSING else compact(actual)
        raise StepFailed(f"expected outcome {compact(outcome)}, got {got}")


def _check_includes(run, runtime, wanted: list[str]) -> None:
    path = run.completed_path(runtime)
    missing = [element for element in wanted if element not in path]
    if missing:
        raise StepFailed(f"expected the path to include {', '.join(missing)}; completed: {_path(path)}")


def _check_excludes(run, runtime, unwanted: list[str]) -> None:
    path = run.completed_path(runtime)
    present = [element for element in unwanted if element in path]
    if present:
        raise StepFailed(f"expected the path to exclude {', '.join(present)}; completed: {_path(path)}")


def _check_events(run, runtime, wanted: list[str]) -> None:
    records = run.timeline(runtime)
    seen = {r.type for r in records}
    missing = [event for event in wanted if event not in seen]
    if missing:
        types = list(dict.fromkeys(r.type for r in records))
        raise StepFailed(f"expected events {', '.join(missing)} in the timeline; it has: {', '.join(types)}")


def _check_data(run, runtime, wanted: dict) -> None:
    problem = report.subset_mismatch(wanted, run.instance(runtime).data)
    if problem:
        raise StepFailed(f"case data differs: {problem}")


def _path(path: list[str]) -> str:
    return " > ".join(path) or "nothing"
