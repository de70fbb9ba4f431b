"""Sandboxed scripts and expressions: BPMN scripts, gateway conditions, DMN cells, timer and
message expressions.

SpiffWorkflow runs them with plain eval/exec and full builtins, so a diagram could run any code
on the server. Here every source is compiled with RestrictedPython's `compile_restricted` and a
stricter policy, and runs with guards and a whitelist of builtins and helpers only:

- compile time: no imports, classes, dunder/underscore names, frame/code attributes; `+ * ** << %`
  become guarded calls; loops, functions, handlers get a deadline check inserted.
- run time: attribute reads through `_guarded_getattr`, sizes capped before C code allocates,
  a deadline checked on every loop round, iteration and call.

The deadline is inserted into the code rather than enforced by `sys.settrace`: on CPython 3.11
a one-line `while True: pass` is a single self-jump that never emits a line event, and a
tracer that raises is uninstalled by the interpreter, letting `except:` resume the loop.
"""
from __future__ import annotations

import ast
import builtins
import functools
import operator
import re
import sys
import time
import traceback
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from types import CodeType, GeneratorType, ModuleType
from typing import Any, NamedTuple

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr_raise,
)
from RestrictedPython.PrintCollector import PrintCollector
from RestrictedPython.transformer import (
    INSPECT_ATTRIBUTES,
    IOPERATOR_TO_STR,
    RestrictingNodeTransformer,
    copy_locations,
)
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine import calendar as dates
from engine.calendar import WorkingCalendar
from engine.clock import Clock, SystemClock
from engine.errors import SandboxTimeout, SandboxViolation

FILENAME = "<jiahe-script>"  # how tracebacks and error reports recognise sandboxed frames
MAX_ITEMS = 1_000_000        # elements or characters a single operation may produce
MAX_INT_BITS = 8192          # integers beyond this make C arithmetic slow and uninterruptible

# ---------------------------------------------------------------- compile-time policy

_TIMED_NODES = (ast.While, ast.For, ast.comprehension, ast.FunctionDef, ast.Lambda)
_GUARDED_OPS = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%"}


def _call(name: str, args: list[ast.expr], where: ast.AST) -> ast.Call:
    node = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    copy_locations(node, where)
    return node


