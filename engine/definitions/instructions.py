"""Render a user task's `instructionsForEndUser` (a Jinja template) with the task's data.

The template comes from a deployed diagram and the data from the case, so rendering runs in
Jinja's sandbox with autoescaping, treats a missing variable as empty text, and never fails
the page: on any error the designer's raw text is shown with a note saying what went wrong.
The text is HTML-escaped in both cases: data values can never inject markup.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from jinja2 import ChainableUndefined
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import escape

MAX_OUTPUT_CHARS = 20_000
# Bounds on values a template may build with * ** %: big enough for any instruction text,
# small enough that a typo such as `"-" * 10**9` cannot exhaust memory.
MAX_BUILT_LENGTH = 10_000
MAX_EXPONENT = 100


@dataclass(frozen=True)
class RenderedInstructions:
    text: str
    note: str | None = None  # set when the template could not be rendered


class _InstructionEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context, op: str, left: Any, right: Any) -> Any:
        if op == "**" and _number(right) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent {right} is too large")
        if op == "%" and isinstance(left, str):
            raise SecurityError("string formatting with % is not available in instructions")
        if op == "*" and _repeats(left, right) > MAX_BUILT_LENGTH:
            raise SecurityError("the repeated value would be too long")
        return super().call_binop(context, op, left, right)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _repeats(left: Any, right: Any) -> int:
    """The length `left * right` would have when it repeats a sequence (0 for numbers)."""
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
            return len(seq) * max(times, 0)
    return 0


@functools.cache
def _environment() -> SandboxedEnvironment:
    env = _InstructionEnvironment(autoescape=True, undefined=ChainableUndefined)
    # Filters that pad or format to a width the template chooses could build huge strings.
    for name in ("center", "indent", "format", "wordwrap"):
        env.filters.pop(name, None)
    return env


@functools.lru_cache(maxsize=256)
def _template(source: str):
    return _environment().from_string(source)


def render_instructions(source: str | None, data: dict | None) -> RenderedInstructions:
    """The instructions for the task's current data; never raises."""
    if not source:
        return RenderedInstructions("")
    try:
        return RenderedInstructions(_bounded(_template(source).generate(_context(data))))
    except Exception as exc:  # a broken template must not break the task page
        # Escaped like rendered output, so clients treat the text the same either way.
        note = f"说明模板无法渲染，显示原文 (shown unrendered: {type(exc).__name__}: {_first_line(exc)})"
        return RenderedInstructions(str(escape(source)), note=note)


def _context(data: dict | None) -> dict:
    return {k: v for k, v in (data or {}).items() if isinstance(k, str)}


def _bounded(chunks) -> str:
    parts, size = [], 0
    for chunk in chunks:
        parts.append(chunk)
        size += len(chunk)
        if size > MAX_OUTPUT_CHARS:
            return "".join(parts)[:MAX_OUTPUT_CHARS] + "…"
    return "".join(parts)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else "error"

