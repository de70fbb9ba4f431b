"""Engine overhead: Jiahe's persisted runtime against raw in-memory SpiffWorkflow.

(a) raw SpiffWorkflow, default serializer, JSON deserialize -> complete -> engine steps ->
    JSON serialize around each of the 5 user tasks of five_steps, in memory;
(b) Jiahe's runtime completing the same 5 tasks, each its own transaction on a SQLite file
    (form validation, task projections, audit events, commit).
Both time the five completions only; creating the instance is outside the clock.
Then the per-step cost (load, step, persist) of a loop-marker task at rounds 1, 10, 100, 1000,
each the median of the WINDOW rounds from there (up to the last round), so that one garbage
collection or WAL checkpoint landing on a single round does not decide a ratio.

Prints medians and ratios; the last line is `ratio=<b/a>`.
Targets: ratio <= 2.0; round 100 / round 1 <= 3.0; no error or stall at any round.

    .venv/bin/python bench/engine_overhead.py [--repeat 30] [--profile]

--profile: instead, (b) alone --repeat times under cProfile; prints the functions by own
time and by cumulative time, per completion.
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from engine.clock import ManualClock  # noqa: E402
from engine.runtime.deployment import deploy_project  # noqa: E402
from engine.runtime.runtime import Runtime  # noqa: E402
from engine.store import Store  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
STEPS = ["step_1", "step_2", "step_3", "step_4", "step_5"]
ROUNDS = (1, 10, 100, 1000)
WINDOW = 5


def raw_spiff_run(spec, serializer) -> float:
    state = serializer.serialize_json(_new_workflow(spec))
    started = time.perf_counter()
    for name in STEPS:
        workflow = serializer.deserialize_json(state)
        task = workflow.get_next_task(state=TaskState.READY, manual=True)
        assert task.task_spec.name == name
        task.set_data(note=f"{name} 完成")
        task.run()
        workflow.do_engine_steps()
        state = serializer.serialize_json(workflow)
    return time.perf_counter() - started


def _new_workflow(spec):
    workflow = BpmnWorkflow(spec)
    workflow.do_engine_steps()
    return workflow


def jiahe_run(runtime) -> float:
    view = runtime.start("five_steps", actor="bench", org_unit="grid-a1")
    started = time.perf_counter()
    for name in STEPS:
        task = view.ready_task(name)
        view = runtime.complete(task.id, {"note": f"{name} 完成"}, actor="bench")
    assert view.status == "completed"
    return time.perf_counter() - started


def loop_rounds(runtime) -> dict[int, dict[str, float]]:
    """Complete the loop-marker task 1000 times, timing load / step / persist of every round;
    each chosen round reports the medians over its window (see WINDOW)."""
    view = runtime.start("repeated_visits", actor="bench", org_unit="grid-a1")
    task_id = view.ready_task("visit").id
    last = max(ROUNDS)
    timings = []
    for round_no in range(1, last + 1):
        timing, task_id = _one_round(runtime, task_id, done=round_no == last)
        timing["total"] = sum(timing.values())
        timings.append(timing)
    costs = {}
    for round_no in ROUNDS:
        start = min(round_no, last - WINDOW + 1)
        window = timings[start - 1:start - 1 + WINDOW]
        costs[round_no] = {k: statistics.median(t[k] for t in window) for k in window[0]}
    return costs


def _one_round(runtime, task_id: str, done: bool):
    t0 = time.perf_counter()
    with runtime.changing_task(task_id, "bench") as (change, _row):
        workflow = change.workflow
        t1 = time.perf_counter()
        task = change.spiff_task(task_id)
        task.set_data(done=done)
        task.run()
        change.advance()
        t2 = time.perf_counter()
        _row.state = "completed"
        change.save()
        instance_id = change.row.id
    t3 = time.perf_counter()
    nxt = None if done else runtime.instance(instance_id).ready_task("visit")
    if not done and nxt is None:
        raise RuntimeError("the loop stalled: no ready visit task")
    assert workflow is not None
    return {"load": t1 - t0, "step": t2 - t1, "persist": t3 - t2}, (nxt.id if nxt else None)


def timed(run, *args) -> float:
    """Like timeit: collect first and keep the garbage collector out of the measured run."""
    gc.collect()
    gc.disable()
    try:
        return run(*args)
    finally:
        gc.enable()


def profile_jiahe(runtime, repeat: int) -> None:
    """Where (b) spends its time: cProfile over `repeat` runs, scaled to one completion."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    for _ in range(repeat):
        profiler.runcall(jiahe_run, runtime)
    stats = pstats.Stats(profiler)
    completions = repeat * len(STEPS)
    print(f"cProfile of (b): {completions} completions; the instance starts are included "
          f"(see jiahe_run); divide the times by {completions} for one completion")
    for order in ("tottime", "cumtime"):
        stats.sort_stats(order).print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--profile", action="store_true", help="profile (b) instead of measuring")
    args = parser.parse_args()

    bpmn = SpiffBpmnParser(validator=VALIDATOR)
    bpmn.add_bpmn_file(str(FIXTURES / "processes" / "bpmn" / "five_steps.bpmn"))
    spec = bpmn.get_spec("five_steps")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.sqlite3")
        store.upgrade()
        runtime = Runtime(store, clock=ManualClock())
        deploy_project(runtime, FIXTURES, actor="bench")
        raw_spiff_run(spec, serializer), jiahe_run(runtime)  # warm both
        if args.profile:
            profile_jiahe(runtime, args.repeat)
            store.dispose()
            return
        raw, ours = [], []
        for _ in range(args.repeat):  # interleaved, so machine noise hits both alike
            raw.append(timed(raw_spiff_run, spec, serializer))
            ours.append(timed(jiahe_run, runtime))
        costs = loop_rounds(runtime)
        store.dispose()

    a, b = statistics.median(raw), statistics.median(ours)
    print(f"(a) raw SpiffWorkflow, in memory, 5 tasks: median {a * 1000:.2f} ms ({a / 5 * 1000:.2f} ms/step)")
    print(f"(b) Jiahe runtime, SQLite file, 5 tasks:   median {b * 1000:.2f} ms ({b / 5 * 1000:.2f} ms/step)")
    for round_no, c in costs.items():
        print(f"loop round {round_no:>4}: load {c['load'] * 1000:6.2f} ms  step {c['step'] * 1000:6.2f} ms  "
              f"persist {c['persist'] * 1000:6.2f} ms  total {c['total'] * 1000:6.2f} ms")
    base = costs[1]["total"]
    print(f"round100/round1={costs[100]['total'] / base:.2f}")
    print(f"round1000/round1={costs[1000]['total'] / base:.2f}")
    print(f"ratio={b / a:.2f}")


if __name__ == "__main__":
    main()
