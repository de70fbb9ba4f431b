"""The cost of bounding what diagrams contain (issue #10).

Every script, and every expression whose shape does not prove it cheap, runs in an evaluation
process capped by the OS (engine/evaluation/pool.py); simple expressions run in-process
(engine/evaluation/inline.py). Measured here against running everything in-process, as before:

(a) one evaluation, microseconds (median of --repeat x 200): a gateway condition (inline), a
    script of the shipped processes, a comprehension, an instruction text;
(b) every shipped process's scenario files (mode "live", each on its own SQLite file), both
    ways, interleaved: total seconds, steps, ms per step and the ratio bounded / in-process;
    and how the evaluations split between in-process and an evaluation process.

The last line is `ratio=<bounded/in-process for (b)>`. Target: ratio <= 1.3.

    .venv/bin/python bench/bounded_evaluation.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import functools
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.calendar import WorkingCalendar  # noqa: E402
from engine.evaluation import inline  # noqa: E402
from engine.runtime.runtime import Runtime  # noqa: E402
from engine.sandbox import Sandbox  # noqa: E402
from engine.scenarios import discover, run_scenario_file  # noqa: E402
from engine.scenarios import runner as scenario_runner  # noqa: E402

CONDITION = 'result in ("resolved", "withdrawn")'
SCRIPT = "closed_at = iso(now())\nretention_until = iso(add_days(today(), 365 * retention_years))\ncase_closed = True"
COMPREHENSION = "[p['name'] for p in parties if p.get('role') == 'applicant']"
INSTRUCTIONS = "请联系当事人 {{ parties[0].name }}，{% if urgent %}今日内{% else %}三日内{% endif %}回访。"
DATA = {"result": "resolved", "retention_years": 10, "urgent": True,
        "parties": [{"name": "张三", "role": "applicant"}, {"name": "李四", "role": "respondent"}]}


def micro(repeat: int) -> None:
    bounded, in_process = Sandbox(), Sandbox(isolated=False)
    bounded.evaluate(COMPREHENSION, DATA)  # start the evaluation processes outside the clock
    from engine.definitions.instructions import render_bounded

    cases = [
        ("condition (in-process either way)", lambda s: s.evaluate(CONDITION, dict(DATA))),
        ("script of dispute_case", lambda s: s.execute(SCRIPT, dict(DATA))),
        ("comprehension", lambda s: s.evaluate(COMPREHENSION, dict(DATA))),
    ]
    print(f"{'one evaluation (µs, median)':40} {'in-process':>11} {'bounded':>9} {'ratio':>6}")
    for name, run in cases:
        a = _median_us(functools.partial(run, in_process), repeat)
        b = _median_us(functools.partial(run, bounded), repeat)
        print(f"{name:40} {a:11.1f} {b:9.1f} {b / a:6.1f}")
    a = _median_us(lambda: render_bounded(INSTRUCTIONS, DATA), repeat)
    b = _median_us(lambda: bounded.render(INSTRUCTIONS, DATA), repeat)
    print(f"{'instruction text':40} {a:11.1f} {b:9.1f} {b / a:6.1f}")


def dmn_cell_rewrite() -> None:
    """SpiffWorkflow rewrites every DMN input cell with a regular expression that is quadratic
    in the cell's length; lint refuses cells longer than DMN_CELL_MAX_CHARS, so this is the worst
    a deployed cell costs on every evaluation."""
    from engine.limits import DMN_CELL_MAX_CHARS

    pattern = r'(\?)(?=(?:[^\'"]|[\'"][^\'"]*[\'"])*$)'  # SpiffWorkflow/dmn/engine/DMNEngine.py
    for length in (DMN_CELL_MAX_CHARS, 4 * DMN_CELL_MAX_CHARS):
        cell = "?" * (length - 1) + "'"
        started = time.perf_counter()
        re.sub(pattern, "dmninputexpr", cell)
        print(f"DMN cell rewrite at {length} characters: {(time.perf_counter() - started) * 1000:.1f} ms"
              + (" (the limit)" if length == DMN_CELL_MAX_CHARS else " (refused by lint)"))


def _median_us(run, repeat: int) -> float:
    rounds = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(200):
            run()
        rounds.append((time.perf_counter() - started) / 200 * 1e6)
    return statistics.median(rounds)


class _Counted(Sandbox):
    inline_count = 0
    isolated_count = 0

    def evaluate(self, expression, context, external_context=None):
        if self.isolated and inline.runs_inline(expression):
            _Counted.inline_count += 1
        elif self.isolated:
            _Counted.isolated_count += 1
        return super().evaluate(expression, context, external_context)

    def execute(self, script, context, external_context=None):
        if self.isolated:
            _Counted.isolated_count += 1
        return super().execute(script, context, external_context)


def _factory(isolated: bool):
    base = scenario_runner.default_runtime_factory

    def make(store, clock, project_root):
        runtime = base(store, clock, project_root)
        calendar = WorkingCalendar.from_file(Path(project_root) / "processes" / "calendar.yaml")
        sandbox = _Counted(clock=clock, calendar=calendar, isolated=isolated)
        return Runtime(store, clock=clock, calendar=calendar, router=runtime.router, sandbox=sandbox)
    return make


def scenarios(repeat: int) -> float:
    files = discover(ROOT)
    totals = {True: [], False: []}
    steps = 0
    for _ in range(repeat):
        for isolated in (False, True):
            scenario_runner.default_runtime_factory, original = _factory(isolated), scenario_runner.default_runtime_factory
            try:
                started = time.perf_counter()
                results = [run_scenario_file(path, ROOT, "live") for path in files]
                totals[isolated].append(time.perf_counter() - started)
            finally:
                scenario_runner.default_runtime_factory = original
            failed = [r for r in results if not r.passed]
            if failed:
                raise SystemExit(f"scenario failed: {failed[0].name}: {failed[0].message}")
            steps = sum(r.steps_run for r in results)
    a, b = statistics.median(totals[False]), statistics.median(totals[True])
    runs = repeat
    print(f"\n{len(files)} scenario files, {steps} steps, median of {repeat} runs each way")
    print(f"in-process: {a:.2f} s ({a / steps * 1000:.2f} ms/step)   bounded: {b:.2f} s ({b / steps * 1000:.2f} ms/step)")
    print(f"evaluations per run: {_Counted.inline_count // runs} in-process by shape, "
          f"{_Counted.isolated_count // runs} in an evaluation process")
    return b / a


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    micro(args.repeat)
    dmn_cell_rewrite()
    ratio = scenarios(args.repeat)
    print(f"ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
