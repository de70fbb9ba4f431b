"""Render a user task's `instructionsForEndUser` (a Jinja template) with the task's data.

The template comes from a deployed diagram and the data from the case, so rendering runs in
Jinja's sandbox with autoescaping, treats a missing variable as empty text, and never fails
the page: on any error the designer's raw text is shown with a note saying what went wrong.
The text is HTML-escaped in both cases: data values can never inject markup.

The sandbox is tightened so that a typo cannot exhaust the process that renders:
- values a template builds (`*`, `+`, `~`, `join`, `replace`) have at most MAX_BUILT_LENGTH
  items or characters, integers at most MAX_INT_BITS bits, `**` a small exponent;
- str and int methods that pad or build (`ljust`, `format`, `to_bytes`, ...) are not
  accessible, nor are methods that change data (`append`, `update`, ...); filters that pad,
  build or loop by an argument are removed or bounded, and so is `range`;
- one render may take MAX_STEPS loop rounds and calls in all (a loop that prints nothing,
  macro recursion), and its output is cut at MAX_OUTPUT_CHARS.
"""
from __future__ import annotations

import functools
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import ChainableUndefined, nodes, pass_context, pass_environment, pass_eval_context
from jinja2.filters import do_replace, do_round, make_attrgetter, sync_do_join, sync_do_sum
from jinja2.runtime import LoopContext, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer
from markupsafe import escape, soft_str

MAX_OUTPUT_CHARS = 20_000
# Bounds on what a template may build: big enough for any instruction text (and for a long
# text from the case joined to a few words), small enough that a typo such as `"-" * 10**9`
# cannot exhaust memory.
MAX_BUILT_LENGTH = 100_000
MAX_EXPONENT = 100
MAX_INT_BITS = 8192          # as the script sandbox: long arithmetic in C cannot be stopped
MAX_RANGE_ITEMS = 1_000
MAX_ROUND_DIGITS = 100
MAX_STEPS = 100_000          # loop rounds and calls of one render

# Methods that pad, build or encode to a size an argument chooses.
_BUILDING_METHODS = {
    str: frozenset({"ljust", "rjust", "center", "zfill", "expandtabs", "replace", "join", "format",
                    "format_map", "translate", "maketrans", "encode"}),
    int: frozenset({"to_bytes", "from_bytes"}),
}
# Filters that pad or wrap to a chosen width, loop by an argument (`slice(10**9)`, `batch`),
# match with a regular expression that is quadratic in its input (`urlize`), or let case data
# through unescaped (`safe`: the text is promised escaped to every API client).
_REMOVED_FILTERS = ("center", "indent", "format", "wordwrap", "urlize", "slice", "batch", "safe")
_ROUNDS = "loop rounds"        # internal filters: names a template cannot write
_CONCATENATED = "concatenated"


@dataclass(frozen=True)
class RenderedInstructions:
    text: str
    note: str | None = None  # set when the template could not be rendered


def render_instructions(source: str | None, data: dict | None, sandbox=None) -> RenderedInstructions:
    """The instructions for the task's current data; never raises. With `sandbox` (an
    engine.sandbox.Sandbox), rendered by its evaluation process (render_bounded there)."""
    if not source:
        return RenderedInstructions("")
    try:
        if sandbox is not None:
            return RenderedInstructions(sandbox.render(source, data or {}))
        return RenderedInstructions(render_bounded(source, data or {}))
    except Exception as exc:  # a broken template must not break the task page
        # Escaped like rendered output, so clients treat the text the same either way.
        note = f"说明模板无法渲染，显示原文 (shown unrendered: {type(exc).__name__}: {_first_line(exc)})"
        return RenderedInstructions(str(escape(source)), note=note)


def render_bounded(source: str, data: dict) -> str:
    """`source` rendered with `data` within the bounds above, cut at MAX_OUTPUT_CHARS; raises
    what went wrong (SecurityError for a bound) instead of falling back to the raw text."""
    if not source:
        return ""
    token = _STEPS.set(_Steps())
    try:
        return _bounded(_template(source).generate(_context(data)))
    finally:
        _STEPS.reset(token)


# ---------------------------------------------------------------- the environment

class _InstructionEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "//", "+"})

    def call_binop(self, context, op: str, left: Any, right: Any) -> Any:
        _check_binop(op, left, right)
        return super().call_binop(context, op, left, right)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        for kind, names in _BUILDING_METHODS.items():
            if attr in names and (isinstance(obj, kind) or isinstance(obj, type) and issubclass(obj, kind)):
                return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format is refused (is_safe_attribute), not run through a formatter

    def call(self, context, obj, /, *args: Any, **kwargs: Any) -> Any:
        _spend()
        if isinstance(obj, LoopContext) and args:  # `loop(children)` in a recursive loop
            args = (_counted(args[0]), *args[1:])
        return super().call(context, obj, *args, **kwargs)

    def _parse(self, source, name, filename):
        tree = _Bounds().visit(super()._parse(source, name, filename))
        tree.set_environment(self)
        return tree


