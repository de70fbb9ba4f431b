"""The compile-time policy: RestrictedPython's, minus imports and classes, plus size and time
guards inserted into the code and helper names that scripts cannot bind."""
from __future__ import annotations

import ast
import functools
import re
from types import CodeType
from typing import NamedTuple

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import (
    IOPERATOR_TO_STR,
    RestrictingNodeTransformer,
    copy_locations,
)

from engine.errors import SandboxViolation
from engine.sandbox.refusals import FILENAME

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




HELPER_NAMES = frozenset({
    "now", "today", "parse_datetime", "parse_date", "add_days", "add_hours", "add_working_days",
    "working_days_between", "is_working_day", "days_between", "iso", "duration",
    "date", "datetime", "timedelta", "timezone"})  # scripts cannot bind them (see _Policy)
_HELPER_TYPES = frozenset({"date", "datetime", "timedelta", "timezone"})
