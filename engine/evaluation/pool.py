"""A pool of evaluation processes that run what diagrams contain, bounded by the OS.

The sandbox's own deadline is checked between bytecodes, so one C call — `str()` of a nested
list with 10**12 elements, a two-gigabyte `ljust` — runs unbounded inside it. Here such work runs
in a separate, pre-started process (engine/evaluation/worker.py) that caps its address space;
the engine waits for its answer no longer than the time limit plus a grace second, then kills
it with SIGKILL and starts a replacement in the background. The engine process, its other
threads and every other case are untouched.

Each process answers one request at a time; a thread takes an idle one or waits for one
(at most `size` exist). Values travel as JSON (engine/evaluation/values.py), only those the
source names, so a condition over a big case sends a few bytes. After os.fork() (gunicorn's
workers) a process gets a pool of its own.
"""
from __future__ import annotations

import atexit
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from engine.errors import SandboxMemoryExceeded, SandboxTimeout
from engine.evaluation import failures
from engine.evaluation.protocol import ProcessGone, read_frame_from, write_frame
from engine.limits import SCRIPT_MEMORY_LIMIT_MB

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
GRACE_SECONDS = 1.0      # beyond the time limit, for the worker's own deadline to answer first (with a line)
START_TIMEOUT = 60.0     # a fresh interpreter importing the sandbox, on a loaded machine
DEFAULT_SIZE = 2


class _Overrun(Exception):
    pass


class _Process:
    """One evaluation process and its pipes."""

    def __init__(self, memory_mb: int):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "engine.evaluation.worker", str(memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=str(ROOT), env=env, close_fds=True)
        self.fd = self.popen.stdout.fileno()
        self.buffer = bytearray()
        self.ask_started = None
        ready = self._read(time.monotonic() + START_TIMEOUT)
        if "ready" not in ready:
            raise ProcessGone(f"unexpected first frame {ready!r}")

    def ask(self, frame: bytes, seconds: float) -> dict:
        try:
            write_frame(self.popen.stdin, frame)
        except (BrokenPipeError, OSError) as exc:
            raise ProcessGone(str(exc)) from exc
        return self._read(time.monotonic() + seconds)

    def _read(self, deadline: float) -> dict:
        return read_frame_from(lambda size: self._take(size, deadline))

    def _take(self, size: int, deadline: float) -> bytes:
        poller = select.poll()
        poller.register(self.fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        while len(self.buffer) < size:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Overrun()
            if not poller.poll(left * 1000):
                continue
            chunk = os.read(self.fd, max(65536, size - len(self.buffer)))
            if not chunk:
                raise ProcessGone("the evaluation process exited")
            self.buffer += chunk
        taken, self.buffer = bytes(self.buffer[:size]), self.buffer[size:]
        return taken

    def kill(self) -> None:
        try:
            self.popen.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
        for stream in (self.popen.stdin, self.popen.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL cannot be ignored
            log.error("evaluation process %s did not exit after SIGKILL", self.popen.pid)

    def stop(self) -> None:
        """A quiet end: closing its stdin makes the process return from its loop."""
        try:
            self.popen.stdin.close()
            self.popen.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()


class EvaluationPool:
    def __init__(self, size: int = DEFAULT_SIZE, memory_mb: int = SCRIPT_MEMORY_LIMIT_MB):
        self.size = size
        self.memory_mb = memory_mb
        self.pid = os.getpid()
        self._idle: list[_Process] = []
        self._live = 0
        self._lock = threading.Condition()
        self.killed = 0  # processes stopped for overrunning (for tests and the benchmark)

    # -- the three requests ----------------------------------------------------------------
    def evaluate(self, source: str, values: str, external: list[str], setting: dict) -> Any:
        from engine.evaluation.values import from_wire

        answer = self._ask({"op": "eval", "source": source, "external": external, **setting}, values,
                           setting["time_limit"])
        return from_wire(answer["result"])["result"]

    def execute(self, source: str, values: str, external: list[str], setting: dict) -> tuple[dict, list[str]]:
        from engine.evaluation.values import from_wire

        answer = self._ask({"op": "exec", "source": source, "external": external, **setting}, values,
                           setting["time_limit"])
        return from_wire(answer["values"]), answer["unset"]

    def render(self, source: str, values: str, time_limit: float) -> str:
        return self._ask({"op": "render", "source": source, "time_limit": time_limit}, values, time_limit)["text"]

    # -- one round trip ----------------------------------------------------------------------
    def _ask(self, header: dict, values: str, time_limit: float) -> dict:
        frame = (json.dumps(header, ensure_ascii=False)[:-1] + ',"values":' + values + "}").encode("utf-8")
        process = self._checkout()
        try:
            answer = process.ask(frame, time_limit + GRACE_SECONDS)
        except _Overrun:
            self._discard(process)
            raise SandboxTimeout(
                f"ran longer than {time_limit:g} s and was stopped (inside one operation)",
                time_limit=time_limit, limit="time",
                zh=f"运行超过 {time_limit:g} 秒，已强行中止") from None
        except (ProcessGone, OSError, ValueError) as exc:
            self._discard(process)
            raise SandboxMemoryExceeded(
                f"the evaluation process ended abruptly ({exc}); it needed more memory or CPU than "
                f"its limits ({self.memory_mb} MiB)", limit="memory", memory_limit_mb=self.memory_mb,
                zh=f"求值进程异常结束（内存上限 {self.memory_mb} MiB 或 CPU 上限）") from None
        if not answer.get("ok") and answer["error"].get("kind") == "memory":
            self._discard(process)
        else:
            self._checkin(process)
        if answer.get("ok"):
            return answer
        raise failures.rebuild(answer["error"], self.memory_mb)

    def _checkout(self) -> _Process:
        self._check_fork()
        with self._lock:
            while not self._idle and self._live >= self.size:
                self._lock.wait()
            if self._idle:
                return self._idle.pop()
            self._live += 1
        try:
            return _Process(self.memory_mb)
        except BaseException:
            with self._lock:
                self._live -= 1
                self._lock.notify()
            raise

    def _checkin(self, process: _Process) -> None:
        with self._lock:
            self._idle.append(process)
            self._lock.notify()

    def _discard(self, process: _Process) -> None:
        process.kill()
        with self._lock:
            self._live -= 1
            self.killed += 1
            self._lock.notify()
        threading.Thread(target=self._prestart, name="evaluation-prestart", daemon=True).start()

    def _prestart(self) -> None:
        """A replacement before anyone waits for it (a fresh process takes ~0.2 s to start)."""
        with self._lock:
            if self._idle or self._live >= self.size:
                return
            self._live += 1
        try:
            process = _Process(self.memory_mb)
        except Exception:  # noqa: BLE001 - the next checkout will try again and report
            with self._lock:
                self._live -= 1
            log.exception("could not start an evaluation process")
            return
        self._checkin(process)

    def _check_fork(self) -> None:
        if os.getpid() != self.pid:  # inherited through fork: those processes are the parent's
            self._idle, self._live, self.pid = [], 0, os.getpid()
            self._lock = threading.Condition()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
            self._live -= len(idle)
        if os.getpid() == self.pid:
            for process in idle:
                process.stop()


_pool: EvaluationPool | None = None
_pool_lock = threading.Lock()


def shared_pool() -> EvaluationPool:
    """This process's pool, started on first use."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = EvaluationPool()
            atexit.register(_pool.close)
        return _pool

