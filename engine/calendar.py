"""Dates and working days: the national calendar (public holidays and make-up working weekends) plus
local overrides kept as data in processes/calendar.yaml.

Deadlines in dispute handling are counted in working days, and China moves working days onto
weekends around long holidays, so "Saturday" does not mean "day off". The `holidays` library
knows both the days off and those make-up working days; local offices add their own.

Pure: no database, no clock. Aware datetimes are judged by their date in the calendar's
timezone (China Standard Time for CN), because 20:00 UTC on 30 September is already
1 October in Beijing.

Also here: parsing of the dates, date-times and ISO 8601 durations that task data (JSON)
carries as strings, for the sandbox's helpers.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, TypeVar

import holidays
import yaml

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST since 1991
_TZ_BY_COUNTRY = {"CN": CHINA_TZ}

# Steps are walked one day at a time; a bound keeps a script asking for 10**9 days from
# holding a worker (the sandbox's deadline cannot interrupt library code).
MAX_SPAN_DAYS = 366 * 30

DateOrDatetime = TypeVar("DateOrDatetime", date, datetime)


def as_date(value: Any) -> date:
    """A date from a date, a datetime (its own date) or an ISO string, as YAML and JSON give them."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip()[:10])
    raise TypeError(f"not a date: {value!r}")


class WorkingCalendar:
    def __init__(self, extra_holidays: Iterable[Any] = (), extra_workdays: Iterable[Any] = (),
                 country: str = "CN"):
        self.country = country
        self.tz = _TZ_BY_COUNTRY.get(country, timezone.utc)
        self.extra_holidays = frozenset(as_date(d) for d in extra_holidays)
        self.extra_workdays = frozenset(as_date(d) for d in extra_workdays)
        both = self.extra_holidays & self.extra_workdays
        if both:
            raise ValueError(f"dates listed both as holiday and as workday: {sorted(both)}")

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> WorkingCalendar:
        if raw is not None and not isinstance(raw, Mapping):
            raise ValueError("a calendar is a mapping with `holidays:` and `workdays:` lists")
        raw = dict(raw or {})
        unknown = set(raw) - {"holidays", "workdays", "country"}
        if unknown:
            raise ValueError(f"unknown calendar keys: {sorted(unknown)} (expected holidays, workdays)")
        return cls(raw.get("holidays") or (), raw.get("workdays") or (), raw.get("country") or "CN")

    def to_dict(self) -> dict[str, Any]:
        """What from_dict takes to make the same calendar (for an evaluation process)."""
        return {"holidays": sorted(d.isoformat() for d in self.extra_holidays),
                "workdays": sorted(d.isoformat() for d in self.extra_workdays), "country": self.country}

    @classmethod
    def from_file(cls, path: str | Path) -> WorkingCalendar:
        path = Path(path)
        if not path.exists():
            return cls()
        return cls.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))

    def is_working_day(self, day: date | datetime | str) -> bool:
        day = self._local_date(day)
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        return day not in _national_days_off(self.country, day.year)

    def add_working_days(self, start: DateOrDatetime, n: int) -> DateOrDatetime:
        """The n-th working day after `start` (before it when n < 0); n == 0 gives `start`.

        A datetime keeps its time of day and timezone."""
        _check_span(n)
        day, step, left = self._local_date(start), (1 if n > 0 else -1), abs(n)
        while left:
            day += timedelta(days=step)
            left -= self.is_working_day(day)
        return _move_to(start, day, self.tz)

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """Working days after `a` up to and including `b`; negative when b is before a."""
        first, last = self._local_date(a), self._local_date(b)
        if last < first:
            return -self.working_days_between(b, a)
        _check_span((last - first).days)
        return sum(self.is_working_day(first + timedelta(days=i)) for i in range(1, (last - first).days + 1))

    def _local_date(self, value: Any) -> date:
        if isinstance(value, str):
            value = parse_day_or_time(value, self.tz)
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(self.tz).date()
        return as_date(value)


