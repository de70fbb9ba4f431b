"""The functions scripts may call (now(), add_working_days(), ...), on the injected clock and
the office's calendar."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from engine import calendar as dates
from engine.calendar import WorkingCalendar
from engine.clock import Clock
from engine.sandbox.printing import _Callable


def _make_helpers(clock: Clock, calendar: WorkingCalendar) -> dict[str, Any]:
    """The functions scripts may call. Time comes from the injected clock, dates are the
    office's calendar days (the calendar's timezone), strings from JSON are accepted."""
    tz = calendar.tz

    def now() -> datetime:
        return clock.now()

    def today() -> date:
        return clock.now().astimezone(tz).date()

    def parse_datetime(value) -> datetime:
        return dates.parse_datetime(value, tz)

    def parse_date(value) -> date:
        return dates.parse_date(value, tz)

    def add_days(value, n):
        return dates.parse_day_or_time(value, tz) + timedelta(days=n)

    def add_hours(value, n) -> datetime:
        return dates.parse_datetime(value, tz) + timedelta(hours=n)

    def add_working_days(value, n):
        return calendar.add_working_days(dates.parse_day_or_time(value, tz), n)

    def working_days_between(a, b) -> int:
        return calendar.working_days_between(dates.parse_day_or_time(a, tz), dates.parse_day_or_time(b, tz))

    def is_working_day(value) -> bool:
        return calendar.is_working_day(dates.parse_day_or_time(value, tz))

    def days_between(a, b) -> int:
        return (parse_date(b) - parse_date(a)).days

    functions = (now, today, parse_datetime, parse_date, add_days, add_hours, add_working_days,
                 working_days_between, is_working_day, days_between)
    helpers: dict[str, Any] = {f.__name__: f for f in functions}
    helpers.update(iso=dates.iso, duration=dates.parse_duration)
    helpers = {name: _Callable(f, f"<helper {name}>") for name, f in helpers.items()}
    helpers.update(date=date, datetime=datetime, timedelta=timedelta, timezone=timezone)
    return helpers
