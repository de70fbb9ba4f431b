"""The clock every part of Jiahe reads, SpiffWorkflow's timers included.

Production uses SystemClock; tests and scenario runs use ManualClock and travel in time
instead of sleeping. SpiffWorkflow reads `datetime.now(timezone.utc)` inside its timer
module, so `install_spiff_clock()` replaces that module's `datetime` name with a subclass
whose `now()` asks the clock that is active in the current context.
"""
from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class ManualClock:
    """A clock that stands still until told to move."""

    def __init__(self, start: datetime | None = None):
        start = start or datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start.astimezone(timezone.utc)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("ManualClock.set needs a timezone-aware time")
        with self._lock:
            self._now = when.astimezone(timezone.utc)


_SYSTEM = SystemClock()
_active: contextvars.ContextVar[Clock] = contextvars.ContextVar("jiahe_clock", default=_SYSTEM)


def active_clock() -> Clock:
    return _active.get()


@contextlib.contextmanager
def using_clock(clock: Clock) -> Iterator[Clock]:
    """Make `clock` the one SpiffWorkflow's timers read inside this block."""
    token = _active.set(clock)
    try:
        yield clock
    finally:
        _active.reset(token)


class _ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz=None):  # noqa: D401 - mirrors datetime.now
        current = _active.get().now()
        return current.astimezone(tz) if tz is not None else current.astimezone().replace(tzinfo=None)


def install_spiff_clock() -> None:
    """Point SpiffWorkflow's timer module at the active clock (idempotent)."""
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _ClockedDatetime
