"""Working days on the 2026 China calendar, as the `holidays` library publishes it, and local overrides.

2026 National Day: 1-3 October are holidays, 4 October is a Sunday, 5-7 October are days off
paid back by working Sunday 20 September and Saturday 10 October.
"""
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from engine.calendar import (
    CHINA_TZ,
    WorkingCalendar,
    iso,
    parse_date,
    parse_datetime,
    parse_day_or_time,
    parse_duration,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def calendar():
    return WorkingCalendar()


@pytest.mark.parametrize("day", [date(2026, 10, d) for d in range(1, 8)])
def test_national_day_week_is_not_working(calendar, day):
    assert not calendar.is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 9, 20), date(2026, 10, 10)])
def test_make_up_weekend_days_are_working(calendar, day):
    assert day.weekday() >= 5
    assert calendar.is_working_day(day)


def test_ordinary_weekend_is_not_working_and_ordinary_weekday_is(calendar):
    assert not calendar.is_working_day(date(2026, 10, 17))  # Saturday
    assert calendar.is_working_day(date(2026, 10, 14))  # Wednesday


def test_spring_festival_days_are_not_working(calendar):
    assert not calendar.is_working_day(date(2026, 2, 17))
    assert calendar.is_working_day(date(2026, 2, 14))  # make-up Saturday before it


def test_adding_a_working_day_before_national_day_skips_the_whole_week(calendar):
    assert calendar.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)


def test_adding_working_days_counts_the_make_up_saturday(calendar):
    assert calendar.add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert calendar.add_working_days(date(2026, 10, 9), 2) == date(2026, 10, 12)


def test_adding_zero_working_days_gives_the_start(calendar):
    assert calendar.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)


def test_subtracting_working_days_goes_back_over_the_holiday(calendar):
    assert calendar.add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)


def test_aware_datetime_keeps_its_time_of_day_and_timezone(calendar):
    start = datetime(2026, 9, 29, 9, 30, tzinfo=CHINA_TZ)
    assert calendar.add_working_days(start, 2) == datetime(2026, 10, 8, 9, 30, tzinfo=CHINA_TZ)


def test_utc_evening_is_counted_from_the_beijing_date(calendar):
    # 20:00 UTC on 30 September is 04:00 on 1 October in Beijing: already the holiday.
    start = datetime(2026, 9, 30, 20, 0, tzinfo=timezone.utc)
    result = calendar.add_working_days(start, 1)
    assert result == datetime(2026, 10, 7, 20, 0, tzinfo=timezone.utc)  # 8 October, 04:00 Beijing
    assert result.tzinfo == timezone.utc


def test_naive_datetime_stays_naive(calendar):
    assert calendar.add_working_days(datetime(2026, 9, 30, 17, 0), 1) == datetime(2026, 10, 8, 17, 0)


def test_working_days_between_counts_after_start_up_to_and_including_end(calendar):
    assert calendar.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert calendar.working_days_between(date(2026, 10, 12), date(2026, 10, 12)) == 0
    assert calendar.working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == -3


def test_between_and_add_agree(calendar):
    start = date(2026, 9, 1)
    for n in (1, 5, 20, 40):
        assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n


def test_a_local_holiday_takes_a_weekday_off():
    local = WorkingCalendar(extra_holidays=[date(2026, 11, 9)])
    assert not local.is_working_day(date(2026, 11, 9))
    assert local.add_working_days(date(2026, 11, 6), 1) == date(2026, 11, 10)


def test_a_local_workday_wins_over_weekend_and_national_holiday():
    local = WorkingCalendar(extra_workdays=["2026-11-14", "2026-10-02"])
    assert local.is_working_day(date(2026, 11, 14))
    assert local.is_working_day(date(2026, 10, 2))
    assert local.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 2)


def test_a_date_cannot_be_both_holiday_and_workday():
    with pytest.raises(ValueError, match="both"):
        WorkingCalendar(extra_holidays=["2026-11-14"], extra_workdays=["2026-11-14"])


def test_from_dict_accepts_iso_strings_and_yaml_dates():
    local = WorkingCalendar.from_dict({"holidays": ["2026-11-09"], "workdays": [date(2026, 11, 14)]})
    assert local.extra_holidays == {date(2026, 11, 9)}
    assert local.extra_workdays == {date(2026, 11, 14)}


def test_from_dict_rejects_unknown_keys():
    with pytest.raises(ValueError, match="holiday"):
        WorkingCalendar.from_dict({"holiday": ["2026-11-09"]})


def test_from_dict_rejects_a_list():
    with pytest.raises(ValueError, match="mapping"):
        WorkingCalendar.from_dict(["2026-11-09"])


def test_from_file_reads_yaml_overrides(tmp_path):
    path = tmp_path / "calendar.yaml"
    path.write_text("holidays:\n  - 2026-11-09\nworkdays: []\n", encoding="utf-8")
    assert not WorkingCalendar.from_file(path).is_working_day(date(2026, 11, 9))


def test_from_file_without_file_gives_the_national_calendar(tmp_path):
    local = WorkingCalendar.from_file(tmp_path / "absent.yaml")
    assert local.extra_holidays == frozenset() and local.extra_workdays == frozenset()
    assert not local.is_working_day(date(2026, 10, 1))


def test_shipped_calendar_file_loads():
    WorkingCalendar.from_file(REPO / "processes" / "calendar.yaml")


def test_absurd_spans_are_refused(calendar):
    with pytest.raises(ValueError, match="range"):
        calendar.add_working_days(date(2026, 1, 1), 10**9)


def test_iso_strings_are_accepted(calendar):
    assert calendar.is_working_day("2026-10-10")
    assert calendar.working_days_between("2026-09-30", "2026-10-08") == 1
    assert not calendar.is_working_day("2026-09-30T20:00:00Z")  # 1 October in Beijing


def test_parse_datetime_takes_naive_text_as_beijing_time():
    assert parse_datetime("2026-03-02T09:00") == datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    assert parse_datetime("2026-03-02T09:00Z").utcoffset() == timedelta(0)


def test_parse_date_of_an_aware_datetime_is_the_beijing_date():
    assert parse_date("2026-03-01T20:00:00+00:00") == date(2026, 3, 2)
    assert parse_date("2026-03-01") == date(2026, 3, 1)


def test_parse_day_or_time_keeps_dates_as_dates():
    assert parse_day_or_time("2026-03-01") == date(2026, 3, 1)
    assert isinstance(parse_day_or_time("2026-03-01T10:00"), datetime)


@pytest.mark.parametrize("text, delta", [
    ("P3D", timedelta(days=3)), ("PT4H", timedelta(hours=4)), ("P1W", timedelta(days=7)),
    ("P1DT12H30M", timedelta(days=1, hours=12, minutes=30)), ("PT1.5S", timedelta(seconds=1.5)),
    ("-P2D", timedelta(days=-2)),
])
def test_parse_duration_reads_iso_8601(text, delta):
    assert parse_duration(text) == delta
    assert parse_duration(iso(delta)) == delta


@pytest.mark.parametrize("text", ["P1M", "P1Y", "P", "PT", "3 days", ""])
def test_parse_duration_refuses_months_years_and_junk(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_iso_writes_dates_datetimes_and_durations():
    assert iso(date(2026, 10, 8)) == "2026-10-08"
    assert iso(datetime(2026, 10, 8, 9, 0, tzinfo=CHINA_TZ)) == "2026-10-08T09:00:00+08:00"
    assert iso(timedelta(days=3, hours=4)) == "P3DT4H"
    assert iso(timedelta(0)) == "PT0S"
