"""Opening hours as typed, and whether a station is open at a moment: weekdays, holidays with and
without the station's plan, 调休 Saturdays (the working-day calendar decides each)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from minsheng.core.errors import ActionError
from minsheng.stations import actions, hours, queries
from minsheng.stations.models import EventKind, StationEvent, StationStatus
from minsheng.testing import make_station

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = {0: "07:00-12:00，14:00-20:00", 1: "07:00-20:00", 2: "07:00-20:00", 3: "07:00-20:00", 4: "07:00-20:00",
        5: "09:00-17:00", 6: "休息"}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_it_reads_the_spans_people_type():
    assert hours.parse_spans("07:00-12:00，14:00-20:00", field="f", label="周一") == ((420, 720), (840, 1200))
    assert hours.parse_spans("8：30 至 17：30", field="f", label="周一") == ((510, 1050),)
    assert hours.parse_spans("全天", field="f", label="周一") == ((0, 1440),)
    assert hours.parse_spans("00:00-24:00", field="f", label="周一") == ((0, 1440),)
    assert hours.parse_spans("休息", field="f", label="周一") == ()
    assert hours.spans_text(((420, 720), (840, 1200))) == "07:00-12:00，14:00-20:00"


@pytest.mark.parametrize("typed, words", [
    ("12:00-08:00", "结束时间不晚于开始时间"),
    ("08:00-08:00", "结束时间不晚于开始时间"),
    ("08:00-12:00，11:00-14:00", "重叠"),
    ("25:00-26:00", "时间不存在"),
    ("08:60-09:00", "时间不存在"),
    ("24:30-24:40", "时间不存在"),
    ("早上八点到晚上", "不是开放时段"),
])
def test_it_refuses_hours_that_cannot_be(typed, words):
    with pytest.raises(ActionError) as refused:
        hours.parse_spans(typed, field="hours_0", label="周一开放时间")
    assert words in refused.value.message and "周一开放时间" in refused.value.message
    assert refused.value.field == "hours_0"


def test_setting_the_week_is_all_or_nothing(people, keepers):
    station = make_station(people, operator=keepers.xunyang_urban, weekly=WEEK)
    before = list(station.hours.values_list("weekday", "opens", "closes"))
    with pytest.raises(ActionError) as refused:
        actions.do_set_hours(station, weekly={**WEEK, 4: "18:00-09:00"}, actor=keepers.qian)
    assert refused.value.field == "hours_4" and "周五" in refused.value.message
    assert list(station.hours.values_list("weekday", "opens", "closes")) == before
    event = StationEvent.objects.filter(station=station, kind=EventKind.HOURS).last()
    assert event.data["new"]["0"] == [[420, 720], [840, 1200]] and "6" not in event.data["new"]


def test_open_now_follows_the_weekday(people, keepers):
    station = make_station(people, operator=keepers.xunyang_urban, weekly=WEEK)
    # 2026-11-30 is a Monday: open in the morning, closed over the midday break, open again.
    assert queries.is_open(station, at(2026, 11, 30, 7, 0))
    assert not queries.is_open(station, at(2026, 11, 30, 6, 59))
    assert not queries.is_open(station, at(2026, 11, 30, 12, 30))
    assert queries.is_open(station, at(2026, 11, 30, 19, 59))
    assert not queries.is_open(station, at(2026, 11, 30, 20, 0))
    assert queries.is_open(station, at(2026, 12, 5, 12, 0))  # Saturday 09-17
    assert not queries.is_open(station, at(2026, 12, 6, 12, 0))  # Sunday: closed
    # Times are the city's: 04:30 UTC is 12:30 in 九江.
    assert not queries.is_open(station, datetime(2026, 11, 30, 4, 30, tzinfo=ZoneInfo("UTC")))


def test_a_suspended_station_is_never_open(people, keepers):
    station = make_station(people, operator=keepers.xunyang_urban, weekly=WEEK)
    actions.do_set_station_status(station, status=StationStatus.SUSPENDED, note="热水器维修", actor=keepers.qian)
    station.refresh_from_db()
    assert not queries.is_open(station, at(2026, 12, 1, 10, 0))


def test_a_holiday_uses_the_stations_plan(people, keepers):
    station = make_station(people, operator=keepers.xunyang_urban, weekly=WEEK)
    # 2026-10-01 (Thursday) to 10-07 is 国庆中秋. Without a plan the weekday's hours stand, marked.
    kind = hours.day_kind(date(2026, 10, 4))  # a Sunday inside the holiday
    assert kind.holiday == "国庆节"
    assert not queries.is_open(station, at(2026, 10, 4, 12, 0))
    assert "安排未公布" in queries.week(station, date(2026, 10, 4), days=1)[0].words
    actions.do_plan_holiday(station, day=date(2026, 10, 4), spans="08:00-18:00", duty_staff="王芳、志愿者李强",
                            duty_phone="0792-8221234", services="饮用水、医药箱、雨伞、应急充电", actor=keepers.qian)
    station.refresh_from_db()
    assert queries.is_open(station, at(2026, 10, 4, 12, 0))
    assert not queries.is_open(station, at(2026, 10, 4, 18, 0))
    actions.do_plan_holiday(station, day=date(2026, 10, 1), spans="休息", actor=keepers.qian)
    assert not queries.is_open(station, at(2026, 10, 1, 10, 0))  # a Thursday, but closed for the holiday


def test_a_make_up_saturday_keeps_mondays_hours(people, keepers):
    station = make_station(people, operator=keepers.xunyang_urban, weekly=WEEK)
    # 2026-10-10 is a Saturday worked (调休): Monday's hours, with its midday break, not Saturday's.
    assert hours.day_kind(date(2026, 10, 10)).make_up
    assert queries.is_open(station, at(2026, 10, 10, 7, 30))
    assert not queries.is_open(station, at(2026, 10, 10, 12, 30))
    assert queries.is_open(station, at(2026, 10, 10, 19, 0))
    assert not queries.is_open(station, at(2026, 12, 5, 19, 0))  # an ordinary Saturday closes at 17:00


@time_machine.travel(at(2026, 10, 4, 12, 0))
def test_the_week_ahead_names_the_holiday_and_the_make_up_day(people, keepers):
    station = make_station(people, operator=keepers.xunyang_urban, weekly=WEEK)
    days = queries.week(station, days=7)
    assert [day.holiday for day in days] == ["国庆节"] * 4 + [None] * 3
    assert [day.make_up for day in days] == [False] * 6 + [True]


def test_holiday_duty_only_on_a_holiday(people, keepers):
    station = make_station(people, operator=keepers.xunyang_urban)
    for day, kind in ((date(2026, 12, 2), "工作日"), (date(2026, 12, 5), "普通周末"), (date(2026, 10, 10), "调休上班日")):
        with pytest.raises(ActionError) as refused:
            actions.do_plan_holiday(station, day=day, spans="08:00-18:00", duty_staff="王芳", duty_phone="0792-8221234",
                                    actor=keepers.qian)
        assert refused.value.field == "date" and kind in refused.value.message and "不是节假日" in refused.value.message
    with pytest.raises(ActionError) as refused:
        actions.do_plan_holiday(station, day=date(2026, 10, 2), spans="08:00-18:00", actor=keepers.qian)
    assert refused.value.field == "duty_staff"
    assert not station.holiday_plans.exists()


def test_the_nearest_search_sees_changed_hours_at_once(people, keepers):
    """The search reads each process's timetable; every change of the week reaches it at once,
    and a change another process made (its generation bumped in the shared cache) as well."""
    from django.core.cache import cache

    from minsheng.stations import timetable
    from minsheng.stations.models import OpeningHours

    station = make_station(people, operator=keepers.xunyang_urban, weekly={day: "07:00-12:00" for day in range(7)})
    afternoon = at(2026, 12, 2, 15, 0)
    assert queries.nearest(29.7145, 115.9890, open_now=True, at=afternoon) == []
    actions.do_set_hours(station, weekly={day: "07:00-20:00" for day in range(7)}, actor=keepers.qian)
    assert [found.station for found in queries.nearest(29.7145, 115.9890, open_now=True, at=afternoon)] == [station]
    OpeningHours.objects.filter(station=station).update(closes=720)  # another process's change…
    cache.set(timetable.GENERATION_KEY, "elsewhere", None)  # …and its bump
    assert queries.nearest(29.7145, 115.9890, open_now=True, at=afternoon) == []
    actions.do_update_station(station, name=station.name, address=station.address, latitude=station.latitude,
                              longitude=station.longitude, amenities=["toilet"], actor=keepers.qian)
    assert queries.nearest(29.7145, 115.9890, amenities=["hot-water"], at=afternoon) == []
