"""An evaluation process: runs scripts, expressions and instruction texts sent by the engine.

Started by engine.evaluation.pool. Before it reads its first request it caps its own address
space (RLIMIT_AS), so that a single C call inside a script — `str()` of a huge nested list, a
giant join — fails with MemoryError here instead of taking the server's memory; and before each
request it caps the CPU seconds it may still use (RLIMIT_CPU), so that it dies by itself if the
engine that would have killed it is gone. The engine kills it when a request overruns its time.

After a MemoryError the process answers and exits: its heap may be fragmented, and a fresh
process costs less than doubt.
"""
from __future__ import annotations

import os
import re
import resource
import sys
import traceback
from datetime import datetime
from typing import Any

from engine.evaluation.protocol import ProcessGone, read_frame, write_frame

_MIB = 1024 * 1024


class _FixedClock:
    """The engine's time when it sent the request: every helper in one evaluation agrees."""

    def __init__(self, when: datetime):
        self.when = when

    def now(self) -> datetime:
        return self.when


def main() -> None:
    channel = _private_stdout()
    requests = sys.stdin.buffer
    memory_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 512
    _cap_memory(memory_mb)
    write_frame(channel, {"ready": os.getpid()})
    handler = _Handler()
    while True:
        try:
            request = read_frame(requests)
        except ProcessGone:
            return  # the engine went away
        _cap_cpu(request.get("time_limit", 2.0))
        try:
            response = handler.handle(request)
        except MemoryError:
            write_frame(channel, {"ok": False, "error": {"kind": "memory", "limit_mb": memory_mb}})
            sys.exit(3)
        write_frame(channel, response)


def _private_stdout():
    """The protocol's own copy of stdout; anything else printing goes to stderr."""
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return channel


def _cap_memory(limit_mb: int) -> None:
    # Counted above what the process already maps (interpreter, libraries), so the limit is
    # what evaluations may add whatever the platform's baseline.
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * resource.getpagesize()
    limit = mapped + limit_mb * _MIB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _cap_cpu(time_limit: float) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    soft = int(used + time_limit) + 5
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


class _Handler:
    def __init__(self):
        self.calendars: dict[str, Any] = {}

    def handle(self, request: dict) -> dict:
        from engine.errors import JiaheError

        try:
            return {"ok": True, **self._run(request)}
        except JiaheError as err:
            return {"ok": False, "error": {"kind": "jiahe", "code": err.code, "message": err.message,
                                           "zh": err.zh, "context": _plain(err.context)}}
        except MemoryError:
            raise
        except Exception as err:  # noqa: BLE001 - the script's own error, reported to the engine
            return {"ok": False, "error": {"kind": "exception", "type": type(err).__name__,
                                           "message": _text(err), "line": _script_line(err)}}

    def _run(self, request: dict) -> dict:
        from engine.evaluation.values import from_wire, to_wire

        op = request["op"]
        if op == "render":
            from engine.definitions.instructions import render_bounded

            values = from_wire(request["values"])
            return {"text": render_bounded(request["source"], values)}
        sandbox = self._sandbox(request)
        values = from_wire(request["values"])
        external_names = set(request.get("external") or ())
        external = {k: v for k, v in values.items() if k in external_names}
        context = {k: v for k, v in values.items() if k not in external_names}
        if op == "eval":
            result = sandbox.evaluate(request["source"], context, external)
            return {"result": to_wire({"result": result}, dates=True)}
        if op == "exec":
            sandbox.execute(request["source"], context, external)
            kept = {k: v for k, v in context.items() if not k.startswith("_")}
            return {"values": to_wire(kept), "unset": sorted(set(values) - external_names - set(kept))}
        raise ValueError(f"unknown operation {op!r}")

    def _sandbox(self, request: dict):
        from engine.calendar import WorkingCalendar
        from engine.sandbox import Sandbox

        key = request.get("calendar_key") or ""
        calendar = self.calendars.get(key)
        if calendar is None:
            calendar = self.calendars[key] = WorkingCalendar.from_dict(request.get("calendar"))
        clock = _FixedClock(datetime.fromisoformat(request["now"]))
        return Sandbox(clock=clock, calendar=calendar, time_limit=float(request["time_limit"]), isolated=False)


def _text(err: BaseException) -> str:
    """The error's message for the incident, without heap addresses (`<function f at 0x7f…>`
    in messages Python builds itself, such as a KeyError's)."""
    try:
        text = str(err)[:2000]
    except Exception:  # noqa: BLE001 - a script's exception with a broken __str__ is still an error
        return type(err).__name__
    return _ADDRESS.sub("", text)


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _script_line(err: BaseException) -> int | None:
    from engine.sandbox import FILENAME

    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename == FILENAME]
    return frames[-1].lineno if frames else None


def _plain(context: dict) -> dict:
    return {k: v for k, v in context.items() if isinstance(v, (str, int, float, bool, list, dict, type(None)))}


if __name__ == "__main__":
    main()
