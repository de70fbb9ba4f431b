"""The run-time guards: attribute reads, sizes capped before C code allocates, the builtins
scripts get, and the deadline checked on every loop round, iteration and call."""
from __future__ import annotations

import builtins
import functools
import itertools
import operator
import re
import time
from collections.abc import Iterator
from datetime import date, timedelta
from datetime import time as daytime
from typing import Any

from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr_raise,
)
from RestrictedPython.transformer import (
    INSPECT_ATTRIBUTES,
)

from engine.sandbox.printing import _Callable, _display, _joined, _Printed, _shown, _Str
from engine.sandbox.refusals import MAX_INT_BITS, MAX_ITEMS, _limit_bits, _limit_items, _refuse, _script_line

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
