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
import hashlib
import itertools
import json
import operator
import re
import sys
import time
import traceback
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone, tzinfo
from datetime import time as daytime
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
from engine.evaluation.inline import referenced_names, runs_inline
from engine.evaluation.pool import shared_pool
from engine.evaluation.step_bounds import check_result
from engine.evaluation.values import to_wire
from engine.limits import SCRIPT_TIME_LIMIT_SECONDS

FILENAME = "<jiahe-script>"  # how tracebacks and error reports recognise sandboxed frames
MAX_ITEMS = 1_000_000        # elements or characters a single operation may produce
MAX_INT_BITS = 8192          # integers beyond this make C arithmetic slow and uninterruptible

# ---------------------------------------------------------------- compile-time policy

_TIMED_NODES = (ast.While, ast.For, ast.comprehension, ast.FunctionDef, ast.Lambda)
_GUARDED_OPS = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%",
                ast.FloorDiv: "//"}


def _call(name: str, args: list[ast.expr], where: ast.AST) -> ast.Call:
    node = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    copy_locations(node, where)
    return node


def _segments(elements: list[ast.expr], where: ast.AST) -> list[ast.expr]:
    """`x, *a, y, z` as the iterables `(x,)`, `a`, `(y, z)`, for _display_ to measure and join."""
    segments: list[ast.expr] = []
    plain = None
    for element in elements:
        if isinstance(element, ast.Starred):
            segments.append(element.value)
            plain = None
            continue
        if plain is None:
            plain = ast.Tuple(elts=[], ctx=ast.Load())
            copy_locations(plain, where)
            segments.append(plain)
        plain.elts.append(element)
    return segments


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

    def visit_JoinedStr(self, node):
        # f'{a}{a}{a}' joins in C: each value is formatted on its own, then _join_ measures them.
        if not any(isinstance(part, ast.FormattedValue) for part in node.values):
            return node
        pieces = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                part = ast.JoinedStr(values=[self.visit(part)])
                copy_locations(part, node)
            pieces.append(part)
        return _call("_join_", pieces, node)

    def visit_FormattedValue(self, node):
        # format(1, '999999999') allocates in C, so the spec must be a literal of sane width.
        spec = node.format_spec
        parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec] if spec else []
        if not all(isinstance(p, ast.Constant) for p in parts):
            self.error(node, "f-string format specs must be literal")
        elif re.search(r"\d{5,}", "".join(str(p.value) for p in parts)):
            self.error(node, "f-string format width is too large")
        node.value = _call("_shown_", [self.visit(node.value)], node.value)  # no heap addresses
        return node

    def visit_List(self, node):
        return self._display(super().visit_List(node), "list")

    def visit_Tuple(self, node):
        return self._display(super().visit_Tuple(node), "tuple")

    def visit_Set(self, node):
        return self._display(super().visit_Set(node), "set")

    def _display(self, node, kind: str):
        """`[*a, x, *b]` unpacks in C; _display_ adds up the lengths first."""
        if isinstance(getattr(node, "ctx", None), (ast.Store, ast.Del)) or \
                not any(isinstance(e, ast.Starred) for e in node.elts):
            return node
        return _call("_display_", [ast.Constant(kind), *_segments(node.elts, node)], node)

    def visit_Call(self, node):
        node = super().visit_Call(node)  # `f(*a, **k)` became `_apply_(f, *a, **k)`
        if not any(isinstance(arg, ast.Starred) for arg in node.args):
            return node
        unpacked = _call("_display_", [ast.Constant("tuple"), *_segments(node.args[1:], node)], node)
        starred = ast.Starred(value=unpacked, ctx=ast.Load())
        copy_locations(starred, node)
        node.args = [node.args[0], starred]
        return node

    # Helper names stay helpers: a value bound to one would land in case data and shadow the
    # helper for every later step.
    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Store):
            self._helper_name(node, node.id, "assigned")
        elif isinstance(node.ctx, ast.Del):
            self._helper_name(node, node.id, "deleted")
        return super().visit_Name(node)

    def visit_arg(self, node):
        self._helper_name(node, node.arg, "a parameter name")
        return super().visit_arg(node)

    def visit_Global(self, node):
        for name in node.names:
            self._helper_name(node, name, "declared global")
        return super().visit_Global(node)

    def _helper_name(self, node, name: str | None, use: str) -> None:
        if name in HELPER_NAMES:
            kind = "type" if name in _HELPER_TYPES else "function"
            self.error(node, f"'{name}' is a helper {kind} and cannot be {use}; choose another name")

    def visit_While(self, node):
        node = super().visit_While(node)
        node.body.insert(0, _tick(node))
        return node

    def visit_FunctionDef(self, node):
        self._helper_name(node, node.name, "redefined")
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
        self._helper_name(node, node.name, "assigned")
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
MAX_ROUND_DIGITS = 1000        # round(7, -10**9) would compute 10**(10**9) in C
MAX_DATE_FORMAT_CHARS = 2000   # strftime/strptime formats and strptime's text
# The `%` conversions that have a (key) (to the end if unclosed), a width or a precision, and
# `%%` so that it is skipped as a pair. A match consumes what it read and a failed attempt
# reads a run of flags at most: one linear pass (the former pattern rescanned each key).
_PRINTF_SPEC = {str: re.compile(r"%(?:%|(\([^)]*(?:\)|\Z))[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?"
                                r"|[-#0 +]*(?:(\*|\d+)(?:\.(\*|\d*))?|\.(\*|\d*)))")}
