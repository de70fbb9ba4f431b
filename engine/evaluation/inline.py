"""Which expressions may run in the calling process instead of an evaluation process.

A round trip to an evaluation process costs far more than a gateway condition such as
`result in ("resolved", "withdrawn")`, and nearly every condition, DMN cell and timer or due
expression in a diagram is that simple. Such an expression runs in-process when its shape proves
that no single operation in it can run long or allocate much:

- one expression, each node evaluated once: no loops, comprehensions, lambdas or walrus;
- operations linear in their operands: comparisons, `and`/`or`/`not`, `x if c else y`,
  `+` and `-` (the sandbox caps sequence results), subscripts and slices, displays of values;
- calls only of helpers that are linear or bounded (the calendar walks at most
  MAX_SPAN_DAYS) and `.get(...)`; a few attributes of dates and durations;
- a helper only as the thing called, never as a value (a value must be saveable data).

Case data is a tree of JSON values (it came from JSON, or through an evaluation process that
checked it), so such an expression's cost is bounded by its length times the data's size.
Everything else — scripts included — goes to an evaluation process.
"""
from __future__ import annotations

import ast
import functools

MAX_INLINE_CHARS = 1000

_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.Compare, ast.UnaryOp, ast.Not, ast.USub,
    ast.UAdd, ast.IfExp, ast.Name, ast.Load, ast.Constant, ast.Subscript, ast.Slice, ast.Tuple,
    ast.List, ast.Dict, ast.Call, ast.Attribute, ast.BinOp, ast.Add, ast.Sub,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
)
_CALLS = frozenset({
    "now", "today", "iso", "parse_date", "parse_datetime", "add_days", "add_hours",
    "add_working_days", "working_days_between", "is_working_day", "days_between", "duration",
    "len", "bool", "str", "int", "float", "abs", "min", "max",
})
_ATTRIBUTES = frozenset({"year", "month", "day", "hour", "minute", "second", "days", "seconds"})


@functools.cache
def _callables() -> frozenset[str]:
    """Helpers and builtins scripts may call: as values they are not data. Read from the sandbox
    when first needed (the sandbox imports this module)."""
    from engine.sandbox import HELPER_NAMES, SAFE_BUILTINS

    return HELPER_NAMES | {name for name, value in SAFE_BUILTINS.items() if callable(value)}


@functools.lru_cache(maxsize=4096)
def runs_inline(source: str) -> bool:
    """True when `source`, an expression, is of the shape above (it still runs sandboxed)."""
    if not isinstance(source, str) or len(source) > MAX_INLINE_CHARS:
        return False
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return all(_allowed(node, called) for node in ast.walk(tree))


def _allowed(node: ast.AST, called: set[int]) -> bool:
    if not isinstance(node, _NODES):
        return False
    if isinstance(node, ast.Call):
        return _allowed_call(node)
    if isinstance(node, ast.Attribute):
        return node.attr in _ATTRIBUTES or (node.attr == "get" and id(node) in called)
    if isinstance(node, ast.Name):
        return node.id not in _callables() or id(node) in called
    if isinstance(node, ast.Dict):
        return None not in node.keys  # `{**a}` is fine in itself, but keep displays plain
    return True


def _allowed_call(node: ast.Call) -> bool:
    if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in _CALLS
    return isinstance(func, ast.Attribute) and func.attr == "get" and len(node.args) <= 2


@functools.lru_cache(maxsize=4096)
def referenced_names(source: str, mode: str) -> frozenset[str]:
    """Every variable name `source` reads, writes or deletes: all a sandboxed script can touch of
    case data, since it cannot reach globals() or the namespace by any other way."""
    text = source.strip() if mode == "eval" else source
    tree = ast.parse(text, mode=mode)
    return frozenset(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))
