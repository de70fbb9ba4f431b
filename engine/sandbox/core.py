"""The Sandbox and its SpiffWorkflow script engine."""
from __future__ import annotations

import functools
import hashlib
import json
import traceback
from types import CodeType, GeneratorType, ModuleType
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.calendar import WorkingCalendar
from engine.clock import Clock, SystemClock
from engine.errors import SandboxTimeout, SandboxViolation
from engine.evaluation.inline import referenced_names, runs_inline
from engine.evaluation.pool import shared_pool
from engine.evaluation.step_bounds import check_result
from engine.evaluation.values import to_wire
from engine.limits import SCRIPT_TIME_LIMIT_SECONDS
from engine.sandbox.guards import _GUARDS, _INTERNAL_NAMES, _Deadline, _Watch
from engine.sandbox.helpers import _make_helpers
from engine.sandbox.policy import _compile, _Compiled, _violation
from engine.sandbox.refusals import FILENAME

# ---------------------------------------------------------------- the sandbox

class Sandbox:
    """Runs designer content. `isolated` (the default): expressions whose shape is proven cheap
    run here (engine/evaluation/inline.py), everything else in an evaluation process bounded by
    the OS (engine/evaluation/pool.py); the evaluation process itself runs with isolated=False."""

    def __init__(self, clock: Clock | None = None, calendar: WorkingCalendar | None = None,
                 time_limit: float | None = None, *, isolated: bool = True, pool=None):
        self.clock = clock or SystemClock()
        self.calendar = calendar or WorkingCalendar()
        self.time_limit = SCRIPT_TIME_LIMIT_SECONDS if time_limit is None else time_limit
        self.isolated = isolated
        self._pool = pool
        self.helpers: dict[str, object] = _make_helpers(self.clock, self.calendar)

    def compile(self, source: str, mode: str = "exec") -> CodeType:
        """The restricted code object for `source` (cached); SandboxViolation(line=N) if refused."""
        return self._compiled(source, mode).code

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        compiled = self._compiled(expression, "eval")
        if not self.isolated or runs_inline(expression):
            return self._run(compiled, self._namespace(context, external_context))
        values, external = self._values(expression, "eval", context, external_context)
        return self.pool.evaluate(expression, values, external, self._setting())

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> None:
        """Run `script` over `context`'s variables; `context` then holds the resulting data."""
        compiled = self._compiled(script, "exec")
        if self.isolated:
            values, external = self._values(script, "exec", context, external_context)
            changed, unset = self.pool.execute(script, values, external, self._setting())
            for name in unset:
                context.pop(name, None)
            context.update(changed)
            return
        namespace = self._namespace(context, external_context)
        self._run(compiled, namespace)
        self._write_back(namespace, context, external_context or {})

    def render(self, template: str, data: dict) -> str:
        """A Jinja instruction text with the task's data, in an evaluation process."""
        names = {k: v for k, v in data.items() if isinstance(k, str)}
        return self.pool.render(template, to_wire(names, dates=True), self.time_limit)

    @property
    def pool(self):
        if self._pool is None:
            self._pool = shared_pool()
        return self._pool

    def _values(self, source: str, mode: str, context: dict, external_context: dict | None):
        """The wire text of the variables `source` names (and which of them are external)."""
        names = referenced_names(source, mode)
        external = external_context or {}
        values = {n: external[n] for n in names if n in external}
        values.update((n, context[n]) for n in names if n in context)
        return to_wire(values, dates=True), sorted(n for n in values if n in external and n not in context)

    def _setting(self) -> dict:
        return {"now": self.clock.now().isoformat(), **self._calendar_setting, "time_limit": self.time_limit}

    @functools.cached_property
    def _calendar_setting(self) -> dict:
        """The calendar as the evaluation process rebuilds it, with a key it caches it by.
        Only an isolated sandbox sends it: the process makes a Sandbox per request."""
        spec = self.calendar.to_dict()
        return {"calendar": spec, "calendar_key": hashlib.sha1(json.dumps(spec).encode()).hexdigest()}

    def _compiled(self, source: str, mode: str) -> _Compiled:
        compiled = _compile(source, mode)
        if compiled.problems:
            raise _violation(compiled)
        return compiled

    def _namespace(self, context: dict, external_context: dict | None) -> dict:
        namespace = dict(self.helpers)
        if external_context:
            namespace.update(external_context)
        namespace.update(context)
        namespace.update(_GUARDS)  # last: task data (form input!) must not replace a guard
        return namespace

    def _run(self, compiled: _Compiled, namespace: dict) -> Any:
        watch = _Watch(self.time_limit) if compiled.timed else None
        if watch:
            namespace["_deadline_"], namespace["_getiter_"] = watch.check, watch.iterate
        try:
            return eval(compiled.code, namespace)
        except _Deadline as stop:  # also from a generator an earlier run left in the data
            raise SandboxTimeout(f"script ran longer than {self.time_limit:g} s", line=stop.line,
                                 time_limit=self.time_limit,
                                 zh=f"脚本运行超过 {self.time_limit:g} 秒，已中止") from None
        finally:
            if watch:
                watch.expire()

    def _write_back(self, namespace: dict, context: dict, external: dict) -> None:
        kept = {k: v for k, v in namespace.items() if self._is_data(k, v, external)}
        kept.update((k, context[k]) for k in _INTERNAL_NAMES if k in context)
        context.clear()
        context.update(kept)

    def _is_data(self, key: str, value: Any, external: dict) -> bool:
        if key in _INTERNAL_NAMES or key in external or self.helpers.get(key, _ABSENT) is value:
            return False
        return not (callable(value) or isinstance(value, (ModuleType, GeneratorType)))