def _tick(where: ast.AST) -> ast.Expr:
    stmt = ast.Expr(_call("_deadline_", [], where))
    copy_locations(stmt, where)
    return stmt


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, minus imports and classes, plus size and time guards."""

    def visit_Import(self, node):
        self.error(node, "import is not allowed; use the helper functions")

    visit_ImportFrom = visit_Import

    def visit_ClassDef(self, node):
        self.error(node, "class definitions are not allowed")

    def visit_BinOp(self, node):
        node = self.node_contents_visit(node)
        symbol = _GUARDED_OPS.get(type(node.op))
        if symbol is None:
            return node
        return _call("_binop_", [ast.Constant(symbol), node.left, node.right], node)

    def visit_AugAssign(self, node):
        # RestrictedPython refuses `counts[k] += 1`; scripts over task data need it.
        if not isinstance(node.target, ast.Subscript):
            return super().visit_AugAssign(node)
        parts = [self.visit(node.target.value), self.visit(node.target.slice),
                 ast.Constant(IOPERATOR_TO_STR[type(node.op)]), self.visit(node.value)]
        statement = ast.Expr(_call("_aug_item_", parts, node))
        copy_locations(statement, node)
        return statement

    def visit_FormattedValue(self, node):
        # format(1, '999999999') allocates in C, so the spec must be a literal of sane width.
        spec = node.format_spec
        parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec] if spec else []
        if not all(isinstance(p, ast.Constant) for p in parts):
            self.error(node, "f-string format specs must be literal")
        elif re.search(r"\d{5,}", "".join(str(p.value) for p in parts)):
            self.error(node, "f-string format width is too large")
        return self.node_contents_visit(node)

    def visit_While(self, node):
        node = super().visit_While(node)
        node.body.insert(0, _tick(node))
        return node

    def visit_FunctionDef(self, node):
        node = super().visit_FunctionDef(node)
        node.body.insert(0, _tick(node))  # bounds recursion fan-out, not just loops
        return node

    def visit_Lambda(self, node):
        node = super().visit_Lambda(node)
        body = ast.BoolOp(op=ast.Or(), values=[_call("_deadline_", [], node.body), node.body])
        copy_locations(body, node.body)
        node.body = body
        return node

    def visit_ExceptHandler(self, node):
        # Once time is up, no handler may run user code: re-raise on entry.
        node = super().visit_ExceptHandler(node)
        node.body.insert(0, _tick(node))
        return node

    def visit_Try(self, node):
        node = super().visit_Try(node)
        if node.finalbody:
            node.finalbody.insert(0, _tick(node.finalbody[0]))
        return node


class _Compiled(NamedTuple):
    code: CodeType | None
    timed: bool  # has loops or functions, so it needs a deadline
    problems: tuple[tuple[int | None, str], ...]
    syntax_error: tuple | None  # SyntaxError args, for callers that expect one (DMN)


@functools.lru_cache(maxsize=4096)
def _compile(source: str, mode: str) -> _Compiled:
    if mode not in ("exec", "eval"):
        raise ValueError(f"mode must be 'exec' or 'eval', not {mode!r}")
    if not isinstance(source, str):
        raise TypeError(f"source must be a string, not {type(source).__name__}")
    if mode == "eval":
        source = source.strip()  # diagrams indent conditions and wrap them in newlines
    try:
        tree = ast.parse(source, FILENAME, mode)
        timed = any(isinstance(n, _TIMED_NODES) for n in ast.walk(tree))
        restricted = compile_restricted_exec if mode == "exec" else compile_restricted_eval
        result = restricted(tree, filename=FILENAME, policy=_Policy)
    except SyntaxError as err:  # from parsing, or from compiling (`return` outside a function)
        args = (err.msg, (FILENAME, err.lineno, err.offset, err.text))
        return _Compiled(None, False, ((err.lineno, f"SyntaxError: {err.msg}"),), args)
    except (ValueError, RecursionError) as err:  # null bytes; `1+1+...` nested past the stack
        message = str(err) if isinstance(err, ValueError) else "source is nested too deeply"
        return _Compiled(None, False, ((None, message),), (message, (FILENAME, None, None, None)))
    problems = tuple(_numbered(message) for message in result.errors)
    return _Compiled(None if problems else result.code, timed, problems, None)


def _numbered(message: str) -> tuple[int | None, str]:
    found = re.match(r"Line (\d+|None): (.*)", message, re.S)
    if not found:
        return None, message
    return (int(found[1]) if found[1] != "None" else None), found[2]


def _violation(compiled: _Compiled) -> SandboxViolation:
    (line, message), more = compiled.problems[0], len(compiled.problems) - 1
    problems = [{"line": n, "message": m} for n, m in compiled.problems]
    return SandboxViolation(message + (f" (and {more} more)" if more else ""), line=line, problems=problems,
                            zh=f"脚本或表达式不被允许：{message}" + (f"（另有 {more} 处）" if more else ""))


def check_source(source: str, mode: str = "exec") -> list[tuple[int | None, str]]:
    """For lint: [] when `source` compiles under the sandbox, else (line, message) per problem."""
    return list(_compile(source, mode).problems)


# ---------------------------------------------------------------- run-time guards

_SEQUENCES = (str, bytes, list, tuple)
_REFUSED_ATTRS = INSPECT_ATTRIBUTES | {"format", "format_map", "mro"}
_CLOCK_READERS = frozenset({"now", "today", "utcnow"})
_PRINTF_WIDTH = {str: re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d{5,}|\d*\.(?:\*|\d{5,}))")}
_PRINTF_WIDTH[bytes] = re.compile(_PRINTF_WIDTH[str].pattern.encode())
_OPERATOR_NAMES = {"+": "add", "-": "sub", "*": "mul", "/": "truediv", "//": "floordiv", "%": "mod",
                   "**": "pow", "<<": "lshift", ">>": "rshift", "&": "and_", "|": "or_", "^": "xor"}
_OPERATORS = {s: getattr(operator, n) for s, n in _OPERATOR_NAMES.items()}
# In place for real (`items += [x]` must change the list that task data holds).
_INPLACE = {s + "=": getattr(operator, "i" + n.rstrip("_")) for s, n in _OPERATOR_NAMES.items()}


def _script_line() -> int | None:
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename != FILENAME:
        frame = frame.f_back
    return frame.f_lineno if frame is not None else None


def _refuse(message: str) -> SandboxViolation:
    return SandboxViolation(message, line=_script_line(), zh=f"脚本执行了不允许的操作：{message}")


def _limit_items(count: int) -> None:
    if count > MAX_ITEMS:
        raise _refuse(f"result would have {count} items; the sandbox allows {MAX_ITEMS}")


def _limit_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise _refuse(f"integer result would have about {bits} bits; the sandbox allows {MAX_INT_BITS}")


def _check_size(symbol: str, a: Any, b: Any) -> None:
    """Refuse before C code starts an allocation or computation no deadline can interrupt."""
    ints = isinstance(a, int) and isinstance(b, int)
    if symbol == "*":
        if ints:
            _limit_bits(a.bit_length() + b.bit_length())
        elif isinstance(b, int) and isinstance(a, _SEQUENCES):
            _limit_items(len(a) * b)
        elif isinstance(a, int) and isinstance(b, _SEQUENCES):
            _limit_items(len(b) * a)
    elif symbol == "**" and ints and b > 0 and abs(a) > 1:
        _limit_bits(a.bit_length() * b)
    elif symbol == "<<" and ints and b > 0:
        _limit_bits(a.bit_length() + b)
    elif symbol == "+" and isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
        _limit_items(len(a) + len(b))
    elif symbol == "%" and type(a) in _PRINTF_WIDTH and _PRINTF_WIDTH[type(a)].search(a):
        raise _refuse("printf-style width or precision is too large")


def _binop(symbol: str, a: Any, b: Any) -> Any:
    _check_size(symbol, a, b)
    return _OPERATORS[symbol](a, b)


def _inplace(symbol: str, a: Any, b: Any) -> Any:
    _check_size(symbol[:-1], a, b)
    return _INPLACE[symbol](a, b)


def _aug_item(container: Any, key: Any, symbol: str, value: Any) -> None:
    full_write_guard(container)[key] = _inplace(symbol, container[key], value)


def _sized_result(obj: Any, name: str, args: tuple, kwargs: dict) -> int:
    """Upper bound of the length a str/bytes/list/int method call would produce."""
    number = args[0] if args and isinstance(args[0], int) else 0  # else the method refuses it
    if name in ("ljust", "rjust", "center", "zfill"):
        return number
    if name == "to_bytes":
        return kwargs.get("length", number if args else 1)
    if name == "expandtabs":
        return len(obj) + obj.count(b"\t" if isinstance(obj, bytes) else "\t") * (number if args else 8)
    if name == "replace" and len(args) >= 2:
        old, new = args[0], args[1]
        times = obj.count(old) + (len(obj) + 1 if not old else 0)
        return len(obj) + times * max(0, len(new) - len(old))
    if name == "translate" and args and isinstance(args[0], dict):
        return len(obj) * max([len(v) for v in args[0].values() if isinstance(v, str)] or [1])
    if name == "join":
        return sum(len(x) for x in args[0] if isinstance(x, _SEQUENCES)) + len(obj) * max(0, len(args[0]) - 1)
    if name == "extend" and args and hasattr(args[0], "__len__"):
        return len(obj) + len(args[0])
    return 0


_SIZED_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "to_bytes", "expandtabs", "replace",
                            "translate", "join", "extend"})


def _sized(obj: Any, name: str, method: Any) -> Any:
    def checked(*args, **kwargs):
        if name == "join" and args:
            args = (list(args[0]),) + args[1:]  # measure and join the same items, once
        _limit_items(_sized_result(obj, name, args, kwargs))
        return method(*args, **kwargs)
    return checked


def _guarded_getattr(obj: Any, name: str) -> Any:
    if type(name) is not str or name.startswith("_") or name in _REFUSED_ATTRS:
        raise _refuse(f"attribute {name!r} is not accessible in scripts")
    if name in _CLOCK_READERS and (isinstance(obj, date) or isinstance(obj, type) and issubclass(obj, date)):
        raise _refuse(f"{name}() reads the system clock; use the now() / today() helpers")
    value = safer_getattr_raise(obj, name)  # RestrictedPython's own checks, as a second line
    if name in _SIZED_METHODS and isinstance(obj, (str, bytes, list, int)):
        return _sized(obj, name, value)
    return value


def _range(*args: int) -> range:
    numbers = range(*args)
    try:
        count = len(numbers)
    except OverflowError:
        count = MAX_ITEMS + 1
    _limit_items(count)
    return numbers


def _sum(iterable, start=0):
    # sum() of lists concatenates in C, past every size guard; numbers and durations only.
    if not isinstance(start, (int, float, timedelta)):
        raise TypeError("sum() adds numbers or durations; build lists with a comprehension")
    return sum(iterable, start)


def _apply(function, *args, **kwargs):
    return function(*args, **kwargs)


def _no_deadline() -> None:
    """Code without loops or functions cannot run long; its handlers need no check."""


_BUILTIN_NAMES = (
    "len min max sorted abs round int float str bool list dict set tuple any all enumerate zip "
    "isinstance ArithmeticError AssertionError AttributeError Exception IndexError KeyError "
    "LookupError NameError NotImplementedError OverflowError RuntimeError StopIteration "
    "TypeError ValueError ZeroDivisionError"
).split()
SAFE_BUILTINS = {name: getattr(builtins, name) for name in _BUILTIN_NAMES}
SAFE_BUILTINS.update({"range": _range, "sum": _sum, "True": True, "False": False, "None": None})

_GUARDS = {
    "__builtins__": SAFE_BUILTINS,
    "_getattr_": _guarded_getattr,
    "_getitem_": operator.getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,  # lets dicts and lists take item assignment, nothing else
    "_inplacevar_": _inplace,
    "_aug_item_": _aug_item,
    "_binop_": _binop,
    "_apply_": _apply,
    "_print_": PrintCollector,  # print() output is collected and dropped
    "_deadline_": _no_deadline,
}
_INTERNAL_NAMES = frozenset(_GUARDS) | {"_print"}


class _Deadline(BaseException):
    """Time is up. A BaseException, so that `except Exception` in a script does not catch it."""

    def __init__(self, line: int | None):
        super().__init__(line)
        self.line = line


class _Watch:
    """One run's deadline; checked by the code the policy inserted, and by every iteration."""

    __slots__ = ("deadline",)

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Deadline(_script_line())

    def iterate(self, iterable) -> Iterator:
        return self._ticking(iter(iterable))

    def _ticking(self, iterator: Iterator) -> Iterator:
        for item in iterator:
            if time.monotonic() > self.deadline:
                raise _Deadline(_script_line())
            yield item

    def expire(self) -> None:
        # Generators left behind may resume (or run `finally`) later; they stop at once.
        self.deadline = float("-inf")


