from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.org import actions, workdays
from minsheng.org.models import CalendarDay
from minsheng.org.workdays import (
    UnknownCalendarYear,
    add_working_days,
    due_at,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_it_skips_the_national_day_holiday():
    # 2026: 10-01 to 10-07 off (国庆中秋), 10-08 back at work.
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)


def test_it_counts_a_make_up_saturday_as_a_working_day():
    assert date(2026, 10, 10).weekday() == 5
    assert is_working_day(date(2026, 10, 10))
    assert not is_working_day(date(2026, 10, 11))  # the Sunday after stays a rest day
    assert add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)


def test_it_spans_the_2026_spring_festival():
    # 2026 春节: 02-15 to 02-23 off; 02-14 (Sat) and 02-28 (Sat) are make-up working days.
    assert is_working_day(date(2026, 2, 14))
    assert not any(is_working_day(date(2026, 2, day)) for day in range(15, 24))
    assert is_working_day(date(2026, 2, 28))
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6  # 14, 24, 25, 26, 27, 28


def test_it_counts_zero_days_as_the_same_or_the_next_working_day():
    assert add_working_days(date(2026, 10, 9), 0) == date(2026, 10, 9)
    assert add_working_days(date(2026, 10, 1), 0) == date(2026, 10, 8)


def test_it_counts_backwards():
    assert add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)
    assert add_working_days(date(2026, 10, 8), -2) == date(2026, 9, 29)


def test_it_counts_working_days_between_excluding_the_start():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert working_days_between(date(2026, 10, 8), date(2026, 10, 8)) == 0
    assert working_days_between(date(2026, 10, 8), date(2026, 9, 30)) == -1


@time_machine.travel(datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI))
def test_a_year_nobody_has_published_gets_the_provisional_calendar():
    # 2027: no official schedule yet. 元旦 (Friday) is off by law; no 调休 is guessed.
    assert workdays.is_provisional_year(2027) and not workdays.is_provisional_year(2026)
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert not is_working_day(date(2027, 1, 1))
    # 春节 2027: 除夕 02-05 to 初三 02-08, and 02-09, 02-10 in lieu of the weekend days.
    assert [is_working_day(date(2027, 2, day)) for day in range(4, 12)] == [
        True, False, False, False, False, False, False, True
    ]
    assert workdays.is_provisional_span(date(2026, 12, 20), date(2027, 1, 4))
    assert not workdays.is_provisional_span(date(2026, 12, 1), date(2026, 12, 31))
    assert workdays.years_without_schedule(date(2026, 12, 20)) == [2027]


def test_the_provisional_holidays_are_holidays_in_every_official_year_under_the_same_law():
    # The 2024 revision of the 放假办法 has applied since 2025: each statutory day (and each day
    # in lieu of one falling on a weekend) is a day off in the State Council's schedule.
    import chinese_calendar

    for year in (2025, 2026):
        holidays = workdays.statutory_holidays(year)
        assert len([name for name in holidays.values() if "补假" not in name]) == 13
        assert [day for day in holidays if chinese_calendar.is_workday(day)] == []


@pytest.mark.parametrize(
    ("year", "spring", "qingming", "duanwu", "zhongqiu"),
    [
        (2027, date(2027, 2, 6), date(2027, 4, 5), date(2027, 6, 9), date(2027, 9, 15)),
        (2028, date(2028, 1, 26), date(2028, 4, 4), date(2028, 5, 28), date(2028, 10, 3)),
    ],
)
def test_lunar_and_solar_term_holidays_fall_on_their_dates(year, spring, qingming, duanwu, zhongqiu):
    holidays = workdays.statutory_holidays(year)
    assert holidays[spring - timedelta(days=1)] == "春节"  # 除夕
    assert holidays[qingming] == "清明节" and holidays[duanwu] == "端午节"
    assert zhongqiu in holidays
    # Four days for 国庆 and 中秋 even when they meet (2028: 中秋 is 10-03).
    assert len([name for name in holidays.values() if name in ("国庆节", "中秋节")]) == 4


@time_machine.travel(datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI))
def test_years_far_from_today_are_still_refused():
    with pytest.raises(UnknownCalendarYear) as raised:
        is_working_day(date(2028, 3, 1))
    assert "2028年距今超过一年" in str(raised.value)
    with pytest.raises(UnknownCalendarYear) as raised:
        is_working_day(date(2003, 3, 3))
    assert "2003年早于" in str(raised.value)


