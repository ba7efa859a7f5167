"""The working-day clock. Every deadline in the platform is computed here and nowhere else.

A day is a working day according to, in order:
1. a `CalendarDay` row for that date (administrators edit these; an imported year is all rows);
2. for a year imported in full (`CalendarYear`), Monday to Friday;
3. chinese_calendar, for the years it ships (2004-2026 in the pinned version);
otherwise `UnknownCalendarYear` is raised: a deadline is never computed from weekends alone.

Each year is loaded once into a sorted list of working-day ordinals, so the arithmetic is a
bisect; the per-process copy lives `CACHE_SECONDS` and is dropped at once when this process
changes the calendar (the other processes see the change within that time).
"""

import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time as clock_time, timedelta

import chinese_calendar
from django.utils import timezone

from minsheng.core.errors import ActionError

CACHE_SECONDS = 60


class UnknownCalendarYear(ActionError, LookupError):
    """Raised through actions as a refusal with a clear message; nothing is half-saved."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年的法定节假日和调休安排尚未导入，无法按工作日计算期限。"
            f"请管理员在“工作日历”中导入{year}年的安排。"
        )


@dataclass(frozen=True)
class _Year:
    working: tuple[int, ...]  # sorted ordinals of the year's working days
    working_set: frozenset[int]
    loaded_at: float


_years: dict[int, _Year] = {}


def clear_cache() -> None:
    _years.clear()


def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _load_year(year: int) -> _Year:
    from minsheng.org.models import CalendarDay, CalendarYear

    overrides = {
        day.toordinal(): is_working
        for day, is_working in CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day")
    }
    if CalendarYear.objects.filter(year=year).exists():
        default = lambda day: day.weekday() < 5  # noqa: E731
    elif _library_knows(year):
        default = chinese_calendar.is_workday
    else:
        raise UnknownCalendarYear(year)
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    working = tuple(
        ordinal
        for ordinal in range(first, last + 1)
        if overrides.get(ordinal, None) is True
        or (ordinal not in overrides and default(date.fromordinal(ordinal)))
    )
    return _Year(working=working, working_set=frozenset(working), loaded_at=time.monotonic())


def _year(year: int) -> _Year:
    cached = _years.get(year)
    if cached is None or time.monotonic() - cached.loaded_at > CACHE_SECONDS:
        cached = _years[year] = _load_year(year)
    return cached


def is_known_year(year: int) -> bool:
    try:
        _year(year)
    except UnknownCalendarYear:
        return False
    return True


def missing_years(today: date | None = None) -> list[int]:
    """This year and next, where neither source knows them: deadlines reaching them cannot be computed."""
    today = today or timezone.localdate()
    return [year for year in (today.year, today.year + 1) if not is_known_year(year)]


def is_working_day(d: date) -> bool:
    return d.toordinal() in _year(d.year).working_set


def add_working_days(d: date, n: int) -> date:
    """n >= 1: the n-th working day after d (d never counts); n <= -1: the |n|-th before d;
    n == 0: d if it is a working day, else the next working day."""
    if n == 0:
        return d if is_working_day(d) else add_working_days(d, 1)
    ordinal = d.toordinal()
    year = d.year
    remaining = abs(n)
    if n > 0:
        while True:
            days = _year(year).working
            start = bisect_right(days, ordinal)
            if remaining <= len(days) - start:
                return date.fromordinal(days[start + remaining - 1])
            remaining -= len(days) - start
            year += 1
    while True:
        days = _year(year).working
        end = bisect_left(days, ordinal)
        if remaining <= end:
            return date.fromordinal(days[end - remaining])
        remaining -= end
        year -= 1


def working_days_between(a: date, b: date) -> int:
    """The number of working days x with a < x <= b; negative, -(b < x <= a), when b < a."""
    if b < a:
        return -working_days_between(b, a)
    count = 0
    for year in range(a.year, b.year + 1):
        days = _year(year).working
        low = bisect_right(days, a.toordinal()) if year == a.year else 0
        high = bisect_right(days, b.toordinal()) if year == b.year else len(days)
        count += high - low
    return count


def end_of_working_day(d: date) -> datetime:
    """24:00 of day d in the platform's time zone, as an aware datetime (the next midnight)."""
    return timezone.make_aware(datetime.combine(d + timedelta(days=1), clock_time.min))


def due_at(started: datetime, working_days: int) -> datetime:
    """A stage begun at `started` with a limit of N working days is due at 24:00 of the
    N-th working day after the day it began (that day itself does not count)."""
    start_day = timezone.localtime(started).date()
    return end_of_working_day(add_working_days(start_day, working_days))
