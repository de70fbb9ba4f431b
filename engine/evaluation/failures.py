"""An evaluation process's error report, raised again in the engine as the same kind of error.

A script's NameError stays a NameError (the DMN engine and `try/except NameError` defaults rely
on the kind), carrying the message and the script line the process saw; the sandbox's own
refusals come back as the same JiaheError with their Chinese text.
"""
from __future__ import annotations

import builtins
import functools

from engine import errors

_JIAHE = {cls.code: cls for cls in (errors.SandboxViolation, errors.SandboxTimeout,
                                     errors.SandboxMemoryExceeded, errors.UnsaveableValue)}


def rebuild(report: dict, memory_mb: int) -> BaseException:
    kind = report.get("kind")
    if kind == "memory":
        return errors.SandboxMemoryExceeded(
            f"needed more than the {memory_mb} MiB of memory an evaluation may use", limit="memory",
            memory_limit_mb=memory_mb, zh=f"所需内存超过求值上限 {memory_mb} MiB，已中止")
    if kind == "jiahe":
        cls = _JIAHE.get(report.get("code"), errors.SandboxViolation)
        return cls(report.get("message") or "", zh=report.get("zh"), **(report.get("context") or {}))
    return _script_error(report.get("type") or "Exception", report.get("message") or "", report.get("line"))


def _script_error(type_name: str, message: str, line: int | None) -> Exception:
    err = _reported_class(type_name)(message)
    err.sandbox_line = line
    return err


@functools.lru_cache(maxsize=64)
def _reported_class(type_name: str) -> type:
    """A subclass of the builtin exception of that name (Exception for others) whose str() is
    the message the process reported, as the original's was (KeyError would quote it again)."""
    base = getattr(builtins, type_name, None)
    if not (isinstance(base, type) and issubclass(base, Exception)):
        base = Exception
    return type(type_name, (base,), {"__str__": lambda self: self.args[0] if self.args else "",
                                     "__module__": "builtins"})