# ---------------------------------------------------------------- helpers

def _make_helpers(clock: Clock, calendar: WorkingCalendar) -> dict[str, Any]:
    """The functions scripts may call. Time comes from the injected clock, dates are the
    office's calendar days (the calendar's timezone), strings from JSON are accepted."""
    tz = calendar.tz

    def now() -> datetime:
        return clock.now()

    def today() -> date:
        return clock.now().astimezone(tz).date()

    def parse_datetime(value) -> datetime:
        return dates.parse_datetime(value, tz)

    def parse_date(value) -> date:
        return dates.parse_date(value, tz)

    def add_days(value, n):
        return dates.parse_day_or_time(value, tz) + timedelta(days=n)

    def add_hours(value, n) -> datetime:
        return dates.parse_datetime(value, tz) + timedelta(hours=n)

    def add_working_days(value, n):
        return calendar.add_working_days(dates.parse_day_or_time(value, tz), n)

    def working_days_between(a, b) -> int:
        return calendar.working_days_between(dates.parse_day_or_time(a, tz), dates.parse_day_or_time(b, tz))

    def is_working_day(value) -> bool:
        return calendar.is_working_day(dates.parse_day_or_time(value, tz))

    def days_between(a, b) -> int:
        return (parse_date(b) - parse_date(a)).days

    helpers = {f.__name__: f for f in (now, today, parse_datetime, parse_date, add_days, add_hours,
                                       add_working_days, working_days_between, is_working_day,
                                       days_between)}
    helpers.update(iso=dates.iso, duration=dates.parse_duration,
                   date=date, datetime=datetime, timedelta=timedelta, timezone=timezone)
    return helpers


