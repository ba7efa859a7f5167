"""Reads of the stations shared by the pages, the API and the benchmark: which stations are open
now, the nearest ones to a point (with amenity and open-now filters), a station's week and
holidays, the operator's work list."""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q

from minsheng.core import clock
from minsheng.core.errors import NotFound
from minsheng.org import workdays
from minsheng.core import geo
from minsheng.stations import hours, rules, timetable
from minsheng.stations.models import (
    Amenity,
    HolidayPlan,
    Place,
    Problem,
    Station,
    StationStatus,
)

NEAREST_LIMIT = 10
FIRST_RADIUS_M = 1000.0
WIDEST_RADIUS_M = 2_000_000.0  # past this the box is dropped: every station is a candidate


def public_stations():
    """Stations the public sees: in service or suspended for a while (shown as such), not closed."""
    return Station.objects.exclude(status=StationStatus.CLOSED)


def schedule_today(station: Station, kind: hours.DayKind) -> hours.DaySchedule:
    plans = {plan.date: plan for plan in station.holiday_plans.filter(date=kind.day)}
    return hours.schedule(hours.weekly_of(station), plans, kind)


def is_open(station: Station, at: datetime | None = None, *, kind: hours.DayKind | None = None) -> bool:
    """Open at the moment: in service and inside one of the day's spans."""
    day, minute = hours.local(at or clock.now())
    if station.status != StationStatus.OPEN:
        return False
    kind = kind if kind is not None and kind.day == day else hours.day_kind(day)
    return schedule_today(station, kind).open_at(minute)


def amenities_of(station: Station) -> list[str]:
    codes = getattr(station, "amenity_codes", None)
    if codes is None:
        codes = [row.code for row in station.amenity_rows.all()]
    return sorted(codes, key=Amenity.values.index)


@dataclass
class Found:
    station: Station
    distance_m: float
    open_now: bool


def _box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """A latitude/longitude box holding every point within radius_m of (lat, lng) on the sphere
    (the longitude half-width is the exact one for a small circle, asin(sin r / cos φ))."""
    angular = radius_m / geo.EARTH_RADIUS_M
    d_lat = math.degrees(angular)
    if abs(lat) + d_lat >= 89.9 or angular >= math.pi / 2:
        return lat - d_lat, lat + d_lat, -180.0, 180.0
    d_lng = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(lat)))))
    return lat - d_lat, lat + d_lat, lng - d_lng, lng + d_lng


def open_flags(ids, at: datetime, kind: hours.DayKind, weekly_by_station: dict | None = None) -> dict[int, bool]:
    """Whether each station in service among `ids` is open at `at`: its week from the timetable
    (or as given), the day's plans in one light query on a holiday."""
    _day, minute = hours.local(at)
    if weekly_by_station is None:
        weekly_by_station, _amenities = timetable.current()
    plans: dict[int, dict] = {}
    if kind.holiday:
        for plan in HolidayPlan.objects.filter(station_id__in=ids, date=kind.day).only("station_id", "date", "spans"):
            plans[plan.station_id] = {plan.date: plan}
    return {pk: hours.schedule(weekly_by_station.get(pk, {}), plans.get(pk, {}), kind).open_at(minute) for pk in ids}


def nearest(lat: float, lng: float, *, amenities=(), open_now: bool = False, limit: int = NEAREST_LIMIT,
            at: datetime | None = None) -> list[Found]:
    """The stations in service nearest to the WGS-84 point, closest first (ties by id), having every
    amenity asked for and, when asked, open at the moment. A box around the point grows fourfold
    until it holds `limit` matches within its inscribed circle: the cost is the neighbourhood's,
    not the register's. Hours and amenities come from the process's timetable (checked against
    the shared generation), so a request costs the box's query, the stations found and, on a
    holiday, their plans."""
    at = at or clock.now()
    day, _minute = hours.local(at)
    kind = hours.day_kind(day)
    weekly_by_station, amenities_by_station = timetable.current()
    wanted = frozenset(amenities)
    base = Station.objects.filter(status=StationStatus.OPEN).order_by()
    radius = FIRST_RADIUS_M
    while True:
        widest = radius >= WIDEST_RADIUS_M
        candidates = base
        if not widest:
            south, north, west, east = _box(lat, lng, radius)
            candidates = base.filter(latitude__gte=south, latitude__lte=north,
                                     longitude__gte=west, longitude__lte=east)
        rows = [(pk, s_lat, s_lng) for pk, s_lat, s_lng in candidates.values_list("pk", "latitude", "longitude")
                if wanted <= amenities_by_station.get(pk, frozenset())]
        measured = sorted((geo.haversine_m(lat, lng, float(s_lat), float(s_lng)), pk) for pk, s_lat, s_lng in rows)
        within = [(distance, pk) for distance, pk in measured if widest or distance <= radius]
        chosen = (_choose(within, limit, at, kind, weekly_by_station) if open_now
                  else [(d, pk, None) for d, pk in within[:limit]])
        if len(chosen) >= limit or widest:
            break
        radius *= 4
    ids = [pk for _d, pk, _o in chosen]
    flags = open_flags([pk for _d, pk, known in chosen if known is None], at, kind, weekly_by_station)
    stations = Station.objects.select_related("region").in_bulk(ids)
    found = []
    for distance, pk, known_open in chosen:
        station = stations[pk]
        station.amenity_codes = list(amenities_by_station.get(pk, ()))
        found.append(Found(station, distance, flags[pk] if known_open is None else known_open))
    return found