_PRINTF_SPEC[bytes] = re.compile(_PRINTF_SPEC[str].pattern.encode())
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
    elif symbol in ("//", "%") and ints:  # long division is quadratic in the operands' length
        bits = max(a.bit_length(), b.bit_length())
        if bits > MAX_INT_BITS:
            raise _refuse(f"{symbol} of a {bits}-bit integer; the sandbox allows {MAX_INT_BITS} bits")
    elif symbol == "%" and type(a) in _PRINTF_SPEC:
        _check_printf(a, b)


def _check_printf(template: str | bytes, args: Any) -> None:
    """`template % args`: no `*` or five-digit widths, no result beyond MAX_ITEMS (estimated)."""
    length, keyed = len(template), False
    for match in _PRINTF_SPEC[type(template)].finditer(template):
        key, width, precision, width2, precision2, precision3 = match.groups()
        if key and key[1:].count(b"(" if isinstance(key, bytes) else "("):
            raise _refuse("printf-style keys may not contain parentheses")
        for field in (width or width2, precision or precision2 or precision3):
            if field and (field in ("*", b"*") or len(field) >= 5):
                raise _refuse("printf-style width or precision is too large")
            length += int(field or 0)
        keyed = keyed or key is not None
    if keyed and isinstance(args, dict):  # one value may be used by every conversion
        conversions = template.count(b"%" if isinstance(template, bytes) else "%")
        length += conversions * max(map(_printed_size, args.values()), default=0)
    else:
        length += sum(map(_printed_size, args)) if isinstance(args, tuple) else _printed_size(args)
    _limit_items(length)


def _printed_size(value: Any) -> int:
    """Characters `%s` prints for text and numbers (containers are left to the OS limits)."""
    if isinstance(value, (str, bytes, bytearray)):
        return len(value)
    if isinstance(value, int):
        return value.bit_length() // 3 + 2  # octal is the longest
    return 320 if isinstance(value, float) else 0  # '%f' % 1e308


def _binop(symbol: str, a: Any, b: Any) -> Any:
    _check_size(symbol, a, b)
    if symbol == "%" and type(a) in _PRINTF_SPEC:
        b = _shown(b)
    return _OPERATORS[symbol](a, b)


def _inplace(symbol: str, a: Any, b: Any) -> Any:
    _check_size(symbol[:-1], a, b)
    if symbol == "%=" and type(a) in _PRINTF_SPEC:
        b = _shown(b)
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
    cls = obj if isinstance(obj, type) else type(obj)
    if name in _SIZED_METHODS and issubclass(cls, _SIZED_TYPES):
        return _sized(obj, name, value) if cls is not obj else _unbound_sized(name, value)
    if name in ("strftime", "strptime") and issubclass(cls, (date, daytime)):
        return _date_format(name, value)
    if name == "from_bytes" and issubclass(cls, int):
        return _from_bytes(value)
    return value


_SIZED_TYPES = (str, bytes, list, int)


def _unbound_sized(name: str, method: Any) -> Any:
    """`str.ljust('x', n)`: the same checks as `'x'.ljust(n)`."""
    def checked(obj=None, *args, **kwargs):
        if not isinstance(obj, _SIZED_TYPES):
            return method(obj, *args, **kwargs)  # the method itself says what is wrong
        return _sized(obj, name, functools.partial(method, obj))(*args, **kwargs)
    return checked


