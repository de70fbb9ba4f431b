"""What scripts print carries no heap address: the sandbox's own callables show as
`<helper now>`, and any function, method, generator or iterator as `<function>` and the like,
in str(), f-strings, `%` and print(); f-strings and star displays are measured before joining."""
from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from datetime import time as daytime
from types import GeneratorType
from typing import Any

from RestrictedPython.PrintCollector import PrintCollector

from engine.sandbox.refusals import MAX_ITEMS, _limit_items


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
