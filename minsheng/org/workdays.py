"""The working-day clock. Every deadline in the platform is computed here and nowhere else.

A day is a working day according to, in order:
1. a `CalendarDay` row for that date (administrators edit these; an imported year is all rows);
2. for a year imported in full (`CalendarYear`), Monday to Friday;
3. chinese_calendar, for the years it ships (2004-2026 in the pinned version);
4. for a year no official source knows yet, from 2004 to next year, the **provisional calendar**:
   weekends plus the statutory holidays of 《全国年节及纪念日放假办法》 (`statutory_holidays`),
   with no 调休. The State Council publishes next year's schedule only in November or December,
   and the window must not stop serving in the weeks between. Deadlines computed from such a
   year are marked provisional (`is_provisional_span`) and corrected by the case worker once
   the official schedule is imported.
A year before 2004 or more than one year ahead raises `UnknownCalendarYear`: no deadline is
computed from a guess that far out.

Each year is loaded once into a sorted list of working-day ordinals, so the arithmetic is a
bisect. The copies live in each process as reference data (core/reference.py): a calendar
change reaches every process within a second.
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time as clock_time, timedelta

import chinese_calendar
from django.utils import timezone
from lunar_python import Lunar

from minsheng.core import reference
from minsheng.core.errors import ActionError

FIRST_KNOWN_YEAR = 2004  # the first year chinese_calendar states; earlier ones are not needed


class UnknownCalendarYear(ActionError, LookupError):
    """Raised through actions as a refusal with a clear message; nothing is half-saved."""

    def __init__(self, year: int):
        self.year = year
        if year < FIRST_KNOWN_YEAR:
            message = f"{year}年早于本平台支持的年份（{FIRST_KNOWN_YEAR}年起），无法按工作日计算期限。"
        else:
            message = (
                f"{year}年距今超过一年，尚无节假日安排，无法按工作日计算期限。"
                f"如确需计算，请管理员先在“工作日历”中导入{year}年的安排。"
            )
        super().__init__(message)


@dataclass(frozen=True)
class _Year:
    working: tuple[int, ...]  # sorted ordinals of the year's working days
    working_set: frozenset[int]
    provisional: bool  # no official schedule yet: weekends and statutory holidays only


def clear_cache() -> None:
    """Drop this process's calendar copies now (the process that changed the calendar)."""
    reference.forget_here()


