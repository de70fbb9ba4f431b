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
from engine.sandbox.core import Sandbox, SandboxedScriptEngine, make_script_engine
from engine.sandbox.guards import SAFE_BUILTINS
from engine.sandbox.policy import HELPER_NAMES, check_source
from engine.sandbox.refusals import FILENAME, MAX_INT_BITS, MAX_ITEMS

__all__ = ["FILENAME", "HELPER_NAMES", "MAX_INT_BITS", "MAX_ITEMS", "SAFE_BUILTINS", "Sandbox",
           "SandboxedScriptEngine", "check_source", "make_script_engine"]
