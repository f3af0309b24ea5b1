"""Working days of China's calendar (weekends, public holidays, make-up working Saturdays)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from survey.calendar import WorkingCalendar, add_months, is_night, next_morning

SHANGHAI = ZoneInfo("Asia/Shanghai")
CN = WorkingCalendar("CN", "Asia/Shanghai")


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 20), True),  # Friday
        (date(2026, 11, 21), False),  # Saturday
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 7), False),  # still the Golden Week
        (date(2026, 10, 10), True),  # Saturday made a working day (调休)
    ],
)
def test_working_days_follow_the_country_calendar(day: date, working: bool) -> None:
    assert CN.is_working_day(day) is working


def test_two_working_days_from_friday_skip_the_weekend() -> None:
    friday = datetime(2026, 11, 20, 15, 30, tzinfo=SHANGHAI)
    assert CN.add_working_days(friday, 2) == datetime(2026, 11, 24, 15, 30, tzinfo=SHANGHAI)


def test_two_working_days_before_national_day_skip_the_golden_week() -> None:
    wednesday = datetime(2026, 9, 30, 10, tzinfo=SHANGHAI)
    assert CN.add_working_days(wednesday, 2) == datetime(2026, 10, 9, 10, tzinfo=SHANGHAI)
    assert CN.add_working_days(wednesday, 3) == datetime(2026, 10, 10, 10, tzinfo=SHANGHAI)


def test_a_start_on_a_day_off_counts_from_the_next_working_day() -> None:
    saturday = datetime(2026, 11, 21, 10, tzinfo=SHANGHAI)
    assert CN.add_working_days(saturday, 2) == datetime(2026, 11, 25, tzinfo=SHANGHAI)


def test_working_days_are_counted_in_the_company_time_zone() -> None:
    # 17:00 UTC on Friday is already Saturday 01:00 in Shanghai.
    late_friday_utc = datetime(2026, 11, 20, 17, tzinfo=UTC)
    due = CN.add_working_days(late_friday_utc, 1)
    assert due == datetime(2026, 11, 24, tzinfo=SHANGHAI)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CN.add_working_days(datetime(2026, 1, 5, tzinfo=UTC), -1)


def test_working_days_between_counts_after_the_start_day() -> None:
    thursday = datetime(2026, 11, 19, 9, tzinfo=SHANGHAI)
    tuesday = datetime(2026, 11, 24, 9, tzinfo=SHANGHAI)
    assert CN.working_days_between(thursday, tuesday) == 3  # Fri, Mon, Tue


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(datetime(2026, 11, 30, tzinfo=UTC), 3) == datetime(2027, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2026, 1, 15, tzinfo=UTC), 12) == datetime(2027, 1, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hour_utc", "night"),
    [(12, False), (13, True), (23, True), (0, False), (23 - 8, True)],
)
def test_night_hours_are_the_respondents(hour_utc: int, night: bool) -> None:
    # Shanghai is UTC+8: 13:00 UTC is 21:00 there, 00:00 UTC is 08:00.
    moment = datetime(2026, 11, 20, hour_utc, tzinfo=UTC)
    assert is_night(moment, "Asia/Shanghai", 21, 8) is night


def test_night_may_be_switched_off_or_lie_within_one_day() -> None:
    moment = datetime(2026, 11, 20, 3, tzinfo=UTC)
    assert is_night(moment, "UTC", 0, 0) is False
    assert is_night(moment, "UTC", 1, 6) is True


def test_next_morning_is_the_end_of_the_local_night() -> None:
    late = datetime(2026, 11, 20, 14, tzinfo=UTC)  # 22:00 in Shanghai
    assert next_morning(late, "Asia/Shanghai", 8) == datetime(2026, 11, 21, 0, tzinfo=UTC)
    early = datetime(2026, 11, 20, 20, tzinfo=UTC)  # 04:00 on the 21st in Shanghai
    assert next_morning(early, "Asia/Shanghai", 8) == datetime(2026, 11, 21, 0, tzinfo=UTC)