def _date_format(name: str, method: Any) -> Any:
    def checked(*args, **kwargs):
        for text in (*args, *kwargs.values()):
            if isinstance(text, str) and len(text) > MAX_DATE_FORMAT_CHARS:
                raise _refuse(f"{name}() was given a text of {len(text)} characters; "
                              f"the sandbox allows {MAX_DATE_FORMAT_CHARS}")
        return method(*args, **kwargs)
    return checked


def _from_bytes(method: Any) -> Any:
    def checked(*args, **kwargs):
        data = args[0] if args else kwargs.get("bytes")
        if data is not None and not hasattr(data, "__len__"):  # an iterable of ints: read a bounded prefix
            data = list(itertools.islice(data, MAX_INT_BITS // 8 + 1))
            args, kwargs = ((data, *args[1:]), kwargs) if args else (args, {**kwargs, "bytes": data})
        if data is not None and hasattr(data, "__len__"):
            _limit_bits(8 * len(data))
        return method(*args, **kwargs)
    return checked


class _Callable:
    """A function of the sandbox's own as scripts see it: shown as `<helper now>`, never with a
    heap address, and with no attribute a script may read (its slots begin with `_`)."""

    __slots__ = ("_function", "_shown")

    def __init__(self, function: Any, shown: str):
        self._function, self._shown = function, shown

    def __call__(self, *args, **kwargs):
        return self._function(*args, **kwargs)

    def __repr__(self) -> str:
        return self._shown


class _Opaque:
    """What a script sees when it prints a function, method, generator or iterator."""

    __slots__ = ("_text",)

    def __init__(self, text: str):
        self._text = text

    def __repr__(self) -> str:
        return self._text

    def __format__(self, spec: str) -> str:
        return format(self._text, spec)


_PLAIN = (str, bytes, bytearray, int, float, complex, type(None), type(...), date, daytime, timedelta,
          tzinfo, range, type, _Callable, _Opaque)
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None), date, datetime, timedelta})
_DICT_VIEWS = (type({}.keys()), type({}.values()), type({}.items()))


def _opaque(value: Any) -> bool:
    """True for what Python prints with its heap address (`<function f at 0x7f...>`)."""
    return not isinstance(value, _PLAIN) and (
        callable(value) or isinstance(value, GeneratorType) or type(value).__repr__ is object.__repr__)


def _shown(value: Any) -> Any:
    """`value` as str(), f-strings and `%` may print it: itself, or when it holds something
    _opaque, a copy with each such thing replaced by `<function>` (or `<generator>`, ...)."""
    return _replaced(value, {}) if _leaks(value) else value


def _leaks(value: Any) -> bool:
    pending, seen = [value], set()
    while pending:
        item = pending.pop()
        if isinstance(item, _PLAIN) or id(item) in seen:
            continue
        if _opaque(item):
            return True
        seen.add(id(item))
        if isinstance(item, dict):
            parts = (item.keys(), item.values())
        elif isinstance(item, BaseException):
            parts = (item.args,)
        elif isinstance(item, (list, tuple, set, frozenset, *_DICT_VIEWS)):
            parts = (item,)
        else:
            continue
        for part in parts:  # a million numbers or strings are passed over at C speed
            if not set(map(type, part)) <= _PLAIN_TYPES:
                pending += part
    return False


def _replaced(value: Any, made: dict[int, Any]) -> Any:
    if isinstance(value, _PLAIN):
        return value
    if _opaque(value):
        return _Opaque("<function>" if callable(value) else f"<{type(value).__name__}>")
    if id(value) in made:  # a container met again: its copy, or `[...]` as repr shows a cycle
        return made[id(value)]
    if isinstance(value, list):
        made[id(value)] = copy = []
        copy.extend(_replaced(item, made) for item in value)
        return copy
    if isinstance(value, dict):
        made[id(value)] = copy = {}
        copy.update((_replaced(k, made), _replaced(v, made)) for k, v in value.items())
        return copy
    made[id(value)] = _Opaque("(...)")
    if isinstance(value, (tuple, set, frozenset)):
        kind = type(value) if type(value) in (tuple, set, frozenset) else tuple
        return kind(_replaced(item, made) for item in value)
    if isinstance(value, _DICT_VIEWS):  # dict_keys([...]) and the like, over a copy of the dict
        return getattr(_replaced(dict(value.mapping), made), type(value).__name__[5:])()
    if isinstance(value, BaseException):
        try:
            return type(value)(*(_replaced(arg, made) for arg in value.args))
        except Exception:  # noqa: BLE001 - an exception class with a constructor of its own
            return _Opaque(f"<{type(value).__name__}>")
    return value