_ABSENT = object()


# ---------------------------------------------------------------- SpiffWorkflow integration

class SandboxedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow's script environment, running everything through a Sandbox."""

    def __init__(self, sandbox: Sandbox):
        super().__init__(sandbox.helpers)
        self.sandbox = sandbox

    def evaluate(self, expression, context, external_context=None):
        return self.sandbox.evaluate(expression, context, external_context)

    def execute(self, script, context, external_context=None):
        self.sandbox.execute(script, context, external_context)
        return True


class SandboxedScriptEngine(PythonScriptEngine):
    def __init__(self, sandbox: Sandbox):
        super().__init__(environment=SandboxedEnvironment(sandbox))
        self.sandbox = sandbox

    def validate(self, expression):
        # DMN tells `== 'x'` from `'x'` by catching SyntaxError, so syntax stays a SyntaxError.
        compiled = _compile(expression, "eval")
        if compiled.syntax_error:
            raise SyntaxError(*compiled.syntax_error)
        if compiled.problems:
            raise _violation(compiled)

    def evaluate(self, task, expression, external_context=None):
        value = super().evaluate(task, expression, external_context)
        check_result(task, expression, value)
        return value

    def create_task_exec_exception(self, task, script, err):
        if isinstance(err, SpiffWorkflowException):
            return super().create_task_exec_exception(task, script, err)
        line, text = self.get_error_line_number_and_content(script, err)
        return WorkflowTaskException(f"{type(err).__name__}: {err}", task=task, exception=err,
                                     line_number=line, error_line=text)

    def get_error_line_number_and_content(self, script, err):
        if isinstance(err, SyntaxError):
            line = err.lineno
        elif isinstance(err, SandboxViolation):
            line = err.context.get("line")
        elif hasattr(err, "sandbox_line"):  # reported by an evaluation process
            line = err.sandbox_line
        else:
            frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename == FILENAME]
            line = frames[-1].lineno if frames else None
        lines = script.splitlines()
        return (line or 0), (lines[line - 1] if line and 0 < line <= len(lines) else "")


def make_script_engine(sandbox: Sandbox) -> PythonScriptEngine:
    return SandboxedScriptEngine(sandbox)