# Shared by every calendar: the library builds a year in tens of milliseconds, and its object
# grows itself on lookups (not thread-safe), whereas a frozen per-year set is safe to share.
@functools.lru_cache(maxsize=256)
def _national_days_off(country: str, year: int) -> frozenset[date]:
    national = holidays.country_holidays(country, years=year)
    first = date(year, 1, 1)
    days = (first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days))
    return frozenset(d for d in days if not national.is_working_day(d))


def _check_span(days: int) -> None:
    if not isinstance(days, int):
        raise TypeError(f"a whole number of days is needed, not {days!r}")
    if abs(days) > MAX_SPAN_DAYS:
        raise ValueError(f"{days} days is beyond the calendar's range of {MAX_SPAN_DAYS} days")


def _move_to(start: DateOrDatetime, day: date, tz: timezone) -> DateOrDatetime:
    if not isinstance(start, datetime):
        return day
    if start.tzinfo is None:
        return datetime.combine(day, start.time())
    local = start.astimezone(tz)
    return datetime.combine(day, local.timetz()).astimezone(start.tzinfo)


# ---------------------------------------------------------------- dates as scripts get them
# Task data is JSON, so dates arrive as ISO strings as often as date objects; these accept both.

_DURATION = re.compile(r"(-)?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?")


def parse_datetime(value: Any, tz: tzinfo = CHINA_TZ) -> datetime:
    """An aware datetime; naive values are taken as local time in `tz`, dates as its midnight."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if not isinstance(value, datetime):
        raise TypeError(f"not a date-time: {value!r}")
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def parse_date(value: Any, tz: tzinfo = CHINA_TZ) -> date:
    """A date; an aware datetime gives its date in `tz` (the office's calendar day)."""
    if isinstance(value, str) and len(value.strip()) > 10:
        value = parse_datetime(value, tz)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(tz).date()
    return as_date(value)


def parse_day_or_time(value: Any, tz: tzinfo = CHINA_TZ) -> date | datetime:
    """'2026-10-01' stays a date, a string with a time becomes an aware datetime."""
    if isinstance(value, str):
        return date.fromisoformat(value.strip()) if len(value.strip()) <= 10 else parse_datetime(value, tz)
    if isinstance(value, datetime):
        return parse_datetime(value, tz)
    return as_date(value)


def parse_duration(value: Any) -> timedelta:
    """ISO 8601 durations in weeks, days, hours, minutes, seconds ('P3D', 'PT4H', 'P1DT12H').

    Months and years have no fixed length; write them as days."""
    if isinstance(value, timedelta):
        return value
    found = _DURATION.fullmatch(value.strip()) if isinstance(value, str) else None
    if not found or value.strip() in ("P", "-P") or value.strip().endswith("T"):
        raise ValueError(f"not an ISO 8601 duration in weeks/days/hours/minutes/seconds: {value!r}")
    sign, weeks, days, hours, minutes, seconds = found.groups()
    delta = timedelta(weeks=int(weeks or 0), days=int(days or 0), hours=int(hours or 0),
                      minutes=int(minutes or 0), seconds=float(seconds or 0))
    return -delta if sign else delta


def iso(value: Any) -> str:
    """ISO 8601 text for a date, a datetime or a duration (timedelta)."""
    if isinstance(value, timedelta):
        return _iso_duration(value)
    if isinstance(value, str):
        value = parse_day_or_time(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"no ISO form for {value!r}")


def _iso_duration(delta: timedelta) -> str:
    sign, delta = ("-", -delta) if delta < timedelta(0) else ("", delta)
    hours, rest = divmod(delta.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    seconds += delta.microseconds / 1_000_000
    clock = "".join(f"{n:g}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    text = (f"{delta.days}D" if delta.days else "") + (f"T{clock}" if clock else "")
    return f"{sign}P{text or 'T0S'}"
