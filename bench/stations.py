"""The city stations' nearest search (issue 15), on PostgreSQL with 10,000 stations.

Target (issue 15): the nearest stations among 10,000 under 20 ms.
- "nearest" is queries.nearest, what the public finder and `GET /api/v1/stations/nearest` run:
  a box around the point on the partial (latitude, longitude) index of stations in service,
  grown fourfold until it holds ten matches within its inscribed circle, the haversine distances
  in Python, then the ten stations with their hours and the day's holiday plan (open-now).
  Measured from 300 points: 80 % in the central districts, 20 % anywhere in the city (a county
  town, a village far from any station), three ways: no filter; hot water; hot water and open
  now at 12:00 on a holiday (2026-10-04, 国庆) when a fifth of the stations have a plan.
- The API request as a phone sends it (`/api/v1/stations/nearest?lat=&lng=&amenity=hot-water&open_now=true`,
  through the test client: routing, validation, the point-in-the-city check, GeoJSON) for information.

Data, inserted with SQL before the runs and removed after: 10,000 stations, 70 % in and around
the central districts (浔阳区, 濂溪区, 柴桑区), 30 % near the other county towns; each with 4-10 of
the amenities (hot water at 60 %), a week of hours (a fifth round the clock, a tenth closed on
Sundays) and, for a fifth of them, the holiday's plan. Writes bench/results/stations.json and
stations.md."""

import io
import os
import random
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo


from bench.cases import Run, markdown_notes, markdown_results, markdown_run_line, record_run, summary

N_STATIONS = 10_000
N_POINTS = 300
TARGET_MS = 20
SEED = 15
SHANGHAI = ZoneInfo("Asia/Shanghai")
HOLIDAY_NOON = datetime(2026, 10, 4, 12, 0, tzinfo=SHANGHAI)
OPERATOR = "城市驿站运营中心（基准测试）"
CENTRAL = (29.60, 29.76, 115.88, 116.10)  # south, north, west, east
TOWNS = [(29.2560, 115.1000), (29.0250, 114.5470), (29.0210, 115.8090), (29.3130, 115.7560), (29.2730, 116.2040),
         (29.7386, 116.2442), (29.8960, 116.5500), (29.6760, 115.6810), (29.2480, 115.8080), (29.4480, 116.0450)]
AMENITIES = ["toilet", "accessible-toilet", "microwave", "tea", "rest", "reading", "store", "medicine", "umbrella",
             "charging", "wifi", "red-reading", "baby-care", "air-conditioning", "tourist-guide"]


def _point(rng: random.Random, *, central_share: float) -> tuple[float, float]:
    if rng.random() < central_share:
        south, north, west, east = CENTRAL
        return rng.uniform(south, north), rng.uniform(west, east)
    lat, lng = rng.choice(TOWNS)
    return lat + rng.gauss(0, 0.03), lng + rng.gauss(0, 0.03)