def _choose(within, limit, at, kind, weekly_by_station) -> list[tuple[float, int, bool]]:
    """The first `limit` of the measured candidates that are open at `at`, a slice at a time (on a
    holiday each slice reads its plans; most candidates near a point are open, so a slice or two does)."""
    chosen = []
    step = max(limit * 3, 30)
    for start in range(0, len(within), step):
        chunk = within[start:start + step]
        flags = open_flags([pk for _d, pk in chunk], at, kind, weekly_by_station)
        for distance, pk in chunk:
            if flags[pk]:
                chosen.append((distance, pk, True))
                if len(chosen) >= limit:
                    return chosen
    return chosen


def with_open_now(queryset, at: datetime | None = None) -> list[tuple[Station, bool]]:
    """The stations of `queryset` with whether each is open at `at` (the map, the GeoJSON, the
    operator's list): their week and amenities from the timetable, the day's plans in one query."""
    at = at or clock.now()
    kind = hours.day_kind(hours.local(at)[0])
    weekly_by_station, amenities_by_station = timetable.current()
    stations = list(queryset.select_related("region", "operator"))
    flags = open_flags([station.pk for station in stations if station.status == StationStatus.OPEN], at, kind,
                       weekly_by_station)
    for station in stations:
        station.amenity_codes = list(amenities_by_station.get(station.pk, ()))
    return [(station, flags.get(station.pk, False)) for station in stations]


def map_stations(*, amenities=(), open_now: bool = False, at: datetime | None = None) -> list[tuple[Station, bool]]:
    """Every public station with whether it is open now, filtered as asked (the map and the GeoJSON)."""
    queryset = public_stations()
    for code in amenities:
        queryset = queryset.filter(amenity_rows__code=code)
    return [(station, open_) for station, open_ in with_open_now(queryset.order_by("pk"), at) if open_ or not open_now]


def access_public_station(pk) -> Station:
    station = public_stations().select_related("region", "operator").filter(pk=pk).first()
    if station is None:
        raise NotFound("没有找到该驿站。")
    return station


def access_station(user, pk) -> Station:
    """A station its keeper may change (the same "not found" for one they may not)."""
    station = Station.objects.select_related("region", "operator").filter(pk=pk).first()
    if station is None or not rules.may_keep(user, station):
        raise NotFound("没有找到该驿站。")
    return station


def week(station: Station, today: date | None = None, days: int = 7) -> list[hours.DaySchedule]:
    """The next `days` days from today as the station keeps them (holidays and 调休 included)."""
    today = today or clock.today()
    weekly = hours.weekly_of(station)
    last = today + timedelta(days=days - 1)
    plans = {plan.date: plan for plan in station.holiday_plans.filter(date__gte=today, date__lte=last)}
    result = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        try:
            kind = hours.day_kind(day)
        except workdays.UnknownCalendarYear:
            break
        result.append(hours.schedule(weekly, plans, kind))
    return result


def upcoming_plans(station: Station, today: date | None = None):
    today = today or clock.today()
    return station.holiday_plans.filter(date__gte=today).order_by("date")[:14]


def upcoming_holidays(today: date | None = None, within_days: int = 120) -> list[tuple[date, str]]:
    """The holiday dates ahead (for the keeper's holiday plan form)."""
    today = today or clock.today()
    found = []
    for offset in range(within_days):
        day = today + timedelta(days=offset)
        try:
            name = workdays.holiday_name(day)
        except workdays.UnknownCalendarYear:
            break
        if name:
            found.append((day, name))
    return found


def stations_kept_by(user):
    if not rules.may_keep_any(user):
        return Station.objects.none()
    from minsheng.org.access import in_jurisdiction_q

    if user.has_role(*rules.OVERSEERS):
        return Station.objects.filter(Q(operator=user.department_id) | in_jurisdiction_q(user))
    return Station.objects.filter(operator=user.department_id)


def open_problems(stations):
    return (Problem.objects.filter(station__in=stations, fixed_on__isnull=True)
            .select_related("station", "inspection", "item").order_by("deadline", "pk"))


def find_places(text: str, limit: int = 8):
    text = (text or "").strip()
    if not text:
        return []
    places = list(Place.objects.filter(name__icontains=text)[:limit])
    if len(places) < limit:
        stations = public_stations().filter(Q(name__icontains=text) | Q(address__icontains=text))[:limit - len(places)]
        places += [Place(name=f"{station.name}（{station.address}）", region=station.region,
                         latitude=station.latitude, longitude=station.longitude) for station in stations]
    return places


@dataclass
class Work:
    stations: int
    open_problems: int
    late_problems: int
    open_feedback: int


def work_for(user, today: date) -> Work | None:
    """What the staff home page shows an operator unit's staff of their stations; None for anyone
    whose unit runs none."""
    from minsheng.cases.models import OPEN_STATES

    if user.department_id is None:
        return None
    stations = Station.objects.filter(operator=user.department_id).exclude(status=StationStatus.CLOSED)
    count = stations.count()
    if not count:
        return None
    problems = Problem.objects.filter(station__in=stations, fixed_on__isnull=True)
    return Work(stations=count, open_problems=problems.count(), late_problems=problems.filter(deadline__lt=today).count(),
                open_feedback=stations.filter(case_links__case__state__in=OPEN_STATES).count())