class _StrType(type):
    def __instancecheck__(cls, value: Any) -> bool:
        return isinstance(value, str)

    def __subclasscheck__(cls, other: type) -> bool:
        return issubclass(other, str)

    def __repr__(cls) -> str:
        return "<class 'str'>"


class _Str(str, metaclass=_StrType):
    """`str` as scripts see it: `isinstance(x, str)`, `str.upper` and `str(b, 'utf-8')` as
    ever, but `str(x)` shows no heap address (see _shown)."""

    def __new__(cls, *args, **kwargs):
        if args:
            args = (_shown(args[0]), *args[1:])
        elif "object" in kwargs:
            kwargs["object"] = _shown(kwargs["object"])
        return str(*args, **kwargs)


def _joined(*pieces: str) -> str:
    """An f-string's formatted pieces, joined once their total length is known."""
    _limit_items(sum(map(len, pieces)))
    return "".join(pieces)


_MEASURED = (str, bytes, list, tuple, dict, set, frozenset, range, *_DICT_VIEWS)
_DISPLAY_KINDS = {"list": list, "tuple": tuple, "set": set}


def _display(kind: str, *segments: Any) -> Any:
    """`[x, *a, *b]` (and tuples, sets, call arguments) from the iterables `(x,)`, `a`, `b`:
    the items are counted before C code copies them."""
    items: list = []
    for segment in segments:
        if isinstance(segment, _MEASURED):
            _limit_items(len(items) + len(segment))
            items.extend(segment)
            continue
        for item in segment:  # an iterator: a generator stops at the deadline, this at the count
            items.append(item)
            if len(items) > MAX_ITEMS:
                _limit_items(len(items))
    return items if kind == "list" else _DISPLAY_KINDS[kind](items)


class _Printed(PrintCollector):
    """print() in scripts: collected for `printed` (else dropped), shown without heap addresses,
    at most MAX_ITEMS characters in all."""

    def __init__(self, _getattr_=None):
        super().__init__(_getattr_)
        self.size = 0

    def write(self, text: str) -> None:
        self.size += len(text)
        _limit_items(self.size)
        super().write(text)

    def _call_print(self, *objects, **kwargs):
        super()._call_print(*map(_shown, objects), **kwargs)


def _round(number, ndigits=None):
    if isinstance(ndigits, int) and abs(ndigits) > MAX_ROUND_DIGITS:
        raise _refuse(f"round() to {ndigits} digits; the sandbox allows up to {MAX_ROUND_DIGITS} either way")
    return round(number, ndigits)


_IMPORTABLE = frozenset({"time", "_strptime"})


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    """The `__import__` C code finds in the running frame's builtins: datetime's strftime and
    strptime import `time` and `_strptime` through it. Scripts cannot name it (`_` names)."""
    if name not in _IMPORTABLE or level:
        raise _refuse(f"import of {name!r} is not allowed")
    return builtins.__import__(name, None, None, fromlist, 0)


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
SAFE_BUILTINS.update({name: _Callable(function, f"<built-in function {name}>") for name, function in (
    ("range", _range), ("sum", _sum), ("round", _round), ("__import__", _import))})
SAFE_BUILTINS.update({"str": _Str, "True": True, "False": False, "None": None})

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
    "_print_": _Printed,  # print() output is collected and dropped
    "_deadline_": _no_deadline,
    "_shown_": _shown,
    "_join_": _joined,
    "_display_": _display,
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

HELPER_NAMES = frozenset({
    "now", "today", "parse_datetime", "parse_date", "add_days", "add_hours", "add_working_days",
    "working_days_between", "is_working_day", "days_between", "iso", "duration",
    "date", "datetime", "timedelta", "timezone"})  # scripts cannot bind them (see _Policy)
_HELPER_TYPES = frozenset({"date", "datetime", "timedelta", "timezone"})


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

    functions = (now, today, parse_datetime, parse_date, add_days, add_hours, add_working_days,
                 working_days_between, is_working_day, days_between)
    helpers: dict[str, Any] = {f.__name__: f for f in functions}
    helpers.update(iso=dates.iso, duration=dates.parse_duration)
    helpers = {name: _Callable(f, f"<helper {name}>") for name, f in helpers.items()}
    helpers.update(date=date, datetime=datetime, timedelta=timedelta, timezone=timezone)
    return helpers


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
        self._calendar_spec = self.calendar.to_dict()
        self._calendar_key = hashlib.sha1(json.dumps(self._calendar_spec).encode()).hexdigest()

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
        return {"now": self.clock.now().isoformat(), "calendar": self._calendar_spec,
                "calendar_key": self._calendar_key, "time_limit": self.time_limit}

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
