"""What would make a case run without bound, found before deploy rather than in a stuck case:

- a call activity whose process is called again further down its own call chain (A calls B,
  B calls A): SpiffWorkflow would start the called processes over and over, and the start
  of a case would never return;
- a multi-instance activity whose loopCardinality is a constant above
  engine.limits.MULTI_INSTANCE_MAX. A cardinality computed from case data is the runtime's to
  check; only integer literals and arithmetic on them are worked out here (through the
  syntax tree, never eval, and without building astronomically large numbers).
"""
from __future__ import annotations

import ast
import math
import operator
from collections import deque

from engine.limits import MULTI_INSTANCE_MAX
from engine.lint.context import NS, LintContext, bpmn
from engine.lint.findings import Finding

# Beyond this magnitude a constant counts as infinite: far above any limit, cheap to compare.
_HUGE_BITS = 256


def call_cycles(ctx: LintContext) -> list[Finding]:
    calls = _calls(ctx)
    findings = []
    for process_id, outgoing in calls.items():
        for doc, call, target in outgoing:
            back = _path(calls, target, process_id)
            if back is not None:
                chain = " -> ".join([process_id, *back])
                message = (f"call chain {chain} comes back to its own process: each round starts the called "
                           "processes again, so a case would never get past this call; break the cycle")
                findings.append(doc.finding(call, "call-cycle", message))
    return findings


def _calls(ctx: LintContext) -> dict[str, list]:
    """Process id -> (document, call activity, called process id) of every call in it."""
    calls: dict[str, list] = {}
    for doc, process in ctx.executable_processes():
        found = calls.setdefault(process.get("id"), [])
        for call in process.iter(bpmn("callActivity")):
            if call.get("calledElement"):
                found.append((doc, call, call.get("calledElement")))
    return calls


def _path(calls: dict[str, list], start: str, goal: str) -> list[str] | None:
    """The shortest chain of processes from `start` to `goal` along calls, both included."""
    parents: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        process_id = queue.popleft()
        if process_id == goal:
            path = [process_id]
            while parents[path[-1]] is not None:
                path.append(parents[path[-1]])
            return path[::-1]
        for _, _, target in calls.get(process_id, []):
            if target not in parents:
                parents[target] = process_id
                queue.append(target)
    return None


def multi_instance_bounds(ctx: LintContext) -> list[Finding]:
    findings = []
    for doc, loop in ctx.executable_elements("multiInstanceLoopCharacteristics"):
        cardinality = loop.find("bpmn:loopCardinality", NS)
        text = (cardinality.text or "").strip() if cardinality is not None else ""
        value = constant_int(text) if text else None
        if value is not None and value > MULTI_INSTANCE_MAX:
            amount = "an astronomically large number of" if math.isinf(value) else f"{value}"
            message = (f"loop cardinality {text!r} makes {amount} instances; one activity may make at most "
                       f"{MULTI_INSTANCE_MAX} (JIAHE_MULTI_INSTANCE_MAX): split the work or loop over a collection")
            findings.append(doc.finding(cardinality, "multi-instance-too-large", message))
    return findings


def constant_int(text: str) -> int | float | None:
    """The value of an expression of integer literals (+ - * // % ** << >> and unary + - ~),
    float("inf") or float("-inf") beyond 2**256, or None when it is anything else."""
    try:
        value = _value(ast.parse(text, mode="eval").body)
    except (SyntaxError, ValueError, TypeError, ZeroDivisionError, OverflowError, RecursionError, MemoryError):
        return None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg, ast.Invert: operator.invert}


def _value(node):
    if isinstance(node, ast.Constant):
        is_int = isinstance(node.value, int) and not isinstance(node.value, bool)
        return node.value if is_int else None
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        operand = _value(node.operand)
        return None if operand is None else _capped(_UNARY[type(node.op)](operand))
    if isinstance(node, ast.BinOp):
        left, right = _value(node.left), _value(node.right)
        if left is None or right is None:
            return None
        return _capped(_binary(node.op, left, right))
    return None


def _binary(op, left, right):
    if isinstance(op, ast.Pow):
        return _power(left, right)
    if isinstance(op, (ast.LShift, ast.RShift)):
        return _shift(op, left, right)
    function = _BINARY.get(type(op))
    return function(left, right) if function else None


def _power(base, exponent):
    if exponent < 0:
        return None  # a fraction: not an instance count
    if exponent == 0 or base in (0, 1):
        return 1 if exponent == 0 else base
    infinite = isinstance(base, float) or isinstance(exponent, float)
    if base < 0 and isinstance(exponent, float):
        return None  # the sign of (-n) ** infinity is anyone's guess
    negative = base < 0 and exponent % 2 == 1
    if base == -1:
        return -1 if negative else 1
    if infinite or exponent * math.log2(abs(base)) > _HUGE_BITS:
        return -math.inf if negative else math.inf
    return base ** exponent


def _shift(op, value, bits):
    if isinstance(bits, float) or bits < 0:
        return None
    if isinstance(value, float):  # already infinite
        return value if isinstance(op, ast.LShift) else None
    if isinstance(op, ast.RShift):
        return value >> bits
    if value and bits > _HUGE_BITS:
        return math.inf if value > 0 else -math.inf
    return value << bits


def _capped(value):
    if isinstance(value, int) and value.bit_length() > _HUGE_BITS:
        return math.inf if value > 0 else -math.inf
    return value