def test_it_uses_an_imported_year_and_then_crosses_into_it():
    actions.do_import_calendar_year(
        2027,
        {date(2027, 1, 1): (False, "元旦"), date(2027, 1, 4): (False, "元旦调休"), date(2027, 1, 9): (True, "调休上班")},
        source="测试安排",
        actor=None,
    )
    assert not is_working_day(date(2027, 1, 4))
    assert is_working_day(date(2027, 1, 9))
    assert is_working_day(date(2027, 1, 5))
    assert not is_working_day(date(2027, 1, 10))
    # 2026-12-31 is a Thursday; 2027-01-01 and 01-04 are off, so the first working day is 01-05.
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 5)
    assert working_days_between(date(2026, 12, 30), date(2027, 1, 9)) == 6  # 12-31, 1-5, 6, 7, 8, 9
    assert not workdays.is_provisional_year(2027)
    assert workdays.years_without_schedule(date(2026, 11, 26)) == []


def test_a_table_row_overrides_the_library(people):
    assert is_working_day(date(2026, 11, 27))
    actions.do_set_calendar_day(date(2026, 11, 27), is_working_day=False, name="防汛放假", actor=people.admin)
    assert not is_working_day(date(2026, 11, 27))
    actions.do_remove_calendar_day(CalendarDay.objects.get(date=date(2026, 11, 27)), actor=people.admin)
    assert is_working_day(date(2026, 11, 27))


def test_only_administrators_change_the_calendar(people):
    from minsheng.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        actions.do_set_calendar_day(date(2026, 11, 27), is_working_day=False, name="x", actor=people.huang)
    assert not CalendarDay.objects.exists()


def test_a_stage_is_due_at_midnight_after_its_nth_working_day():
    started = datetime(2026, 9, 30, 16, 45, tzinfo=SHANGHAI)
    assert due_at(started, 1) == datetime(2026, 10, 9, 0, 0, tzinfo=SHANGHAI)
    # A stage begun late on a Friday counts from Monday.
    assert due_at(datetime(2026, 11, 27, 23, 59, tzinfo=SHANGHAI), 1) == datetime(2026, 12, 1, tzinfo=SHANGHAI)


def test_a_stage_begun_before_midnight_utc_uses_the_shanghai_date():
    # 2026-09-30 17:00 UTC is already 10-01 01:00 in Shanghai: a holiday, so day 1 is 10-08.
    started = datetime(2026, 9, 30, 17, 0, tzinfo=ZoneInfo("UTC"))
    assert due_at(started, 1) == datetime(2026, 10, 9, tzinfo=SHANGHAI)


def test_next_years_missing_schedule_is_named_from_the_first_of_november():
    with time_machine.travel(datetime(2026, 10, 31, 9, 0, tzinfo=SHANGHAI)):
        assert workdays.years_without_schedule() == []
    with time_machine.travel(datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI)):
        assert workdays.years_without_schedule() == [2027]
    with time_machine.travel(datetime(2027, 1, 5, 9, 0, tzinfo=SHANGHAI)):
        assert workdays.years_without_schedule() == [2027]
    with time_machine.travel(datetime(2025, 6, 1, 9, 0, tzinfo=SHANGHAI)):
        assert workdays.years_without_schedule() == []


def test_a_holiday_is_a_day_off_in_a_run_with_a_weekday_off():
    # 2026 国庆中秋: 10-01 (Thu) to 10-07 off, the weekend inside included; 10-10 (Sat) a make-up day.
    assert [workdays.holiday_name(date(2026, 10, day)) for day in range(1, 8)] == ["国庆节"] * 7
    assert workdays.holiday_name(date(2026, 9, 30)) is None
    assert workdays.holiday_name(date(2026, 10, 8)) is None
    assert workdays.holiday_name(date(2026, 10, 11)) is None  # the Sunday after: a plain weekend
    assert workdays.holiday_name(date(2026, 11, 28)) is None
    assert workdays.is_make_up_working_day(date(2026, 10, 10))
    assert not workdays.is_make_up_working_day(date(2026, 10, 9))
    assert not workdays.is_make_up_working_day(date(2026, 10, 11))
    assert workdays.holiday_name(date(2026, 2, 17)) == "春节"
    assert workdays.holiday_name(date(2026, 2, 14)) is None  # a make-up Saturday before it


@time_machine.travel(datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI))
def test_a_provisional_years_holidays_are_named_from_the_law():
    assert workdays.holiday_name(date(2027, 1, 1)) == "元旦"
    assert workdays.holiday_name(date(2027, 10, 2)) == "国庆节"


def test_a_day_the_administrators_make_a_day_off_becomes_a_holiday(people):
    actions.do_set_calendar_day(date(2026, 11, 27), is_working_day=False, name="", actor=people.admin)
    assert workdays.holiday_name(date(2026, 11, 27)) == "节假日"
    assert workdays.holiday_name(date(2026, 11, 28)) == "节假日"  # its weekend joins it
    actions.do_set_calendar_day(date(2026, 11, 27), is_working_day=False, name="抗洪救灾", actor=people.admin)
    assert workdays.holiday_name(date(2026, 11, 29)) == "抗洪救灾"