class _Bounds(NodeTransformer):
    """Every `{% for %}` iterates through the step budget; every `~` joins through a length check."""

    def visit_For(self, node: nodes.For) -> nodes.For:
        node = self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, _ROUNDS, [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Filter:
        node = self.generic_visit(node)
        parts = nodes.List(node.nodes, lineno=node.lineno)
        return nodes.Filter(parts, _CONCATENATED, [], [], None, None, lineno=node.lineno)


def _check_binop(op: str, left: Any, right: Any) -> None:
    ints = _integer(left) and _integer(right)
    if op == "**" and _number(right) and abs(right) > MAX_EXPONENT:
        raise SecurityError(f"exponent {right} is too large")
    if op == "**" and ints and right > 0 and abs(left) > 1:
        _limit_bits(left.bit_length() * right)
    elif op == "*" and ints:
        _limit_bits(left.bit_length() + right.bit_length())
    elif op in ("//", "%") and ints:  # long division is quadratic in the operands' length
        _limit_bits(max(left.bit_length(), right.bit_length()))
    elif op == "%" and isinstance(left, str):
        raise SecurityError("string formatting with % is not available in instructions")
    elif op == "*":
        _limit_length(_repeats(left, right), "the repeated value")
    elif op == "+" and all(isinstance(x, (str, list, tuple)) for x in (left, right)):
        _limit_length(len(left) + len(right), "the joined value")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _repeats(left: Any, right: Any) -> int:
    """The length `left * right` would have when it repeats a sequence (0 for numbers)."""
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
            return len(seq) * max(times, 0)
    return 0


def _limit_length(length: int, what: str) -> None:
    if length > MAX_BUILT_LENGTH:
        raise SecurityError(f"{what} would have {length} characters or items; instructions allow {MAX_BUILT_LENGTH}")


def _limit_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise SecurityError(f"the integer would have about {bits} bits; instructions allow {MAX_INT_BITS}")


# ---------------------------------------------------------------- the step budget

class _Steps:
    __slots__ = ("left",)

    def __init__(self):
        self.left = MAX_STEPS


_STEPS: ContextVar[_Steps | None] = ContextVar("instruction_steps", default=None)


def _spend() -> None:
    steps = _STEPS.get()
    if steps is not None:
        steps.left -= 1
        if steps.left < 0:
            raise SecurityError(f"the instructions took more than {MAX_STEPS} loop rounds and calls")


def _counted(iterable):
    for item in iterable:
        _spend()
        yield item


@pass_context
def _loop_rounds(context, iterable):
    return _counted(iterable)


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE_ITEMS:
        raise SecurityError(f"range of {len(numbers)} numbers; instructions allow {MAX_RANGE_ITEMS}")
    return numbers


# ---------------------------------------------------------------- bounded filters

@pass_context
def _concatenated(context, parts: list) -> str:
    """`a ~ b` as Jinja joins it, once the total length is known."""
    escaped = context.eval_ctx.autoescape
    texts = [soft_str(p) if escaped else str(p) for p in parts]
    _limit_length(sum(map(len, texts)), "the joined text")
    return markup_join(texts) if escaped else str_join(texts)


@pass_eval_context
def _join(eval_ctx, value, d: str = "", attribute=None) -> str:
    items = list(value if attribute is None else map(make_attrgetter(eval_ctx.environment, attribute), value))
    length = len(str(d)) * max(len(items) - 1, 0)
    _limit_length(length, "the joined text")
    for i, item in enumerate(items):
        if not isinstance(item, str) and not hasattr(item, "__html__"):
            items[i] = item = str(item)
        length += len(item) if isinstance(item, str) else 0
        _limit_length(length, "the joined text")
    return sync_do_join(eval_ctx, items, d)


@pass_eval_context
def _replace(eval_ctx, s, old, new, count=None) -> str:
    text, old_text = str(s), str(old)
    times = text.count(old_text) if old_text else len(text) + 1
    if count is not None and count >= 0:
        times = min(times, count)
    _limit_length(len(text) + times * len(str(escape(new))), "the replaced text")
    return do_replace(eval_ctx, s, old, new, count)


def _round(value, precision=0, method="common"):
    if isinstance(precision, int) and abs(precision) > MAX_ROUND_DIGITS:
        raise SecurityError(f"round to {precision} digits; instructions allow up to {MAX_ROUND_DIGITS} either way")
    return do_round(value, precision, method)


@pass_environment
def _sum(environment, iterable, attribute=None, start=0):
    if not _number(start):  # sum of lists concatenates again and again
        raise SecurityError("sum adds numbers only in instructions")
    return sync_do_sum(environment, iterable, attribute, start)


@functools.cache
def _environment() -> _InstructionEnvironment:
    env = _InstructionEnvironment(autoescape=True, undefined=ChainableUndefined)
    for name in _REMOVED_FILTERS:
        env.filters.pop(name, None)
    env.filters.update({_ROUNDS: _loop_rounds, _CONCATENATED: _concatenated, "join": _join,
                        "replace": _replace, "round": _round, "sum": _sum})
    env.globals.pop("lipsum", None)
    env.globals["range"] = _range
    return env


@functools.lru_cache(maxsize=256)
def _template(source: str):
    return _environment().from_string(source)


def _context(data: dict | None) -> dict:
    return {k: v for k, v in (data or {}).items() if isinstance(k, str)}


def _bounded(chunks) -> str:
    parts, size = [], 0
    try:
        for chunk in chunks:
            parts.append(chunk)
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                return "".join(parts)[:MAX_OUTPUT_CHARS] + "…"
        return "".join(parts)
    finally:
        chunks.close()


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else "error"
