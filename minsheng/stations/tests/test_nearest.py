"""The nearest stations to a point (the public "find a station" and the API): closest first,
ties by id, only stations in service, having every amenity asked for and, when asked, open at
the moment — on ordinary days, on a holiday with or without the station's plan, on a 调休
Saturday. The growing search box must never change the answer: against a fixed register of
stations, whatever the point, filters, limit and moment, it equals the brute-force answer."""

import math
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from minsheng.org.models import RegionLevel
from minsheng.core import geo
from minsheng.stations import actions, queries
from minsheng.stations.models import (
    HolidayPlan,
    OpeningHours,
    Station,
    StationAmenity,
    StationStatus,
)
from minsheng.testing import XUNYANG_POINT, make_region, make_station

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")
CODES = ("toilet", "hot-water", "wifi", "charging", "umbrella", "medicine")
NATIONAL_DAY = date(2026, 10, 4)  # a Sunday inside 国庆节
MAKE_UP_SATURDAY = date(2026, 10, 10)  # 调休: Monday's hours
DAYS = (
    NATIONAL_DAY,
    date(2026, 10, 1),  # 国庆节, a Thursday
    MAKE_UP_SATURDAY,
    date(2026, 11, 30),  # a Monday
    date(2026, 12, 2),  # a Wednesday
    date(2026, 12, 5),  # an ordinary Saturday
    date(2026, 12, 6),  # an ordinary Sunday
)
# Weekly hours, {weekday: [(opens, closes), ...]} in minutes.
WHOLE_WEEK = {day: [(0, 1440)] for day in range(7)}
DAYTIME = {day: [(420, 1260)] for day in range(7)}
OFFICE = {**{day: [(420, 720), (840, 1200)] for day in range(5)}, 5: [(540, 1020)]}
SHUT_ON_MONDAYS = {day: [(480, 1080)] for day in range(1, 7)}
MONDAY_MORNINGS = {0: [(360, 600)], 3: [(600, 1440)]}
NO_HOURS: dict = {}
PATTERNS = (WHOLE_WEEK, DAYTIME, OFFICE, SHUT_ON_MONDAYS, MONDAY_MORNINGS, NO_HOURS)
# Holiday plans: closed that day, daytime, all day (None: no plan, the weekday's hours stand).
PLANS = (None, None, [], [[480, 1080]], [[0, 1440]])
# Stations outside the city centre, in the other counties.
FAR = (
    ("武宁县", "360423", 29.256, 115.10),
    ("修水县", "360424", 29.025, 114.547),
    ("湖口县", "360429", 29.731, 116.251),
    ("彭泽县", "360430", 29.896, 116.549),
    ("瑞昌市", "360481", 29.676, 115.681),
    ("都昌县", "360428", 29.274, 116.204),
)


def at(*args, tz=SHANGHAI) -> datetime:
    return datetime(*args, tzinfo=tz)


