"""Working days and night hours: weekends and public holidays of a country (``CSAT_HOLIDAYS``).

Deadlines of SPEC §5 are counted in working days of the company's calendar (``CSAT_TIMEZONE``):
plan due 2 working days after a ticket is sent, the first reminder after 3. The ``holidays``
library knows each country's public holidays and, for China, the weekend days made working days
(调休), which a plain weekday check would get wrong.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays


@dataclass(frozen=True)
class WorkingCalendar:
    """Working-day arithmetic in one country and time zone."""

    country: str = "CN"
    timezone: str = "Asia/Shanghai"
    _cache: dict[int, holidays.HolidayBase] = field(default_factory=dict, compare=False)

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _holidays(self, year: int) -> holidays.HolidayBase:
        if year not in self._cache:
            self._cache[year] = holidays.country_holidays(self.country, years=year)
        return self._cache[year]

    def is_working_day(self, day: date) -> bool:
        """True on a weekday that is no public holiday, or on a weekend day made working."""
        return bool(self._holidays(day.year).is_working_day(day))

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same local time ``days`` working days after ``start`` (an aware datetime).

        A start on a day off counts from the next working day's start of business, so a ticket
        sent on Saturday with 2 working days is due at the end of Tuesday (Wednesday 00:00).
        """
        if days < 0:
            raise ValueError("days must not be negative")
        local = start.astimezone(self.zone)
        day = local.date()
        if not self.is_working_day(day):
            while not self.is_working_day(day):
                day += timedelta(days=1)
            local = datetime.combine(day, time(0), tzinfo=self.zone)
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            counted += self.is_working_day(day)
        return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=self.zone)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days strictly after ``start``'s day up to and including ``end``'s day."""
        first = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        count = 0
        day = first
        while day < last:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def load_holidays(country: str) -> None:
    """Load the ``holidays`` library's country data, which takes a second or more (its
    ``holidays.countries`` package imports every country's module): a server does it once at
    start-up, off the event loop, so that the first deadline it counts does not wait for it."""
    holidays.country_holidays(country)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def is_night(moment: datetime, timezone: str, night_start: int, night_end: int) -> bool:
    """True when ``moment`` falls in the night hours [night_start, night_end) of ``timezone``."""
    hour = moment.astimezone(ZoneInfo(timezone)).hour
    if night_start == night_end:
        return False
    if night_start < night_end:
        return night_start <= hour < night_end
    return hour >= night_start or hour < night_end


def next_morning(moment: datetime, timezone: str, night_end: int) -> datetime:
    """The end of the night containing ``moment``: ``night_end`` o'clock local, as UTC."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    morning = datetime.combine(local.date(), time(night_end), tzinfo=zone)
    if morning <= local:
        morning = datetime.combine(local.date() + timedelta(days=1), time(night_end), tzinfo=zone)
    return morning.astimezone(UTC)