def statutory_holidays(year: int) -> dict[date, str]:
    """The days off that 《全国年节及纪念日放假办法》 (as revised in 2024, in force from 2025)
    gives every citizen in `year`, before the State Council's yearly schedule moves any of them:
    元旦, 春节 (除夕 to 初三), 清明, 劳动节 (two days), 端午, 中秋, 国庆 (three days); and, as its
    article 4 requires, a weekday in lieu (补假) for each such day falling on a weekend.
    Lunar and solar-term dates come from lunar_python."""
    new_year = Lunar.fromYmd(year, 1, 1).getSolar()
    spring = date(new_year.getYear(), new_year.getMonth(), new_year.getDay())
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]

    def lunar(month: int, day: int) -> date:
        solar = Lunar.fromYmd(year, month, day).getSolar()
        return date(solar.getYear(), solar.getMonth(), solar.getDay())

    days: dict[date, str] = {date(year, 1, 1): "元旦"}
    for offset in range(-1, 3):
        days[spring + timedelta(days=offset)] = "春节"
    days[date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = "清明节"
    days[date(year, 5, 1)] = days[date(year, 5, 2)] = "劳动节"
    days[lunar(5, 5)] = "端午节"
    for day in (1, 2, 3):
        days[date(year, 10, day)] = "国庆节"
    mid_autumn = lunar(8, 15)
    if mid_autumn in days:
        # 中秋 on one of 国庆's days (2028-10-03): the schedules keep both days off (2020,
        # 2023: four statutory days), so the day after 国庆 stands in for it.
        mid_autumn = date(year, 10, 4)
    days[mid_autumn] = "中秋节"
    in_lieu: dict[date, str] = {}
    for day, name in sorted(days.items()):
        if day.weekday() < 5:
            continue
        substitute = day + timedelta(days=1)
        while substitute.weekday() >= 5 or substitute in days or substitute in in_lieu:
            substitute += timedelta(days=1)
        in_lieu[substitute] = f"{name}补假"
    # 除夕 is never before 20 January and no holiday is near December's end: all in `year`.
    return {**days, **in_lieu}


def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _source(year: int, *, imported: bool) -> str:
    """Where a year's days come from, in the clock's order: "imported" (the table states the
    whole year), "package" (chinese_calendar ships it), else "provisional"."""
    if imported:
        return "imported"
    return "package" if _library_knows(year) else "provisional"


def _load_year(year: int) -> _Year:
    from minsheng.org.models import CalendarDay, CalendarYear

    if year < FIRST_KNOWN_YEAR:
        raise UnknownCalendarYear(year)
    overrides = {
        day.toordinal(): is_working
        for day, is_working in CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day")
    }
    source = _source(year, imported=CalendarYear.objects.filter(year=year).exists())
    if source == "imported":
        default = lambda day: day.weekday() < 5  # noqa: E731
    elif source == "package":
        default = chinese_calendar.is_workday
    else:
        holidays = statutory_holidays(year)
        default = lambda day: day.weekday() < 5 and day not in holidays  # noqa: E731
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    working = tuple(
        ordinal
        for ordinal in range(first, last + 1)
        if overrides.get(ordinal, None) is True
        or (ordinal not in overrides and default(date.fromordinal(ordinal)))
    )
    return _Year(working=working, working_set=frozenset(working), provisional=source == "provisional")


def _year(year: int) -> _Year:
    loaded = reference.get(f"workdays:{year}", lambda: _load_year(year))
    if loaded.provisional and year > timezone.localdate().year + 1:
        raise UnknownCalendarYear(year)
    return loaded


def is_provisional_year(year: int) -> bool:
    """No official schedule for `year` yet: its days come from the provisional calendar."""
    return _year(year).provisional


def is_provisional_span(first: date, last: date) -> bool:
    """Whether counting working days from `first` to `last` touches a provisional year."""
    return any(_year(year).provisional for year in range(first.year, last.year + 1))


def years_without_schedule(today: date | None = None) -> list[int]:
    """This year, and from 1 November next year, when no official schedule is known for them:
    administrators and supervisors are asked to import it (their deadlines are provisional)."""
    today = today or timezone.localdate()
    years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    return [year for year in years if _year(year).provisional]


def year_sources(today: date | None = None) -> list[tuple[int, str, str]]:
    """Each year the clock can count, newest first, with where its days come from:
    (year, "imported" | "package" | "provisional", words for the administrators' table)."""
    from importlib.metadata import version

    from minsheng.org.models import CalendarYear

    today = today or timezone.localdate()
    imported = dict(CalendarYear.objects.values_list("year", "source"))
    package = f"chinese_calendar {version('chinesecalendar')} 内置的国务院安排"
    rows = []
    for year in range(today.year + 1, FIRST_KNOWN_YEAR - 1, -1):
        source = _source(year, imported=year in imported)
        words = {
            "imported": f"已导入国务院安排{('：' + imported[year]) if imported.get(year) else ''}",
            "package": package,
            "provisional": "暂定：周末加法定节假日（含补假），未含调休；公布后请导入",
        }[source]
        rows.append((year, source, words))
    return rows


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


# chinese_calendar names its holidays in English; the platform shows them in Chinese.
_HOLIDAY_WORDS = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节", "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def is_make_up_working_day(d: date) -> bool:
    """调休: a Saturday or Sunday that the schedule makes a working day."""
    return d.weekday() >= 5 and is_working_day(d)


def holiday_name(d: date) -> str | None:
    """The holiday `d` belongs to, in Chinese, or None. A holiday is a day off in a run of days off
    that holds at least one weekday off (国庆's seven days with the weekend inside them, a 补假
    Monday with its weekend); a plain weekend is not one. The run is read from the platform's own
    calendar, so an administrator's correction moves the holidays with the working days."""
    if is_working_day(d):
        return None
    run = [d]
    for step in (-1, 1):
        day = d + timedelta(days=step)
        while len(run) < 15 and not is_working_day(day):
            run.append(day)
            day += timedelta(days=step)
    if all(day.weekday() >= 5 for day in run):
        return None
    from minsheng.org.models import CalendarDay

    named = dict(CalendarDay.objects.filter(date__in=run, is_working_day=False).exclude(name="")
                 .values_list("date", "name"))
    for day in sorted(run, key=lambda day: abs((day - d).days)):
        if named.get(day):
            return named[day]
        try:
            found, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            found, name = False, None
        if found and name:
            return _HOLIDAY_WORDS.get(name, name)
        statutory = statutory_holidays(day.year).get(day)
        if statutory:
            return statutory.removesuffix("补假")
    return "节假日"