@pytest.fixture
def register(people, keepers):
    """60 stations: 54 over central 浔阳区 and 濂溪区 (two of them on the same spot, to make a tie),
    six in other counties; varied amenities and hours, some with plans for the holiday, some
    suspended or closed. Written in bulk (test data, not the register's path)."""
    rng = random.Random(20261004)
    rows = []
    for index in range(54):
        lat = Decimal(f"{rng.uniform(29.64, 29.74):.6f}")
        lng = Decimal(f"{rng.uniform(115.93, 116.06):.6f}")
        if index == 53:
            lat, lng = rows[10][1], rows[10][2]  # the same spot as another: ties go by id
        region = people.xunyang if lng < Decimal("116.0") else keepers.lianxi
        rows.append((f"测试驿站{index:02d}", lat, lng, region))
    for name, code, lat, lng in FAR:
        region = make_region(code, name, RegionLevel.COUNTY, people.city)
        rows.append((f"{name}驿站", Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}"), region))
    statuses = [StationStatus.OPEN] * 50 + [StationStatus.SUSPENDED] * 6 + [StationStatus.CLOSED] * 4
    rng.shuffle(statuses)
    Station.objects.bulk_create(
        Station(name=name, region=region, address=f"{region.name}某路", latitude=lat, longitude=lng,
                operator=keepers.xunyang_urban, status=status,
                status_note="" if status == StationStatus.OPEN else "维修")
        for (name, lat, lng, region), status in zip(rows, statuses, strict=True)
    )
    stations = list(Station.objects.order_by("pk"))
    assert len(stations) == 60
    amenities, hours, plans = [], [], []
    for station in stations:
        amenities += [StationAmenity(station=station, code=code) for code in CODES if rng.random() < 0.55]
        weekly = rng.choice(PATTERNS)
        hours += [OpeningHours(station=station, weekday=day, opens=opens, closes=closes)
                  for day, spans in weekly.items() for opens, closes in spans]
        for day in (NATIONAL_DAY, date(2026, 10, 1)):
            spans = rng.choice(PLANS)
            if spans is not None:
                plans.append(HolidayPlan(station=station, date=day, holiday="国庆节", spans=spans,
                                         duty_staff="值班员" if spans else "", duty_phone="0792-8221234" if spans else ""))
    StationAmenity.objects.bulk_create(amenities)
    OpeningHours.objects.bulk_create(hours)
    HolidayPlan.objects.bulk_create(plans)
    return stations


def brute_force(stations, lat, lng, *, amenities, open_now, limit, moment):
    """Every station, one by one: in service, every amenity, open if asked; by distance then id."""
    found = []
    for station in Station.objects.prefetch_related("amenity_rows").order_by("pk"):
        has = {row.code for row in station.amenity_rows.all()}
        if station.status != StationStatus.OPEN or not set(amenities) <= has:
            continue
        if open_now and not queries.is_open(station, moment):
            continue
        found.append((geo.haversine_m(lat, lng, float(station.latitude), float(station.longitude)), station.pk))
    found.sort()
    return found[:limit]


def microdegrees(south, north, west, east):
    return st.tuples(st.integers(int(south * 1e6), int(north * 1e6)),
                     st.integers(int(west * 1e6), int(east * 1e6))).map(lambda p: (p[0] / 1e6, p[1] / 1e6))


points = st.one_of(
    microdegrees(29.55, 29.85, 115.85, 116.15),  # in and just around the centre
    microdegrees(29.60, 29.78, 115.90, 116.09),  # among the central stations
    microdegrees(28.0, 31.5, 112.5, 118.5),  # the prefecture and 50+ km beyond
    st.tuples(st.floats(28.0, 31.5), st.floats(112.5, 118.5)),
    st.sampled_from([
        (39.9042, 116.4074),  # 北京, over a thousand kilometres away
        (-33.8688, 151.2093),  # the other side of the Earth
        (85.0, 10.0),  # near the pole: the box takes every longitude
        XUNYANG_POINT,
    ]),
)
moments = st.builds(
    lambda day, minute, in_utc: (datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
                                 + timedelta(minutes=minute)).astimezone(UTC if in_utc else SHANGHAI),
    st.sampled_from(DAYS), st.integers(0, 1439), st.booleans(),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(point=points, wanted=st.sets(st.sampled_from(CODES), max_size=3), open_now=st.booleans(),
       limit=st.integers(1, 15), moment=moments, exact_spot=st.booleans())
def test_nearest_is_the_brute_force_answer(register, point, wanted, open_now, limit, moment, exact_spot):
    lat, lng = point
    if exact_spot:  # standing on the spot two stations share
        lat, lng = float(register[10].latitude), float(register[10].longitude)
    amenities = sorted(wanted)
    found = queries.nearest(lat, lng, amenities=amenities, open_now=open_now, limit=limit, at=moment)
    expected = brute_force(register, lat, lng, amenities=amenities, open_now=open_now, limit=limit, moment=moment)
    event(f"{min(len(expected), 3)}{'+' if len(expected) >= 3 else ''} found, open_now={open_now}")
    assert [item.station.pk for item in found] == [pk for _distance, pk in expected]
    assert [item.distance_m for item in found] == pytest.approx([distance for distance, _pk in expected], abs=1e-6)
    for item in found:
        assert item.open_now == queries.is_open(Station.objects.get(pk=item.station.pk), moment)


def test_the_two_stations_on_one_spot_come_by_id(register):
    spot = register[10]
    twins = sorted(station.pk for station in register if (station.latitude, station.longitude) == (spot.latitude, spot.longitude))
    assert len(twins) == 2
    Station.objects.filter(pk__in=twins).update(status=StationStatus.OPEN)
    found = queries.nearest(float(spot.latitude), float(spot.longitude), limit=2, at=at(2026, 12, 2, 10, 0))
    assert [item.station.pk for item in found] == twins
    assert [item.distance_m for item in found] == [0.0, 0.0]


# --- plain cases ------------------------------------------------------------------------------

METRES_PER_DEGREE = geo.EARTH_RADIUS_M * math.pi / 180  # along a meridian: 111 195 m


def south_of(point, metres):
    """The point `metres` due south (along the meridian the distance is the angle times the radius)."""
    return point[0] - metres / METRES_PER_DEGREE, point[1]


@pytest.fixture
def two_stations(people, keepers):
    """The asker stands at 花果园北路; 1 km south is a station with a toilet only, 3 km south one
    with hot water as well."""
    near = make_station(people, name="近站", operator=keepers.xunyang_urban, amenities=["toilet"],
                        point=south_of(XUNYANG_POINT, 1000))
    far = make_station(people, name="远站", operator=keepers.xunyang_urban, amenities=["toilet", "hot-water"],
                       point=south_of(XUNYANG_POINT, 3000))
    return near, far


def test_the_nearer_station_comes_first(two_stations):
    near, far = two_stations
    found = queries.nearest(*XUNYANG_POINT, at=at(2026, 12, 2, 10, 0))
    assert [item.station for item in found] == [near, far]
    assert all(item.open_now for item in found)


def test_the_hot_water_filter_skips_the_nearer_station_without_it(two_stations):
    near, far = two_stations
    found = queries.nearest(*XUNYANG_POINT, amenities=["hot-water"], at=at(2026, 12, 2, 10, 0))
    assert [item.station for item in found] == [far]
    assert [item.station for item in queries.nearest(*XUNYANG_POINT, amenities=["hot-water", "wifi"])] == []


def test_open_now_skips_a_station_closed_at_that_moment(people, keepers, two_stations):
    near, far = two_stations
    actions.do_set_hours(near, weekly={day: "07:00-12:00" for day in range(7)}, actor=keepers.qian)
    afternoon = at(2026, 12, 2, 15, 0)
    assert [item.station for item in queries.nearest(*XUNYANG_POINT, open_now=True, at=afternoon)] == [far]
    shown = queries.nearest(*XUNYANG_POINT, open_now=False, at=afternoon)
    assert [(item.station, item.open_now) for item in shown] == [(near, False), (far, True)]
    morning = at(2026, 12, 2, 9, 0)
    assert [item.station for item in queries.nearest(*XUNYANG_POINT, open_now=True, at=morning)] == [near, far]


@pytest.mark.parametrize("status", [StationStatus.SUSPENDED, StationStatus.CLOSED])
def test_a_station_out_of_service_never_appears(people, keepers, two_stations, status):
    near, far = two_stations
    actions.do_set_station_status(near, status=status, note="暂停维修", actor=keepers.qian)
    for open_now in (False, True):
        found = queries.nearest(*XUNYANG_POINT, open_now=open_now, limit=15, at=at(2026, 12, 2, 10, 0))
        assert [item.station for item in found] == [far]
    # From 50 km away, where the search box has to grow, it still does not come back.
    assert [item.station for item in queries.nearest(29.25, 115.99, limit=15)] == [far]


def test_the_distance_is_the_great_circle_distance_within_a_metre(two_stations):
    near, far = two_stations
    found = queries.nearest(*XUNYANG_POINT, at=at(2026, 12, 2, 10, 0))
    # Due south along the meridian: the distance is the angle times the Earth's mean radius.
    assert found[0].distance_m == pytest.approx(1000, abs=1)
    assert found[1].distance_m == pytest.approx(3000, abs=1)
    # From a point off to the north-east, by the haversine formula written out.
    lat1, lng1 = 29.7301, 116.0123
    found = queries.nearest(lat1, lng1, at=at(2026, 12, 2, 10, 0))
    for item in found:
        lat2, lng2 = float(item.station.latitude), float(item.station.longitude)
        phi1, phi2 = math.radians(lat1), math.radians(lat2)
        a = (math.sin((phi2 - phi1) / 2) ** 2
             + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2)
        assert item.distance_m == pytest.approx(2 * 6371008.8 * math.asin(math.sqrt(a)), abs=1)
    assert 2000 < found[0].distance_m < 6000  # about 3 km: a sanity check on the scale