def _prepare(log) -> dict:
    from django.db import connection

    from minsheng.org.models import Department, Region, RegionLevel
    from minsheng.stations.models import HolidayPlan, OpeningHours, Station, StationAmenity

    _remove()
    city, _ = Region.objects.get_or_create(code="360400", defaults={"name": "九江市", "short_name": "九江",
                                                                     "level": RegionLevel.CITY})
    district, _ = Region.objects.get_or_create(code="360403", defaults={"name": "浔阳区", "short_name": "浔阳",
                                                                         "level": RegionLevel.COUNTY, "parent": city})
    operator = Department.objects.create(name=OPERATOR, region=district)
    rng = random.Random(SEED)
    started = time.perf_counter()
    stations = []
    for n in range(N_STATIONS):
        lat, lng = _point(rng, central_share=0.7)
        stations.append(Station(name=f"基准驿站{n + 1:05d}", region=district, address=f"基准测试路{n + 1}号",
                                latitude=f"{lat:.6f}", longitude=f"{lng:.6f}", operator=operator,
                                status="open" if rng.random() > 0.03 else "suspended"))
    Station.objects.bulk_create(stations, batch_size=2000)
    amenities, hours, plans = [], [], []
    for station in stations:
        codes = set(rng.sample(AMENITIES, rng.randint(3, 9)))
        if rng.random() < 0.6:
            codes.add("hot-water")
        amenities += [StationAmenity(station=station, code=code) for code in codes]
        shape = rng.random()
        for weekday in range(7):
            if shape < 0.2:
                hours.append(OpeningHours(station=station, weekday=weekday, opens=0, closes=1440))
            elif shape < 0.3 and weekday == 6:
                continue
            else:
                hours.append(OpeningHours(station=station, weekday=weekday, opens=390, closes=1260))
        if rng.random() < 0.2:
            closed = rng.random() < 0.2
            plans.append(HolidayPlan(station=station, date=HOLIDAY_NOON.date(), holiday="国庆节",
                                     spans=[] if closed else [[480, 1080]], duty_staff="" if closed else "值守人员",
                                     duty_phone="" if closed else "0792-8226001"))
    StationAmenity.objects.bulk_create(amenities, batch_size=5000)
    OpeningHours.objects.bulk_create(hours, batch_size=5000)
    HolidayPlan.objects.bulk_create(plans, batch_size=5000)
    with connection.cursor() as cursor:
        # VACUUM too: each run deletes the last run's 10,000 stations, whose dead index entries
        # would otherwise be read by every box (a register in service deletes next to nothing).
        for table in ("stations_station", "stations_stationamenity", "stations_openinghours", "stations_holidayplan"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    from minsheng.stations import timetable

    timetable.changed()  # rows written past the actions
    log(f"prepared {N_STATIONS:,} stations, {len(amenities):,} amenities, {len(hours):,} opening spans, "
        f"{len(plans):,} holiday plans in {time.perf_counter() - started:.0f} s")
    return {"stations": N_STATIONS, "amenities": len(amenities), "hours": len(hours), "plans": len(plans)}


def _remove() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM stations_holidayplan WHERE station_id IN (SELECT s.id FROM stations_station s "
                       "JOIN org_department d ON d.id = s.operator_id WHERE d.name = %s)", [OPERATOR])
        for table in ("stations_stationamenity", "stations_openinghours"):
            cursor.execute(f"DELETE FROM {table} WHERE station_id IN (SELECT s.id FROM stations_station s "  # noqa: S608
                           "JOIN org_department d ON d.id = s.operator_id WHERE d.name = %s)", [OPERATOR])
        cursor.execute("DELETE FROM stations_station WHERE operator_id IN (SELECT id FROM org_department WHERE name = %s)",
                       [OPERATOR])
        cursor.execute("DELETE FROM org_department WHERE name = %s", [OPERATOR])


def _measure(run: Run) -> None:
    from django.test import Client

    from minsheng.core import clock
    from minsheng.stations import queries

    rng = random.Random(SEED + 1)
    points = [_point(rng, central_share=0.8) for _ in range(N_POINTS)]
    ways = [
        ("nearest.plain", "the 10 nearest, no filter", {}),
        ("nearest.hot_water", "the 10 nearest with hot water", {"amenities": ["hot-water"]}),
        ("nearest.open_hot_water", "the 10 nearest with hot water open at 12:00 on a holiday (国庆)",
         {"amenities": ["hot-water"], "open_now": True}),
    ]
    with clock.fixed(HOLIDAY_NOON):
        for lat, lng in points[:20]:  # warm-up: the calendar's year, the plans, the connection
            queries.nearest(lat, lng, amenities=["hot-water"], open_now=True)
        for key, label, options in ways:
            samples, sizes = [], []
            for lat, lng in points:
                started = time.perf_counter()
                found = queries.nearest(lat, lng, **options)
                samples.append(time.perf_counter() - started)
                sizes.append(found[-1].distance_m if found else 0)
            sizes.sort()
            run.result(key, f"queries.nearest: {label}", summary(samples), target_ms=TARGET_MS,
                       median_farthest_m=round(sizes[len(sizes) // 2]))
        client = Client()
        samples = []
        for lat, lng in points[:200]:
            started = time.perf_counter()
            response = client.get("/api/v1/stations/nearest", {"lat": f"{lat:.6f}", "lng": f"{lng:.6f}",
                                                               "amenity": "hot-water", "open_now": "true"})
            samples.append(time.perf_counter() - started)
            if response.status_code not in (200, 400):  # 400: a point the outlines put outside the city
                raise RuntimeError(f"{response.status_code} {response.content[:200]}")
        run.result("api.nearest", "GET /api/v1/stations/nearest (hot water, open now), through the test client",
                   summary(samples), scope="info")


def findings(run: Run) -> list[str]:
    by = {r["id"]: r for r in run.results}
    rows = [by[key] for key in ("nearest.plain", "nearest.hot_water", "nearest.open_hot_water")]
    return [f"Among {N_STATIONS:,} stations the nearest ten take {rows[0]['median_ms']:.1f} ms (median; p95 "
            f"{rows[0]['p95_ms']:.1f} ms), with hot water {rows[1]['median_ms']:.1f} ms, with hot water and open at "
            f"noon on a holiday {rows[2]['median_ms']:.1f} ms (p95 {rows[2]['p95_ms']:.1f} ms); the API request "
            f"{by['api.nearest']['median_ms']:.1f} ms. Target (< {TARGET_MS} ms): "
            f"{'met' if all(row['pass'] for row in rows) else 'NOT met'}."]


def markdown(doc: dict) -> str:
    out = io.StringIO()
    w = lambda line="": out.write(line + "\n")  # noqa: E731
    w("# City stations benchmarks (issue 15)")
    w()
    w(markdown_run_line(doc, setting="jit", module="stations"))
    for line in markdown_results(doc, (("issue", "The issue's target"), ("info", "For information"))):
        w(line)
    for line in markdown_notes(doc):
        w(line)
    return out.getvalue()


def run(args, log=print) -> dict:
    started = time.perf_counter()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    bench = Run(args, log)
    bench.notes = [
        "Stations inserted with bulk_create before the runs and removed after (bench/stations.py); warm caches, one "
        "client, the clock fixed at 12:00 on 2026-10-04 (国庆) for every measurement.",
    ]
    generation = {"stations": N_STATIONS, "seed": SEED, "made": date.today().isoformat()}
    try:
        bench.subjects.update(_prepare(log))
        _measure(bench)
    finally:
        _remove()
    return record_run(bench, "stations", 15, generation=generation, started=started, load_at_start=load_at_start,
                      findings=findings, markdown=markdown)