# ---------------------------------------------------------------- the sandbox

class Sandbox:
    def __init__(self, clock: Clock | None = None, calendar: WorkingCalendar | None = None,
                 time_limit: float = 2.0):
        self.clock = clock or SystemClock()
        self.calendar = calendar or WorkingCalendar()
        self.time_limit = time_limit
        self.helpers: dict[str, object] = _make_helpers(self.clock, self.calendar)

    def compile(self, source: str, mode: str = "exec") -> CodeType:
        """The restricted code object for `source` (cached); SandboxViolation(line=N) if refused."""
        return self._compiled(source, mode).code

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        compiled = self._compiled(expression, "eval")
        return self._run(compiled, self._namespace(context, external_context))

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> None:
        """Run `script` over `context`'s variables; `context` then holds the resulting data."""
        compiled = self._compiled(script, "exec")
        namespace = self._namespace(context, external_context)
        self._run(compiled, namespace)
        self._write_back(namespace, context, external_context or {})

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
        else:
            frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename == FILENAME]
            line = frames[-1].lineno if frames else None
        lines = script.splitlines()
        return (line or 0), (lines[line - 1] if line and 0 < line <= len(lines) else "")


def make_script_engine(sandbox: Sandbox) -> PythonScriptEngine:
    return SandboxedScriptEngine(sandbox)
